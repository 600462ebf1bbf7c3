/*
 * cpu/cpu.c - creating a CPU, its reset state, and EFLAGS as a whole.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/icache.h"
#include "cpu/ops.h"
#include "cpu/segment.h"
#include "mmu/mmu.h"

struct cpu *cpu_create(struct mmu *mmu, struct io_bus io)
{
	struct cpu *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->icache = icache_create();
	if (!c->icache) {
		free(c);
		return NULL;
	}
	c->mmu = mmu;
	c->supervisor_tlb = &mmu->tlb[TLB_SUPERVISOR];
	c->user_tlb = &mmu->tlb[TLB_USER];
	c->io = io;
	cpu_reset(c);
	return c;
}

void cpu_destroy(struct cpu *c)
{
	if (!c)
		return;
	icache_destroy(c->icache);
	free(c);
}

/* A data segment as the reset state leaves it: base 0, limit 64 KiB,
 * present, writable, accessed (SDM Vol. 3A, table 9-1). */
#define RESET_DATA_ATTR (SEG_P | SEG_S | SEG_TYPE_RW | SEG_TYPE_ACCESSED)
#define RESET_CODE_ATTR (SEG_P | SEG_S | SEG_TYPE_CODE | SEG_TYPE_RW | SEG_TYPE_ACCESSED)

/* The state after RESET (SDM Vol. 3A, 9.1.1): real mode at F000:FFF0 with CS.base FFFF0000. */
void cpu_reset(struct cpu *c)
{
	memset(c->regs, 0, sizeof(c->regs));
	c->regs[R_EDX] = 0x00000630;  /* the CPUID signature, as after a real reset */
	c->eip = 0xfff0;
	c->lf.op = LF_NONE;
	c->eflags = FL_FIXED;
	c->cr0 = CR0_ET | 0x60000000u;  /* CD and NW set */
	c->cr2 = c->cr3 = c->cr4 = 0;
	memset(c->dr, 0, sizeof(c->dr));
	c->dr[6] = 0xffff0ff0u;
	c->dr[7] = 0x00000400u;
	c->tsc_offset = 0;
	msr_reset(&c->msr);
	fpu_reset(&c->fpu);
	for (unsigned s = 0; s < NR_SREGS; s++)
		seg_set_cache(c, s, 0, 0, 0xffff, RESET_DATA_ATTR);
	seg_set_cache(c, S_CS, 0xf000, 0xffff0000u, 0xffff, RESET_CODE_ATTR);
	c->gdtr = c->idtr = (struct dtr){ 0, 0xffff };
	c->ldtr = (struct segment){ .limit = 0xffff, .attr = SEG_P | 0x2 };
	c->tr = (struct segment){ .limit = 0xffff, .attr = SEG_P | 0xb };
	cpu_set_cpl(c, 0);
	c->code32 = false;
	c->halted = false;
	c->inhibit_irq = c->nmi_pending = c->nmi_blocked = false;
	c->pending_db = c->exec_breakpoints = false;
	c->delivering = -1;
	c->rollback.valid = false;
	c->cur = NULL;
	mmu_flush(c->mmu, false);
}

/*
 * The machine state the Multiboot specification (3.2) promises a kernel:
 * protected mode, paging off, CS a 32-bit read/execute segment and the data
 * segments read/write, all with offset 0 and limit 4 GiB; IF clear.  GDTR
 * is undefined, so the kernel must load its own before touching a segment.
 */
void cpu_enter_flat32(struct cpu *c, uint32_t eip)
{
	uint32_t data = RESET_DATA_ATTR | SEG_DB | SEG_G;
	uint32_t code = RESET_CODE_ATTR | SEG_DB | SEG_G;

	c->cr0 = (c->cr0 & ~(0x60000000u | CR0_PG)) | CR0_PE;
	for (unsigned s = 0; s < NR_SREGS; s++)
		seg_set_cache(c, s, 0x10, 0, 0xffffffffu, data);
	seg_set_cache(c, S_CS, 0x08, 0, 0xffffffffu, code);
	c->code32 = true;
	cpu_set_cpl(c, 0);
	c->eflags = FL_FIXED;
	c->lf.op = LF_NONE;
	c->eip = eip;
	mmu_flush(c->mmu, false);
}

uint32_t cpu_get_eflags(struct cpu *c)
{
	return (c->eflags & ~FL_ARITH) | lf_eval(&c->lf, c->eflags) | FL_FIXED;
}

void cpu_set_eflags(struct cpu *c, uint32_t v, uint32_t mask)
{
	uint32_t cur = cpu_get_eflags(c);

	c->eflags = ((cur & ~mask) | (v & mask) | FL_FIXED) & ~0xffc00028u;
	c->lf.op = LF_NONE;
	/* Alignment checking just turned on: user accesses must leave the TLB. */
	if ((c->eflags & ~cur & FL_AC) && (c->cr0 & CR0_AM))
		mmu_flush(c->mmu, false);
}
