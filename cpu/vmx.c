/*
 * cpu/vmx.c - how events leave a guest, and how injected events enter it.
 */
#include "cpu/exception.h"
#include "cpu/insn.h"
#include "cpu/segment.h"
#include "cpu/vmx.h"

static void record_exit(struct cpu *c, unsigned reason, uint64_t qualification, unsigned len)
{
	struct vmcs *v = c->vmcs;

	c->root_emulating = false;  /* whatever was being emulated is done */
	v->exit_reason = reason;
	v->exit_qualification = qualification;
	v->exit_instruction_length = len;
	v->guest_cs = c->seg[S_CS].sel;
	v->guest_rip = c->eip;
	c->stop = STOP_VMEXIT;
	c->abort_block = true;
}

/*
 * An exit while an event was being delivered (a #PF from pushing its frame,
 * say): the event did not happen; the VMCS keeps it as IDT-vectoring
 * information for the hypervisor to inject again (SDM 27.2.4), and a
 * half-done stack switch is undone.
 */
static void record_interrupted_delivery(struct cpu *c)
{
	struct vmcs *v = c->vmcs;
	unsigned vector = c->delivering, type;

	stack_switch_rollback(c);
	v->idt_vectoring_info = 0;
	if (c->delivering < 0)
		return;
	type = c->delivering_kind == EV_EXCEPTION ? INTR_HW_EXCEPTION :
	       vector == EXC_NMI ? INTR_NMI : INTR_EXTERNAL;
	v->idt_vectoring_info = INTR_INFO_VALID | (type << 8) | vector |
		(type == INTR_HW_EXCEPTION && exception_has_error_code(vector) ? INTR_INFO_HAS_ERROR : 0);
	v->idt_vectoring_error = c->delivering_error;
	c->delivering = -1;
}

_Noreturn void vmexit_instruction(struct cpu *c, unsigned reason, uint64_t qualification)
{
	/* The instruction is abandoned like a faulting one: EIP back at its start. */
	unsigned len = c->cur ? c->cur->len : 0;

	record_interrupted_delivery(c);
	record_exit(c, reason, qualification, len);
	c->vmcs->guest_rip = c->eip - len;
	longjmp(c->fault_jmp, FAULT_JMP_VMEXIT);
}

void vmexit_between(struct cpu *c, unsigned reason, uint64_t qualification)
{
	c->vmcs->idt_vectoring_info = 0;
	record_exit(c, reason, qualification, 0);
}

void vmx_emulate_in_root(struct cpu *c)
{
	c->root_emulating = true;
	c->root_emulate_eip = c->vmcs->guest_rip;
}

void vmx_skip_instruction(struct cpu *c)
{
	c->eip += c->vmcs->exit_instruction_length;
	c->icount++;  /* the guest's instruction did complete, in the hypervisor */
}

/* Event injection (SDM 26.6.1): the event is delivered through the guest's
 * IDT as if it had happened right at the entry. */
void vmx_inject_pending(struct cpu *c)
{
	uint32_t info = c->vmcs->entry_interruption_info;
	unsigned type = INTR_INFO_TYPE(info);

	if (!(info & INTR_INFO_VALID))
		return;
	c->vmcs->entry_interruption_info = 0;
	c->halted = false;  /* an injected event ends the HLT activity state */
	cpu_raise_event(c, INTR_INFO_VECTOR(info),
			type == INTR_HW_EXCEPTION ? EV_EXCEPTION :
			type == INTR_EXTERNAL || type == INTR_NMI ? EV_EXTERNAL : EV_SOFTWARE,
			(info & INTR_INFO_HAS_ERROR) ? c->vmcs->entry_exception_error : 0);
}

/*
 * SDM 25.2: with "external-interrupt exiting" an interrupt request leaves
 * the guest whatever its IF (the hypervisor acknowledges it and decides);
 * with "interrupt-window exiting" the guest leaves as soon as it can take
 * one (IF = 1, no STI/MOV SS shadow).
 */
bool vmx_check_interrupts(struct cpu *c)
{
	struct vmcs *v = c->vmcs;

	if (v->external_interrupt_exiting && c->intr_line && c->intr_ack) {
		vmexit_between(c, EXIT_EXTERNAL_INTERRUPT, 0);
		v->exit_interruption_info = INTR_INFO_VALID | (INTR_EXTERNAL << 8) |
					    c->intr_ack(c->intr_opaque);
		return true;
	}
	if (v->interrupt_window_exiting && (c->eflags & FL_IF) && !c->inhibit_irq) {
		vmexit_between(c, EXIT_INTERRUPT_WINDOW, 0);
		return true;
	}
	return false;
}

/*
 * Exit 30 (SDM Vol. 3C, table 28-5).  A string instruction the hypervisor
 * has chosen to emulate is executed here, in root mode, by the same CPU:
 * for that one instruction the exit is not taken again.
 */
void vmx_io_exit(struct cpu *c, uint16_t port, unsigned size, unsigned form)
{
	uint32_t start = c->eip - c->cur->len;

	if ((form & IOQ_STRING) && vmx_root_emulating(c, start))
		return;
	vmexit_instruction(c, EXIT_IO_INSTRUCTION, (size - 1) | form | ((uint32_t)port << 16));
}
