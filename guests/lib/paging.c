/*
 * paging.c - page tables, the frame allocator and the paging registers (see paging.h).
 */
#include "paging.h"

#include "exit.h"
#include "printf.h"

#define CR0_PG (1u << 31) /* paging (SDM Vol. 3A, 2.5) */
#define CR0_WP (1u << 16) /* write protect: ring 0 honours read-only pages */

struct paging_counts paging_counts;

/* The frames not yet handed out are [next_frame, pool_end); freed ones are on free_list. */
static uint32_t next_frame, pool_end, in_use;
static uint32_t *free_list; /* each free frame's first word points at the next one */

void frame_pool_init(uint32_t start, uint32_t end)
{
    next_frame = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    pool_end = end & ~(PAGE_SIZE - 1);
    free_list = 0;
    in_use = 0;
}

static void zero_frame(uint32_t frame)
{
    void *dst = (void *)frame;
    uint32_t count = PAGE_SIZE / 4;

    __asm__ volatile("rep stosl" : "+D"(dst), "+c"(count) : "a"(0) : "memory");
}

uint32_t frame_alloc(void)
{
    uint32_t frame;

    if (free_list) {
        frame = (uint32_t)free_list;
        free_list = (uint32_t *)*free_list;
    } else if (next_frame < pool_end) {
        frame = next_frame;
        next_frame += PAGE_SIZE;
    } else {
        printf("paging: out of physical frames (%u in use)\n", in_use);
        guest_exit(false);
    }
    in_use++;
    zero_frame(frame);
    return frame;
}

void frame_free(uint32_t frame)
{
    uint32_t *f = (uint32_t *)frame;

    *f = (uint32_t)free_list;
    free_list = f;
    in_use--;
}

uint32_t frames_in_use(void)
{
    return in_use;
}

uint32_t *pd_create(void)
{
    return (uint32_t *)frame_alloc();
}

void paging_set_entry(uint32_t *entry, uint32_t value)
{
    *entry = value;
    paging_counts.entry_writes++;
}

uint32_t *paging_pte(uint32_t *pd, uint32_t va, bool create, uint32_t pde_flags)
{
    uint32_t *pde = &pd[PDE_INDEX(va)];

    if (!(*pde & PTE_P)) {
        if (!create)
            return 0;
        paging_set_entry(pde, frame_alloc() | pde_flags | PTE_P);
    }
    return (uint32_t *)PTE_FRAME(*pde) + PTE_INDEX(va);
}

void paging_map(uint32_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
    /* The CPU combines the R/W and U/S bits of both levels, the stricter wins (SDM
       4.6.1): a page table that holds writable user pages needs W and U itself. */
    paging_set_entry(paging_pte(pd, va, true, flags & (PTE_W | PTE_U)), pa | flags | PTE_P);
}

void paging_identity_map(uint32_t *pd, uint32_t start, uint32_t end, uint32_t flags)
{
    for (uint32_t va = start; va < end; va += PAGE_SIZE)
        paging_map(pd, va, va, flags);
}

void paging_enable(uint32_t *pd, uint32_t cr4_bits)
{
    uint32_t cr0, cr4;

    /* CR4 first: with PG already set, a PDE with PS=1 would mean a page table until
       PSE came on. */
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | cr4_bits) : "memory");
    paging_load_cr3(pd);
    /* The code that sets PG runs on: it must be identity-mapped (SDM Vol. 3A, 9.9.1). */
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_PG | CR0_WP) : "memory");
}

void paging_load_cr3(uint32_t *pd)
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(pd) : "memory");
    paging_counts.cr3_loads++;
}

void paging_invlpg(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
    paging_counts.invlpgs++;
}
