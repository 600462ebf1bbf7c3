/*
 * cpu/ops_arith.c - ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, INC, DEC,
 * NEG, NOT (SDM Vol. 2; opcode map rows 00-3F, 80-85, F6/F7, FE/FF, 40-4F).
 *
 * The memory forms read, compute, store, and only then commit the flags:
 * if the store faults, the instruction has changed nothing.
 */
#include "cpu/ops.h"

/* Read-modify-write of the E operand with a binary ALU operation. */
INLINE void alu_rmw(struct cpu *c, const struct insn *i, unsigned size, bool mem,
		    enum alu_op op, uint32_t b)
{
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t a = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	bool cf = (op == ALU_ADC || op == ALU_SBB) && get_cf(c);
	struct lazy_flags f;
	uint32_t r = alu_binary(&f, op, a, b, cf, size * 8);

	if (op != ALU_CMP) {
		if (mem)
			vwrite(c, i->seg, off, r, size);
		else
			reg_set(c, i->rm, r, size);
	}
	c->lf = f;
}

/* G <- G op E */
INLINE void alu_to_reg(struct cpu *c, const struct insn *i, unsigned size, bool mem,
		       enum alu_op op)
{
	uint32_t b = e_get(c, i, size, mem);
	bool cf = (op == ALU_ADC || op == ALU_SBB) && get_cf(c);
	/* Nothing can fault after the operand is read: record flags in place. */
	uint32_t r = alu_binary(&c->lf, op, reg_get(c, i->reg, size), b, cf, size * 8);

	if (op != ALU_CMP)
		reg_set(c, i->reg, r, size);
}

#define ALU_FAMILIES(name, OP) \
	INLINE void name##_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ alu_rmw(c, i, size, mem, OP, reg_get(c, i->reg, size)); } \
	INLINE void name##_ge(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ alu_to_reg(c, i, size, mem, OP); } \
	INLINE void name##_ei(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ alu_rmw(c, i, size, mem, OP, i->imm); } \
	FAMILY8(name##_EbGb, name##_eg); FAMILY(name##_EvGv, name##_eg); \
	FAMILY8(name##_GbEb, name##_ge); FAMILY(name##_GvEv, name##_ge); \
	FAMILY8(name##_EbIb, name##_ei); FAMILY(name##_EvIz, name##_ei)

ALU_FAMILIES(add, ALU_ADD);
ALU_FAMILIES(or, ALU_OR);
ALU_FAMILIES(adc, ALU_ADC);
ALU_FAMILIES(sbb, ALU_SBB);
ALU_FAMILIES(and, ALU_AND);
ALU_FAMILIES(sub, ALU_SUB);
ALU_FAMILIES(xor, ALU_XOR);
ALU_FAMILIES(cmp, ALU_CMP);

/* TEST: AND without storing the result. */
INLINE void test_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t a = e_get(c, i, size, mem);

	alu_logic(&c->lf, a & reg_get(c, i->reg, size), size * 8);
}

INLINE void test_ei(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t a = e_get(c, i, size, mem);

	alu_logic(&c->lf, a & i->imm, size * 8);
}

FAMILY8(test_EbGb, test_eg);
FAMILY(test_EvGv, test_eg);
FAMILY8(test_EbIb, test_ei);
FAMILY(test_EvIz, test_ei);

/* Unary read-modify-write: INC, DEC, NEG, NOT. */
enum unary_op { UN_INC, UN_DEC, UN_NEG, UN_NOT };

INLINE void unary(struct cpu *c, const struct insn *i, unsigned size, bool mem, enum unary_op op)
{
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t a = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	struct lazy_flags f = c->lf;
	uint32_t r;

	switch (op) {
	case UN_INC: r = alu_inc(&f, a, get_cf(c), size * 8); break;
	case UN_DEC: r = alu_dec(&f, a, get_cf(c), size * 8); break;
	case UN_NEG: r = alu_sub(&f, 0, a, false, size * 8); break;
	default:     r = ~a; break;  /* NOT changes no flags */
	}
	if (mem)
		vwrite(c, i->seg, off, r, size);
	else
		reg_set(c, i->rm, r, size);
	c->lf = f;
}

#define UNARY_FAMILIES(name, OP) \
	INLINE void name##_e(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ unary(c, i, size, mem, OP); } \
	FAMILY8(name##_Eb, name##_e); FAMILY(name##_Ev, name##_e)

UNARY_FAMILIES(inc, UN_INC);
UNARY_FAMILIES(dec, UN_DEC);
UNARY_FAMILIES(neg, UN_NEG);
UNARY_FAMILIES(not, UN_NOT);
