/*
 * cpu/exception.c - exceptions and interrupts (SDM Vol. 3A, chapter 6).
 *
 * A fault abandons the current instruction with longjmp; cpu_run() then
 * calls cpu_handle_fault(), which rewinds EIP to the faulting instruction
 * and delivers the exception.  A fault during delivery is combined with the
 * first by the rules of table 6-5: double fault, then shutdown.
 */
#include <stdio.h>

#include "cpu/exception.h"
#include "cpu/ops.h"
#include "cpu/segment.h"
#include "cpu/task.h"
#include "cpu/vmx.h"
#include "mmu/mmu.h"

_Noreturn void cpu_fault(struct cpu *c, unsigned vector, uint32_t error)
{
	c->fault_vector = vector;
	c->fault_error = error;
	longjmp(c->fault_jmp, FAULT_JMP_FAULT);
}

bool exception_has_error_code(unsigned vector)
{
	return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

/* SDM Vol. 3A, table 6-4: #DE, #TS, #NP, #SS, #GP are "contributory". */
static bool contributory(unsigned vector)
{
	return vector == EXC_DE || (vector >= EXC_TS && vector <= EXC_GP);
}

/* Table 6-5: does a fault during delivery of FIRST become a double fault? */
static bool makes_double_fault(unsigned first, unsigned second)
{
	return (contributory(first) && contributory(second)) ||
	       (first == EXC_PF && (contributory(second) || second == EXC_PF));
}

static void deliver_real_mode(struct cpu *c, unsigned vector, uint32_t return_eip)
{
	uint32_t entry, sp;

	/* The IVT: four bytes per vector, offset then segment (SDM 20.1.4). */
	if (vector * 4 + 3 > c->idtr.limit)
		cpu_fault(c, EXC_GP, 0);
	entry = lin_read(c, &c->mmu->tlb[TLB_SUPERVISOR], c->idtr.base + vector * 4, 4);
	sp = push_at(c, c->regs[R_ESP], cpu_get_eflags(c), 2);
	sp = push_at(c, sp, c->seg[S_CS].sel, 2);
	sp = push_at(c, sp, return_eip, 2);
	set_sp(c, sp);
	cpu_set_eflags(c, 0, FL_IF | FL_TF | FL_AC | FL_RF);
	seg_enter_code(c, entry >> 16, (struct descriptor){ 0, 0 }, 0, entry & 0xffff);
}

struct gate {
	uint16_t sel;
	uint32_t offset;
	unsigned type, dpl;
	bool present;
};

static struct gate read_gate(struct cpu *c, unsigned vector, uint32_t ext)
{
	struct tlb *t = &c->mmu->tlb[TLB_SUPERVISOR];
	uint32_t lo, hi;

	if (vector * 8 + 7 > c->idtr.limit)
		cpu_fault(c, EXC_GP, vector * 8 + 2 + ext);
	lo = lin_read(c, t, c->idtr.base + vector * 8, 4);
	hi = lin_read(c, t, c->idtr.base + vector * 8 + 4, 4);
	return (struct gate){ lo >> 16, (lo & 0xffff) | (hi & 0xffff0000u),
			      (hi >> 8) & 0x1f, (hi >> 13) & 3, hi & 0x8000 };
}

/* SDM Vol. 3A, 6.12.2: through a task gate, the handler is a task of its
 * own; an error code goes on the new task's stack. */
static void deliver_through_task(struct cpu *c, uint16_t tss_sel, bool push_error,
				 uint32_t error, uint32_t return_eip)
{
	struct descriptor d = task_tss_descriptor(c, tss_sel, EXC_GP);

	task_switch(c, tss_sel, d, TS_INTERRUPT, return_eip);
	if (push_error)
		push(c, error, tss_is_32bit(desc_attr(d)) ? 4 : 2);
}

/* SDM Vol. 3A, 6.12.1: through an interrupt or trap gate. */
static void deliver_protected(struct cpu *c, unsigned vector, enum event_kind kind,
			      bool push_error, uint32_t error, uint32_t return_eip)
{
	uint32_t ext = kind == EV_SOFTWARE ? 0 : 1;  /* EXT bit of error codes */
	struct gate g = read_gate(c, vector, ext);
	bool gate32 = g.type == SYS_INT_GATE32 || g.type == SYS_TRAP_GATE32;
	unsigned width = gate32 ? 4 : 2;
	struct descriptor d;
	uint32_t a, sp, old_eflags = cpu_get_eflags(c), old_esp = c->regs[R_ESP];
	uint16_t old_ss = c->seg[S_SS].sel, old_cs = c->seg[S_CS].sel, new_ss;
	unsigned dpl;

	if (g.type != SYS_INT_GATE16 && g.type != SYS_TRAP_GATE16 && !gate32 &&
	    g.type != SYS_TASK_GATE)
		cpu_fault(c, EXC_GP, vector * 8 + 2 + ext);
	if (kind == EV_SOFTWARE && g.dpl < c->cpl)
		cpu_fault(c, EXC_GP, vector * 8 + 2);
	if (!g.present)
		cpu_fault(c, EXC_NP, vector * 8 + 2 + ext);
	if (g.type == SYS_TASK_GATE) {
		deliver_through_task(c, g.sel, push_error, error, return_eip);
		return;
	}
	if ((g.sel & ~3u) == 0)
		cpu_fault(c, EXC_GP, ext);
	d = seg_read_descriptor(c, g.sel, EXC_GP);
	a = desc_attr(d);
	dpl = (a >> SEG_DPL_SHIFT) & 3;
	if (!(a & SEG_S) || !(a & SEG_TYPE_CODE) || dpl > c->cpl)
		cpu_fault(c, EXC_GP, (g.sel & 0xfffc) + ext);
	if (!(a & SEG_P))
		cpu_fault(c, EXC_NP, (g.sel & 0xfffc) + ext);
	if ((a & SEG_TYPE_DC) || dpl == c->cpl) {
		dpl = c->cpl;  /* same privilege (or conforming): stay on this stack */
		sp = c->regs[R_ESP];
	} else {
		/* To an inner ring: switch to the TSS stack, then save the old one. */
		uint32_t new_esp;
		tss_stack(c, dpl, &new_ss, &new_esp);
		stack_switch_begin(c);
		cpu_set_cpl(c, dpl);  /* SS is checked against, and written at, the new CPL */
		seg_load_checked(c, S_SS, new_ss, EXC_TS);
		sp = push_at(c, new_esp, old_ss, width);
		sp = push_at(c, sp, old_esp, width);
	}
	sp = push_at(c, sp, old_eflags, width);
	sp = push_at(c, sp, old_cs, width);
	sp = push_at(c, sp, return_eip, width);
	if (push_error)
		sp = push_at(c, sp, error, width);
	set_sp(c, sp);
	stack_switch_end(c);
	/* Interrupt gates also clear IF (SDM 6.12.1.3). */
	cpu_set_eflags(c, 0, FL_TF | FL_NT | FL_RF | FL_VM | ((g.type & 1) ? 0 : FL_IF));
	seg_enter_code(c, g.sel, d, dpl, gate32 ? g.offset : g.offset & 0xffff);
}

void cpu_deliver(struct cpu *c, unsigned vector, enum event_kind kind,
		 uint32_t error, uint32_t return_eip)
{
	bool push_error = kind == EV_EXCEPTION && exception_has_error_code(vector);

	if (kind == EV_SOFTWARE)
		c->sw_interrupt = true;  /* the handler runs with TF clear: no step trap */
	/* What a VM-exit in the middle would report as IDT-vectoring information. */
	c->delivering_kind = kind;
	c->delivering_error = error;
	if (cpu_protected(c))
		deliver_protected(c, vector, kind, push_error, error, return_eip);
	else
		deliver_real_mode(c, vector, return_eip);
}

void cpu_raise_event(struct cpu *c, unsigned vector, enum event_kind kind, uint32_t error)
{
	c->delivering = vector;
	cpu_deliver(c, vector, kind, error, c->eip);
	c->delivering = -1;
}

void cpu_handle_fault(struct cpu *c)
{
	unsigned vector = c->fault_vector;
	uint32_t error = c->fault_error;

	stack_switch_rollback(c);
	if (c->cur) {  /* rewind to the faulting instruction */
		c->eip -= c->cur->len;
		c->cur = NULL;
	}
	/* The handler's IRET must not hit an instruction breakpoint at the
	 * restarted instruction again: faults push RF set (SDM 17.3.1.1),
	 * except the instruction-breakpoint #DB itself. */
	if (vector != EXC_DB)
		c->eflags |= FL_RF;
	if (c->delivering >= 0) {
		if (c->delivering == EXC_DF) {
			/* A fault while delivering #DF: the processor shuts down (SDM 6.15,
			 * #DF); a guest leaves to its hypervisor instead (exit reason 2). */
			c->delivering = -1;
			if (c->vmcs)
				vmexit_between(c, EXIT_TRIPLE_FAULT, 0);
			else
				c->stop = STOP_SHUTDOWN;
			return;
		}
		if (makes_double_fault(c->delivering, vector)) {
			vector = EXC_DF;
			error = 0;
		}
	}
	cpu_raise_event(c, vector, EV_EXCEPTION, error);
}
