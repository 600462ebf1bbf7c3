/*
 * tests/unit/hostmem.c - host-physical memory: VMM frames from a free list,
 * guest RAM placed at GPA == HPA or scattered by a fixed seed, and guest
 * RAM reached through the p2m by physmem.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "mmu/physmem.h"

#define FRAMES 64u
#define GUEST_PAGES 40u

static struct hostmem *hm;

static void setup(void)
{
	hm = hostmem_create(FRAMES * PAGE_SIZE);
	cr_assert_not_null(hm);
}

static void teardown(void)
{
	hostmem_destroy(hm);
}

TestSuite(hostmem, .init = setup, .fini = teardown);

Test(hostmem, size_must_be_whole_frames)
{
	cr_expect_null(hostmem_create(0));
	cr_expect_null(hostmem_create(PAGE_SIZE + 8));
}

Test(hostmem, ptr_covers_exactly_the_memory)
{
	cr_expect_eq(hostmem_ptr(hm, 0), hm->bytes);
	cr_expect_eq(hostmem_ptr(hm, FRAMES * PAGE_SIZE - 1), hm->bytes + FRAMES * PAGE_SIZE - 1);
	cr_expect_null(hostmem_ptr(hm, FRAMES * PAGE_SIZE));
}

Test(hostmem, frames_come_in_address_order_and_zeroed)
{
	uint64_t a = hostmem_alloc_frame(hm), b = hostmem_alloc_frame(hm);

	cr_expect_eq(a, 0);
	cr_expect_eq(b, PAGE_SIZE);
	cr_expect_eq(hm->vmm_frames, 2);
	memset(hostmem_ptr(hm, b), 0xaa, PAGE_SIZE);
	cr_assert_eq(hostmem_free_frame(hm, b), 0);
	cr_expect_eq(hm->vmm_frames, 1);
	cr_expect_eq(hostmem_alloc_frame(hm), b, "the frame just freed is reused first");
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		cr_assert_eq(hostmem_ptr(hm, b)[i], 0, "byte %u of a reused frame", i);
}

Test(hostmem, runs_out_and_recovers)
{
	for (unsigned k = 0; k < FRAMES; k++)
		cr_assert_neq(hostmem_alloc_frame(hm), HOSTMEM_NO_FRAME);
	cr_expect_eq(hostmem_alloc_frame(hm), HOSTMEM_NO_FRAME);
	cr_assert_eq(hostmem_free_frame(hm, 5 * PAGE_SIZE), 0);
	cr_expect_eq(hostmem_alloc_frame(hm), 5 * PAGE_SIZE);
	cr_expect_eq(hm->vmm_frames, FRAMES);
}

Test(hostmem, frees_only_vmm_frames)
{
	uint64_t p2m[1], f;

	cr_assert_eq(hostmem_place_guest(hm, 1, false, p2m), 0);
	f = hostmem_alloc_frame(hm);
	cr_expect_eq(hostmem_free_frame(hm, p2m[0]), -1, "guest RAM");
	cr_expect_eq(hostmem_free_frame(hm, f + 8), -1, "not a frame address");
	cr_expect_eq(hostmem_free_frame(hm, FRAMES * PAGE_SIZE), -1, "outside");
	cr_expect_eq(hostmem_free_frame(hm, f), 0);
	cr_expect_eq(hostmem_free_frame(hm, f), -1, "freed twice");
}

Test(hostmem, unscattered_guest_ram_is_the_identity)
{
	uint64_t p2m[GUEST_PAGES];

	cr_assert_eq(hostmem_place_guest(hm, GUEST_PAGES, false, p2m), 0);
	for (unsigned n = 0; n < GUEST_PAGES; n++)
		cr_expect_eq(p2m[n], (uint64_t)n * PAGE_SIZE);
	cr_expect_eq(hm->guest_frames, GUEST_PAGES);
	cr_expect_eq(hostmem_alloc_frame(hm), GUEST_PAGES * PAGE_SIZE, "the VMM gets the rest");
}

Test(hostmem, guest_ram_comes_first_and_must_fit)
{
	uint64_t p2m[FRAMES + 1];

	cr_expect_eq(hostmem_place_guest(hm, FRAMES + 1, true, p2m), -1);
	hostmem_alloc_frame(hm);
	cr_expect_eq(hostmem_place_guest(hm, 1, false, p2m), -1);
}

/* Every frame is either guest RAM (once) or left for the VMM. */
Test(hostmem, scattered_guest_ram_is_a_permutation)
{
	uint64_t p2m[GUEST_PAGES], f;
	unsigned seen[FRAMES] = { 0 }, moved = 0;

	cr_assert_eq(hostmem_place_guest(hm, GUEST_PAGES, true, p2m), 0);
	for (unsigned n = 0; n < GUEST_PAGES; n++) {
		cr_assert_lt(p2m[n], FRAMES * PAGE_SIZE);
		cr_assert_eq(p2m[n] % PAGE_SIZE, 0);
		seen[p2m[n] / PAGE_SIZE]++;
		moved += p2m[n] != (uint64_t)n * PAGE_SIZE;
	}
	while ((f = hostmem_alloc_frame(hm)) != HOSTMEM_NO_FRAME)
		seen[f / PAGE_SIZE]++;
	for (unsigned k = 0; k < FRAMES; k++)
		cr_expect_eq(seen[k], 1, "frame %u", k);
	cr_expect_gt(moved, GUEST_PAGES / 2, "only %u of %u pages moved", moved, GUEST_PAGES);
	cr_expect_eq(hm->guest_frames + hm->vmm_frames, FRAMES);
}

Test(hostmem, scattering_is_the_same_every_run)
{
	struct hostmem *other = hostmem_create(FRAMES * PAGE_SIZE);
	uint64_t a[GUEST_PAGES], b[GUEST_PAGES];

	cr_assert_not_null(other);
	cr_assert_eq(hostmem_place_guest(hm, GUEST_PAGES, true, a), 0);
	cr_assert_eq(hostmem_place_guest(other, GUEST_PAGES, true, b), 0);
	cr_expect_arr_eq(a, b, sizeof(a));
	cr_expect_eq(hostmem_alloc_frame(hm), hostmem_alloc_frame(other));
	hostmem_destroy(other);
}

/* --- physmem over a scattered p2m --- */

static struct physmem *pm;

static void scattered_setup(void)
{
	setup();
	pm = physmem_create_in(hm, GUEST_PAGES * PAGE_SIZE, true);
	cr_assert_not_null(pm);
}

static void scattered_teardown(void)
{
	physmem_destroy(pm);
	teardown();
}

TestSuite(physmem_scattered, .init = scattered_setup, .fini = scattered_teardown);

Test(physmem_scattered, adjacent_pages_are_not_adjacent_in_hpa)
{
	cr_expect_null(pm->ram, "RAM is not one block");
	cr_expect_neq(physmem_hpa(pm, 0x1000) - physmem_hpa(pm, 0x0), PAGE_SIZE);
	cr_expect_eq(physmem_hpa(pm, 0x1234), pm->p2m[1] + 0x234);
	cr_expect_eq(physmem_hpa(pm, GUEST_PAGES * PAGE_SIZE), HOSTMEM_NO_FRAME);
}

Test(physmem_scattered, reads_and_writes_cross_pages)
{
	uint8_t in[3 * PAGE_SIZE], out[sizeof(in)];
	uint64_t pa = 5 * PAGE_SIZE - 100;  /* three pages touched, two boundaries */

	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = i * 7 + 1;
	cr_assert(physmem_write(pm, pa, in, sizeof(in)));
	memset(out, 0, sizeof(out));
	cr_assert(physmem_read(pm, pa, out, sizeof(out)));
	cr_expect_arr_eq(out, in, sizeof(in));
	/* The bytes are where the p2m says, on both sides of a boundary. */
	cr_expect_eq(*hostmem_ptr(hm, physmem_hpa(pm, pa + 99)), in[99]);
	cr_expect_eq(*hostmem_ptr(hm, physmem_hpa(pm, pa + 100)), in[100]);
	cr_expect_eq(physmem_ptr(pm, pa + 100), hostmem_ptr(hm, physmem_hpa(pm, pa + 100)));
	cr_expect_eq(physmem_writable_ptr(pm, pa), hostmem_ptr(hm, physmem_hpa(pm, pa)));
}

Test(physmem_scattered, nothing_past_the_end)
{
	uint8_t b = 0x5a;

	cr_expect_null(physmem_ptr(pm, GUEST_PAGES * PAGE_SIZE));
	cr_expect_not(physmem_write(pm, GUEST_PAGES * PAGE_SIZE - 1, (uint8_t[2]){ 1, 2 }, 2));
	cr_expect(physmem_read(pm, GUEST_PAGES * PAGE_SIZE - 1, &b, 1));
	cr_expect_eq(b, 1);
}

Test(physmem_native, ram_is_one_block_at_hpa_0)
{
	struct physmem *n = physmem_create(16 * PAGE_SIZE);

	cr_assert_not_null(n);
	cr_expect_not_null(n->ram);
	cr_expect_eq(physmem_hpa(n, 0x5678), 0x5678);
	cr_expect_eq(physmem_ptr(n, 0x5678), n->ram + 0x5678);
	physmem_destroy(n);
}

/* 2 MiB EPT pages: each aligned 2 MiB of guest RAM is one aligned, contiguous
 * 2 MiB of host memory; the 2 MiB runs themselves are shuffled. */
Test(hostmem, scatter_in_2mib_runs)
{
	enum { RUN = HOSTMEM_SCATTER_2M, RUNS = 8 };
	struct hostmem *big = hostmem_create((RUNS + 2) * (uint64_t)RUN * PAGE_SIZE);
	static uint64_t p2m[RUNS * RUN];
	unsigned moved = 0;
	uint64_t f;

	cr_assert_not_null(big);
	cr_assert_eq(hostmem_place_guest(big, RUNS * RUN, RUN, p2m), 0);
	for (unsigned n = 0; n < RUNS * RUN; n++) {
		uint64_t base = p2m[n - n % RUN];
		cr_assert_eq(base % (RUN * PAGE_SIZE), 0, "run of page %u not 2 MiB aligned", n);
		cr_assert_eq(p2m[n], base + (n % RUN) * PAGE_SIZE, "page %u out of its run", n);
		moved += n % RUN == 0 && base != (uint64_t)n * PAGE_SIZE;
	}
	cr_expect_gt(moved, 0, "the runs were not shuffled");
	/* The two runs left over are the hypervisor's. */
	for (unsigned k = 0; k < 2 * RUN; k++)
		cr_assert_neq(f = hostmem_alloc_frame(big), HOSTMEM_NO_FRAME);
	cr_expect_eq(hostmem_alloc_frame(big), HOSTMEM_NO_FRAME);
	hostmem_destroy(big);
}
