/*
 * vmm/stats.c - -stats FILE: what the run did, as one JSON object, for
 * scripts and tests.  Every number comes from the counter the mechanism
 * itself keeps: the dispatcher's exit counts and cost-model charges, the
 * MMU's TLB misses and walk references.  Every exit reason glassvm models
 * is listed, zero or not.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "vmm/machine.h"
#include "vmm/run.h"
#include "vmm/stats.h"

/* The exit reasons glassvm's hypervisor produces, in SDM order. */
static const unsigned reported_exits[] = {
	EXIT_EXCEPTION_NMI, EXIT_EXTERNAL_INTERRUPT, EXIT_TRIPLE_FAULT, EXIT_INTERRUPT_WINDOW,
	EXIT_CPUID, EXIT_HLT, EXIT_INVLPG, EXIT_VMCALL, EXIT_CR_ACCESS, EXIT_IO_INSTRUCTION,
	EXIT_RDMSR, EXIT_WRMSR, EXIT_EPT_VIOLATION, EXIT_EPT_MISCONFIG,
};

static void write_exits(FILE *f, const struct run_summary *s)
{
	fprintf(f, "\"exits\": {\"total\": %" PRIu64, s->exits_total);
	for (unsigned k = 0; k < sizeof(reported_exits) / sizeof(reported_exits[0]); k++)
		fprintf(f, ", \"%s\": %" PRIu64, exit_reason_name(reported_exits[k]),
			s->exits[reported_exits[k]]);
	fputs("}", f);
}

void stats_write_json(FILE *f, const struct run_summary *s)
{
	fprintf(f, "{\"scheme\": \"%s\", \"instructions\": %" PRIu64 ", ",
		paging_scheme_name(s->scheme), s->instructions);
	write_exits(f, s);
	fprintf(f, ", \"tlb_misses\": %" PRIu64 ", \"walk_refs\": %" PRIu64
		", \"modeled_cycles\": %" PRIu64 ", \"wall_seconds\": %.6f}",
		s->tlb_misses, s->walk_refs, s->modeled_cycles, s->wall_seconds);
}

int stats_write(const char *path, const struct machine *m)
{
	FILE *f = fopen(path, "w");
	struct run_summary s;

	if (!f) {
		fprintf(stderr, "glassvm: -stats %s: %s\n", path, strerror(errno));
		return -1;
	}
	run_summarize(&s, m);
	stats_write_json(f, &s);
	fputc('\n', f);
	if (fclose(f)) {
		fprintf(stderr, "glassvm: -stats %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
