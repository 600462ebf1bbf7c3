/*
 * vmm/costmodel.c - the cost model: default costs, where each exit is
 * handled, and the -cost file that overrides the defaults.
 *
 * The defaults are modeling assumptions, not measurements of any one
 * processor: orders of magnitude that published figures support, so that
 * the comparisons come out the way they do on hardware.  Change them with
 * -cost FILE and watch which conclusions move.
 *
 * per_insn = 1: the baseline, one cycle per guest instruction.
 *
 * exit_entry = 1200: an exit and the entry back.  Intel: "hundreds or
 *   thousands of cycles for a single transition" (Intel Developer Zone,
 *   "Virtualization and Performance: Understanding VM Exits", 2009); VMware
 *   showed the VMEXIT latency falling from NetBurst to Nehalem ("Newer
 *   processors and virtualization performance", VMware communities blog,
 *   2009).  A KVM developer timed ~1,350 cycles from just before VMRUN to
 *   just after it on a recent AMD processor (LKML, December 2020,
 *   lkml.iu.edu/hypermail/linux/kernel/2012.2/00527.html).
 *
 * kernel_handler = 300: the hypervisor's own work for an exit it finishes
 *   in the host kernel (emulate CPUID, map a page in the EPT), short next
 *   to the transition; an assumption.  An exit then costs 1,500 cycles;
 *   ACRN's guide puts an exit to a hypervisor-emulated UART register at
 *   ~2,000-3,000 cycles (projectacrn, doc/tutorials/
 *   rtvm_workload_design_guideline.rst), the upper end for such work.
 *
 * user_roundtrip = 3000: on top of that, out to a user-space device model
 *   (QEMU's) and back.  The LKML timing above spent ~1,150 cycles in the
 *   KVM_RUN ioctl's kernel entry and exit alone (576 + 576); the rest is
 *   an assumption for QEMU finding and running the device model.  KVM's
 *   developers call kernel-only exits "lightweight" by contrast (Paolo
 *   Bonzini on the kvm list, May 2020, spinics.net/lists/kvm/msg216179).
 *
 * walk_ref = 20: one page-table entry read by a page walk.  Entries are
 *   usually in the data caches: a rule of thumb puts a cached 4-level walk
 *   at 20-50 cycles and an uncached one at 200+ (newsletter.onedfrk.com,
 *   "TLB", 2026); 20 assumes mostly cached tables.  What differs between
 *   the schemes is the number of references, not their price: a 2D walk
 *   of n guest and m EPT levels makes up to (n+1)(m+1)-1 of them
 *   (Bhargava et al., "Accelerating two-dimensional page walks for
 *   virtualized systems", ASPLOS 2008).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/costmodel.h"

const struct cost_model cost_model_default = {
	.per_insn = 1,
	.exit_entry = 1200,
	.kernel_handler = 300,
	.user_roundtrip = 3000,
	.walk_ref = 20,
};

/*
 * Ports the hypervisor in the host kernel serves itself, without a trip to
 * user space: KVM does so for the devices it emulates in the kernel (PIC,
 * PIT, I/O APIC).  glassvm's device models all stand for user-space ones,
 * so there are none yet; an in-kernel device model adds its ports here.
 */
static bool port_in_kernel(uint16_t port)
{
	(void)port;
	return false;
}

/*
 * KVM's split: it handles CPUID, HLT, MSRs, CR accesses, INVLPG, page
 * faults and EPT violations itself, and leaves to user space (its exit
 * codes KVM_EXIT_IO, KVM_EXIT_MMIO, KVM_EXIT_SHUTDOWN) what a device model
 * or the machine's owner must decide: port I/O, MMIO (EPT
 * misconfigurations are how KVM marks MMIO) and a shutdown.
 */
bool exit_in_user_space(unsigned reason, uint64_t qualification)
{
	switch (reason) {
	case EXIT_IO_INSTRUCTION:
		return !port_in_kernel(IOQ_PORT(qualification));
	case EXIT_EPT_MISCONFIG:
	case EXIT_TRIPLE_FAULT:
		return true;
	default:
		return false;
	}
}

uint64_t cost_of_exit(const struct cost_model *cm, const struct vmcs *vmcs)
{
	uint64_t c = cm->exit_entry + cm->kernel_handler;

	if (exit_in_user_space(vmcs->exit_reason, vmcs->exit_qualification))
		c += cm->user_roundtrip;
	return c;
}

uint64_t cost_model_total(const struct cost_model *cm, uint64_t instructions,
			  uint64_t exit_cycles, uint64_t walk_refs)
{
	return instructions * cm->per_insn + exit_cycles + walk_refs * cm->walk_ref;
}

/* ---- the -cost file ---- */

static const struct {
	const char *key;
	size_t offset;
} keys[] = {
	{ "per_insn", offsetof(struct cost_model, per_insn) },
	{ "exit_entry", offsetof(struct cost_model, exit_entry) },
	{ "kernel_handler", offsetof(struct cost_model, kernel_handler) },
	{ "user_roundtrip", offsetof(struct cost_model, user_roundtrip) },
	{ "walk_ref", offsetof(struct cost_model, walk_ref) },
};

static char *trim(char *s)
{
	char *end;

	s += strspn(s, " \t\r\n");
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		end--;
	*end = '\0';
	return s;
}

static uint64_t *field(struct cost_model *cm, const char *key)
{
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!strcmp(key, keys[k].key))
			return (uint64_t *)((char *)cm + keys[k].offset);
	return NULL;
}

/* A number of cycles: decimal digits only, so that "-1" or "1e3" is an
 * error rather than a surprise. */
static int parse_cycles(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* One line, comments already cut off; empty lines are fine. */
static int parse_line(struct cost_model *cm, char *line, char *err, size_t errlen)
{
	char *text = trim(line), *eq = strchr(text, '='), *key, *value;
	uint64_t *f;

	if (!*text)
		return 0;
	if (!eq) {
		snprintf(err, errlen, "expected 'key = value', got '%s'", text);
		return -1;
	}
	*eq = '\0';
	key = trim(text);
	value = trim(eq + 1);
	f = field(cm, key);
	if (!f) {
		snprintf(err, errlen, "unknown key '%s' (per_insn, exit_entry, kernel_handler, "
			 "user_roundtrip, walk_ref)", key);
		return -1;
	}
	if (parse_cycles(value, f)) {
		snprintf(err, errlen, "'%s' is not a number of cycles for %s", value, key);
		return -1;
	}
	return 0;
}

int cost_model_load(struct cost_model *cm, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, why[256];
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "#")] = '\0';
		rc = parse_line(cm, line, why, sizeof(why));
	}
	if (rc)
		snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
	free(line);
	fclose(f);
	return rc;
}
