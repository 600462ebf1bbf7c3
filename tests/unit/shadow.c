/*
 * shadow.c - the shadow MMU's rules (mmu/shadow.c): the MMU walks only the
 * shadow; a guest page holding a shadowed page directory or page table is
 * never writable through any shadow; a write to one drops what was derived
 * from it; INVLPG drops one entry; roots are kept per guest CR3.
 */
#include <criterion/criterion.h>

#include "mmu/hostmem.h"
#include "mmu/shadow.h"

#define RAM       (4u << 20)
#define GUEST_PD  0x10000u
#define GUEST_PT  0x11000u
#define DATA      0x20000u
#define LIN       0x00400000u   /* PDE 1, PTE 0 */

static struct hostmem *host;
static struct physmem *pm;
static struct shadow *sh;

static void setup(void)
{
	host = hostmem_create(RAM + (2u << 20));
	pm = host ? physmem_create_in(host, RAM, 1) : NULL;
	sh = pm ? shadow_create(host, pm) : NULL;
	cr_assert_not_null(sh);
}

static void teardown(void)
{
	shadow_destroy(sh);
	physmem_destroy(pm);
	hostmem_destroy(host);
}

TestSuite(shadow, .init = setup, .fini = teardown);

static bool walks(int root, uint32_t lin, unsigned acc, uint64_t *hpa)
{
	uint32_t bits, error;

	return shadow_walk(sh, sh->roots[root].hpa, lin, acc, hpa, &bits, &error);
}

Test(shadow, empty_until_filled)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint64_t hpa;

	cr_assert_neq(root, SHADOW_NONE);
	cr_expect_not(walks(root, LIN, 0, &hpa), "a fresh shadow maps nothing: a hidden fault");
	cr_assert_eq(shadow_install(sh, root, LIN, GUEST_PT, physmem_hpa(pm, DATA), SPTE_W), 0);
	cr_assert(walks(root, LIN + 0x123, 1, &hpa));
	cr_expect_eq(hpa, physmem_hpa(pm, DATA) + 0x123, "the shadow maps to the host frame");
	cr_expect_eq(shadow_gpa_of(sh, hpa), DATA + 0x123);
}

/* Read-only in the shadow means no write at all, whatever CR0.WP: that is
 * how clean pages and guest page tables make their writes exit. */
Test(shadow, read_only_entries_stop_every_write)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint32_t bits, error;
	uint64_t hpa;

	shadow_install(sh, root, LIN, GUEST_PT, physmem_hpa(pm, DATA), 0);
	cr_expect(walks(root, LIN, 0, &hpa), "reads go through");
	cr_expect_not(shadow_walk(sh, sh->roots[root].hpa, LIN, 1, &hpa, &bits, &error));
	cr_expect_eq(error, 0x3, "a supervisor write to a present page: P | W");
}

Test(shadow, guest_tables_are_write_protected)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint32_t bits, error;
	uint64_t hpa;

	/* The guest maps its own page table at LIN + 4 KiB, writable... */
	shadow_install(sh, root, LIN + 0x1000, GUEST_PT, physmem_hpa(pm, GUEST_PT), SPTE_W);
	/* ... the shadow of GUEST_PT exists now: writes through it must exit. */
	cr_expect(shadow_protects(sh, GUEST_PT));
	cr_expect(shadow_protects(sh, GUEST_PD), "the root's guest page directory too");
	cr_expect_not(shadow_protects(sh, DATA));
	cr_expect_not(shadow_walk(sh, sh->roots[root].hpa, LIN + 0x1000, 1, &hpa, &bits, &error),
		      "a write to a shadowed guest table must fault");
	cr_expect(sh->tlb_stale, "entries lost W: the TLB must be told");
}

Test(shadow, a_guest_write_drops_what_was_derived)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint64_t hpa;

	shadow_install(sh, root, LIN, GUEST_PT, physmem_hpa(pm, DATA), SPTE_W);
	shadow_guest_wrote(sh, GUEST_PT);
	cr_expect_not(walks(root, LIN, 0, &hpa), "the entry from the old guest PTE survived");
	shadow_install(sh, root, LIN, GUEST_PT, physmem_hpa(pm, DATA), SPTE_W);
	shadow_guest_wrote(sh, GUEST_PD);
	cr_expect_not(walks(root, LIN, 0, &hpa), "a write to the guest PD must drop its tables");
}

Test(shadow, invlpg_drops_one_entry)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint64_t hpa;

	shadow_install(sh, root, LIN, GUEST_PT, physmem_hpa(pm, DATA), SPTE_W);
	shadow_install(sh, root, LIN + 0x1000, GUEST_PT, physmem_hpa(pm, DATA + 0x1000), SPTE_W);
	shadow_invlpg(sh, root, LIN);
	cr_expect_not(walks(root, LIN, 0, &hpa));
	cr_expect(walks(root, LIN + 0x1000, 0, &hpa), "INVLPG took its neighbour too");
}

/* One root per guest CR3, found again; the least recently used one goes
 * when all are taken. */
Test(shadow, roots_are_cached_and_reclaimed)
{
	int first = shadow_root_for(sh, GUEST_PD);

	cr_expect_eq(shadow_root_for(sh, GUEST_PD + 0x123), first, "same page directory, same root");
	for (unsigned k = 1; k <= SHADOW_MAX_ROOTS; k++)
		shadow_root_for(sh, GUEST_PD + k * PAGE_SIZE);
	cr_expect_eq(sh->roots_created, SHADOW_MAX_ROOTS + 1);
	cr_expect_eq(sh->roots_reclaimed, 1);
	cr_expect_not(shadow_protects(sh, GUEST_PD), "the reclaimed root's PD is free again");
}

/* A shadow entry for a piece of a guest 4 MiB page says so, so that the TLB
 * entry made from it is marked large and a guest INVLPG anywhere in the
 * 4 MiB drops every piece (SDM Vol. 3A, 4.10.4.1; tests/unit/tlb_invlpg.c). */
Test(shadow, pieces_of_a_large_guest_page_are_marked)
{
	int root = shadow_root_for(sh, GUEST_PD);
	uint32_t bits, error;
	uint64_t hpa;

	shadow_install(sh, root, LIN, 0, physmem_hpa(pm, DATA), SPTE_W);  /* from a 4 MiB PDE */
	shadow_install(sh, root, 2 * LIN, GUEST_PT, physmem_hpa(pm, DATA), SPTE_W);
	cr_assert(shadow_walk(sh, sh->roots[root].hpa, LIN, 0, &hpa, &bits, &error));
	cr_expect(bits & SPTE_LARGE, "a piece of a 4 MiB page is not marked");
	cr_assert(shadow_walk(sh, sh->roots[root].hpa, 2 * LIN, 0, &hpa, &bits, &error));
	cr_expect_not(bits & SPTE_LARGE, "a 4 KiB page is marked large");
}
