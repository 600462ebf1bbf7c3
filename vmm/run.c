/*
 * vmm/run.c - one run of a guest: build the machine, attach what watches
 * its exits, run it, and summarize the counters before it is destroyed.
 */
#include <string.h>

#include "vmm/costmodel.h"
#include "vmm/machine.h"
#include "vmm/run.h"
#include "vmm/trace.h"

void run_summarize(struct run_summary *s, const struct machine *m)
{
	const struct exit_counters *e = &m->vmm.exits;

	memset(s, 0, sizeof(*s));
	s->scheme = m->opts->paging;
	s->instructions = m->cpu->icount;
	s->exits_total = e->total;
	memcpy(s->exits, e->by_reason, sizeof(s->exits));
	s->tlb_misses = m->mmu->tlb_misses;
	s->walk_refs = m->mmu->walk_refs;
	s->modeled_cycles = cost_model_total(&m->opts->cost, s->instructions,
					     m->vmm.exit_cycles, s->walk_refs);
	s->wall_seconds = m->wall_seconds;
}

/*
 * The hypervisor charges its exits to the options' cost model, the one
 * run_summarize() totals with.  Natively there is no hypervisor (and no
 * exit): the fields are set but never read.
 */
int run_guest(const struct options *opts, struct run_summary *s)
{
	struct machine *m = machine_create(opts);
	struct exit_trace *trace = NULL;
	int status;

	if (!m)
		return 1;
	if (opts->trace_exits && !(trace = exit_trace_open(opts->trace_exits))) {
		machine_destroy(m);
		return 1;
	}
	m->vmm.cost = &opts->cost;
	m->vmm.trace = trace;
	status = machine_run(m);
	if (exit_trace_close(trace))
		status = 1;
	if (s) {
		run_summarize(s, m);
		s->status = status;
	}
	machine_destroy(m);
	return status;
}
