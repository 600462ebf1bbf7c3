/* mmu/mmu.c - the TLB pair and the guest RAM behind it. */
#include <stdlib.h>

#include "mmu/mmu.h"

struct mmu *mmu_create(struct physmem *pm)
{
	struct mmu *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->pm = pm;
	mmu_flush(m, false);
	return m;
}

void mmu_destroy(struct mmu *m)
{
	free(m);
}

void mmu_flush(struct mmu *m, bool keep_global)
{
	m->epoch++;
	tlb_flush(&m->tlb[TLB_SUPERVISOR], keep_global);
	tlb_flush(&m->tlb[TLB_USER], keep_global);
}

void mmu_flush_page(struct mmu *m, uint32_t lin)
{
	m->epoch++;
	tlb_flush_page(&m->tlb[TLB_SUPERVISOR], lin);
	tlb_flush_page(&m->tlb[TLB_USER], lin);
}

void mmu_protect_code(struct mmu *m, uint32_t phys, unsigned len)
{
	bool had_code = physmem_page_has_code(m->pm, phys);

	physmem_mark_code(m->pm, phys, len);
	if (had_code)
		return;  /* the TLBs already send this page's stores to the slow path */
	tlb_protect_code(&m->tlb[TLB_SUPERVISOR], phys & PAGE_MASK);
	tlb_protect_code(&m->tlb[TLB_USER], phys & PAGE_MASK);
}
