/*
 * cpu/ioperm.c - may this code use this I/O port?  (SDM Vol. 1, 18.5)
 * In protected mode with CPL > IOPL, or in virtual-8086 mode, every port
 * the access touches must have a clear bit in the TSS I/O permission bitmap.
 */
#include "cpu/ops.h"
#include "cpu/segment.h"
#include "mmu/mmu.h"

static bool bitmap_allows(struct cpu *c, uint16_t port, unsigned size)
{
	struct tlb *t = &c->mmu->tlb[TLB_SUPERVISOR];
	uint32_t map, byte, bits;

	/* Only a 32-bit TSS (type 9 or 11) has a bitmap; its offset is at 0x66. */
	if (!(c->tr.attr & 0x8) || c->tr.limit < 0x67)
		return false;
	map = lin_read(c, t, c->tr.base + 0x66, 2);
	byte = map + port / 8;
	if (byte + 1 > c->tr.limit)
		return false;
	bits = lin_read(c, t, c->tr.base + byte, 2);
	return ((bits >> (port & 7)) & ((1u << size) - 1)) == 0;
}

void io_check_permission(struct cpu *c, uint16_t port, unsigned size)
{
	unsigned iopl = (c->eflags & FL_IOPL) >> 12;

	if (!(c->cr0 & CR0_PE) || (!(c->eflags & FL_VM) && c->cpl <= iopl))
		return;
	if (!bitmap_allows(c, port, size))
		cpu_fault(c, EXC_GP, 0);
}
