/*
 * vmm/costmodel.h - what a run would have cost on real hardware, in modeled
 * cycles: glassvm is an interpreter, so its own speed says nothing about
 * the schemes it compares; the cost model turns the run's counters into
 * the figure a hardware hypervisor would see.
 *
 *   modeled_cycles = instructions * per_insn
 *                  + the sum over the exits of their charge (cost_of_exit)
 *                  + walk_refs * walk_ref
 *
 * The defaults, and where they come from, are in vmm/costmodel.c and
 * docs/paging.md; -cost FILE overrides any of them.
 */
#ifndef VMM_COSTMODEL_H
#define VMM_COSTMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/vmcs.h"

struct cost_model {
	uint64_t per_insn;        /* a guest instruction retired */
	uint64_t exit_entry;      /* one VM exit and the VM entry back */
	uint64_t kernel_handler;  /* the hypervisor's handler, in the host kernel */
	uint64_t user_roundtrip;  /* on top: out to a user-space device model and back */
	uint64_t walk_ref;        /* one memory reference of a page walk */
};

extern const struct cost_model cost_model_default;

/* Is the exit finished in user space (a device model, as QEMU's), rather
 * than by the hypervisor in the host kernel (as KVM's own handlers)? */
bool exit_in_user_space(unsigned reason, uint64_t qualification);

/* The modeled cycles one exit costs, recorded in VMCS. */
uint64_t cost_of_exit(const struct cost_model *cm, const struct vmcs *vmcs);

/* A whole run's modeled cycles, EXIT_CYCLES being the sum of cost_of_exit. */
uint64_t cost_model_total(const struct cost_model *cm, uint64_t instructions,
			  uint64_t exit_cycles, uint64_t walk_refs);

/* Read a -cost file into CM (which holds the values the file does not
 * set): "key = value" lines, '#' comments.  Returns 0, or -1 with a
 * message naming the file and line in ERR. */
int cost_model_load(struct cost_model *cm, const char *path, char *err, size_t errlen);

#endif
