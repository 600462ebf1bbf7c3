/*
 * cpu/disasm_mnemonic.h - the disassembler's view of one instruction, shared
 * by cpu/disasm.c (operands, the whole line), cpu/disasm_mnemonic.c (the
 * mnemonic, its size suffix and the prefixes named in front of it) and
 * cpu/disasm_x87.c (the x87 escapes).
 */
#ifndef CPU_DISASM_MNEMONIC_H
#define CPU_DISASM_MNEMONIC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"

#define MAX_OPERANDS 3

struct operand {
	char text[80];
	char method, type;  /* of the spec, "Ev": 'E', 'v'; 0 for a named register */
	unsigned size;      /* in bytes; 0 when the instruction gives none (LEA) */
	bool mem;           /* a memory operand */
	bool shows_size;    /* its text tells the size (%eax; Intel's DWORD PTR) */
	bool hidden;        /* implicit, not printed (AT&T's shift count 1, EFLAGS) */
};

struct dis {
	const uint8_t *bytes;
	struct insn i;
	const struct opdesc *d;
	const char *name, *spec;   /* d's, or objdump's for an alias (see disasm_alias) */
	char namebuf[24];          /* for a name made here (x87) */
	uint32_t eip;
	bool code32, intel;
	disasm_symbolize_fn *symbolize;
	void *ctx;

	unsigned npfx;             /* prefix bytes before the opcode */
	unsigned opbytes;          /* opcode bytes: 1, or 2 for 0F xx */
	bool seg_prefix;           /* a segment override to show on the memory operand */
	/* The prefixes the instruction consumed; the others are named in front
	 * of the mnemonic, as objdump does ("data16", "cs", "repz"). */
	bool uses_osize, uses_asize, uses_seg, uses_rep;

	bool bad;                  /* an operand the encoding cannot have */
	struct operand op[MAX_OPERANDS];
	unsigned nops, nimm;
};

/* Set name and spec, and what the prefixes do, before the operands are read. */
void disasm_alias(struct dis *s);
void disasm_prefixes(struct dis *s);
/* The same for the x87 escapes D8-DF (cpu/disasm_x87.c); false for others. */
bool disasm_x87(struct dis *s);

/* Whether AT&T syntax keeps the Intel order of the operands. */
bool disasm_keeps_order(const struct dis *s);

/* Prefixes, mnemonic and size suffix, once the operands are read. */
void disasm_mnemonic(struct dis *s, char *buf, size_t cap);

#endif
