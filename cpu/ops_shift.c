/*
 * cpu/ops_shift.c - group 2 (ROL ROR RCL RCR SHL SHR SAL SAR; opcodes C0,
 * C1, D0-D3) and the double shifts SHLD/SHRD (0F A4/A5/AC/AD).
 * The arithmetic is in cpu/alu.c.
 */
#include "cpu/ops.h"

enum count_src { COUNT_IMM, COUNT_ONE, COUNT_CL };

INLINE unsigned shift_count(struct cpu *c, const struct insn *i, enum count_src src)
{
	return src == COUNT_IMM ? i->imm : src == COUNT_ONE ? 1 : *cpu_reg8(c, R_ECX);
}

INLINE void shift(struct cpu *c, const struct insn *i, unsigned size, bool mem, enum count_src src)
{
	unsigned count = shift_count(c, i, src);
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t a = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	uint32_t flags, r;

	struct lazy_flags f;

	/* A count of zero (after masking) changes neither operand nor flags. */
	if ((count & 31) == 0)
		return;
	/* Shifts write all six flags and can stay lazy; rotates keep some of
	 * the old ones, so they need EFLAGS evaluated. */
	if (i->reg >= SH_SHL)
		r = alu_shift_lazy(&f, i->reg, a, count & 31, size * 8);
	else
		r = alu_shift(i->reg, a, count, size * 8, cpu_get_eflags(c), &flags);
	if (mem)
		vwrite(c, i->seg, off, r, size);
	else
		reg_set(c, i->rm, r, size);
	if (i->reg >= SH_SHL)
		c->lf = f;
	else
		set_arith_flags(c, flags);
}

INLINE void shift_imm(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	shift(c, i, size, mem, COUNT_IMM);
}
INLINE void shift_one(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	shift(c, i, size, mem, COUNT_ONE);
}
INLINE void shift_cl(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	shift(c, i, size, mem, COUNT_CL);
}

FAMILY8(shift_EbIb, shift_imm);
FAMILY(shift_EvIb, shift_imm);
FAMILY8(shift_Eb1, shift_one);
FAMILY(shift_Ev1, shift_one);
FAMILY8(shift_EbCL, shift_cl);
FAMILY(shift_EvCL, shift_cl);

/* SHLD/SHRD Ev, Gv, Ib|CL: the direction is bit 3 of the opcode (A4/A5 vs AC/AD). */
INLINE void double_shift(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	unsigned count = (i->op & 1) ? *cpu_reg8(c, R_ECX) : i->imm;
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t a = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	uint32_t b = reg_get(c, i->reg, size), flags, r;

	if ((count & 31) == 0)
		return;
	r = (i->op & 8) ? alu_shrd(a, b, count, size * 8, cpu_get_eflags(c), &flags)
			: alu_shld(a, b, count, size * 8, cpu_get_eflags(c), &flags);
	if (mem)
		vwrite(c, i->seg, off, r, size);
	else
		reg_set(c, i->rm, r, size);
	set_arith_flags(c, flags);
}

FAMILY(shld_shrd, double_shift);
