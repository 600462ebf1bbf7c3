/*
 * vmm/compare.c - one guest under several paging schemes, side by side.
 *
 * Each scheme gets a run of its own, in this process, one after the
 * other: a fresh machine each time, so nothing carries over but the
 * options.  A run is deterministic, so the table is too.
 *
 * The table is a list of metrics, each with a value per run; text prints
 * a metric per line and a scheme per column (room for one more scheme),
 * CSV the other way round (a row per scheme, for a spreadsheet).  JSON
 * gives each run's -stats object.
 */
#include <inttypes.h>
#include <stdio.h>

#include "vmm/compare.h"
#include "vmm/run.h"
#include "vmm/stats.h"
#include "vmm/vmm.h"

struct metric {
	char label[32];            /* in the text table */
	char key[32];              /* the CSV column */
	bool ratio;                /* two decimals, else a count */
	double value[MAX_COMPARE];
};

struct table {
	struct metric m[8 + NR_EXIT_REASONS];
	unsigned n;
};

static struct metric *add(struct table *t, const char *label, const char *key, bool ratio)
{
	struct metric *m = &t->m[t->n++];

	snprintf(m->label, sizeof(m->label), "%s", label);
	snprintf(m->key, sizeof(m->key), "%s", key);
	m->ratio = ratio;
	return m;
}

static double per(uint64_t a, uint64_t b)
{
	return b ? (double)a / b : 0;
}

/* The runs' exits by reason: only the reasons some run had. */
static void add_exits(struct table *t, const struct run_summary *r, unsigned n)
{
	for (unsigned reason = 0; reason < NR_EXIT_REASONS; reason++) {
		char label[32], key[32];
		struct metric *m;
		uint64_t any = 0;

		for (unsigned k = 0; k < n; k++)
			any |= r[k].exits[reason];
		if (!any)
			continue;
		snprintf(label, sizeof(label), "  %s", exit_reason_name(reason));
		snprintf(key, sizeof(key), "exits_%s", exit_reason_name(reason));
		m = add(t, label, key, false);
		for (unsigned k = 0; k < n; k++)
			m->value[k] = r[k].exits[reason];
	}
}

/* The run the others are measured against: native if it ran, else the first. */
static unsigned baseline(const struct run_summary *r, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		if (r[k].scheme == PAGING_NATIVE)
			return k;
	return 0;
}

static void build(struct table *t, const struct run_summary *r, unsigned n)
{
	unsigned b = baseline(r, n);
	char slowdown[32];
	struct metric *m[8];

	snprintf(slowdown, sizeof(slowdown), "slowdown vs %s", paging_scheme_name(r[b].scheme));
	t->n = 0;
	m[0] = add(t, "instructions", "instructions", false);
	m[1] = add(t, "exits", "exits", false);
	add_exits(t, r, n);
	m[2] = add(t, "TLB misses", "tlb_misses", false);
	m[3] = add(t, "walk references", "walk_refs", false);
	m[4] = add(t, "references per miss", "refs_per_miss", true);
	m[5] = add(t, "modeled cycles", "modeled_cycles", false);
	m[6] = add(t, slowdown, "slowdown", true);
	m[7] = add(t, "exit status", "exit_status", false);
	for (unsigned k = 0; k < n; k++) {
		m[0]->value[k] = r[k].instructions;
		m[1]->value[k] = r[k].exits_total;
		m[2]->value[k] = r[k].tlb_misses;
		m[3]->value[k] = r[k].walk_refs;
		m[4]->value[k] = per(r[k].walk_refs, r[k].tlb_misses);
		m[5]->value[k] = r[k].modeled_cycles;
		m[6]->value[k] = per(r[k].modeled_cycles, r[b].modeled_cycles);
		m[7]->value[k] = r[k].status;
	}
}

/* Counts are printed whole (a double holds them exactly up to 2^53). */
static void put_value(const struct metric *m, unsigned k, int width)
{
	printf("%*.*f", width, m->ratio ? 2 : 0, m->value[k]);
}

static void print_text(const struct table *t, const struct run_summary *r, unsigned n)
{
	printf("%-22s", "");
	for (unsigned k = 0; k < n; k++)
		printf("%14s", paging_scheme_name(r[k].scheme));
	putchar('\n');
	for (unsigned i = 0; i < t->n; i++) {
		printf("%-22s", t->m[i].label);
		for (unsigned k = 0; k < n; k++)
			put_value(&t->m[i], k, 14);
		putchar('\n');
	}
}

static void print_csv(const struct table *t, const struct run_summary *r, unsigned n)
{
	printf("scheme");
	for (unsigned i = 0; i < t->n; i++)
		printf(",%s", t->m[i].key);
	putchar('\n');
	for (unsigned k = 0; k < n; k++) {
		printf("%s", paging_scheme_name(r[k].scheme));
		for (unsigned i = 0; i < t->n; i++) {
			putchar(',');
			put_value(&t->m[i], k, 0);
		}
		putchar('\n');
	}
}

/* {"baseline": S, "runs": [-stats objects], "slowdown": {S: x}, "status": {S: n}} */
static void print_json(const struct run_summary *r, unsigned n)
{
	unsigned b = baseline(r, n);

	printf("{\"baseline\": \"%s\", \"runs\": [", paging_scheme_name(r[b].scheme));
	for (unsigned k = 0; k < n; k++) {
		printf("%s", k ? ", " : "");
		stats_write_json(stdout, &r[k]);
	}
	printf("], \"slowdown\": {");
	for (unsigned k = 0; k < n; k++)
		printf("%s\"%s\": %.4f", k ? ", " : "", paging_scheme_name(r[k].scheme),
		       per(r[k].modeled_cycles, r[b].modeled_cycles));
	printf("}, \"status\": {");
	for (unsigned k = 0; k < n; k++)
		printf("%s\"%s\": %d", k ? ", " : "", paging_scheme_name(r[k].scheme), r[k].status);
	printf("}}\n");
}

/* The same guest should end the same way under every scheme. */
static int common_status(const struct run_summary *r, unsigned n)
{
	for (unsigned k = 1; k < n; k++)
		if (r[k].status != r[0].status) {
			fprintf(stderr, "glassvm: -compare: the guest ended with status %d under %s "
				"but %d under %s\n", r[0].status, paging_scheme_name(r[0].scheme),
				r[k].status, paging_scheme_name(r[k].scheme));
			return 1;
		}
	return r[0].status;
}

int compare_schemes(const struct options *opts)
{
	struct run_summary runs[MAX_COMPARE];
	struct table table;
	unsigned n = opts->n_compare;

	for (unsigned k = 0; k < n; k++) {
		struct options one = *opts;

		one.paging = opts->compare[k];
		if (run_guest(&one, &runs[k]) == 1)
			return 1;  /* glassvm's own error, already reported */
	}
	fflush(stdout);  /* the guests' serial output, if on stdout, comes first */
	if (opts->format == FORMAT_JSON) {
		print_json(runs, n);
	} else {
		build(&table, runs, n);
		if (opts->format == FORMAT_CSV)
			print_csv(&table, runs, n);
		else
			print_text(&table, runs, n);
	}
	return common_status(runs, n);
}
