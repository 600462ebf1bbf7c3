/* mmu/tlb.c - filling and flushing the software TLB (see mmu/tlb.h). */
#include "mmu/tlb.h"

static void tlb_invalidate(struct tlb_entry *e)
{
	e->rtag = e->wtag = TLB_INVALID;
	e->writable = false;
	e->global = false;
	e->large = false;
}

/* A MOV to CR3 flushes all but global entries (SDM Vol. 3A, 4.10.4.1). */
void tlb_flush(struct tlb *t, bool keep_global)
{
	bool large_left = false;

	for (unsigned i = 0; i <= t->mask; i++) {
		if (!(keep_global && t->e[i].global))
			tlb_invalidate(&t->e[i]);
		large_left |= t->e[i].large;
	}
	t->has_large = large_left;
}

static bool entry_maps(const struct tlb_entry *e, uint32_t lin, uint32_t mask)
{
	return ((e->rtag ^ lin) & mask) == 0 || ((e->wtag ^ lin) & mask) == 0;
}

/*
 * INVLPG: every entry for the page holding LIN goes (SDM Vol. 3A, 4.10.4.1).
 * The soft TLB keeps a 4 MiB page as 4 KiB pieces, so when there may be
 * such pieces, all those of the same 4 MiB region go too.
 */
void tlb_flush_page(struct tlb *t, uint32_t lin)
{
	struct tlb_entry *e = tlb_entry(t, lin);

	if (entry_maps(e, lin, PAGE_MASK))
		tlb_invalidate(e);
	if (!t->has_large)
		return;
	for (unsigned i = 0; i <= t->mask; i++)
		if (t->e[i].large && entry_maps(&t->e[i], lin, 0xffc00000u))
			tlb_invalidate(&t->e[i]);
}

void tlb_protect_code(struct tlb *t, uint32_t phys)
{
	for (unsigned i = 0; i <= t->mask; i++)
		if (t->e[i].phys == phys)
			t->e[i].wtag = TLB_INVALID;
}

void tlb_fill(struct tlb *t, uint32_t lin, uint32_t phys, uint8_t *host, unsigned flags)
{
	struct tlb_entry *e = tlb_entry(t, lin);
	bool writable;

	phys = physmem_bus_addr(t->pm, phys);
	writable = (flags & TLB_WRITABLE) && physmem_writable_ptr(t->pm, phys);
	lin &= PAGE_MASK;
	e->rtag = lin;
	e->wtag = writable && !(flags & TLB_HAS_CODE) ? lin : TLB_INVALID;
	e->writable = writable;
	e->addend = (uintptr_t)host - lin;
	e->phys = phys;
	e->global = flags & TLB_GLOBAL;
	e->large = flags & TLB_LARGE;
	t->has_large |= e->large;
}
