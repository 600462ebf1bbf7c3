/*
 * paging.h - building 32-bit page tables and turning paging on (Intel SDM Vol. 3A,
 * chapter 4 "Paging", section 4.3 "32-Bit Paging").
 *
 * A linear address is split 10/10/12: the top 10 bits pick an entry of the page
 * directory (PDE), the next 10 an entry of a page table (PTE), the low 12 the byte in
 * the 4 KiB page. With CR4.PSE a PDE with PS=1 maps a whole 4 MiB page instead, and
 * the walk stops one level early (SDM 4.3, Figure 4-3).
 *
 * The helpers edit tables through their physical addresses, so the tables must be
 * identity-mapped (or paging off). Every write of an entry, CR3 load and INVLPG made
 * through them is counted in paging_counts: these are exactly the events that cost a
 * VM-exit under shadow paging.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE 0x1000u
#define LARGE_PAGE_SIZE 0x400000u /* a 4 MiB page: what one PDE (or one page table) spans */
#define ENTRIES_PER_TABLE 1024

/* Bits of PDEs and PTEs (SDM 4.3, Tables 4-4 to 4-6). */
#define PTE_P 0x001u  /* present */
#define PTE_W 0x002u  /* writable (at ring 0 only enforced with CR0.WP = 1) */
#define PTE_U 0x004u  /* user: ring 3 may use it */
#define PTE_A 0x020u  /* accessed: set by the CPU on the first use */
#define PTE_D 0x040u  /* dirty: set by the CPU on the first write (PTEs, 4 MiB PDEs) */
#define PTE_PS 0x080u /* in a PDE: maps a 4 MiB page (needs CR4.PSE) */
#define PTE_G 0x100u  /* global: kept in the TLB across CR3 loads (needs CR4.PGE) */
#define PTE_FRAME(entry) ((entry) & ~0xFFFu)

#define PDE_INDEX(va) ((va) >> 22)
#define PTE_INDEX(va) (((va) >> 12) & 0x3FFu)

/* CR4 bits paging_enable() can set (SDM Vol. 3A, 2.5, Figure 2-7). */
#define PAGING_PSE (1u << 4) /* CR4.PSE: 4 MiB pages */
#define PAGING_PGE (1u << 7) /* CR4.PGE: global pages */

/* The page-fault exception (SDM 4.7): its vector, and the bits of its error code. */
#define VEC_PF 14
#define PF_ERR_P 0x1u /* 0: the page was not present; 1: a protection violation */
#define PF_ERR_W 0x2u /* the access was a write */

struct paging_counts {
    uint32_t entry_writes; /* PDEs and PTEs written by paging_set_entry() */
    uint32_t cr3_loads;
    uint32_t invlpgs;
};
extern struct paging_counts paging_counts;

/*
 * The physical frame allocator: 4 KiB frames from [start, end), handed out zeroed
 * (a fresh page table must say "not present" everywhere). Freed frames go on a list
 * threaded through the frames themselves, which is why they must stay identity-mapped.
 * frame_alloc() ends the run with a failure when no frame is left.
 */
void frame_pool_init(uint32_t start, uint32_t end);
uint32_t frame_alloc(void);
void frame_free(uint32_t frame);
uint32_t frames_in_use(void);

/* A new, empty page directory (a zeroed frame). */
uint32_t *pd_create(void);

/*
 * The PTE that maps va in pd, or NULL if its PDE is not present. With create, a
 * missing page table is allocated first, with the PDE flags pde_flags.
 */
uint32_t *paging_pte(uint32_t *pd, uint32_t va, bool create, uint32_t pde_flags);

/* Writes one PDE or PTE, and counts it. */
void paging_set_entry(uint32_t *entry, uint32_t value);

/* Maps the 4 KiB page at va to frame pa; a missing page table gets the same W and U. */
void paging_map(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags);

/* Maps [start, end) (page-aligned) to itself with 4 KiB pages. */
void paging_identity_map(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags);

/*
 * Loads CR4 with cr4_bits (PAGING_PSE, PAGING_PGE), CR3 with pd, then sets CR0.PG
 * and CR0.WP, so that ring 0 too faults on writes to read-only pages (SDM 4.6.1).
 */
void paging_enable(uint32_t *pd, uint32_t cr4_bits);

/* Switches address space: a MOV to CR3 flushes all non-global TLB entries (SDM 4.10.4.1). */
void paging_load_cr3(uint32_t *pd);

/* Drops the TLB entries for the page of va, global or not (SDM 4.10.4.1, INVLPG). */
void paging_invlpg(uint32_t va);

/* The page directory in use: CR3 holds its physical address (SDM 4.3, Table 4-3). */
static inline uint32_t *paging_current_pd(void)
{
    uint32_t cr3;

    __asm__ volatile("movl %%cr3, %0" : "=r"(cr3));
    return (uint32_t *)PTE_FRAME(cr3);
}

/* The linear address whose access raised the last #PF (SDM 4.7: the CPU puts it in CR2). */
static inline uint32_t paging_fault_address(void)
{
    uint32_t cr2;

    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    return cr2;
}

#endif
