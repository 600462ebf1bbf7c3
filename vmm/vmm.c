/*
 * vmm/vmm.c - the VM-exit dispatcher and the controls that decide which
 * events exit (Intel SDM Vol. 3C, 24.6 and chapter 27).
 */
#include <string.h>

#include "mmu/shadow.h"
#include "vmm/vmm.h"

static const char *const scheme_names[] = { "native", "shadow", "ept" };

const char *paging_scheme_name(enum paging_scheme s)
{
	return scheme_names[s];
}

int paging_scheme_by_name(const char *name)
{
	for (int s = PAGING_NATIVE; s <= PAGING_EPT; s++)
		if (!strcmp(name, scheme_names[s]))
			return s;
	return -1;
}

/*
 * What a hypervisor like KVM asks to see: HLT, every interrupt request
 * (the hypervisor owns the interrupt controller), and under shadow paging
 * also CR3 loads, INVLPG and page faults, since it must keep its own tables
 * in step with the guest's.  I/O, CPUID, RDMSR/WRMSR and VMCALL exit
 * unconditionally in glassvm's model (no I/O or MSR bitmaps).
 */
static void set_controls(struct vmcs *vmcs, enum paging_scheme scheme)
{
	memset(vmcs, 0, sizeof(*vmcs));
	vmcs->hlt_exiting = true;
	vmcs->external_interrupt_exiting = true;
	if (scheme == PAGING_SHADOW) {
		vmcs->cr3_load_exiting = true;
		vmcs->invlpg_exiting = true;
		vmcs->exception_bitmap = 1u << 14;  /* #PF */
		/* Bits that change how the guest's tables read: PE, WP, PG; PSE, PGE. */
		vmcs->cr0_guest_host_mask = 0x80010001u;
		vmcs->cr4_guest_host_mask = 0x00000090u;
	}
}

void vmm_init(struct vmm *v, struct cpu *c, struct ioport_bus *io, struct physmem *pm,
	      enum paging_scheme scheme, struct ept *ept, struct shadow *shadow)
{
	memset(v, 0, sizeof(*v));
	v->cpu = c;
	v->io = io;
	v->pm = pm;
	v->scheme = scheme;
	v->ept = ept;
	v->shadow = shadow;
	vmm_reset(v);
	c->vmcs = &v->vmcs;
}

/* A machine reset: the guest starts over; the counters go on. */
void vmm_reset(struct vmm *v)
{
	set_controls(&v->vmcs, v->scheme);
	v->vmcs.ept = v->ept;
	v->vmcs.shadow = v->shadow;
	v->vmcs.shadow_root = HOSTMEM_NO_FRAME;  /* made at the first fault */
	if (v->shadow)
		shadow_flush_all(v->shadow);
	v->interrupt_pending = false;
	v->guest_stopped = false;
}

void vmm_inject(struct vmm *v, unsigned vector, enum intr_type type, bool has_error, uint32_t error)
{
	v->vmcs.entry_interruption_info = INTR_INFO_VALID | (type << 8) | vector |
					  (has_error ? INTR_INFO_HAS_ERROR : 0);
	v->vmcs.entry_exception_error = error;
}

typedef void (*exit_handler)(struct vmm *v);

static const exit_handler handlers[NR_EXIT_REASONS] = {
	[EXIT_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[EXIT_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_INTERRUPT_WINDOW] = exit_interrupt_window,
	[EXIT_CPUID] = exit_cpuid,
	[EXIT_HLT] = exit_hlt,
	[EXIT_VMCALL] = exit_vmcall,
	[EXIT_IO_INSTRUCTION] = exit_io,
	[EXIT_RDMSR] = exit_msr,
	[EXIT_WRMSR] = exit_msr,
	[EXIT_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
	[EXIT_EXCEPTION_NMI] = exit_exception,
	[EXIT_CR_ACCESS] = exit_cr_access,
	[EXIT_INVLPG] = exit_invlpg,
};

/* Per-detail counts: which port, which control register, which MSR access. */
static void count_exit(struct exit_counters *e, const struct vmcs *vmcs)
{
	uint64_t q = vmcs->exit_qualification;

	e->total++;
	e->by_reason[vmcs->exit_reason]++;
	switch (vmcs->exit_reason) {
	case EXIT_IO_INSTRUCTION: e->io_by_port[IOQ_PORT(q)]++; break;
	case EXIT_CR_ACCESS:      e->cr_by_number[CRQ_CR(q)]++; break;
	case EXIT_RDMSR:          e->msr_reads++; break;
	case EXIT_WRMSR:          e->msr_writes++; break;
	}
}

/* SDM Vol. 3A, table 6-5, as a hypervisor applies it to an event it must
 * re-inject and an exception its handler raised meanwhile. */
static bool contributory(unsigned vector)
{
	return vector == 0 || (vector >= 10 && vector <= 13);
}

/*
 * The exit interrupted the delivery of an event: deliver it again (as KVM
 * does after every exit).  If the handler has meanwhile raised an exception
 * for the guest (a true page fault while pushing the frame), the two combine
 * as on bare metal: into a double fault, or, from a double fault, shutdown.
 */
static void complete_interrupted_delivery(struct vmm *v)
{
	uint32_t idt = v->vmcs.idt_vectoring_info;
	uint32_t raised = v->vmcs.entry_interruption_info;
	unsigned first = INTR_INFO_VECTOR(idt), second = INTR_INFO_VECTOR(raised);

	if (!(idt & INTR_INFO_VALID))
		return;
	v->vmcs.idt_vectoring_info = 0;
	if (!(raised & INTR_INFO_VALID)) {
		v->vmcs.entry_interruption_info = idt;
		v->vmcs.entry_exception_error = v->vmcs.idt_vectoring_error;
		return;
	}
	if (INTR_INFO_TYPE(idt) != INTR_HW_EXCEPTION)
		return;  /* the new exception is delivered; the interrupt comes again */
	if (first == 8) {
		v->guest_stopped = true;  /* a fault while delivering #DF: shutdown */
		return;
	}
	if ((contributory(first) || first == 14) && (contributory(second) || second == 14) &&
	    !(contributory(first) && second == 14))
		vmm_inject(v, 8, INTR_HW_EXCEPTION, true, 0);
}

void vmm_handle_exit(struct vmm *v)
{
	exit_handler h = v->vmcs.exit_reason < NR_EXIT_REASONS ? handlers[v->vmcs.exit_reason] : NULL;

	count_exit(&v->exits, &v->vmcs);
	vmm_account_exit(v);
	if (h)
		h(v);
	else
		v->guest_stopped = true;  /* an exit this hypervisor cannot handle */
	complete_interrupted_delivery(v);
}
