/*
 * user.c - probes (trap.h) run in ring 3.
 */
#include "user.h"

#include "trap.h"

static const struct probe *pending;
static struct probe_result *pending_result;

static void run_pending(void)
{
    probe_run(pending, pending_result);
}

void probe_run_ring3(const struct probe *p, struct probe_result *r)
{
    pending = p;
    pending_result = r;
    user_run(run_pending);
}

void run_probes_ring3(const struct probe *probes, unsigned n)
{
    run_probes_with(probe_run_ring3, probes, n);
}
