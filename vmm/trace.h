/*
 * vmm/trace.h - -trace-exits FILE: one line per VM exit, for a spreadsheet
 * or a plotting script.  JSON lines, or CSV (with a header line) when FILE
 * ends in ".csv".  The fields are listed in docs/usage.md.
 */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include <stdint.h>

struct vmm;
struct exit_trace;

/* Returns NULL after printing a one-line error. */
struct exit_trace *exit_trace_open(const char *path);
/* The exit now in V's VMCS, before its handler runs, charged CYCLES. */
void exit_trace_record(struct exit_trace *t, const struct vmm *v, uint64_t cycles);
/* Close T (NULL is fine).  Returns 0, or -1 after printing why the file
 * could not be written. */
int exit_trace_close(struct exit_trace *t);

#endif
