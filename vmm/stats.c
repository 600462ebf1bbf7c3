/*
 * vmm/stats.c - -stats FILE: what the run did, for scripts and tests.
 * Every number comes from the counter the mechanism itself keeps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmm/machine.h"
#include "vmm/stats.h"

int stats_write(const char *path, const struct machine *m)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "glassvm: -stats %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\"scheme\": \"native\", \"instructions\": %" PRIu64
		", \"tlb_misses\": %" PRIu64 ", \"wall_seconds\": %.6f}\n",
		m->cpu->icount, m->mmu->tlb_misses, m->wall_seconds);
	if (fclose(f)) {
		fprintf(stderr, "glassvm: -stats %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
