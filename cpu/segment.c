/*
 * cpu/segment.c - loading segment registers and the far transfers of
 * control (SDM Vol. 3A, 3.4 and 5.8; the pseudo-code of MOV, JMP, CALL,
 * RET and IRET in Vol. 2).
 */
#include "cpu/segment.h"
#include "cpu/exception.h"
#include "cpu/ops.h"
#include "mmu/mmu.h"

#define SEL_RPL(sel)   ((sel) & 3u)
#define SEL_ERROR(sel) ((sel) & 0xfffcu)
#define ATTR_DPL(a)    (((a) >> SEG_DPL_SHIFT) & 3u)

static struct tlb *supervisor_tlb(struct cpu *c)
{
	return &c->mmu->tlb[TLB_SUPERVISOR];
}

/* The bounds that make cpu/mem.h's two-compare limit check exact. */
void seg_set_cache(struct cpu *c, unsigned s, uint16_t sel, uint32_t base,
		   uint32_t limit, uint32_t attr)
{
	struct segment *sg = &c->seg[s];
	bool usable = (attr & SEG_P) && (attr & SEG_S);
	bool code = attr & SEG_TYPE_CODE;
	int64_t top = limit;

	sg->sel = sel;
	sg->base = base;
	sg->limit = limit;
	sg->attr = attr;
	sg->lo = 0;
	if (usable && !code && (attr & SEG_TYPE_DC)) {
		/* Expand-down: valid offsets are limit+1 .. 0xffff or 0xffffffff. */
		sg->lo = limit + 1;
		top = (attr & SEG_DB) ? 0xffffffffll : 0xffffll;
		if (limit == 0xffffffffu)
			usable = false;
	}
	sg->rhi = usable && (!code || (attr & SEG_TYPE_RW)) ? top : -1;
	sg->whi = usable && !code && (attr & SEG_TYPE_RW) ? top : -1;
	if (s == S_SS)
		c->stack32 = attr & SEG_DB;
}

struct descriptor seg_read_descriptor(struct cpu *c, uint16_t sel, unsigned vector)
{
	bool local = sel & 4;
	uint32_t base = local ? c->ldtr.base : c->gdtr.base;
	uint32_t limit = local ? c->ldtr.limit : c->gdtr.limit;
	uint32_t off = sel & ~7u;
	struct descriptor d;

	if (off + 7 > limit || (local && !(c->ldtr.attr & SEG_P)))
		cpu_fault(c, vector, SEL_ERROR(sel));
	d.lo = lin_read(c, supervisor_tlb(c), base + off, 4);
	d.hi = lin_read(c, supervisor_tlb(c), base + off + 4, 4);
	return d;
}

/* Loading a descriptor sets its accessed bit in the table (SDM 3.4.5.1). */
static void mark_accessed(struct cpu *c, uint16_t sel, struct descriptor *d)
{
	uint32_t base = (sel & 4) ? c->ldtr.base : c->gdtr.base;

	if (d->hi & (SEG_TYPE_ACCESSED << 8))
		return;
	d->hi |= SEG_TYPE_ACCESSED << 8;
	lin_write(c, supervisor_tlb(c), base + (sel & ~7u) + 4, d->hi, 4);
}

static void load_from_descriptor(struct cpu *c, unsigned s, uint16_t sel, struct descriptor d)
{
	mark_accessed(c, sel, &d);
	seg_set_cache(c, s, sel, desc_base(d), desc_limit(d), desc_attr(d));
}

/* Real mode and virtual-8086 mode: the base is the selector times 16; the
 * hidden limit and attributes stay as they were (which is how "unreal
 * mode" works on real processors). */
static void load_real(struct cpu *c, unsigned s, uint16_t sel)
{
	struct segment *sg = &c->seg[s];

	seg_set_cache(c, s, sel, (uint32_t)sel << 4, sg->limit, sg->attr);
}

/* SDM Vol. 2A, MOV: the checks for SS, and for DS, ES, FS, GS. */
void seg_load(struct cpu *c, unsigned s, uint16_t sel)
{
	struct descriptor d;
	uint32_t a;
	unsigned dpl, rpl = SEL_RPL(sel);

	if (!cpu_protected(c)) {
		load_real(c, s, sel);
		return;
	}
	if ((sel & ~3u) == 0) {
		if (s == S_SS)
			cpu_fault(c, EXC_GP, 0);
		seg_set_cache(c, s, sel, 0, 0, 0);  /* null: any access is #GP(0) */
		return;
	}
	d = seg_read_descriptor(c, sel, EXC_GP);
	a = desc_attr(d);
	dpl = ATTR_DPL(a);
	if (s == S_SS) {
		bool writable_data = (a & SEG_S) && !(a & SEG_TYPE_CODE) && (a & SEG_TYPE_RW);
		if (rpl != c->cpl || dpl != c->cpl || !writable_data)
			cpu_fault(c, EXC_GP, SEL_ERROR(sel));
		if (!(a & SEG_P))
			cpu_fault(c, EXC_SS, SEL_ERROR(sel));
	} else {
		bool readable = (a & SEG_S) && (!(a & SEG_TYPE_CODE) || (a & SEG_TYPE_RW));
		bool conforming_code = (a & SEG_TYPE_CODE) && (a & SEG_TYPE_DC);
		if (!readable || (!conforming_code && (rpl > dpl || c->cpl > dpl)))
			cpu_fault(c, EXC_GP, SEL_ERROR(sel));
		if (!(a & SEG_P))
			cpu_fault(c, EXC_NP, SEL_ERROR(sel));
	}
	load_from_descriptor(c, s, sel, d);
}

void seg_enter_code(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl, uint32_t eip)
{
	if (cpu_protected(c)) {
		mark_accessed(c, sel, &d);
		seg_set_cache(c, S_CS, (sel & ~3u) | cpl, desc_base(d), desc_limit(d), desc_attr(d));
	} else {
		load_real(c, S_CS, sel);
	}
	c->cpl = cpl;
	c->code32 = c->seg[S_CS].attr & SEG_DB;
	c->tlb = &c->mmu->tlb[cpl == 3 ? TLB_USER : TLB_SUPERVISOR];
	c->eip = eip;
}

/* The last checks on a far target: #NP(sel) if absent, #GP(0) past the limit. */
static void check_present_and_limit(struct cpu *c, uint16_t sel, struct descriptor d, uint32_t off)
{
	if (!(desc_attr(d) & SEG_P))
		cpu_fault(c, EXC_NP, SEL_ERROR(sel));
	if (off > desc_limit(d))
		cpu_fault(c, EXC_GP, 0);
}

/*
 * Checks for a code segment reached by a far JMP or CALL at the same
 * privilege (SDM Vol. 2A, JMP, "protected mode"): conforming needs
 * DPL <= CPL, non-conforming RPL <= CPL and DPL = CPL.
 */
static struct descriptor check_code_target(struct cpu *c, uint16_t sel, uint32_t off)
{
	struct descriptor d;
	uint32_t a;

	if ((sel & ~3u) == 0)
		cpu_fault(c, EXC_GP, 0);
	d = seg_read_descriptor(c, sel, EXC_GP);
	a = desc_attr(d);
	/* Gates and task-state segments are not supported as far targets yet. */
	if (!(a & SEG_S) || !(a & SEG_TYPE_CODE))
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	if ((a & SEG_TYPE_DC) ? ATTR_DPL(a) > c->cpl
			      : SEL_RPL(sel) > c->cpl || ATTR_DPL(a) != c->cpl)
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	check_present_and_limit(c, sel, d, off);
	return d;
}

static uint32_t mask_offset(uint32_t off, unsigned osize)
{
	return osize == 2 ? off & 0xffff : off;
}

void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
	struct descriptor d = { 0, 0 };

	off = mask_offset(off, osize);
	if (cpu_protected(c))
		d = check_code_target(c, sel, off);
	seg_enter_code(c, sel, d, c->cpl, off);
}

void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
	struct descriptor d = { 0, 0 };
	uint32_t sp;

	off = mask_offset(off, osize);
	if (cpu_protected(c))
		d = check_code_target(c, sel, off);
	sp = push_at(c, c->regs[R_ESP], c->seg[S_CS].sel, osize);
	sp = push_at(c, sp, c->eip, osize);
	seg_enter_code(c, sel, d, c->cpl, off);
	set_sp(c, sp);
}

/* SDM Vol. 2B, RET: the code segment checks for a far return. */
static struct descriptor check_return_target(struct cpu *c, uint16_t sel, uint32_t off)
{
	struct descriptor d;
	uint32_t a;
	unsigned rpl = SEL_RPL(sel);

	if ((sel & ~3u) == 0)
		cpu_fault(c, EXC_GP, 0);
	d = seg_read_descriptor(c, sel, EXC_GP);
	a = desc_attr(d);
	if (!(a & SEG_S) || !(a & SEG_TYPE_CODE) || rpl < c->cpl ||
	    ((a & SEG_TYPE_DC) ? ATTR_DPL(a) > rpl : ATTR_DPL(a) != rpl))
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	check_present_and_limit(c, sel, d, off);
	return d;
}

/* After a return to an outer ring, data segments the new CPL may not use
 * are nulled (SDM Vol. 2B, RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
static void null_inaccessible_segments(struct cpu *c)
{
	static const unsigned data_segs[] = { S_ES, S_DS, S_FS, S_GS };

	for (unsigned k = 0; k < 4; k++) {
		struct segment *sg = &c->seg[data_segs[k]];
		bool conforming = (sg->attr & SEG_TYPE_CODE) && (sg->attr & SEG_TYPE_DC);
		if (!conforming && ATTR_DPL(sg->attr) < c->cpl)
			seg_set_cache(c, data_segs[k], 0, 0, 0, 0);
	}
}

/* Return to CS:EIP popped from SP; an outer ring also pops ESP and SS. */
static void return_to(struct cpu *c, uint16_t sel, uint32_t off, uint32_t sp,
		      unsigned osize, uint16_t extra)
{
	struct descriptor d = check_return_target(c, sel, off);
	unsigned rpl = SEL_RPL(sel);
	uint32_t new_sp;
	uint16_t ss;

	if (rpl == c->cpl) {
		seg_enter_code(c, sel, d, rpl, off);
		set_sp(c, sp + extra);
		return;
	}
	sp += extra;
	new_sp = vread(c, S_SS, sp & sp_mask(c), osize);
	ss = vread(c, S_SS, (sp + osize) & sp_mask(c), osize);
	seg_enter_code(c, sel, d, rpl, off);
	seg_load(c, S_SS, ss);
	set_sp(c, new_sp + extra);
	null_inaccessible_segments(c);
}

void far_return(struct cpu *c, unsigned osize, uint16_t extra)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c);
	uint32_t off = vread(c, S_SS, sp, osize);
	uint16_t sel = vread(c, S_SS, (sp + osize) & sp_mask(c), 2);

	sp = (sp + 2 * osize) & sp_mask(c);
	if (!cpu_protected(c)) {
		seg_enter_code(c, sel, (struct descriptor){ 0, 0 }, c->cpl, mask_offset(off, osize));
		set_sp(c, sp + extra);
		return;
	}
	return_to(c, sel, off, sp, osize, extra);
}

/* IRET (SDM Vol. 2A, IRET): pop EIP, CS, EFLAGS; an outer ring also pops
 * ESP and SS.  Task returns (NT) and returns to virtual-8086 mode come with
 * task switching. */
void interrupt_return(struct cpu *c, unsigned osize)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c);
	uint32_t off = vread(c, S_SS, sp, osize);
	uint16_t sel = vread(c, S_SS, (sp + osize) & sp_mask(c), 2);
	uint32_t fl = vread(c, S_SS, (sp + 2 * osize) & sp_mask(c), osize);
	uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_RF | FL_AC | FL_ID;
	unsigned old_cpl = c->cpl;

	sp = (sp + 3 * osize) & sp_mask(c);
	if (!cpu_protected(c)) {
		seg_enter_code(c, sel, (struct descriptor){ 0, 0 }, 0, mask_offset(off, osize));
		set_sp(c, sp);
		cpu_set_eflags(c, fl, (mask | FL_IF | FL_IOPL) & (osize == 2 ? 0xffff : ~0u));
		return;
	}
	if (c->eflags & FL_NT)
		cpu_fault(c, EXC_GP, 0);  /* nested-task return: not modelled yet */
	return_to(c, sel, off, sp, osize, 0);
	if (old_cpl == 0)
		mask |= FL_IOPL;
	if (old_cpl <= ((c->eflags & FL_IOPL) >> 12))
		mask |= FL_IF;
	cpu_set_eflags(c, fl, osize == 2 ? mask & 0xffff : mask);
}
