/*
 * cpu/insn.h - a decoded instruction.
 *
 * The decoder turns bytes into this record once; the interpreter then runs
 * the record's handler as often as the code executes (ARCHITECTURE.md 4).
 * A handler is specialised for operand size and for register-or-memory
 * operand, so it does not decide those again on every execution.
 */
#ifndef CPU_INSN_H
#define CPU_INSN_H

#include <stdint.h>

#include "cpu/cpu.h"

struct insn;
typedef void (*insn_fn)(struct cpu *c, const struct insn *i);

/* insn.flags */
#define IF_OSZ32  0x01  /* 32-bit operand size */
#define IF_ASZ32  0x02  /* 32-bit address size */
#define IF_REP    0x04  /* F3 prefix */
#define IF_REPNE  0x08  /* F2 prefix */
#define IF_MEM    0x10  /* ModRM names memory (mod != 3) */
#define IF_LOCK   0x20

struct insn {
	insn_fn fn;
	uint32_t disp;      /* ModRM displacement, moffs, or branch displacement */
	uint32_t imm;       /* first immediate, sign-extended where the encoding says */
	uint32_t ea_mask;   /* 0xffff with 16-bit addressing */
	uint16_t imm2;      /* second immediate: ENTER's level, a far pointer's selector */
	uint8_t len;
	uint8_t op;         /* opcode byte (second byte for 0F xx) */
	uint8_t reg;        /* ModRM.reg, or the register in the low opcode bits */
	uint8_t rm;         /* ModRM.rm when it names a register */
	uint8_t base, index, scale;  /* memory operand; R_NONE when absent */
	uint8_t seg;        /* segment of the memory operand (default or override) */
	uint8_t flags;
};

/* Offset of the memory operand within its segment (SDM Vol. 2A, 2.1.5).
 * regs[R_NONE] is always zero, so no branches are needed. */
static inline uint32_t insn_ea(const struct cpu *c, const struct insn *i)
{
	return (i->disp + c->regs[i->base] + (c->regs[i->index] << i->scale)) & i->ea_mask;
}

static inline unsigned insn_osize(const struct insn *i)
{
	return (i->flags & IF_OSZ32) ? 4 : 2;
}

#endif
