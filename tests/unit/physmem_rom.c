/*
 * tests/unit/physmem_rom.c - ROM in the physical address space: -bios maps
 * its image (vmm/bios.c) to end at 4 GiB and its last 128 KiB to end at
 * 1 MiB, over RAM; stores to it are dropped, by loaders and the TLB alike.
 *
 * The oracle is QEMU's layout of pc.bios and isa-bios
 * (hw/i386/x86-common.c) and the PC/AT memory map: the BIOS window
 * E0000-FFFFF belongs to the ROM, and nothing answers where there is
 * neither RAM nor ROM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "mmu/mmu.h"
#include "vmm/bios.h"

#define RAM_SIZE (2u << 20)
#define KiB      1024u

static struct physmem *pm;
static uint8_t *image;
static char path[64];

static void setup(void)
{
	pm = physmem_create(RAM_SIZE);
	cr_assert_not_null(pm);
	memset(pm->ram, 0x77, RAM_SIZE);  /* RAM that a ROM hides must not show */
	image = NULL;
	path[0] = 0;
}

static void teardown(void)
{
	physmem_destroy(pm);
	free(image);
	if (path[0])
		unlink(path);
}

TestSuite(physmem_rom, .init = setup, .fini = teardown);

/* A ROM file of SIZE bytes whose every 32-bit word holds its own offset. */
static void write_rom_file(size_t size)
{
	int fd;
	uint32_t *words = malloc(size + 4);

	snprintf(path, sizeof(path), "/tmp/glassvm-rom-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0 && words);
	for (size_t k = 0; k < size / 4; k++)
		words[k] = k * 4;
	cr_assert_eq(write(fd, words, size), (ssize_t)size);
	close(fd);
	free(words);
}

static uint32_t read32(uint64_t pa)
{
	uint32_t v = 0xdeadbeef;

	cr_assert(physmem_read(pm, pa, &v, 4), "nothing at 0x%llx", (unsigned long long)pa);
	return v;
}

static void load(size_t size)
{
	char err[256] = "";

	write_rom_file(size);
	image = bios_load(pm, path, err, sizeof(err));
	cr_assert_not_null(image, "bios_load: %s", err);
}

Test(physmem_rom, a_64k_image_ends_at_4g_and_at_1m)
{
	load(64 * KiB);
	cr_expect_eq(read32(0xffff0000u), 0);
	cr_expect_eq(read32(0xfffffffcu), 0xfffc);
	cr_expect_eq(read32(0xf0000u), 0);
	cr_expect_eq(read32(0xffffcu), 0xfffc);
	cr_expect_eq(physmem_ptr(pm, 0xf1234u), physmem_ptr(pm, 0xffff1234u),
		     "both windows are the same bytes");
	cr_expect_eq(read32(0xefffcu), 0x77777777u, "below the image, RAM");
	cr_expect_null(physmem_ptr(pm, 0xfffeffffu), "below the image at the top, nothing");
}

Test(physmem_rom, a_larger_image_shows_its_last_128k_below_1m)
{
	load(256 * KiB);
	cr_expect_eq(read32(0xfffc0000u), 0);
	cr_expect_eq(read32(0xe0000u), 128 * KiB, "E0000 is the image's offset 128 KiB");
	cr_expect_eq(read32(0xffffcu), 256 * KiB - 4);
	cr_expect_eq(read32(0xdfffcu), 0x77777777u);
}

Test(physmem_rom, stores_to_rom_are_dropped)
{
	uint32_t v = 0x12345678, before;

	load(64 * KiB);
	before = read32(0xf0100u);
	cr_expect_not(physmem_write(pm, 0xf0100u, &v, 4));
	cr_expect_not(physmem_write(pm, 0xffff0100u, &v, 4));
	cr_expect_eq(read32(0xf0100u), before);
	cr_expect_eq(read32(0xffff0100u), before);
	cr_expect_null(physmem_writable_ptr(pm, 0xf0100u));
	cr_expect_null(physmem_writable_ptr(pm, 0xffff0100u));
	cr_expect_not_null(physmem_writable_ptr(pm, 0xeffffu));
}

Test(physmem_rom, a_store_across_the_edge_reaches_only_ram)
{
	uint8_t ones[32];

	load(64 * KiB);
	memset(ones, 0xff, sizeof(ones));
	cr_expect_not(physmem_write(pm, 0xefff0u, ones, sizeof(ones)));
	cr_expect_eq(read32(0xefffcu), 0xffffffffu, "the RAM half was written");
	cr_expect_eq(read32(0xf0000u), 0, "the ROM half was not");
}

Test(physmem_rom, nothing_answers_between_ram_and_rom)
{
	uint32_t v = 0xabcd;

	load(64 * KiB);
	cr_expect_null(physmem_ptr(pm, RAM_SIZE));
	cr_expect_null(physmem_ptr(pm, 0x80000000u));
	cr_expect_not(physmem_read(pm, 0x80000000u, &v, 4));
	cr_expect_eq(v, 0xabcd, "a read of nothing leaves the buffer alone");
}

/* The CPU's store fast path goes through the TLB's write tag: a ROM page
 * must never get one, even where paging allows the write. */
Test(physmem_rom, the_tlb_never_takes_stores_to_rom)
{
	struct mmu *m;
	const struct tlb_entry *e;

	load(64 * KiB);
	m = mmu_create(pm);
	cr_assert_not_null(m);
	tlb_fill(&m->tlb[TLB_SUPERVISOR], 0xf0000u, 0xf0000u, physmem_ptr(pm, 0xf0000u),
		 TLB_WRITABLE);
	e = tlb_entry(&m->tlb[TLB_SUPERVISOR], 0xf0000u);
	cr_expect_eq(e->rtag, 0xf0000u, "readable");
	cr_expect_eq(e->wtag, TLB_INVALID, "not writable fast");
	cr_expect_not(e->writable, "not writable at all");
	tlb_fill(&m->tlb[TLB_SUPERVISOR], 0x1000u, 0x1000u, physmem_ptr(pm, 0x1000u),
		 TLB_WRITABLE);
	cr_expect_eq(tlb_entry(&m->tlb[TLB_SUPERVISOR], 0x1000u)->wtag, 0x1000u, "RAM is");
	mmu_destroy(m);
}

static void expect_refused(size_t size, const char *why)
{
	char err[256] = "";

	write_rom_file(size);
	cr_expect_null(bios_load(pm, path, err, sizeof(err)), "%zu bytes accepted", size);
	cr_expect(strstr(err, why), "%zu bytes: '%s' does not say '%s'", size, err, why);
	cr_expect_eq(pm->nr_roms, 0, "nothing mapped");
	unlink(path);
	path[0] = 0;
}

Test(physmem_rom, images_of_a_wrong_size_are_refused)
{
	char err[256] = "";

	expect_refused(0, "64 KiB");
	expect_refused(1000, "64 KiB");
	expect_refused(64 * KiB + 4, "64 KiB");
	expect_refused(16 * KiB * KiB + 64 * KiB, "too large");
	cr_expect_null(bios_load(pm, "/nonexistent/bios.bin", err, sizeof(err)));
	cr_expect(strstr(err, "could not open"), "'%s'", err);
}
