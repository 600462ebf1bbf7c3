/*
 * mmu/physmem.h - guest-physical memory.
 *
 * Guest RAM is one host allocation.  Beside it, per 4 KiB page, the decoded-
 * instruction cache keeps a generation number: decoded code remembers the
 * generation of its page, and a store into decoded code bumps it, so stale
 * code is never run (ARCHITECTURE.md section 4, "decode once").  Which bytes
 * hold decoded code is kept per 64-byte chunk, so that data sharing a page
 * with code (a small kernel's variables, the stack) can be written without
 * throwing the page's code away.
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
	uint64_t *code_chunks;  /* per page: bit n set if bytes 64n..64n+63 hold decoded code */
};

struct physmem *physmem_create(uint64_t size);
void physmem_destroy(struct physmem *pm);

/* Host pointer for a guest-physical address, or NULL outside RAM. */
static inline uint8_t *physmem_ptr(struct physmem *pm, uint64_t pa)
{
	return pa < pm->size ? pm->ram + pa : NULL;
}

#define CODE_CHUNK_SHIFT 6

/* The chunk bits covering LEN bytes at PA (within one page). */
static inline uint64_t code_chunk_mask(uint64_t pa, unsigned len)
{
	unsigned first = (pa & ~PAGE_MASK) >> CODE_CHUNK_SHIFT;
	unsigned last = ((pa & ~PAGE_MASK) + len - 1) >> CODE_CHUNK_SHIFT;
	uint64_t upto_last = last == 63 ? ~0ull : (2ull << last) - 1;

	return upto_last & ~((1ull << first) - 1);
}

static inline bool physmem_page_has_code(const struct physmem *pm, uint64_t pa)
{
	return pm->code_chunks[pa >> PAGE_SHIFT] != 0;
}

/* Decoded code now covers LEN bytes at PA (within one page). */
static inline void physmem_mark_code(struct physmem *pm, uint64_t pa, unsigned len)
{
	pm->code_chunks[pa >> PAGE_SHIFT] |= code_chunk_mask(pa, len);
}

/*
 * LEN bytes at PA (within one page) are about to be written outside the
 * CPU's fast path (or by a device or loader).  If they overlap decoded code,
 * the page's code is stale: bump its generation.  Returns true if so.
 */
static inline bool physmem_code_written(struct physmem *pm, uint64_t pa, unsigned len)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	if (pa >= pm->size || !(pm->code_chunks[pfn] & code_chunk_mask(pa, len)))
		return false;
	pm->code_chunks[pfn] = 0;
	pm->page_gen[pfn]++;
	return true;
}

/* Copy into guest RAM (loaders, DMA).  Returns false if it runs past RAM. */
bool physmem_write(struct physmem *pm, uint64_t pa, const void *src, size_t len);
bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len);

#endif
