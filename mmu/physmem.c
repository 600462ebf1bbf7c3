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
	pm->has_code = calloc(pages, 1);
	if (!pm->ram || !pm->page_gen || !pm->has_code) {
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
	free(pm->has_code);
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
	memcpy(pm->ram + pa, src, len);
	for (uint64_t p = pa & PAGE_MASK; p < pa + len; p += PAGE_SIZE)
		physmem_code_written(pm, p);
	return true;
}

bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len)
{
	if (!in_ram(pm, pa, len))
		return false;
	memcpy(dst, pm->ram + pa, len);
	return true;
}
