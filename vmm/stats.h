/* vmm/stats.h - the run's counters as one JSON object (-stats FILE). */
#ifndef VMM_STATS_H
#define VMM_STATS_H

struct machine;

/* Returns 0, or -1 after printing why the file could not be written. */
int stats_write(const char *path, const struct machine *m);

#endif
