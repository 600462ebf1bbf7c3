/* mmu/physmem.c - guest-physical RAM and ROM, and the code-page bookkeeping. */
#include <stdlib.h>
#include <string.h>

#include "mmu/physmem.h"

#define PHYS_PAGES (PHYS_SPACE >> PAGE_SHIFT)

struct physmem *physmem_create(uint64_t size)
{
	struct hostmem *host = hostmem_create(size);
	struct physmem *pm = host ? physmem_create_in(host, size, false) : NULL;

	if (!pm) {
		hostmem_destroy(host);
		return NULL;
	}
	pm->owns_host = true;
	return pm;
}

struct physmem *physmem_create_in(struct hostmem *host, uint64_t size, unsigned scatter)
{
	struct physmem *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return NULL;
	pm->host = host;
	pm->size = size;
	physmem_set_a20(pm, true);  /* as after RESET on a PC (QEMU's x86_cpu_reset too) */
	pm->p2m = calloc(size >> PAGE_SHIFT, sizeof(*pm->p2m));
	/* 12 MiB of address space for 4 GiB of pages, but calloc's fresh zero
	 * pages cost no memory until a page with code is touched. */
	pm->page_gen = calloc(PHYS_PAGES, sizeof(*pm->page_gen));
	pm->code_chunks = calloc(PHYS_PAGES, sizeof(*pm->code_chunks));
	if (!pm->p2m || !pm->page_gen || !pm->code_chunks ||
	    hostmem_place_guest(host, size >> PAGE_SHIFT, scatter, pm->p2m)) {
		physmem_destroy(pm);
		return NULL;
	}
	pm->ram = scatter ? NULL : host->bytes;
	return pm;
}

/* RAM's frames stay the guest's until the host memory goes. */
void physmem_destroy(struct physmem *pm)
{
	if (!pm)
		return;
	if (pm->owns_host)
		hostmem_destroy(pm->host);
	free(pm->p2m);
	free(pm->page_gen);
	free(pm->code_chunks);
	free(pm);
}

int physmem_map_rom(struct physmem *pm, uint64_t base, const uint8_t *bytes, uint64_t size)
{
	/* Page granularity lets the TLB hold ROM pages like RAM pages. */
	if (pm->nr_roms == PHYSMEM_ROMS || size == 0 || ((base | size) & ~PAGE_MASK) ||
	    base > PHYS_SPACE - size)
		return -1;
	pm->rom[pm->nr_roms++] = (struct rom_window){ base, size, bytes };
	return 0;
}

/* The bytes from PA to the end of its page, at most LEN. */
static size_t page_part(uint64_t pa, size_t len)
{
	size_t room = PAGE_SIZE - (pa & ~PAGE_MASK);

	return len < room ? len : room;
}

/* Page by page, since the A20 gate and the RAM/ROM/nothing decision are
 * both page-granular. */
bool physmem_write(struct physmem *pm, uint64_t pa, const void *src, size_t len)
{
	bool all = true;

	for (size_t done = 0, n; done < len; done += n, pa += n) {
		uint8_t *p = physmem_writable_ptr(pm, pa);
		n = page_part(pa, len - done);
		if (!p) {
			all = false;
			continue;
		}
		physmem_code_written(pm, pa, n);
		memcpy(p, (const uint8_t *)src + done, n);
	}
	return all;
}

bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len)
{
	bool all = true;

	for (size_t done = 0, n; done < len; done += n, pa += n) {
		const uint8_t *p = physmem_ptr(pm, pa);
		n = page_part(pa, len - done);
		if (p)
			memcpy((uint8_t *)dst + done, p, n);
		else
			all = false;
	}
	return all;
}
