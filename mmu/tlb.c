/* mmu/tlb.c - filling and flushing the software TLB (see mmu/tlb.h). */
#include "mmu/tlb.h"

static void tlb_invalidate(struct tlb_entry *e)
{
	e->rtag = e->wtag = TLB_INVALID;
	e->writable = false;
	e->global = false;
}

/* A MOV to CR3 flushes all but global entries (SDM Vol. 3A, 4.10.4.1). */
void tlb_flush(struct tlb *t, bool keep_global)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++)
		if (!(keep_global && t->e[i].global))
			tlb_invalidate(&t->e[i]);
}

void tlb_flush_page(struct tlb *t, uint32_t lin)
{
	struct tlb_entry *e = tlb_entry(t, lin);

	if (e->rtag == (lin & PAGE_MASK) || e->wtag == (lin & PAGE_MASK))
		tlb_invalidate(e);
}

void tlb_protect_code(struct tlb *t, uint32_t phys)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++)
		if (t->e[i].phys == phys)
			t->e[i].wtag = TLB_INVALID;
}

void tlb_fill(struct tlb *t, uint32_t lin, uint32_t phys, uint8_t *host,
	      bool writable, bool has_code, bool global)
{
	struct tlb_entry *e = tlb_entry(t, lin);

	phys = physmem_bus_addr(t->pm, phys);
	writable = writable && physmem_writable_ptr(t->pm, phys);
	lin &= PAGE_MASK;
	e->rtag = lin;
	e->wtag = writable && !has_code ? lin : TLB_INVALID;
	e->writable = writable;
	e->addend = (uintptr_t)host - lin;
	e->phys = phys;
	e->global = global;
}
