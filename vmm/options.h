/*
 * vmm/options.h - the command line, in QEMU's syntax, so that a course's
 * existing QEMU command line works after changing the program's name.
 */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/costmodel.h"

#define MAX_COMPARE 3              /* native, shadow, ept */

/* How -compare prints its table; FORMAT_DEFAULT: -format not given (text). */
enum table_format { FORMAT_DEFAULT, FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

struct options {
	const char *bios;          /* -bios FILE: a ROM image, booted at the reset vector */
	const char *kernel;
	const char *append;
	uint64_t ram_bytes;
	const char *serial;        /* stdio, file:PATH, none */
	const char *debugcon;      /* NULL when absent */
	bool debug_exit;           /* -device isa-debug-exit */
	uint16_t debug_exit_base, debug_exit_size;
	bool no_reboot;
	const char *stats;         /* -stats FILE */
	int paging;                /* -paging: enum paging_scheme (vmm/vmm.h) */
	unsigned tlb_entries;      /* -tlb-entries: per privilege, a power of two */
	bool ept_2m;               /* -ept-pages 2m: map guest RAM in 2 MiB EPT pages */
	bool paging_given;         /* -paging was on the command line */
	const char *trace_exits;   /* -trace-exits FILE */
	struct cost_model cost;    /* the defaults, with -cost FILE's values */
	int compare[MAX_COMPARE];  /* -compare: the schemes to run, in order */
	unsigned n_compare;        /* 0: no -compare, one run */
	enum table_format format;  /* -format */
};

enum parse_result { PARSE_RUN, PARSE_EXIT_OK, PARSE_ERROR };

/* Fill OPTS from ARGV.  On PARSE_ERROR a one-line message has been printed. */
enum parse_result options_parse(struct options *opts, int argc, char **argv);

#endif
