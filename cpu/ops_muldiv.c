/*
 * cpu/ops_muldiv.c - MUL, IMUL (one-, two- and three-operand forms), DIV,
 * IDIV (group 3 of F6/F7; 0F AF; 69; 6B).
 *
 * The one-operand forms use the accumulator pair: AX = AL * r/m8,
 * DX:AX = AX * r/m16, EDX:EAX = EAX * r/m32; divides likewise.
 */
#include "cpu/ops.h"

/* The double-width accumulator AX, DX:AX or EDX:EAX. */
INLINE uint64_t acc_get(struct cpu *c, unsigned size)
{
	if (size == 1)
		return *cpu_reg16(c, R_EAX);
	if (size == 2)
		return ((uint32_t)*cpu_reg16(c, R_EDX) << 16) | *cpu_reg16(c, R_EAX);
	return ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
}

/* Store a product low:high, or a quotient:remainder pair. */
INLINE void acc_set(struct cpu *c, uint32_t lo, uint32_t hi, unsigned size)
{
	if (size == 1) {
		*cpu_reg8(c, 0) = lo;  /* AL */
		*cpu_reg8(c, 4) = hi;  /* AH */
	} else {
		reg_set(c, R_EAX, lo, size);
		reg_set(c, R_EDX, hi, size);
	}
}

INLINE void mul_acc(struct cpu *c, const struct insn *i, unsigned size, bool mem, bool is_signed)
{
	uint32_t b = e_get(c, i, size, mem);
	uint32_t a = reg_get(c, R_EAX, size);
	uint64_t p = is_signed ? alu_imul(&c->lf, a, b, size * 8) : alu_mul(&c->lf, a, b, size * 8);

	acc_set(c, (uint32_t)p, (uint32_t)(p >> (size * 8)), size);
}

INLINE void div_acc(struct cpu *c, const struct insn *i, unsigned size, bool mem, bool is_signed)
{
	uint32_t divisor = e_get(c, i, size, mem), q, r;
	uint64_t dividend = acc_get(c, size);
	bool ok = is_signed ? alu_idiv(dividend, divisor, size * 8, &q, &r)
			    : alu_div(dividend, divisor, size * 8, &q, &r);

	/* Division by zero and a quotient too large are both #DE, a fault. */
	if (!ok)
		cpu_fault(c, EXC_DE, 0);
	acc_set(c, q, r, size);
}

INLINE void mul_e(struct cpu *c, const struct insn *i, unsigned size, bool mem) { mul_acc(c, i, size, mem, false); }
INLINE void imul_e(struct cpu *c, const struct insn *i, unsigned size, bool mem) { mul_acc(c, i, size, mem, true); }
INLINE void div_e(struct cpu *c, const struct insn *i, unsigned size, bool mem) { div_acc(c, i, size, mem, false); }
INLINE void idiv_e(struct cpu *c, const struct insn *i, unsigned size, bool mem) { div_acc(c, i, size, mem, true); }

FAMILY8(mul_Eb, mul_e);
FAMILY(mul_Ev, mul_e);
FAMILY8(imul_Eb, imul_e);
FAMILY(imul_Ev, imul_e);
FAMILY8(div_Eb, div_e);
FAMILY(div_Ev, div_e);
FAMILY8(idiv_Eb, idiv_e);
FAMILY(idiv_Ev, idiv_e);

/* IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, imm (69, 6B): truncated product. */
INLINE void imul_ge(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t b = e_get(c, i, size, mem);

	reg_set(c, i->reg, alu_imul(&c->lf, reg_get(c, i->reg, size), b, size * 8), size);
}

INLINE void imul_gei(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t a = e_get(c, i, size, mem);

	reg_set(c, i->reg, alu_imul(&c->lf, a, i->imm, size * 8), size);
}

FAMILY(imul_GvEv, imul_ge);
FAMILY(imul_GvEvI, imul_gei);
