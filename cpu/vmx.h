/*
 * cpu/vmx.h - VMX non-root operation: the CPU's side of the VM-exit
 * (Intel SDM Vol. 3C, chapters 25 and 27).  While cpu->vmcs is set the CPU
 * runs a guest: the instructions and events its execution controls name
 * leave to the hypervisor instead of happening, with the reason and the
 * details in the VMCS.  cpu_run() then returns STOP_VMEXIT.
 */
#ifndef CPU_VMX_H
#define CPU_VMX_H

#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/vmcs.h"

static inline bool cpu_in_guest(const struct cpu *c)
{
	return c->vmcs != NULL;
}

/*
 * Leave from inside an instruction.  It has not happened (EIP still points
 * at it); the VMCS records its length, so a handler that emulates it can
 * skip it (SDM 27.2.4, VM-exit instruction length).
 */
_Noreturn void vmexit_instruction(struct cpu *c, unsigned reason, uint64_t qualification);

/* Leave between instructions (an external interrupt, an interrupt window). */
void vmexit_between(struct cpu *c, unsigned reason, uint64_t qualification);

/* Exit 30 for a port access by the guest (cpu/ops.h: port_in/port_out). */
void vmx_io_exit(struct cpu *c, uint16_t port, unsigned size, unsigned form);

/* The hypervisor has the CPU execute the exiting instruction itself, in
 * root mode, when the guest resumes: without the exit it caused (string
 * I/O) or past the EPT (a ROM or MMIO access the hypervisor serves). */
void vmx_emulate_in_root(struct cpu *c);

/* Is the instruction now running the one the hypervisor emulates? */
static inline bool vmx_root_emulating(const struct cpu *c, uint32_t insn_start)
{
	return c->root_emulating && c->root_emulate_eip == insn_start;
}

/* The handler emulated the instruction that exited: step over it. */
void vmx_skip_instruction(struct cpu *c);

/* VM entry: deliver the event the hypervisor asked to inject (SDM 26.6). */
void vmx_inject_pending(struct cpu *c);

/* Between blocks: exits for an interrupt that arrived or a window that opened. */
bool vmx_check_interrupts(struct cpu *c);

#endif
