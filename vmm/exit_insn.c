/*
 * vmm/exit_insn.c - exits for instructions the hypervisor emulates: CPUID
 * (10), HLT (12), VMCALL (18), RDMSR (31), WRMSR (32).  Each handler does
 * what the instruction would have done, then steps the guest over it.
 */
#include "cpu/cpuid.h"
#include "cpu/msr.h"
#include "cpu/vmx.h"
#include "vmm/vmm.h"

#define EXC_GP 13

void exit_cpuid(struct vmm *v)
{
	struct cpu *c = v->cpu;
	struct cpuid_regs r = cpuid_query(c->regs[R_EAX], c->regs[R_ECX]);

	c->regs[R_EAX] = r.eax;
	c->regs[R_EBX] = r.ebx;
	c->regs[R_ECX] = r.ecx;
	c->regs[R_EDX] = r.edx;
	vmx_skip_instruction(c);
}

/* The guest has nothing to do: it waits in the HLT activity state until an
 * interrupt is injected; if nothing can ever come, the run ends. */
void exit_hlt(struct vmm *v)
{
	vmx_skip_instruction(v->cpu);
	v->cpu->halted = true;
}

/* An MSR the model does not have is #GP(0) in the guest, as on hardware. */
void exit_msr(struct vmm *v)
{
	struct cpu *c = v->cpu;
	uint32_t index = c->regs[R_ECX];
	uint64_t value = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
	bool ok;

	if (v->vmcs.exit_reason == EXIT_RDMSR) {
		ok = msr_read(c, index, &value);
		if (ok) {
			c->regs[R_EAX] = (uint32_t)value;
			c->regs[R_EDX] = (uint32_t)(value >> 32);
		}
	} else {
		ok = msr_write(c, index, value);
	}
	if (ok)
		vmx_skip_instruction(c);
	else
		vmm_inject(v, EXC_GP, INTR_HW_EXCEPTION, true, 0);
}

/*
 * glassvm's hypercalls: EAX selects the call, as in KVM's ABI.
 *   0  identify: EAX = 0, EBX:ECX:EDX = "glassvm-vmm " (so a guest can
 *      tell its hypervisor, as with CPUID leaf 0x40000000 elsewhere)
 * Anything else returns EAX = -1000 (KVM's -KVM_ENOSYS).
 */
#define HC_IDENTIFY 0
#define HC_ENOSYS   ((uint32_t)-1000)

void exit_vmcall(struct vmm *v)
{
	struct cpu *c = v->cpu;

	if (c->regs[R_EAX] == HC_IDENTIFY) {
		c->regs[R_EAX] = 0;
		c->regs[R_EBX] = 0x73616c67;  /* "glas" */
		c->regs[R_ECX] = 0x2d6d7673;  /* "svm-" */
		c->regs[R_EDX] = 0x206d6d76;  /* "vmm " */
	} else {
		c->regs[R_EAX] = HC_ENOSYS;
	}
	vmx_skip_instruction(c);
}
