/*
 * mmu/physmem.h - guest-physical memory: RAM, read-only ROM windows, and
 * the A20 gate in front of both.
 *
 * Guest RAM lives in host-physical memory (mmu/hostmem.h), page by page:
 * the p2m table ("physical to machine", as Xen calls it) gives the frame of
 * each guest page.  Natively page n is in frame n, all of RAM one block from
 * address 0; a hypervisor scatters the pages (ARCHITECTURE.md section 2).
 * ROM regions (the firmware of -bios) are laid over RAM: where a ROM and
 * RAM overlap the ROM wins, as the chipset of a PC decodes its BIOS window
 * 0xE0000-0xFFFFF to the firmware, not to the RAM beneath (the PC/AT
 * memory map).  Writes to ROM are dropped; addresses with neither RAM nor
 * ROM have nothing behind them (the CPU reads all ones there).
 *
 * Every guest-physical address the CPU or a device uses goes through the
 * A20 gate first: while it is closed, address bit 20 is forced to 0, so
 * real-mode addresses past 1 MiB wrap to 0 as on an 8086 (Intel SDM Vol.
 * 3A, 20.1.1 and 8.7.13.4, the A20M# pin).
 *
 * Beside RAM, per 4 KiB page, the decoded-instruction cache keeps a
 * generation number: decoded code remembers the generation of its page, and
 * a store into decoded code bumps it, so stale code is never run
 * (ARCHITECTURE.md section 4, "decode once").  Which bytes hold decoded code
 * is kept per 64-byte chunk, so that data sharing a page with code (a small
 * kernel's variables, the stack) can be written without throwing the page's
 * code away.  This bookkeeping covers the whole 32-bit physical space, not
 * just RAM, because ROM code at the top of it is decoded too.
 */
#ifndef MMU_PHYSMEM_H
#define MMU_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/hostmem.h"

#define PHYS_SPACE    (1ull << 32)               /* what a 32-bit bus decodes */
#define A20_BIT       (1ull << 20)
#define PHYSMEM_ROMS  4

/* A read-only window: SIZE bytes at guest-physical BASE, both page-aligned. */
struct rom_window {
	uint64_t base, size;
	const uint8_t *bytes;   /* owned by whoever mapped it */
};

struct physmem {
	struct hostmem *host;   /* where RAM lives */
	uint64_t *p2m;          /* per RAM page: the host-physical address of its frame */
	uint8_t *ram;           /* all of RAM as one block where GPA == HPA, else NULL */
	bool owns_host;         /* host was made for this RAM alone, and goes with it */
	uint64_t size;          /* bytes of RAM, a multiple of PAGE_SIZE */
	uint64_t a20_mask;      /* ANDed into every address: ~A20_BIT while the gate is closed */
	struct rom_window rom[PHYSMEM_ROMS];
	unsigned nr_roms;
	uint32_t *page_gen;     /* per page: generation of its decoded code */
	uint64_t *code_chunks;  /* per page: bit n set if bytes 64n..64n+63 hold decoded code */
};

/* RAM of SIZE bytes from address 0, no ROM, the A20 gate open, in a host
 * memory of its own where GPA == HPA: the native machine. */
struct physmem *physmem_create(uint64_t size);
/* The same, with RAM placed in HOST (see hostmem_place_guest: first, on a
 * fresh memory; SCATTER as there).  HOST must outlive the physmem. */
struct physmem *physmem_create_in(struct hostmem *host, uint64_t size, unsigned scatter);
void physmem_destroy(struct physmem *pm);

/* The host-physical address of RAM at guest-physical GPA, before the A20
 * gate (the gate is the guest's, the p2m the VMM's), or HOSTMEM_NO_FRAME
 * past the end of RAM.  What the VMM puts in the EPT. */
static inline uint64_t physmem_hpa(const struct physmem *pm, uint64_t gpa)
{
	return gpa < pm->size ? pm->p2m[gpa >> PAGE_SHIFT] + (gpa & (PAGE_SIZE - 1))
			      : HOSTMEM_NO_FRAME;
}

/* Host pointer to RAM at BUS, an address after the gate and below size. */
static inline uint8_t *physmem_ram_ptr(struct physmem *pm, uint64_t bus)
{
	return pm->host->bytes + physmem_hpa(pm, bus);
}

/* Map SIZE bytes of BYTES read-only at BASE (page-aligned, below 4 GiB);
 * BYTES must outlive PM.  Returns -1 if not aligned or out of slots. */
int physmem_map_rom(struct physmem *pm, uint64_t base, const uint8_t *bytes, uint64_t size);

/* Open (true) or close the A20 gate.  The CPU's TLBs hold translations
 * made through the gate: use mmu_set_a20(), which flushes them. */
static inline void physmem_set_a20(struct physmem *pm, bool enabled)
{
	pm->a20_mask = enabled ? ~0ull : ~A20_BIT;
}

static inline bool physmem_a20_enabled(const struct physmem *pm)
{
	return pm->a20_mask & A20_BIT;
}

/* The address PA as memory sees it, after the A20 gate. */
static inline uint64_t physmem_bus_addr(const struct physmem *pm, uint64_t pa)
{
	return pa & pm->a20_mask;
}

static inline const struct rom_window *physmem_rom_at(const struct physmem *pm, uint64_t bus)
{
	for (unsigned k = 0; k < pm->nr_roms; k++)
		if (bus - pm->rom[k].base < pm->rom[k].size)
			return &pm->rom[k];
	return NULL;
}

/* Host pointer for reading guest-physical PA (RAM or ROM), or NULL where
 * nothing answers. */
static inline uint8_t *physmem_ptr(struct physmem *pm, uint64_t pa)
{
	uint64_t bus = physmem_bus_addr(pm, pa);
	const struct rom_window *r = physmem_rom_at(pm, bus);

	if (r)
		return (uint8_t *)r->bytes + (bus - r->base);
	return bus < pm->size ? physmem_ram_ptr(pm, bus) : NULL;
}

/* Host pointer for writing PA: RAM not covered by ROM, else NULL (the
 * store goes nowhere). */
static inline uint8_t *physmem_writable_ptr(struct physmem *pm, uint64_t pa)
{
	uint64_t bus = physmem_bus_addr(pm, pa);

	return bus < pm->size && !physmem_rom_at(pm, bus) ? physmem_ram_ptr(pm, bus) : NULL;
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

static inline uint64_t physmem_pfn(const struct physmem *pm, uint64_t pa)
{
	return (physmem_bus_addr(pm, pa) & (PHYS_SPACE - 1)) >> PAGE_SHIFT;
}

static inline bool physmem_page_has_code(const struct physmem *pm, uint64_t pa)
{
	return pm->code_chunks[physmem_pfn(pm, pa)] != 0;
}

/* Decoded code now covers LEN bytes at PA (within one page). */
static inline void physmem_mark_code(struct physmem *pm, uint64_t pa, unsigned len)
{
	pm->code_chunks[physmem_pfn(pm, pa)] |= code_chunk_mask(pa, len);
}

/*
 * LEN bytes at PA (within one page) are about to be written outside the
 * CPU's fast path (or by a device or loader).  If they overlap decoded code,
 * the page's code is stale: bump its generation.  Returns true if so.
 * Only RAM can change, so only RAM pages are looked at.
 */
static inline bool physmem_code_written(struct physmem *pm, uint64_t pa, unsigned len)
{
	uint64_t pfn = physmem_pfn(pm, pa);

	if (!physmem_writable_ptr(pm, pa) || !(pm->code_chunks[pfn] & code_chunk_mask(pa, len)))
		return false;
	pm->code_chunks[pfn] = 0;
	pm->page_gen[pfn]++;
	return true;
}

/*
 * Copy into guest-physical memory (loaders, DMA), through the A20 gate.
 * Returns false if some of it fell outside RAM: those bytes are dropped,
 * as the bus drops a store to ROM or to nothing.
 */
bool physmem_write(struct physmem *pm, uint64_t pa, const void *src, size_t len);
/* Copy out of RAM or ROM.  Returns false if some of it has nothing behind
 * it: those bytes of DST are left as they were. */
bool physmem_read(struct physmem *pm, uint64_t pa, void *dst, size_t len);

#endif
