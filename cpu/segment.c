/*
 * cpu/segment.c - loading segment registers and the far transfers of
 * control (SDM Vol. 3A, 3.4 and 5.8; the pseudo-code of MOV, JMP, CALL,
 * RET and IRET in Vol. 2).
 */
#include "cpu/segment.h"
#include "cpu/task.h"
#include "cpu/exception.h"
#include "cpu/ops.h"
#include "mmu/mmu.h"

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

/*
 * SDM Vol. 2A, MOV: the checks for SS, and for DS, ES, FS, GS.  FAULT is the
 * vector for a bad selector: #GP for MOV, POP, LDS..., #TS while loading
 * the registers of a new task (SDM Vol. 3A, 7.3 step 13).
 */
void seg_load_checked(struct cpu *c, unsigned s, uint16_t sel, unsigned fault)
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
			cpu_fault(c, fault, 0);
		seg_set_cache(c, s, sel, 0, 0, 0);  /* null: any access is #GP(0) */
		return;
	}
	d = seg_read_descriptor(c, sel, fault);
	a = desc_attr(d);
	dpl = ATTR_DPL(a);
	if (s == S_SS) {
		bool writable_data = (a & SEG_S) && !(a & SEG_TYPE_CODE) && (a & SEG_TYPE_RW);
		if (rpl != c->cpl || dpl != c->cpl || !writable_data)
			cpu_fault(c, fault, SEL_ERROR(sel));
		if (!(a & SEG_P))
			cpu_fault(c, EXC_SS, SEL_ERROR(sel));
	} else {
		bool readable = (a & SEG_S) && (!(a & SEG_TYPE_CODE) || (a & SEG_TYPE_RW));
		bool conforming_code = (a & SEG_TYPE_CODE) && (a & SEG_TYPE_DC);
		if (!readable || (!conforming_code && (rpl > dpl || c->cpl > dpl)))
			cpu_fault(c, fault, SEL_ERROR(sel));
		if (!(a & SEG_P))
			cpu_fault(c, EXC_NP, SEL_ERROR(sel));
	}
	load_from_descriptor(c, s, sel, d);
}

void seg_load(struct cpu *c, unsigned s, uint16_t sel)
{
	seg_load_checked(c, s, sel, EXC_GP);
}

void stack_switch_begin(struct cpu *c)
{
	c->rollback.valid = true;
	c->rollback.ss = c->seg[S_SS];
	c->rollback.esp = c->regs[R_ESP];
	c->rollback.cpl = c->cpl;
}

void stack_switch_end(struct cpu *c)
{
	c->rollback.valid = false;
}

void stack_switch_rollback(struct cpu *c)
{
	const struct segment *ss = &c->rollback.ss;

	if (!c->rollback.valid)
		return;
	c->rollback.valid = false;
	seg_set_cache(c, S_SS, ss->sel, ss->base, ss->limit, ss->attr);
	c->regs[R_ESP] = c->rollback.esp;
	cpu_set_cpl(c, c->rollback.cpl);
}

/* CS has changed: the privilege, code size and TLB that follow from it. */
static void switch_code(struct cpu *c, unsigned cpl, uint32_t eip)
{
	cpu_set_cpl(c, cpl);
	c->code32 = c->seg[S_CS].attr & SEG_DB;
	c->eip = eip;
}

void seg_enter_code(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl, uint32_t eip)
{
	if (cpu_protected(c)) {
		mark_accessed(c, sel, &d);
		seg_set_cache(c, S_CS, (sel & ~3u) | cpl, desc_base(d), desc_limit(d), desc_attr(d));
	} else {
		load_real(c, S_CS, sel);
	}
	switch_code(c, cpl, eip);
}

void seg_enter_flat(struct cpu *c, uint16_t cs, uint16_t ss, unsigned cpl,
		    uint32_t eip, uint32_t esp)
{
	uint32_t common = SEG_P | SEG_S | SEG_DB | SEG_G | SEG_TYPE_ACCESSED | (cpl << SEG_DPL_SHIFT);

	seg_set_cache(c, S_CS, cs, 0, 0xffffffffu, common | SEG_TYPE_CODE | SEG_TYPE_RW);
	seg_set_cache(c, S_SS, ss, 0, 0xffffffffu, common | SEG_TYPE_RW);
	switch_code(c, cpl, eip);
	c->regs[R_ESP] = esp;
}

/* The last checks on a far target: #NP(sel) if absent, #GP(0) past the limit. */
static void check_present_and_limit(struct cpu *c, uint16_t sel, struct descriptor d, uint32_t off)
{
	if (!(desc_attr(d) & SEG_P))
		cpu_fault(c, EXC_NP, SEL_ERROR(sel));
	if (off > desc_limit(d))
		cpu_fault(c, EXC_GP, 0);
}

/* The descriptor a far JMP or CALL names: #GP(0) for a null selector. */
static struct descriptor far_target(struct cpu *c, uint16_t sel)
{
	if ((sel & ~3u) == 0)
		cpu_fault(c, EXC_GP, 0);
	return seg_read_descriptor(c, sel, EXC_GP);
}

/*
 * Checks for a code segment reached by a far JMP or CALL at the same
 * privilege (SDM Vol. 2A, JMP, "protected mode"): conforming needs
 * DPL <= CPL, non-conforming RPL <= CPL and DPL = CPL.
 */
static void check_code_target(struct cpu *c, uint16_t sel, struct descriptor d, uint32_t off)
{
	uint32_t a = desc_attr(d);

	if (!(a & SEG_TYPE_CODE))
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	if ((a & SEG_TYPE_DC) ? ATTR_DPL(a) > c->cpl
			      : SEL_RPL(sel) > c->cpl || ATTR_DPL(a) != c->cpl)
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	check_present_and_limit(c, sel, d, off);
}

/* A far JMP or CALL to a system descriptor: a call gate, or a task switch
 * through a task gate or straight to an available TSS (SDM Vol. 3A, 7.3). */
static void far_to_system(struct cpu *c, uint16_t sel, struct descriptor d, bool is_call)
{
	uint32_t a = desc_attr(d);
	unsigned type = ATTR_TYPE(a);

	if (type == SYS_CALL_GATE16 || type == SYS_CALL_GATE32) {
		call_gate_transfer(c, sel, d, is_call);
		return;
	}
	if (type != SYS_TASK_GATE && type != SYS_TSS16_AVAIL && type != SYS_TSS32_AVAIL)
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	if (ATTR_DPL(a) < c->cpl || ATTR_DPL(a) < SEL_RPL(sel))
		cpu_fault(c, EXC_GP, SEL_ERROR(sel));
	if (type == SYS_TASK_GATE) {
		if (!(a & SEG_P))
			cpu_fault(c, EXC_NP, SEL_ERROR(sel));
		sel = d.lo >> 16;
		d = task_tss_descriptor(c, sel, EXC_GP);
	}
	task_switch(c, sel, d, is_call ? TS_CALL : TS_JMP, c->eip);
}

static uint32_t mask_offset(uint32_t off, unsigned osize)
{
	return osize == 2 ? off & 0xffff : off;
}

void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
	struct descriptor d = { 0, 0 };

	off = mask_offset(off, osize);
	if (cpu_protected(c)) {
		d = far_target(c, sel);
		if (!(desc_attr(d) & SEG_S)) {
			far_to_system(c, sel, d, false);
			return;
		}
		check_code_target(c, sel, d, off);
	}
	seg_enter_code(c, sel, d, c->cpl, off);
}

void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize)
{
	struct descriptor d = { 0, 0 };
	uint32_t sp;

	off = mask_offset(off, osize);
	if (cpu_protected(c)) {
		d = far_target(c, sel);
		if (!(desc_attr(d) & SEG_S)) {
			far_to_system(c, sel, d, true);
			return;
		}
		check_code_target(c, sel, d, off);
	}
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
	/* The outer SS is checked against the outer privilege before anything
	 * changes for good: a bad one faults here, in this ring, at this RET. */
	stack_switch_begin(c);
	cpu_set_cpl(c, rpl);
	seg_load(c, S_SS, ss);
	stack_switch_end(c);
	seg_enter_code(c, sel, d, rpl, off);
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

/* IRET with NT set returns to the task in the back link of this TSS. */
static void task_return(struct cpu *c)
{
	uint16_t link = lin_read(c, &c->mmu->tlb[TLB_SUPERVISOR], c->tr.base, 2);
	struct descriptor d = task_tss_descriptor(c, link, EXC_TS);

	task_switch(c, link, d, TS_IRET, c->eip);
}

/* IRET (SDM Vol. 2A, IRET): pop EIP, CS, EFLAGS; an outer ring also pops
 * ESP and SS; with NT set, a return to the previous task.  Returns to
 * virtual-8086 mode are not modelled. */
void interrupt_return(struct cpu *c, unsigned osize)
{
	c->nmi_blocked = false;  /* IRET ends NMI blocking (SDM 6.7.1) */
	if (cpu_protected(c) && (c->eflags & FL_NT)) {
		task_return(c);
		return;
	}
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
	return_to(c, sel, off, sp, osize, 0);
	if (old_cpl == 0)
		mask |= FL_IOPL;
	if (old_cpl <= ((c->eflags & FL_IOPL) >> 12))
		mask |= FL_IF;
	cpu_set_eflags(c, fl, osize == 2 ? mask & 0xffff : mask);
}
