/*
 * vmm/vmm.c - the VM-exit dispatcher and the controls that decide which
 * events exit (Intel SDM Vol. 3C, 24.6 and chapter 27).
 */
#include <string.h>

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
	}
}

void vmm_init(struct vmm *v, struct cpu *c, struct ioport_bus *io, struct physmem *pm,
	      enum paging_scheme scheme, struct ept *ept)
{
	memset(v, 0, sizeof(*v));
	v->cpu = c;
	v->io = io;
	v->pm = pm;
	v->scheme = scheme;
	v->ept = ept;
	vmm_reset(v);
	c->vmcs = &v->vmcs;
}

/* A machine reset: the guest starts over; the counters go on. */
void vmm_reset(struct vmm *v)
{
	set_controls(&v->vmcs, v->scheme);
	v->vmcs.ept = v->ept;
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

void vmm_handle_exit(struct vmm *v)
{
	exit_handler h = v->vmcs.exit_reason < NR_EXIT_REASONS ? handlers[v->vmcs.exit_reason] : NULL;

	count_exit(&v->exits, &v->vmcs);
	if (h)
		h(v);
	else
		v->guest_stopped = true;  /* an exit this hypervisor cannot handle */
}
