/*
 * vmm/exit_intr.c - interrupts for a guest: exit 1 (an interrupt request
 * arrived, acknowledged on exit) and exit 7 (the guest can now take one).
 * The hypervisor hands the interrupt to the guest by event injection at
 * VM entry (SDM Vol. 3C, 26.6), the way KVM does.
 */
#include "cpu/vmx.h"
#include "vmm/vmm.h"

static bool guest_can_take_interrupt(const struct cpu *c)
{
	return (c->eflags & FL_IF) && !c->inhibit_irq;
}

static void deliver_or_wait(struct vmm *v, unsigned vector)
{
	if (guest_can_take_interrupt(v->cpu)) {
		vmm_inject(v, vector, INTR_EXTERNAL, false, 0);
		return;
	}
	/* Not now: hold it, and ask to exit as soon as the guest could. */
	v->pending_vector = vector;
	v->interrupt_pending = true;
	v->vmcs.interrupt_window_exiting = true;
}

void exit_external_interrupt(struct vmm *v)
{
	deliver_or_wait(v, INTR_INFO_VECTOR(v->vmcs.exit_interruption_info));
}

void exit_interrupt_window(struct vmm *v)
{
	v->vmcs.interrupt_window_exiting = false;
	if (v->interrupt_pending) {
		v->interrupt_pending = false;
		vmm_inject(v, v->pending_vector, INTR_EXTERNAL, false, 0);
	}
}

/* A guest that shut down has nothing more to run. */
void exit_triple_fault(struct vmm *v)
{
	v->guest_stopped = true;
}
