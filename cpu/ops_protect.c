/*
 * cpu/ops_protect.c - the protection-checking instructions LAR, LSL, VERR,
 * VERW and ARPL (SDM Vol. 2).  They answer "could this code use that
 * selector?" in ZF instead of faulting; other flags are unchanged.
 */
#include "cpu/ops.h"
#include "cpu/segment.h"

static void set_zf(struct cpu *c, bool zf)
{
	set_arith_flags(c, (arith_flags(c) & ~FL_ZF) | (zf ? FL_ZF : 0));
}

enum probe { PROBE_LAR, PROBE_LSL, PROBE_VERR, PROBE_VERW };

/* Which system descriptors LAR and LSL report (SDM: LAR, table 3-58). */
static bool system_type_visible(unsigned type, enum probe what)
{
	switch (type) {
	case SYS_TSS16_AVAIL: case SYS_LDT: case SYS_TSS16_BUSY:
	case SYS_TSS32_AVAIL: case SYS_TSS32_BUSY:
		return what == PROBE_LAR || what == PROBE_LSL;
	case SYS_CALL_GATE16: case SYS_TASK_GATE: case SYS_CALL_GATE32:
		return what == PROBE_LAR;
	default:
		return false;
	}
}

/*
 * Is the descriptor SEL names visible to this probe at this CPL and RPL?
 * Conforming code skips the privilege check; everything else needs
 * DPL >= CPL and DPL >= RPL.  A selector outside its table is not an error
 * here, just "no" (so it must not fault).
 */
static bool probe(struct cpu *c, uint16_t sel, enum probe what, struct descriptor *d)
{
	bool local = sel & 4;
	uint32_t limit = local ? c->ldtr.limit : c->gdtr.limit, a;
	bool conforming;

	if ((sel & ~3u) == 0 || (sel | 7u) > limit || (local && !(c->ldtr.attr & SEG_P)))
		return false;
	*d = seg_read_descriptor(c, sel, EXC_GP);
	a = desc_attr(*d);
	conforming = (a & SEG_S) && (a & SEG_TYPE_CODE) && (a & SEG_TYPE_DC);
	if (!(a & SEG_S) && !system_type_visible(ATTR_TYPE(a), what))
		return false;
	if (what == PROBE_VERR && (!(a & SEG_S) || ((a & SEG_TYPE_CODE) && !(a & SEG_TYPE_RW))))
		return false;
	if (what == PROBE_VERW && (!(a & SEG_S) || (a & SEG_TYPE_CODE) || !(a & SEG_TYPE_RW)))
		return false;
	return conforming || (ATTR_DPL(a) >= c->cpl && ATTR_DPL(a) >= SEL_RPL(sel));
}

static void require_protected_mode(struct cpu *c)
{
	if (!cpu_protected(c))
		cpu_fault(c, EXC_UD, 0);
}

/* LAR Gv, Ew (0F 02): the access-rights bytes of the descriptor, masked;
 * LSL Gv, Ew (0F 03): the segment limit in bytes, granularity applied. */
INLINE void lar_lsl(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	struct descriptor d;
	uint16_t sel = e_get(c, i, 2, mem);
	bool is_lar = i->op == 0x02, ok;

	require_protected_mode(c);
	ok = probe(c, sel, is_lar ? PROBE_LAR : PROBE_LSL, &d);
	if (ok)
		reg_set(c, i->reg, is_lar ? d.hi & 0x00ffff00u : desc_limit(d), size);
	set_zf(c, ok);
}

/* VERR/VERW Ew (0F 00 /4 and /5): readable / writable from here? */
INLINE void verr_verw(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	struct descriptor d;
	uint16_t sel = e_get(c, i, 2, mem);

	(void)size;
	require_protected_mode(c);
	set_zf(c, probe(c, sel, i->reg == 4 ? PROBE_VERR : PROBE_VERW, &d));
}

/* ARPL Ew, Gw: raise the destination selector's RPL to the source's. */
INLINE void arpl(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t off = mem ? insn_ea(c, i) : 0;
	uint16_t dst = mem ? vread(c, i->seg, off, 2) : reg_get(c, i->rm, 2);
	uint16_t src = reg_get(c, i->reg, 2);
	bool adjust = SEL_RPL(dst) < SEL_RPL(src);

	(void)size;
	require_protected_mode(c);
	if (adjust) {
		dst = (dst & ~3u) | SEL_RPL(src);
		if (mem)
			vwrite(c, i->seg, off, dst, 2);
		else
			reg_set(c, i->rm, dst, 2);
	}
	set_zf(c, adjust);
}

FAMILY(lar_lsl_GvEw, lar_lsl);
FAMILY(verr_verw_Ew, verr_verw);
FAMILY(arpl_EwGw, arpl);
