/*
 * exit_trace.c - the dispatcher charges every exit to the cost model and
 * writes its -trace-exits line before the handler runs: JSON lines, or
 * CSV with a header for a file named *.csv (vmm/trace.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "machine_harness.h"
#include "vmm/costmodel.h"
#include "vmm/trace.h"
#include "vmm/vmm.h"

static struct vmm vmm;
static struct ioport_bus bus;
static char path[64];

static uint32_t dev_read(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque, (void)port, (void)size;
	return 0x5a;
}

static void dev_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	(void)opaque, (void)port, (void)value, (void)size;
}

static const struct ioport_ops dev_ops = { dev_read, dev_write };

static void setup(void)
{
	machine_setup();
	bus = (struct ioport_bus){ .n = 0 };
	ioport_register(&bus, 0x60, 1, &dev_ops, NULL);
	vmm_init(&vmm, cpu, &bus, pm, PAGING_EPT, NULL, NULL);  /* exits only: no EPT */
}

static void teardown(void)
{
	unlink(path);
	machine_teardown();
}

TestSuite(exit_trace, .init = setup, .fini = teardown);

/* CPUID (in the kernel), IN from port 0x60 (a user-space device), HLT;
 * the ICOUNT of each exit goes to ICOUNTS. */
static void run_three_exits(const char *suffix, uint64_t icounts[3])
{
	snprintf(path, sizeof(path), "/tmp/glassvm-trace-%d%s", (int)getpid(), suffix);
	vmm.trace = exit_trace_open(path);
	cr_assert(vmm.trace, "cannot open %s", path);
	asm_at(CODE, "xor %eax, %eax\n cpuid\n in $0x60, %al\n hlt");
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(cpu_run(cpu, 10000), STOP_VMEXIT);
		icounts[k] = cpu->icount;
		vmm_handle_exit(&vmm);
	}
	cr_assert_eq(exit_trace_close(vmm.trace), 0);
	vmm.trace = NULL;
}

/* The file's lines, which must be N, each checked against EXPECTED[k]. */
static void expect_lines(unsigned n, char expected[][320])
{
	FILE *f = fopen(path, "r");
	char line[320];
	unsigned k = 0;

	cr_assert(f);
	while (fgets(line, sizeof(line), f)) {
		cr_assert_lt(k, n, "more than %u lines", n);
		cr_expect_str_eq(line, expected[k], "line %u:\n%s expected:\n%s", k + 1, line,
				 expected[k]);
		k++;
	}
	fclose(f);
	cr_expect_eq(k, n, "%u lines, expected %u", k, n);
}

Test(exit_trace, json_lines)
{
	uint64_t ic[3];
	char want[3][320];

	run_three_exits(".jsonl", ic);
	snprintf(want[0], 320, "{\"seq\": 1, \"icount\": %llu, \"reason\": 10, \"name\": \"cpuid\", "
		 "\"qualification\": \"0x0\", \"cs\": \"0x0008\", \"rip\": \"0x00010002\", "
		 "\"gla\": null, \"gpa\": null, \"detail\": null, \"handled_in\": \"kernel\", "
		 "\"cycles\": 1500}\n", (unsigned long long)ic[0]);
	snprintf(want[1], 320, "{\"seq\": 2, \"icount\": %llu, \"reason\": 30, \"name\": \"io\", "
		 "\"qualification\": \"0x600048\", \"cs\": \"0x0008\", \"rip\": \"0x00010004\", "
		 "\"gla\": null, \"gpa\": null, \"detail\": \"0x60\", \"handled_in\": \"user\", "
		 "\"cycles\": 4500}\n", (unsigned long long)ic[1]);
	snprintf(want[2], 320, "{\"seq\": 3, \"icount\": %llu, \"reason\": 12, \"name\": \"hlt\", "
		 "\"qualification\": \"0x0\", \"cs\": \"0x0008\", \"rip\": \"0x00010006\", "
		 "\"gla\": null, \"gpa\": null, \"detail\": null, \"handled_in\": \"kernel\", "
		 "\"cycles\": 1500}\n", (unsigned long long)ic[2]);
	expect_lines(3, want);
	cr_expect_eq(vmm.exit_cycles, 1500 + 4500 + 1500, "the charges add up in the VMM");
}

Test(exit_trace, csv_with_header)
{
	uint64_t ic[3];
	char want[4][320] = {
		"seq,icount,reason,name,qualification,cs,rip,gla,gpa,detail,handled_in,cycles\n"
	};

	run_three_exits(".csv", ic);
	snprintf(want[1], 320, "1,%llu,10,cpuid,0x0,0x0008,0x00010002,,,,kernel,1500\n",
		 (unsigned long long)ic[0]);
	snprintf(want[2], 320, "2,%llu,30,io,0x600048,0x0008,0x00010004,,,0x60,user,4500\n",
		 (unsigned long long)ic[1]);
	snprintf(want[3], 320, "3,%llu,12,hlt,0x0,0x0008,0x00010006,,,,kernel,1500\n",
		 (unsigned long long)ic[2]);
	expect_lines(4, want);
}

/* A model of the user's: the dispatcher charges what it says. */
Test(exit_trace, charged_by_the_vmms_cost_model)
{
	struct cost_model cm = { .exit_entry = 100, .kernel_handler = 10, .user_roundtrip = 1000 };
	uint64_t ic[3];

	vmm.cost = &cm;
	run_three_exits(".jsonl", ic);
	cr_expect_eq(vmm.exit_cycles, 110 + 1110 + 110);
}
