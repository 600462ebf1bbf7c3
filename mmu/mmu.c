/* mmu/mmu.c - the TLB pair and the guest RAM behind it. */
#include <stdlib.h>

#include "mmu/mmu.h"

struct mmu *mmu_create(struct physmem *pm)
{
	struct mmu *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->pm = pm;
	m->tlb[TLB_SUPERVISOR].pm = m->tlb[TLB_USER].pm = pm;
	mmu_set_tlb_entries(m, TLB_DEFAULT_ENTRIES);
	return m;
}

int mmu_set_tlb_entries(struct mmu *m, unsigned entries)
{
	if (entries == 0 || entries > TLB_MAX_ENTRIES || (entries & (entries - 1)))
		return -1;
	m->tlb[TLB_SUPERVISOR].mask = m->tlb[TLB_USER].mask = entries - 1;
	mmu_flush(m, false);
	return 0;
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
	uint32_t page = physmem_bus_addr(m->pm, phys) & PAGE_MASK;  /* as the TLBs key it */
	bool had_code = physmem_page_has_code(m->pm, phys);

	physmem_mark_code(m->pm, phys, len);
	if (had_code)
		return;  /* the TLBs already send this page's stores to the slow path */
	tlb_protect_code(&m->tlb[TLB_SUPERVISOR], page);
	tlb_protect_code(&m->tlb[TLB_USER], page);
}

void mmu_set_a20(struct mmu *m, bool enabled)
{
	if (enabled == physmem_a20_enabled(m->pm))
		return;
	physmem_set_a20(m->pm, enabled);
	mmu_flush(m, false);
}
