/*
 * vmm/trace.c - the exit trace: what the VMCS said at each exit, one line
 * per exit, written by the dispatcher before the handler runs (so the
 * guest state is the state at the exit).
 *
 * Addresses and the qualification are hex strings ("0x3f8"), as the SDM
 * and a debugger show them; counts are plain numbers.  A field that does
 * not apply to the exit is null in JSON and empty in CSV.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/costmodel.h"
#include "vmm/trace.h"
#include "vmm/vmm.h"

struct exit_trace {
	FILE *f;
	const char *path;
	bool csv;
	uint64_t seq;
};

/* The fields of a line, in order; QUOTED: a string in JSON. */
enum field {
	F_SEQ, F_ICOUNT, F_REASON, F_NAME, F_QUALIFICATION, F_CS, F_RIP,
	F_GLA, F_GPA, F_DETAIL, F_HANDLED_IN, F_CYCLES, NFIELDS
};

static const struct {
	const char *name;
	bool quoted;
} fields[NFIELDS] = {
	[F_SEQ] = { "seq", false },              /* 1 for the run's first exit */
	[F_ICOUNT] = { "icount", false },        /* instructions retired before it */
	[F_REASON] = { "reason", false },        /* basic exit reason (SDM App. C) */
	[F_NAME] = { "name", true },
	[F_QUALIFICATION] = { "qualification", true },
	[F_CS] = { "cs", true },                 /* where the guest stopped */
	[F_RIP] = { "rip", true },
	[F_GLA] = { "gla", true },               /* guest-linear address */
	[F_GPA] = { "gpa", true },               /* guest-physical address */
	[F_DETAIL] = { "detail", true },         /* port, CR, MSR or vector */
	[F_HANDLED_IN] = { "handled_in", true }, /* "kernel" or "user" (vmm/costmodel.c) */
	[F_CYCLES] = { "cycles", false },        /* modeled cycles charged */
};

struct exit_trace *exit_trace_open(const char *path)
{
	struct exit_trace *t = calloc(1, sizeof(*t));
	size_t len = strlen(path);

	if (!t || !(t->f = fopen(path, "w"))) {
		fprintf(stderr, "glassvm: -trace-exits %s: %s\n", path, strerror(errno));
		free(t);
		return NULL;
	}
	t->path = path;
	t->csv = len >= 4 && !strcmp(path + len - 4, ".csv");
	for (unsigned k = 0; t->csv && k < NFIELDS; k++)
		fprintf(t->f, "%s%s", fields[k].name, k + 1 < NFIELDS ? "," : "\n");
	return t;
}

/*
 * The detail that tells exits of one reason apart: the port of an I/O
 * exit (SDM table 28-5), the control register of a CR access (table 28-3),
 * the MSR index the guest put in ECX, the vector of an exception.
 */
static bool exit_detail(const struct vmm *v, uint64_t *detail)
{
	const struct vmcs *vmcs = &v->vmcs;

	switch (vmcs->exit_reason) {
	case EXIT_IO_INSTRUCTION: *detail = IOQ_PORT(vmcs->exit_qualification); return true;
	case EXIT_CR_ACCESS:      *detail = CRQ_CR(vmcs->exit_qualification); return true;
	case EXIT_RDMSR:
	case EXIT_WRMSR:          *detail = v->cpu->regs[R_ECX]; return true;
	case EXIT_EXCEPTION_NMI:  *detail = INTR_INFO_VECTOR(vmcs->exit_interruption_info); return true;
	default:                  return false;
	}
}

/* The VMCS's guest-linear and guest-physical address fields are written
 * for EPT violations, the latter also for misconfigurations (SDM 27.2.1). */
static bool has_gla(unsigned reason)
{
	return reason == EXIT_EPT_VIOLATION;
}

static bool has_gpa(unsigned reason)
{
	return reason == EXIT_EPT_VIOLATION || reason == EXIT_EPT_MISCONFIG;
}

/* A line from the fields' texts; "" is a field that does not apply. */
static void put_csv(FILE *f, char text[NFIELDS][32])
{
	for (unsigned k = 0; k < NFIELDS; k++)
		fprintf(f, "%s%s", text[k], k + 1 < NFIELDS ? "," : "\n");
}

static void put_json(FILE *f, char text[NFIELDS][32])
{
	for (unsigned k = 0; k < NFIELDS; k++) {
		fprintf(f, "%s\"%s\": ", k ? ", " : "{", fields[k].name);
		if (!*text[k])
			fputs("null", f);
		else if (fields[k].quoted)
			fprintf(f, "\"%s\"", text[k]);
		else
			fputs(text[k], f);
	}
	fputs("}\n", f);
}

void exit_trace_record(struct exit_trace *t, const struct vmm *v, uint64_t cycles)
{
	const struct vmcs *vmcs = &v->vmcs;
	unsigned reason = vmcs->exit_reason;
	char text[NFIELDS][32] = { { 0 } };
	uint64_t detail;

	snprintf(text[F_SEQ], 32, "%" PRIu64, ++t->seq);
	snprintf(text[F_ICOUNT], 32, "%" PRIu64, v->cpu->icount);
	snprintf(text[F_REASON], 32, "%u", reason);
	snprintf(text[F_NAME], 32, "%s", exit_reason_name(reason));
	snprintf(text[F_QUALIFICATION], 32, "0x%" PRIx64, vmcs->exit_qualification);
	snprintf(text[F_CS], 32, "0x%04x", vmcs->guest_cs);
	snprintf(text[F_RIP], 32, "0x%08x", vmcs->guest_rip);
	if (has_gla(reason))
		snprintf(text[F_GLA], 32, "0x%08x", vmcs->guest_linear_address);
	if (has_gpa(reason))
		snprintf(text[F_GPA], 32, "0x%" PRIx64, vmcs->guest_physical_address);
	if (exit_detail(v, &detail))
		snprintf(text[F_DETAIL], 32, "0x%" PRIx64, detail);
	snprintf(text[F_HANDLED_IN], 32, "%s",
		 exit_in_user_space(reason, vmcs->exit_qualification) ? "user" : "kernel");
	snprintf(text[F_CYCLES], 32, "%" PRIu64, cycles);
	if (t->csv)
		put_csv(t->f, text);
	else
		put_json(t->f, text);
}

int exit_trace_close(struct exit_trace *t)
{
	int rc = 0;

	if (!t)
		return 0;
	/* '|', not '||': the file is closed even after a write error. */
	if (ferror(t->f) | fclose(t->f)) {
		fprintf(stderr, "glassvm: -trace-exits %s: %s\n", t->path, strerror(errno));
		rc = -1;
	}
	free(t);
	return rc;
}
