/*
 * cpu/task.c - the task-state segment and hardware task switches.
 *
 * A switch saves the outgoing task's registers into its TSS, marks the TSS
 * descriptors busy or free, and loads every register from the new TSS
 * (SDM Vol. 3A, 7.3, steps 1-14).  Both TSS formats are handled through
 * one table of field offsets.
 */
#include "cpu/exception.h"
#include "cpu/ops.h"
#include "cpu/task.h"
#include "mmu/mmu.h"

/* Field offsets in a 32-bit TSS (figure 7-2) and a 16-bit one (figure 7-11). */
struct tss_layout {
	unsigned width, min_limit;
	unsigned link, stack0, cr3, eip, eflags, gpr, sreg, ldt;
};

static const struct tss_layout tss32 = { 4, 0x67, 0, 4, 28, 32, 36, 40, 72, 96 };
static const struct tss_layout tss16 = { 2, 0x2b, 0, 2, 0, 14, 16, 18, 34, 42 };

static const struct tss_layout *layout_of(uint32_t attr)
{
	return tss_is_32bit(attr) ? &tss32 : &tss16;
}

static struct tlb *sv(struct cpu *c)
{
	return &c->mmu->tlb[TLB_SUPERVISOR];
}

static uint32_t tss_read(struct cpu *c, uint32_t base, unsigned off, unsigned width)
{
	return lin_read(c, sv(c), base + off, width);
}

static void tss_write(struct cpu *c, uint32_t base, unsigned off, uint32_t v, unsigned width)
{
	lin_write(c, sv(c), base + off, v, width);
}

/* SDM 7.2.1: SS0:ESP0, SS1:ESP1, SS2:ESP2 for an inner-ring stack switch. */
void tss_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
	const struct tss_layout *l = layout_of(c->tr.attr);
	unsigned slot = l->stack0 + 2 * l->width * dpl;

	if (slot + 2 * l->width - 1 > c->tr.limit)
		cpu_fault(c, EXC_TS, SEL_ERROR(c->tr.sel));
	*esp = tss_read(c, c->tr.base, slot, l->width);
	*ss = tss_read(c, c->tr.base, slot + l->width, 2);
}

struct descriptor task_tss_descriptor(struct cpu *c, uint16_t sel, unsigned fault)
{
	struct descriptor d;
	unsigned type;

	if (sel & 4)  /* a TSS descriptor lives in the GDT only */
		cpu_fault(c, fault, SEL_ERROR(sel));
	d = seg_read_descriptor(c, sel, fault);
	type = ATTR_TYPE(desc_attr(d));
	if ((desc_attr(d) & SEG_S) || (type != SYS_TSS16_AVAIL && type != SYS_TSS16_BUSY &&
				       type != SYS_TSS32_AVAIL && type != SYS_TSS32_BUSY))
		cpu_fault(c, fault, SEL_ERROR(sel));
	return d;
}

static void set_busy(struct cpu *c, uint16_t sel, bool busy)
{
	uint32_t addr = c->gdtr.base + (sel & ~7u) + 4;
	uint32_t hi = lin_read(c, sv(c), addr, 4);

	lin_write(c, sv(c), addr, busy ? hi | 0x200 : hi & ~0x200u, 4);
}

/* Step 7: the outgoing task's dynamic fields. */
static void save_task(struct cpu *c, uint32_t eip, uint32_t eflags)
{
	const struct tss_layout *l = layout_of(c->tr.attr);
	uint32_t base = c->tr.base;

	tss_write(c, base, l->eip, eip, l->width);
	tss_write(c, base, l->eflags, eflags, l->width);
	for (unsigned r = 0; r < 8; r++)
		tss_write(c, base, l->gpr + r * l->width, c->regs[r], l->width);
	for (unsigned s = 0; s < (l == &tss32 ? NR_SREGS : 4); s++)
		tss_write(c, base, l->sreg + s * l->width, c->seg[s].sel, 2);
}

struct task_image {
	uint32_t cr3, eip, eflags, regs[8];
	uint16_t sregs[NR_SREGS], ldt;
};

static void read_task(struct cpu *c, uint32_t base, const struct tss_layout *l,
		      struct task_image *t)
{
	t->cr3 = l == &tss32 ? tss_read(c, base, l->cr3, 4) : c->cr3;
	t->eip = tss_read(c, base, l->eip, l->width);
	t->eflags = tss_read(c, base, l->eflags, l->width);
	for (unsigned r = 0; r < 8; r++)
		t->regs[r] = tss_read(c, base, l->gpr + r * l->width, l->width);
	for (unsigned s = 0; s < NR_SREGS; s++)
		t->sregs[s] = s < 4 || l == &tss32 ? tss_read(c, base, l->sreg + s * l->width, 2) : 0;
	t->ldt = tss_read(c, base, l->ldt, 2);
}

/* Step 13: LDTR, then CS at the RPL of its selector, then SS and the data
 * segments; a bad selector here is #TS (or #NP/#SS when not present), raised
 * in the context of the new task. */
static void load_task_segments(struct cpu *c, const struct task_image *t)
{
	uint16_t cs = t->sregs[S_CS];
	struct descriptor d;
	uint32_t a;

	if ((t->ldt & ~3u) == 0) {
		c->ldtr = (struct segment){ .sel = t->ldt };
	} else {
		d = seg_read_descriptor(c, t->ldt & ~4u, EXC_TS);
		if ((t->ldt & 4) || (desc_attr(d) & (SEG_S | 0xf)) != SYS_LDT || !(desc_attr(d) & SEG_P))
			cpu_fault(c, EXC_TS, SEL_ERROR(t->ldt));
		c->ldtr = (struct segment){ .sel = t->ldt, .base = desc_base(d),
					    .limit = desc_limit(d), .attr = desc_attr(d) };
	}
	if ((cs & ~3u) == 0)
		cpu_fault(c, EXC_TS, 0);
	d = seg_read_descriptor(c, cs, EXC_TS);
	a = desc_attr(d);
	if (!(a & SEG_S) || !(a & SEG_TYPE_CODE) ||
	    ((a & SEG_TYPE_DC) ? ATTR_DPL(a) > SEL_RPL(cs) : ATTR_DPL(a) != SEL_RPL(cs)))
		cpu_fault(c, EXC_TS, SEL_ERROR(cs));
	if (!(a & SEG_P))
		cpu_fault(c, EXC_NP, SEL_ERROR(cs));
	seg_enter_code(c, cs, d, SEL_RPL(cs), t->eip);
	seg_load_checked(c, S_SS, t->sregs[S_SS], EXC_TS);
	for (unsigned s = 0; s < NR_SREGS; s++)
		if (s != S_CS && s != S_SS)
			seg_load_checked(c, s, t->sregs[s], EXC_TS);
}

void task_switch(struct cpu *c, uint16_t sel, struct descriptor d,
		 enum task_switch_reason why, uint32_t return_eip)
{
	uint32_t a = desc_attr(d), old_flags = cpu_get_eflags(c);
	const struct tss_layout *l = layout_of(a);
	bool busy = ATTR_TYPE(a) == SYS_TSS16_BUSY || ATTR_TYPE(a) == SYS_TSS32_BUSY;
	uint16_t old_sel = c->tr.sel;
	struct task_image t;

	/* Steps 3-5: present, large enough, and busy exactly when returning. */
	if (!(a & SEG_P))
		cpu_fault(c, EXC_NP, SEL_ERROR(sel));
	if (desc_limit(d) < l->min_limit)
		cpu_fault(c, EXC_TS, SEL_ERROR(sel));
	/* JMP/CALL/INT need an available TSS (#GP); IRET returns to a busy
	 * one (#TS otherwise, in current editions of the SDM's IRET). */
	if (busy != (why == TS_IRET))
		cpu_fault(c, why == TS_IRET ? EXC_TS : EXC_GP, SEL_ERROR(sel));
	read_task(c, desc_base(d), l, &t);
	/* Steps 6-9: the old task is saved (NT cleared when it is left by IRET)
	 * and freed unless it is being nested. */
	if (why == TS_IRET)
		old_flags &= ~FL_NT;
	if (why == TS_JMP || why == TS_IRET)
		set_busy(c, old_sel, false);
	save_task(c, return_eip, old_flags);
	if (why == TS_CALL || why == TS_INTERRUPT) {
		tss_write(c, desc_base(d), l->link, old_sel, 2);
		t.eflags |= FL_NT;
	}
	if (why != TS_IRET)
		set_busy(c, sel, true);
	/* Step 10-12: the new task's TR, CR0.TS, CR3, then its registers. */
	c->tr = (struct segment){ .sel = sel, .base = desc_base(d), .limit = desc_limit(d),
				  .attr = a | (why != TS_IRET ? 0x2 : 0) };
	c->cr0 |= CR0_TS;
	if (l == &tss32 && (c->cr0 & CR0_PG) && t.cr3 != c->cr3) {
		c->cr3 = t.cr3;
		mmu_flush(c->mmu, true);
	}
	/* A 16-bit TSS holds the low halves only; the high halves are kept. */
	for (unsigned r = 0; r < 8; r++)
		reg_set(c, r, t.regs[r], l->width);
	cpu_set_eflags(c, t.eflags & ~FL_VM, l == &tss32 ? ~0u : 0xffffu);
	load_task_segments(c, &t);
}
