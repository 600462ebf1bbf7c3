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
	uint64_t walk_refs;    /* memory references those walks made (guest and EPT entries) */
	uint32_t epoch;        /* bumped by every flush: caches of translations check it */
};

struct mmu *mmu_create(struct physmem *pm);
void mmu_destroy(struct mmu *m);
/* TLB size: a power of two up to TLB_MAX_ENTRIES; -1 otherwise. */
int mmu_set_tlb_entries(struct mmu *m, unsigned entries);
void mmu_flush(struct mmu *m, bool keep_global);
void mmu_flush_page(struct mmu *m, uint32_t lin);
/* Decoded code now covers LEN bytes at PHYS (see cpu/exec.c): stores to
 * its page leave the TLB's fast path so they can be checked. */
void mmu_protect_code(struct mmu *m, uint32_t phys, unsigned len);

/* Open or close the A20 gate (hw/port92.c; later the keyboard controller).
 * Every cached translation went through the gate, so they are all flushed. */
void mmu_set_a20(struct mmu *m, bool enabled);

#endif
