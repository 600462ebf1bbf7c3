/*
 * vmm/exit_account.c - the dispatcher's bookkeeping for one exit, done
 * before the handler runs: the cost model's charge for it, and its line in
 * the -trace-exits file.
 */
#include "vmm/costmodel.h"
#include "vmm/trace.h"
#include "vmm/vmm.h"

void vmm_account_exit(struct vmm *v)
{
	uint64_t cycles = cost_of_exit(v->cost ? v->cost : &cost_model_default, &v->vmcs);

	v->exit_cycles += cycles;
	if (v->trace)
		exit_trace_record(v->trace, v, cycles);
}
