/*
 * vmm/vmm.h - the hypervisor: root mode (ARCHITECTURE.md section 1).
 *
 * It owns the guest's VMCS, sets the execution controls for the paging
 * scheme, and handles every VM-exit through one dispatcher:
 *     exit record in the VMCS -> counters -> handler -> VM entry.
 * Counters are kept per reason and per detail (port, CR number, MSR), so
 * the statistics come from the exits themselves, never tallied on the side.
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/vmcs.h"
#include "hw/ioport.h"

enum paging_scheme { PAGING_NATIVE, PAGING_SHADOW, PAGING_EPT };

const char *paging_scheme_name(enum paging_scheme s);
/* "native", "shadow", "ept" -> the scheme, or -1. */
int paging_scheme_by_name(const char *name);

struct exit_counters {
	uint64_t total;
	uint64_t by_reason[NR_EXIT_REASONS];
	uint64_t io_by_port[0x10000];
	uint64_t cr_by_number[16];
	uint64_t msr_reads, msr_writes;
};

struct physmem;
struct ept;
struct cost_model;
struct exit_trace;

struct vmm {
	struct vmcs vmcs;
	struct cpu *cpu;
	struct ioport_bus *io;
	struct physmem *pm;        /* the guest's RAM, placed in host-physical memory */
	struct ept *ept;           /* under PAGING_EPT: guest-physical -> host-physical */
	struct shadow *shadow;     /* under PAGING_SHADOW: the shadow page tables */
	uint64_t shadow_fills, shadow_true_faults, shadow_table_writes;
	uint64_t ept_pages_mapped; /* guest pages the EPT has been given so far */
	bool ept_2m;               /* map guest RAM in 2 MiB EPT pages where possible */
	enum paging_scheme scheme;
	struct exit_counters exits;
	/* Each exit's charge and trace line (vmm/exit_account.c): the cost
	 * model (NULL: the defaults) and the -trace-exits file (NULL: none). */
	const struct cost_model *cost;
	struct exit_trace *trace;
	uint64_t exit_cycles;      /* modeled cycles charged to exits so far */
	/* An interrupt acknowledged at an exit, waiting for the guest's window. */
	bool interrupt_pending;
	unsigned pending_vector;
	/* Set by a handler that wants the run to end (a guest that shut down). */
	bool guest_stopped;
};

/* Put CPU under a hypervisor for SCHEME (not PAGING_NATIVE), with the EPT
 * under PAGING_EPT, the shadow tables under PAGING_SHADOW (else NULL). */
void vmm_init(struct vmm *v, struct cpu *c, struct ioport_bus *io, struct physmem *pm,
	      enum paging_scheme scheme, struct ept *ept, struct shadow *shadow);
/* After a machine reset: controls as at creation, nothing pending. */
void vmm_reset(struct vmm *v);
/* Handle the exit recorded in the VMCS; the guest may then be resumed. */
void vmm_handle_exit(struct vmm *v);
/* Charge the exit in the VMCS to the cost model and trace it, before its
 * handler runs (vmm/exit_account.c). */
void vmm_account_exit(struct vmm *v);

/* Handlers (vmm/exit_*.c), one per kind of exit. */
void exit_io(struct vmm *v);
void exit_cpuid(struct vmm *v);
void exit_hlt(struct vmm *v);
void exit_msr(struct vmm *v);
void exit_vmcall(struct vmm *v);
void exit_external_interrupt(struct vmm *v);
void exit_interrupt_window(struct vmm *v);
void exit_triple_fault(struct vmm *v);
void exit_ept_violation(struct vmm *v);
void exit_ept_misconfig(struct vmm *v);
void exit_exception(struct vmm *v);
void exit_cr_access(struct vmm *v);
void exit_invlpg(struct vmm *v);

/* Queue an event for the next VM entry (SDM 26.6), for the handlers. */
void vmm_inject(struct vmm *v, unsigned vector, enum intr_type type, bool has_error, uint32_t error);

#endif
