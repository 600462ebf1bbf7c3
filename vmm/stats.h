/* vmm/stats.h - the run's counters as one JSON object (-stats FILE). */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdio.h>

struct machine;
struct run_summary;

/* Returns 0, or -1 after printing why the file could not be written. */
int stats_write(const char *path, const struct machine *m);

/* The object for S, without a newline (also one run of -compare's JSON). */
void stats_write_json(FILE *f, const struct run_summary *s);

#endif
