/*
 * cpu/ops_data.c - moving data: MOV (88-8B, A0-A3, B0-BF, C6/C7), MOVZX,
 * MOVSX, XCHG, XADD, CMPXCHG, CMPXCHG8B, LEA, CMOVcc, SETcc, CBW/CWDE,
 * CWD/CDQ, LAHF, SAHF, XLAT, SALC, NOP.
 */
#include "cpu/ops.h"

/* ---- MOV ---- */

INLINE void mov_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	e_set(c, i, reg_get(c, i->reg, size), size, mem);
}

INLINE void mov_ge(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	reg_set(c, i->reg, e_get(c, i, size, mem), size);
}

INLINE void mov_ei(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	e_set(c, i, i->imm, size, mem);
}

FAMILY8(mov_EbGb, mov_eg);
FAMILY(mov_EvGv, mov_eg);
FAMILY8(mov_GbEb, mov_ge);
FAMILY(mov_GvEv, mov_ge);
FAMILY8(mov_EbIb, mov_ei);
FAMILY(mov_EvIz, mov_ei);

/* A0-A3: the accumulator and a memory offset coded in the instruction. */
INLINE void mov_acc_moffs(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	(void)mem;
	reg_set(c, R_EAX, vread(c, i->seg, insn_ea(c, i), size), size);
}

INLINE void mov_moffs_acc(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	(void)mem;
	vwrite(c, i->seg, insn_ea(c, i), reg_get(c, R_EAX, size), size);
}

FAMILY8(mov_ALOb, mov_acc_moffs);
FAMILY(mov_eAXOv, mov_acc_moffs);
FAMILY8(mov_ObAL, mov_moffs_acc);
FAMILY(mov_OveAX, mov_moffs_acc);

/* ---- MOVZX / MOVSX: the source is a byte (0F B6/BE) or a word (B7/BF) ---- */

INLINE void movx(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	unsigned src_size = (i->op & 1) ? 2 : 1;
	uint32_t v = e_get(c, i, src_size, mem);

	if (i->op & 8)  /* MOVSX */
		v = sext(v, src_size * 8);
	reg_set(c, i->reg, v, size);
}

FAMILY(movzx_movsx, movx);

/* ---- exchanges ---- */

INLINE void xchg_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t a = e_get(c, i, size, mem);

	e_set(c, i, reg_get(c, i->reg, size), size, mem);
	reg_set(c, i->reg, a, size);
}

FAMILY8(xchg_EbGb, xchg_eg);
FAMILY(xchg_EvGv, xchg_eg);

/* 90+r: XCHG eAX, reg (90 itself is NOP). */
INLINE void xchg_acc(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t a = reg_get(c, R_EAX, size);

	reg_set(c, R_EAX, reg_get(c, i->reg, size), size);
	reg_set(c, i->reg, a, size);
}

FAMILY_SIZE(xchg_eAXr, xchg_acc);

/* XADD: the destination gets the sum, the source the old destination. */
INLINE void xadd_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t a = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	struct lazy_flags f;
	uint32_t r = alu_add(&f, a, reg_get(c, i->reg, size), false, size * 8);

	if (mem)
		vwrite(c, i->seg, off, r, size);
	reg_set(c, i->reg, a, size);
	if (!mem)
		reg_set(c, i->rm, r, size);  /* after the source: XADD r, r keeps the sum */
	c->lf = f;
}

FAMILY8(xadd_EbGb, xadd_eg);
FAMILY(xadd_EvGv, xadd_eg);

/* CMPXCHG: flags as CMP accumulator, destination (SDM Vol. 2A, CMPXCHG).
 * A memory destination is written in both cases, as the SDM says. */
INLINE void cmpxchg_eg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint32_t d = mem ? vread(c, i->seg, off, size) : reg_get(c, i->rm, size);
	uint32_t acc = reg_get(c, R_EAX, size);
	bool equal = acc == d;
	uint32_t store = equal ? reg_get(c, i->reg, size) : d;
	struct lazy_flags f;

	alu_sub(&f, acc, d, false, size * 8);
	if (mem)
		vwrite(c, i->seg, off, store, size);
	else
		reg_set(c, i->rm, store, size);
	if (!equal)
		reg_set(c, R_EAX, d, size);
	c->lf = f;
}

FAMILY8(cmpxchg_EbGb, cmpxchg_eg);
FAMILY(cmpxchg_EvGv, cmpxchg_eg);

/* CMPXCHG8B m64 (0F C7 /1): only ZF changes. */
INLINE void cmpxchg8b_m(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t off = insn_ea(c, i);
	uint32_t lo = vread(c, i->seg, off, 4);
	uint32_t hi = vread(c, i->seg, (off + 4) & i->ea_mask, 4);
	bool equal = lo == c->regs[R_EAX] && hi == c->regs[R_EDX];
	uint32_t fl = arith_flags(c) & ~FL_ZF;

	(void)size;
	vprobe_write(c, i->seg, off, 4);
	vprobe_write(c, i->seg, (off + 4) & i->ea_mask, 4);
	vwrite(c, i->seg, off, equal ? c->regs[R_EBX] : lo, 4);
	vwrite(c, i->seg, (off + 4) & i->ea_mask, equal ? c->regs[R_ECX] : hi, 4);
	if (!equal) {
		c->regs[R_EAX] = lo;
		c->regs[R_EDX] = hi;
	}
	set_arith_flags(c, fl | (equal ? FL_ZF : 0));
}

FAMILY_MEMONLY(cmpxchg8b_Mq, cmpxchg8b_m);

/* ---- addresses and conditions ---- */

INLINE void lea_m(struct cpu *c, const struct insn *i, unsigned size)
{
	reg_set(c, i->reg, insn_ea(c, i), size);
}

FAMILY_MEMONLY(lea_GvM, lea_m);

/* CMOVcc reads its source (and may fault) even when it does not move. */
INLINE void cmov(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t v = e_get(c, i, size, mem);

	if (lf_cond(&c->lf, c->eflags, i->op & 15))
		reg_set(c, i->reg, v, size);
}

FAMILY(cmovcc_GvEv, cmov);

INLINE void setcc(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	e_set(c, i, lf_cond(&c->lf, c->eflags, i->op & 15), size, mem);
}

FAMILY8(setcc_Eb, setcc);

/* ---- accumulator conversions ---- */

/* 98: CBW (AX = sext AL) or CWDE (EAX = sext AX). */
INLINE void cbw(struct cpu *c, const struct insn *i, unsigned size)
{
	(void)i;
	reg_set(c, R_EAX, sext(c->regs[R_EAX], size * 4), size);
}

/* 99: CWD (DX:AX = sext AX) or CDQ (EDX:EAX = sext EAX). */
INLINE void cwd(struct cpu *c, const struct insn *i, unsigned size)
{
	(void)i;
	reg_set(c, R_EDX, sext(c->regs[R_EAX], size * 8) < 0 ? 0xffffffffu : 0, size);
}

FAMILY_SIZE(cbw_cwde, cbw);
FAMILY_SIZE(cwd_cdq, cwd);

/* LAHF/SAHF: AH holds SF ZF 0 AF 0 PF 1 CF, EFLAGS bits 7..0. */
static void lahf(struct cpu *c, const struct insn *i)
{
	(void)i;
	*cpu_reg8(c, 4) = (arith_flags(c) & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | FL_FIXED;
}

static void sahf(struct cpu *c, const struct insn *i)
{
	uint32_t ah = *cpu_reg8(c, 4) & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF);

	(void)i;
	set_arith_flags(c, (arith_flags(c) & FL_OF) | ah);
}

FAMILY_ONE(lahf_, lahf);
FAMILY_ONE(sahf_, sahf);

/* XLAT: AL = [seg:(E)BX + AL]. */
static void xlat(struct cpu *c, const struct insn *i)
{
	uint32_t off = (c->regs[R_EBX] + *cpu_reg8(c, 0)) & i->ea_mask;

	*cpu_reg8(c, 0) = vread(c, i->seg, off, 1);
}

FAMILY_ONE(xlat_, xlat);

/* SALC (D6, undocumented but present on every P6): AL = CF ? FF : 00. */
static void salc(struct cpu *c, const struct insn *i)
{
	(void)i;
	*cpu_reg8(c, 0) = get_cf(c) ? 0xff : 0;
}

FAMILY_ONE(salc_, salc);

static void nop(struct cpu *c, const struct insn *i)
{
	(void)c;
	(void)i;
}

FAMILY_ONE(nop_, nop);
