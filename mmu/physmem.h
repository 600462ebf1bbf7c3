/*
 * mmu/physmem.h - guest-physical memory.
 *
 * Guest RAM is one host allocation.  Beside it, per 4 KiB page, the decoded-
 * instruction cache keeps a generation number: decoded code remembers the
 * generation of its page, and any store to the page bumps it, so stale code
 * is never run (ARCHITECTURE.md section 4, "decode once").
 */
#ifndef MMU_PHYSMEM_H
#define MMU_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

struct physmem {
	uint8_t *ram;
	uint64_t size;          /* bytes, a multiple of PAGE_SIZE */
	uint32_t *page_gen;     /* per page: generation of its decoded code */
	uint8_t *has_code;      /* per page: decoded code exists for the current generation */
};

struct physmem *physmem_create(uint64_t size);
void physmem_destroy(struct physmem *pm);

/* Host pointer for a guest-physical address, or NULL outside RAM. */
static inline uint8_t *physmem_ptr(struct physmem *pm, uint64_t pa)
{
	return pa < pm->size ? pm->ram + pa : NULL;
}

/*
 * A store reached page PA outside the CPU's fast path (or from a device or
 * loader): invalidate decoded code on it.  Returns true if there was any.
 */
static inline bool physmem_code_written(struct physmem *pm, uint64_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	if (pa >= pm->size || !pm->has_code[pfn])
		return false;
	pm->has_code[pfn] = 0;
	pm->page_gen[pfn]++;
	return true;
}

/* Copy into guest RAM (loaders, DMA).  Returns false if it runs past RAM. */
bool physmem_write(struct physmem *pm, uint64_t pa, const void *src, size_t len);
bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len);

#endif
