/*
 * vmm/main.c - glassvm: parse the command line, build the machine, run it.
 * The exit status is the guest's (isa-debug-exit), or 1 for an error.
 */
#include "vmm/machine.h"
#include "vmm/options.h"

int main(int argc, char **argv)
{
	struct options opts;
	struct machine *m;
	int status;

	switch (options_parse(&opts, argc, argv)) {
	case PARSE_EXIT_OK: return 0;
	case PARSE_ERROR:   return 1;
	case PARSE_RUN:     break;
	}
	m = machine_create(&opts);
	if (!m)
		return 1;
	status = machine_run(m);
	machine_destroy(m);
	return status;
}
