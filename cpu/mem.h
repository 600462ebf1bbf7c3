/*
 * cpu/mem.h - the CPU's view of memory: segmentation, then the soft TLB.
 *
 * The fast path of every data access is here, inline: two compares for the
 * segment limits, one compare for the TLB tag, then a load or store through
 * the host pointer.  Everything else (TLB miss, page-crossing access, code on
 * the page, a fault) goes to the slow path in cpu/mem.c.
 */
#ifndef CPU_MEM_H
#define CPU_MEM_H

#include <string.h>

#include "cpu/cpu.h"
#include "mmu/tlb.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

_Noreturn void seg_fault(struct cpu *c, unsigned s, bool write);
uint32_t mem_read_slow(struct cpu *c, struct tlb *t, uint32_t lin, unsigned size);
uint8_t mem_fetch_byte(struct cpu *c, uint32_t lin);
void mem_write_slow(struct cpu *c, struct tlb *t, uint32_t lin, uint32_t v, unsigned size);

/* Segment limit check (SDM Vol. 3A, 5.3), then the linear address. */
static inline uint32_t seg_linear(struct cpu *c, unsigned s, uint32_t off,
				  unsigned size, bool write)
{
	const struct segment *sg = &c->seg[s];
	int64_t last = (int64_t)off + size - 1;

	if (unlikely(off < sg->lo || last > (write ? sg->whi : sg->rhi)))
		seg_fault(c, s, write);
	return sg->base + off;
}

static inline bool tlb_hit(uint32_t tag, uint32_t lin, unsigned size)
{
	return likely(tag == (lin & PAGE_MASK) && (lin & ~PAGE_MASK) <= PAGE_SIZE - size);
}

static inline uint32_t load_host(uintptr_t p, unsigned size)
{
	uint32_t v = 0;

	memcpy(&v, (const void *)p, size);  /* little-endian host: low bytes first */
	return v;
}

static inline void store_host(uintptr_t p, uint32_t v, unsigned size)
{
	memcpy((void *)p, &v, size);
}

/* Linear-address accesses through a given TLB (also used for the implicit
 * supervisor accesses to descriptor tables, which use TLB_SUPERVISOR). */
static inline uint32_t lin_read(struct cpu *c, struct tlb *t, uint32_t lin, unsigned size)
{
	const struct tlb_entry *e = tlb_entry(t, lin);

	if (tlb_hit(e->rtag, lin, size))
		return load_host(e->addend + lin, size);
	return mem_read_slow(c, t, lin, size);
}

static inline void lin_write(struct cpu *c, struct tlb *t, uint32_t lin, uint32_t v, unsigned size)
{
	const struct tlb_entry *e = tlb_entry(t, lin);

	if (tlb_hit(e->wtag, lin, size))
		store_host(e->addend + lin, v, size);
	else
		mem_write_slow(c, t, lin, v, size);
}

/* Segmented accesses at the current privilege: what instructions use. */
static inline uint32_t vread(struct cpu *c, unsigned s, uint32_t off, unsigned size)
{
	return lin_read(c, c->tlb, seg_linear(c, s, off, size, false), size);
}

static inline void vwrite(struct cpu *c, unsigned s, uint32_t off, uint32_t v, unsigned size)
{
	lin_write(c, c->tlb, seg_linear(c, s, off, size, true), v, size);
}

/* Check that a later write of SIZE bytes at S:OFF cannot fault, so that an
 * instruction with several side effects (ENTER, PUSHA, CMPXCHG8B) can test
 * its destination before changing anything. */
void vprobe_write(struct cpu *c, unsigned s, uint32_t off, unsigned size);

#endif
