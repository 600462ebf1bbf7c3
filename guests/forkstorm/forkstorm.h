/*
 * forkstorm.h - a mini kernel's memory manager (mm.c) and the processes that keep it
 * busy (main.c).
 *
 * Every process has its own page directory. Its first entries point at the kernel's
 * page tables, shared by all (kernel memory is the same in every address space, as in
 * Linux); one more points at the process's own page table for its user pages:
 *
 *     0x00000000 - KERNEL_END   the kernel, identity-mapped, global pages
 *     USER_BASE + 0 .. 15 pages data pages: filled at boot, inherited by fork
 *     USER_BASE + 16 .. 31      heap pages: mapped on first touch, unmapped at random
 *
 * The processes run at ring 0 (the point is the page tables, not the privilege
 * levels); CR0.WP = 1 makes ring 0 fault on read-only pages as ring 3 would.
 */
#ifndef FORKSTORM_H
#define FORKSTORM_H

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_END 0x01000000u /* 16 MiB: the kernel's memory, frames included */
#define USER_BASE 0x40000000u
#define DATA_PAGES 16
#define HEAP_PAGES 16
#define USER_PAGES (DATA_PAGES + HEAP_PAGES)
#define WORDS_PER_PAGE 1024

/* The address of word `word` of user page `page`. */
static inline volatile uint32_t *user_word(uint32_t page, uint32_t word)
{
    return (volatile uint32_t *)(USER_BASE + page * 4096) + word;
}

/* What the memory manager did, beyond the entry writes, CR3 loads and INVLPGs that
   lib/paging.c counts. */
struct mm_counts {
    uint32_t created, destroyed;        /* address spaces */
    uint32_t cow_copies, cow_reuses;    /* write faults on shared / no longer shared pages */
    uint32_t demand_zero;               /* faults on heap pages not mapped yet */
    uint32_t unmaps;
};
extern struct mm_counts mm_counts;

/* Builds the kernel's page tables, turns paging on and installs the #PF handler. */
void mm_init(void);

/* Switches to the kernel's own address space, which has no user pages. */
void mm_enter_kernel(void);

/* The address space of the first process: its data pages filled, no heap pages. */
uint32_t *mm_create_first(void);

/* Copy-on-write fork of the current address space: the new one shares every page,
   and both lose write access to them until they write. */
uint32_t *mm_fork_current(void);

/* Frees an address space that is not the current one, and its pages no one else uses. */
void mm_destroy(uint32_t *pd);

/* Unmaps a heap page of the current address space, if mapped. */
void mm_unmap_current(uint32_t page);

/* Whether user page `page` is mapped in address space pd. */
bool mm_mapped(uint32_t *pd, uint32_t page);

#endif
