/*
 * vmm/main.c - glassvm: parse the command line, then run the guest once
 * (vmm/run.c), or once per paging scheme with -compare (vmm/compare.c).
 * The exit status is the guest's (isa-debug-exit), or 1 for an error.
 */
#include "vmm/compare.h"
#include "vmm/options.h"
#include "vmm/run.h"

int main(int argc, char **argv)
{
	struct options opts;

	switch (options_parse(&opts, argc, argv)) {
	case PARSE_EXIT_OK: return 0;
	case PARSE_ERROR:   return 1;
	case PARSE_RUN:     break;
	}
	return opts.n_compare ? compare_schemes(&opts) : run_guest(&opts, NULL);
}
