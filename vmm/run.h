/*
 * vmm/run.h - one run of a guest, from start to end: the machine built from
 * the options, with the cost model and the exit trace attached to its
 * hypervisor, and a summary of what the run did, for -stats and -compare.
 */
#ifndef VMM_RUN_H
#define VMM_RUN_H

#include <stdint.h>

#include "cpu/vmcs.h"
#include "vmm/options.h"

struct machine;

struct run_summary {
	int scheme;                /* enum paging_scheme */
	int status;                /* the run's exit status (run_guest only) */
	uint64_t instructions;
	uint64_t exits_total, exits[NR_EXIT_REASONS];
	uint64_t tlb_misses, walk_refs;
	uint64_t modeled_cycles;   /* vmm/costmodel.h */
	double wall_seconds;
};

/* What machine M's run did so far. */
void run_summarize(struct run_summary *s, const struct machine *m);

/* Run the guest OPTS describe; fill S (unless NULL) before the machine
 * goes.  Returns the exit status: the guest's, or 1 for an error. */
int run_guest(const struct options *opts, struct run_summary *s);

#endif
