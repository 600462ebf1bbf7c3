/*
 * costmodel.c - the cost model: its defaults (vmm/costmodel.c documents
 * their sources), which exits go to user space, the charge per exit, the
 * run's total, and the -cost file with its errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/costmodel.h"

static char path[64];
static char err[512];

static void remove_file(void)
{
	if (*path)
		unlink(path);
	*path = '\0';
}

TestSuite(costmodel, .fini = remove_file);

/* A -cost file holding TEXT. */
static const char *cost_file(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/glassvm-cost-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp");
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static struct vmcs exit_of(unsigned reason, uint64_t qualification)
{
	return (struct vmcs){ .exit_reason = reason, .exit_qualification = qualification };
}

Test(costmodel, defaults)
{
	const struct cost_model *d = &cost_model_default;

	cr_expect_eq(d->per_insn, 1);
	cr_expect_eq(d->exit_entry, 1200);
	cr_expect_eq(d->kernel_handler, 300);
	cr_expect_eq(d->user_roundtrip, 3000);
	cr_expect_eq(d->walk_ref, 20);
}

Test(costmodel, port_io_and_mmio_go_to_user_space)
{
	cr_expect(exit_in_user_space(EXIT_IO_INSTRUCTION, 0x03f80000));
	cr_expect(exit_in_user_space(EXIT_EPT_MISCONFIG, 0));
	cr_expect(exit_in_user_space(EXIT_TRIPLE_FAULT, 0));
	cr_expect_not(exit_in_user_space(EXIT_CPUID, 0));
	cr_expect_not(exit_in_user_space(EXIT_HLT, 0));
	cr_expect_not(exit_in_user_space(EXIT_CR_ACCESS, 3));
	cr_expect_not(exit_in_user_space(EXIT_INVLPG, 0));
	cr_expect_not(exit_in_user_space(EXIT_EXCEPTION_NMI, 0));
	cr_expect_not(exit_in_user_space(EXIT_EPT_VIOLATION, 0));
	cr_expect_not(exit_in_user_space(EXIT_RDMSR, 0));
}

Test(costmodel, charge_per_exit)
{
	struct cost_model cm = { .exit_entry = 1000, .kernel_handler = 200, .user_roundtrip = 5000 };
	struct vmcs cpuid = exit_of(EXIT_CPUID, 0), io = exit_of(EXIT_IO_INSTRUCTION, 0x00f40000);

	cr_expect_eq(cost_of_exit(&cm, &cpuid), 1200);
	cr_expect_eq(cost_of_exit(&cm, &io), 6200, "an I/O exit adds the user-space round trip");
}

Test(costmodel, total)
{
	struct cost_model cm = { .per_insn = 2, .walk_ref = 3 };

	/* instructions * per_insn + exit cycles + walk_refs * walk_ref */
	cr_expect_eq(cost_model_total(&cm, 10, 1000, 7), 20 + 1000 + 21);
	cr_expect_eq(cost_model_total(&cost_model_default, 5, 0, 0), 5);
}

Test(costmodel, file_overrides_only_what_it_names)
{
	struct cost_model cm = cost_model_default;

	cr_assert_eq(cost_model_load(&cm, cost_file("# a comment line\n\n"
						    "  walk_ref=35   # trailing comment\r\n"
						    "exit_entry = 600\n"), err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cm.walk_ref, 35);
	cr_expect_eq(cm.exit_entry, 600);
	cr_expect_eq(cm.per_insn, 1, "a key the file does not name keeps its value");
	cr_expect_eq(cm.user_roundtrip, 3000);
}

/* Each bad file: the message names the file and the line. */
static void expect_error(const char *text, unsigned line, const char *what)
{
	struct cost_model cm = cost_model_default;
	char where[96];

	cr_assert_eq(cost_model_load(&cm, cost_file(text), err, sizeof(err)), -1,
		     "'%s' was accepted", text);
	snprintf(where, sizeof(where), "%s:%u: ", path, line);
	cr_expect(strstr(err, where) == err, "'%s' does not start with '%s'", err, where);
	cr_expect(strstr(err, what), "'%s' does not say '%s'", err, what);
	cr_expect(!strchr(err, '\n'), "one line");
}

Test(costmodel, unknown_key)
{
	expect_error("per_insn = 1\nwalk_refs = 20\n", 2, "unknown key 'walk_refs'");
}

Test(costmodel, bad_values)
{
	expect_error("walk_ref = -3\n", 1, "'-3' is not a number of cycles");
	expect_error("walk_ref = 1e3\n", 1, "'1e3'");
	expect_error("walk_ref =\n", 1, "'' is not a number");
	expect_error("walk_ref = 99999999999999999999999\n", 1, "not a number");
}

Test(costmodel, line_without_equals)
{
	expect_error("\n\nexit_entry 500\n", 3, "expected 'key = value'");
}

Test(costmodel, missing_file)
{
	struct cost_model cm = cost_model_default;

	cr_assert_eq(cost_model_load(&cm, "/nonexistent/costs", err, sizeof(err)), -1);
	cr_expect(strstr(err, "/nonexistent/costs: "), "%s", err);
}
