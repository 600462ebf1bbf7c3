/*
 * mmu/mmu.h - the memory-management unit as the CPU sees it: guest RAM, the
 * soft TLBs (one per privilege), and the walk that refills them on a miss.
 */
#ifndef MMU_MMU_H
#define MMU_MMU_H

#include "mmu/paging.h"
#include "mmu/physmem.h"
#include "mmu/tlb.h"

enum { TLB_SUPERVISOR, TLB_USER };

struct mmu {
	struct physmem *pm;
	struct tlb tlb[2];
	uint64_t tlb_misses;   /* walks caused by TLB misses */
};

struct mmu *mmu_create(struct physmem *pm);
void mmu_destroy(struct mmu *m);
void mmu_flush(struct mmu *m, bool keep_global);
void mmu_flush_page(struct mmu *m, uint32_t lin);
/* Decoded code now lives on the page at PHYS (see cpu/icache.c). */
void mmu_protect_code(struct mmu *m, uint32_t phys);

#endif
