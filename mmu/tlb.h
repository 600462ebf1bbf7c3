/*
 * mmu/tlb.h - the software TLB.
 *
 * One direct-mapped table per privilege (supervisor, user) caches, for a
 * linear page, the *host* address of its frame.  A hit is one tag compare
 * and one add, whatever paging scheme produced the translation
 * (ARCHITECTURE.md sections 2 and 4).  Read and write permission have their
 * own tags: a page is entered for writing only when a write needs no help
 * from the slow path (writable, dirty bit already set, no decoded code on it,
 * RAM rather than ROM).
 *
 * The TLB caches the physical memory it points into, so it knows that memory:
 * it keys entries by the address after the A20 gate (which is what decoded
 * code and its generations are keyed by), and never lets a store reach ROM
 * through the fast path.
 */
#ifndef MMU_TLB_H
#define MMU_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/physmem.h"

/* Entries per TLB: a power of two, set per machine (-tlb-entries) so that
 * miss counts can be compared for TLBs of different reach. */
#define TLB_DEFAULT_ENTRIES 1024
#define TLB_MAX_ENTRIES     4096
#define TLB_INVALID 1u  /* never equal to a page-aligned linear address */

struct tlb_entry {
	uint32_t rtag;      /* linear page address if readable, else TLB_INVALID */
	uint32_t wtag;      /* linear page address if writable fast, else TLB_INVALID */
	uintptr_t addend;   /* host address = addend + linear address */
	uint32_t phys;      /* physical page address */
	bool writable;      /* writes allowed and D set: wtag is withheld only for code */
	bool global;        /* survives a CR3 load (CR4.PGE, PTE.G) */
	bool large;         /* one 4 KiB piece of a 4 MiB page */
};

struct tlb {
	struct tlb_entry e[TLB_MAX_ENTRIES];
	uint32_t mask;        /* entries in use - 1 */
	struct physmem *pm;   /* the memory whose pages it holds */
	bool has_large;       /* some entry may be a piece of a 4 MiB page */
};

static inline struct tlb_entry *tlb_entry(struct tlb *t, uint32_t lin)
{
	return &t->e[(lin >> PAGE_SHIFT) & t->mask];
}

void tlb_flush(struct tlb *t, bool keep_global);
void tlb_flush_page(struct tlb *t, uint32_t lin);
/* Decoded code now lives on PHYS: stores to it must take the slow path. */
void tlb_protect_code(struct tlb *t, uint32_t phys);
/* What tlb_fill is told about a translation. */
enum tlb_fill_flags {
	TLB_WRITABLE = 1,   /* paging allows writes without a walk (the memory may allow less) */
	TLB_HAS_CODE = 2,   /* decoded code on the page: stores must take the slow path */
	TLB_GLOBAL = 4,     /* survives a CR3 load */
	TLB_LARGE = 8,      /* from a 4 MiB page */
};

/* LIN's page is at physical PHYS (before the A20 gate), host address HOST. */
void tlb_fill(struct tlb *t, uint32_t lin, uint32_t phys, uint8_t *host, unsigned flags);

#endif
