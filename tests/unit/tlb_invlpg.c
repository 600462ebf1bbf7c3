/*
 * tlb_invlpg.c - INVLPG must remove every TLB entry for the page that holds
 * the address (Intel SDM Vol. 3A, 4.10.4.1): for a 4 MiB page that is all of
 * it, although the soft TLB keeps such a page as separate 4 KiB pieces.
 */
#include <criterion/criterion.h>

#include "mmu/mmu.h"

static struct physmem *pm;
static struct mmu *m;

static void setup(void)
{
	pm = physmem_create(16u << 20);
	cr_assert_not_null(pm);
	m = mmu_create(pm);
	cr_assert_not_null(m);
}

static void teardown(void)
{
	mmu_destroy(m);
	physmem_destroy(pm);
}

static bool cached(uint32_t lin)
{
	return tlb_entry(&m->tlb[TLB_SUPERVISOR], lin)->rtag == (lin & PAGE_MASK);
}

static void fill(uint32_t lin, uint32_t phys, unsigned flags)
{
	tlb_fill(&m->tlb[TLB_SUPERVISOR], lin, phys, physmem_ptr(pm, phys), flags);
}

TestSuite(tlb_invlpg, .init = setup, .fini = teardown);

Test(tlb_invlpg, drops_every_piece_of_a_4mib_page)
{
	/* Two 4 KiB pieces of the 4 MiB page at 0x00400000, one 4 KiB page elsewhere. */
	fill(0x00401000, 0x00401000, TLB_LARGE);
	fill(0x007ff000, 0x007ff000, TLB_LARGE);
	fill(0x00c00000, 0x00800000, 0);
	mmu_flush_page(m, 0x00555555);  /* any address inside the large page */
	cr_expect_not(cached(0x00401000), "first piece of the 4 MiB page still cached");
	cr_expect_not(cached(0x007ff000), "last piece of the 4 MiB page still cached");
	cr_expect(cached(0x00c00000), "an unrelated 4 KiB page was flushed");
}

Test(tlb_invlpg, drops_only_the_4kib_page)
{
	fill(0x00401000, 0x00401000, 0);
	fill(0x00402000, 0x00402000, 0);
	mmu_flush_page(m, 0x00401abc);
	cr_expect_not(cached(0x00401000), "the 4 KiB page is still cached");
	cr_expect(cached(0x00402000), "its neighbour was flushed too");
}

Test(tlb_invlpg, cr3_load_keeps_global_pieces)
{
	fill(0x00401000, 0x00401000, TLB_LARGE | TLB_GLOBAL);
	fill(0x00c00000, 0x00800000, 0);
	mmu_flush(m, true);
	cr_expect(cached(0x00401000), "a global entry did not survive the CR3 load");
	cr_expect_not(cached(0x00c00000), "a non-global entry survived the CR3 load");
	mmu_flush_page(m, 0x00400000);
	cr_expect_not(cached(0x00401000), "INVLPG must drop global entries too");
}
