/*
 * cpu/decode.h - the instruction decoder (SDM Vol. 2A, chapter 2 and
 * Appendix A).  The opcode maps themselves are in cpu/opcodes.c; the same
 * tables drive the disassembler (cpu/disasm.c).
 */
#ifndef CPU_DECODE_H
#define CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/insn.h"

#define MAX_INSN_LEN 15

/* An opcode-map entry. */
struct opdesc {
	const char *name;          /* base mnemonic, in Intel syntax: "movzx", "retf" */
	const char *operands;      /* in SDM notation (Appendix A.2), destination
				    * first: "Ev,Gv", "AL,Ib", "Jz"; NULL: none */
	uint16_t fmt;              /* which bytes follow the opcode */
	uint16_t flags;
	const insn_fn *fns;        /* [16-bit reg, 16-bit mem, 32-bit reg, 32-bit mem] */
	const struct opdesc *group; /* ModRM.reg selects one of 8 entries */
	const struct opdesc *reg_group; /* with mod = 11, ModRM.rm selects one of 8 (table A-6) */
};

/* opdesc.fmt */
#define F_MODRM   0x0001
#define F_IMM8    0x0002  /* one byte, zero-extended */
#define F_IMM8S   0x0004  /* one byte, sign-extended */
#define F_IMM16   0x0008
#define F_IMMZ    0x0010  /* 16 or 32 bits by operand size */
#define F_MOFFS   0x0020  /* 16 or 32 bits by address size, into disp */
#define F_FAR     0x0040  /* offset (by operand size) then 16-bit selector */
#define F_REGOP   0x0080  /* register in the low three opcode bits */
#define F_ENTER   0x0100  /* imm16 then imm8 */
#define F_MODREG  0x0200  /* ModRM whose mod bits are ignored: always registers
			   * (MOV to/from CR and DR, SDM Vol. 2B "MOV-Move to/from
			   * Control Registers") */

/* opdesc.flags */
#define D_ENDS_BLOCK 0x0001  /* changes control flow or CPU mode */
#define D_LOCKABLE   0x0002  /* LOCK allowed with a memory destination */

extern const struct opdesc opcode_map1[256];
extern const struct opdesc opcode_map2[256];

enum decode_result { DECODE_OK, DECODE_NEED_MORE, DECODE_TOO_LONG };

/*
 * Decode one instruction from BYTES (AVAIL of them valid) for a code segment
 * of default size CODE32.  DECODE_NEED_MORE means the instruction continues
 * past AVAIL bytes.  An undefined opcode decodes to a handler raising #UD.
 */
enum decode_result decode_insn(const uint8_t *bytes, unsigned avail, bool code32,
			       struct insn *i, const struct opdesc **desc);

#endif
