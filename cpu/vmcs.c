/* cpu/vmcs.c - exit reasons by number and by name. */
#include <stdlib.h>
#include <string.h>

#include "cpu/vmcs.h"

/* The names KVM's `perf kvm stat` and glassvm's monitor use. */
static const char *const names[NR_EXIT_REASONS] = {
	[EXIT_EXCEPTION_NMI] = "exception",
	[EXIT_EXTERNAL_INTERRUPT] = "external_interrupt",
	[EXIT_TRIPLE_FAULT] = "triple_fault",
	[EXIT_INTERRUPT_WINDOW] = "interrupt_window",
	[EXIT_CPUID] = "cpuid",
	[EXIT_HLT] = "hlt",
	[EXIT_INVLPG] = "invlpg",
	[EXIT_VMCALL] = "vmcall",
	[EXIT_CR_ACCESS] = "cr_access",
	[EXIT_IO_INSTRUCTION] = "io",
	[EXIT_RDMSR] = "rdmsr",
	[EXIT_WRMSR] = "wrmsr",
	[EXIT_EPT_VIOLATION] = "ept_violation",
	[EXIT_EPT_MISCONFIG] = "ept_misconfig",
};

const char *exit_reason_name(unsigned reason)
{
	return reason < NR_EXIT_REASONS && names[reason] ? names[reason] : "unknown";
}

int exit_reason_by_name(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n >= 0 && n < NR_EXIT_REASONS ? (int)n : -1;
	for (int r = 0; r < NR_EXIT_REASONS; r++)
		if (names[r] && !strcmp(names[r], name))
			return r;
	return -1;
}
