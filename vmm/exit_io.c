/*
 * vmm/exit_io.c - exit 30: the guest touched an I/O port.  The hypervisor
 * finds the device from the exit qualification (SDM Vol. 3C, table 28-5)
 * and does the access on the device model, the guest's behalf.
 */
#include "cpu/vmx.h"
#include "vmm/vmm.h"

static uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void exit_io(struct vmm *v)
{
	struct cpu *c = v->cpu;
	uint64_t q = v->vmcs.exit_qualification;
	unsigned size = IOQ_SIZE(q);
	uint16_t port = IOQ_PORT(q);
	uint32_t mask = size_mask(size);

	/* INS/OUTS move memory too: the CPU runs that one instruction in root
	 * mode rather than the hypervisor copying it element by element. */
	if (q & IOQ_STRING) {
		vmx_emulate_in_root(c);
		return;
	}
	if (q & IOQ_IN)
		c->regs[R_EAX] = (c->regs[R_EAX] & ~mask) | (ioport_read(v->io, port, size) & mask);
	else
		ioport_write(v->io, port, c->regs[R_EAX] & mask, size);
	vmx_skip_instruction(c);
}
