/*
 * mm.c - forkstorm's memory manager: address spaces, copy-on-write fork, demand-zero
 * heap pages and the page-fault handler that makes both work.
 *
 * Each edit of a page table says whether the TLB must hear of it, following the Intel
 * SDM Vol. 3A, 4.10.4: an entry that loses its frame or its write permission needs an
 * INVLPG; an entry that gains them does not.
 */
#include "forkstorm.h"

#include "exit.h"
#include "idt.h"
#include "paging.h"
#include "printf.h"
#include "string.h"

/* The kernel, identity-mapped, owns everything below KERNEL_END; page tables and user
   pages come from the frames above POOL_START. */
#define POOL_START 0x00400000u
#define POOL_FRAMES ((KERNEL_END - POOL_START) / PAGE_SIZE)
/* Kernel pages are global: they survive the CR3 loads of context switches (SDM
   4.10.2.4), which would otherwise flush the kernel's own code and stack every time. */
#define KERNEL_FLAGS (PTE_W | PTE_G)
#define USER_FLAGS (PTE_P | PTE_W | PTE_U)

struct mm_counts mm_counts;

static uint32_t *kernel_pd;

/* How many address spaces map each user frame; a shared frame is copied on write. */
static uint16_t frame_refs[POOL_FRAMES];

static uint16_t *refs(uint32_t frame)
{
    return &frame_refs[(frame - POOL_START) / PAGE_SIZE];
}

static void put_frame(uint32_t frame)
{
    if (--*refs(frame) == 0)
        frame_free(frame);
}

/* The page table of the user pages (all in the one that USER_BASE starts). */
static uint32_t *user_table(uint32_t *pd)
{
    return (uint32_t *)PTE_FRAME(pd[PDE_INDEX(USER_BASE)]);
}

static uint32_t user_address(uint32_t page)
{
    return USER_BASE + page * PAGE_SIZE;
}

/* A new address space: the kernel's page tables, shared, and an empty user table. */
static uint32_t *address_space_new(void)
{
    uint32_t *pd = pd_create();

    for (uint32_t i = 0; i < PDE_INDEX(KERNEL_END); i++)
        paging_set_entry(&pd[i], kernel_pd[i]);
    paging_pte(pd, USER_BASE, true, USER_FLAGS);
    mm_counts.created++;
    return pd;
}

static _Noreturn void bad_fault(const struct trap_frame *f, uint32_t address)
{
    printf("forkstorm: unexpected page fault at 0x%08x (error code 0x%x, eip 0x%08x)\n",
           address, f->error, f->eip);
    guest_exit(false);
}

/*
 * A write to a read-only page that fork shared. If other address spaces still map the
 * frame, the writer gets its own copy; if not, it simply takes write access back.
 * No INVLPG either way: the page fault itself removed the TLB entry of this page
 * (SDM 4.10.4.1), so the retried write walks the tables and finds the new entry.
 */
static void copy_on_write(uint32_t *pte)
{
    uint32_t frame = PTE_FRAME(*pte);

    if (*refs(frame) == 1) {
        paging_set_entry(pte, *pte | PTE_W);
        mm_counts.cow_reuses++;
        return;
    }
    uint32_t copy = frame_alloc();

    memcpy((void *)copy, (const void *)frame, PAGE_SIZE); /* both identity-mapped */
    *refs(copy) = 1;
    --*refs(frame);
    paging_set_entry(pte, copy | USER_FLAGS);
    mm_counts.cow_copies++;
}

static void page_fault(struct trap_frame *f)
{
    uint32_t address = paging_fault_address();
    uint32_t page = (address - USER_BASE) / PAGE_SIZE; /* huge below USER_BASE */
    uint32_t *pte;

    if (page >= USER_PAGES)
        bad_fault(f, address);
    pte = &user_table(paging_current_pd())[page];
    if (!(f->error & PF_ERR_P) && page >= DATA_PAGES) {
        /* First touch of a heap page: map a zeroed frame. A not-present entry is never
           cached, so none needs invalidating (SDM 4.10.4.3). */
        uint32_t frame = frame_alloc();

        *refs(frame) = 1;
        paging_set_entry(pte, frame | USER_FLAGS);
        mm_counts.demand_zero++;
    } else if ((f->error & PF_ERR_P) && (f->error & PF_ERR_W) && !(*pte & PTE_W)) {
        copy_on_write(pte);
    } else {
        bad_fault(f, address);
    }
    /* Returning re-executes the faulting instruction (a fault: SDM 6.5). */
}

void mm_init(void)
{
    frame_pool_init(POOL_START, KERNEL_END);
    kernel_pd = pd_create();
    paging_identity_map(kernel_pd, 0, KERNEL_END, KERNEL_FLAGS);
    idt_set_handler(VEC_PF, page_fault);
    paging_enable(kernel_pd, PAGING_PGE);
}

void mm_enter_kernel(void)
{
    paging_load_cr3(kernel_pd);
}

uint32_t *mm_create_first(void)
{
    uint32_t *pd = address_space_new(), *pt = user_table(pd);

    for (uint32_t page = 0; page < DATA_PAGES; page++) {
        uint32_t frame = frame_alloc();
        uint32_t *words = (uint32_t *)frame;

        for (uint32_t w = 0; w < WORDS_PER_PAGE; w++)
            words[w] = page << 16 | w;
        *refs(frame) = 1;
        paging_set_entry(&pt[page], frame | USER_FLAGS);
    }
    return pd;
}

uint32_t *mm_fork_current(void)
{
    uint32_t *parent = user_table(paging_current_pd());
    uint32_t *pd = address_space_new(), *child = user_table(pd);

    for (uint32_t page = 0; page < USER_PAGES; page++) {
        if (!(parent[page] & PTE_P))
            continue;
        if (parent[page] & PTE_W) {
            /* The parent keeps running with this address space: its TLB may hold the
               writable translation, which must go (SDM 4.10.4.2). */
            paging_set_entry(&parent[page], parent[page] & ~PTE_W);
            paging_invlpg(user_address(page));
        }
        paging_set_entry(&child[page], parent[page] & ~(PTE_A | PTE_D));
        ++*refs(PTE_FRAME(parent[page]));
    }
    return pd;
}

void mm_destroy(uint32_t *pd)
{
    uint32_t *pt = user_table(pd);

    /* No INVLPG: pd is not the current address space, and the TLB holds no entries of
       other ones: the CR3 load that left pd flushed its non-global entries (SDM
       4.10.4.1). */
    for (uint32_t page = 0; page < USER_PAGES; page++)
        if (pt[page] & PTE_P)
            put_frame(PTE_FRAME(pt[page]));
    frame_free((uint32_t)pt);
    frame_free((uint32_t)pd);
    mm_counts.destroyed++;
}

void mm_unmap_current(uint32_t page)
{
    uint32_t *pte = &user_table(paging_current_pd())[page];
    uint32_t frame = PTE_FRAME(*pte);

    if (!(*pte & PTE_P))
        return;
    /* Entry, TLB, frame, in this order: the frame may be reused only when no stale
       translation can reach it any more (SDM 4.10.4.2). */
    paging_set_entry(pte, 0);
    paging_invlpg(user_address(page));
    put_frame(frame);
    mm_counts.unmaps++;
}

bool mm_mapped(uint32_t *pd, uint32_t page)
{
    return user_table(pd)[page] & PTE_P;
}
