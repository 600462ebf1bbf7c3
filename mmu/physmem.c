/* mmu/physmem.c - guest-physical RAM and its code-page bookkeeping. */
#include <stdlib.h>
#include <string.h>

#include "mmu/physmem.h"

struct physmem *physmem_create(uint64_t size)
{
	struct physmem *pm = calloc(1, sizeof(*pm));
	uint64_t pages = size >> PAGE_SHIFT;

	if (!pm)
		return NULL;
	pm->size = size;
	pm->ram = calloc(1, size);
	pm->page_gen = calloc(pages, sizeof(*pm->page_gen));
	pm->code_chunks = calloc(pages, sizeof(*pm->code_chunks));
	if (!pm->ram || !pm->page_gen || !pm->code_chunks) {
		physmem_destroy(pm);
		return NULL;
	}
	return pm;
}

void physmem_destroy(struct physmem *pm)
{
	if (!pm)
		return;
	free(pm->ram);
	free(pm->page_gen);
	free(pm->code_chunks);
	free(pm);
}

static bool in_ram(const struct physmem *pm, uint64_t pa, size_t len)
{
	return pa <= pm->size && len <= pm->size - pa;
}

bool physmem_write(struct physmem *pm, uint64_t pa, const void *src, size_t len)
{
	if (!in_ram(pm, pa, len))
		return false;
	for (uint64_t p = pa, end = pa + len; p < end; p = (p & PAGE_MASK) + PAGE_SIZE) {
		uint64_t chunk = ((p & PAGE_MASK) + PAGE_SIZE < end ? (p & PAGE_MASK) + PAGE_SIZE : end) - p;
		physmem_code_written(pm, p, chunk);
	}
	memcpy(pm->ram + pa, src, len);
	return true;
}

bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len)
{
	if (!in_ram(pm, pa, len))
		return false;
	memcpy(dst, pm->ram + pa, len);
	return true;
}
