/*
 * main.c - pagewalk: random memory accesses over a working set far larger than any TLB.
 *
 * The guest maps a working set of up to 128 MiB (32768 pages of 4 KiB) and reads and
 * writes it at random, so that nearly every access misses the TLB and the MMU must
 * walk the page tables. That is where the paging schemes differ (ARCHITECTURE.md 2):
 * natively a walk reads 2 entries (PDE, PTE); under EPT the addresses of both, and
 * the address they lead to, are guest-physical and each takes a 4-level EPT walk:
 * 2 + 3 * 4 = 14 references, the price of the two-dimensional walk. Shadow paging
 * walks one-dimensional tables and barely notices: this guest loads CR3 three times
 * and edits its page tables only between the phases.
 *
 * Phase "4k" maps the working set with 4 KiB pages: a walk reads a PDE and a PTE.
 * Phase "4m" maps the same frames with 4 MiB pages (CR4.PSE, SDM Vol. 3A 4.3): a walk
 * reads the PDE and stops, 1 + 2 * 4 = 9 references under EPT. Same accesses, same
 * memory, shorter walks.
 *
 * Memory layout (physical = linear below 8 MiB, which is identity-mapped):
 *     1 MiB          this kernel (guest.ld)
 *     4 MiB - 8 MiB  page directory and page tables (frame_alloc)
 *     8 MiB - ...    the working set's frames, seen at linear 0x40000000
 *
 * Everything is deterministic: tests/guests/pagewalk_reference.py reproduces the
 * checksums and counts from an independent model.
 */
#include <stdbool.h>

#include "multiboot.h"
#include "paging.h"
#include "printf.h"
#include "random.h"

#define TABLES_START 0x00400000u
#define WS_PHYS 0x00800000u  /* 4 MiB-aligned, so that phase "4m" can map it too */
#define WS_LINEAR 0x40000000u
#define WS_MAX (128u << 20)
#define WS_MIN (16u << 20)   /* 4096 pages: still 4 times the TLB of glassvm */
#define ACCESSES (1u << 22)  /* per phase */
#define PAGE_FLAGS (PTE_P | PTE_W)

/*
 * The largest power of two up to 128 MiB that fits between 8 MiB and the end of RAM
 * (a power of two, so that the top bits of a random number index it), or 0.
 */
static uint32_t working_set_size(const struct multiboot_info *mbi)
{
    uint32_t ram_kib = 1024 + mbi->mem_upper; /* mem_upper counts from 1 MiB */
    uint32_t size = WS_MAX;

    while (size >= WS_MIN && WS_PHYS / 1024 + size / 1024 > ram_kib)
        size /= 2;
    return size >= WS_MIN ? size : 0;
}

/* Fills every page with its own physical address: a read through a wrong mapping shows. */
static void fill_working_set(uint32_t size)
{
    for (uint32_t offset = 0; offset < size; offset += PAGE_SIZE) {
        void *dst = (void *)(WS_LINEAR + offset);
        uint32_t count = PAGE_SIZE / 4;

        __asm__ volatile("rep stosl" : "+D"(dst), "+c"(count) : "a"(WS_PHYS + offset)
                         : "memory");
    }
}

/*
 * The measured loop: `count` dwords picked by the top bits of an LCG, each read and
 * folded into the checksum; every second one is also written back changed. 2^25
 * dwords over 32768 pages: consecutive accesses almost never share a page.
 */
static uint32_t random_accesses(uint32_t index_bits, uint32_t seed, uint32_t count)
{
    volatile uint32_t *ws = (volatile uint32_t *)WS_LINEAR;
    uint32_t checksum = 0;

    for (uint32_t i = 0; i < count; i++) {
        uint32_t x = lcg_next(&seed);
        volatile uint32_t *p = &ws[x >> (32 - index_bits)];
        uint32_t value = *p;

        checksum = mix(checksum, value);
        if (i & 1)
            *p = value ^ x;
    }
    return checksum;
}

/*
 * Counts the working set's pages whose accessed and dirty bits are set, and with
 * `clear` clears the bits. The CPU sets A on the first access through an entry and D
 * on the first write (SDM 4.8), so these are the pages a phase touched and wrote. The
 * scan goes the way the MMU does: the PDE, then, unless it maps a 4 MiB page itself,
 * the page table it points at.
 */
static void scan_ad_bits(uint32_t *pd, uint32_t ws_size, bool clear, uint32_t *accessed,
                         uint32_t *dirty)
{
    *accessed = *dirty = 0;
    for (uint32_t va = WS_LINEAR; va < WS_LINEAR + ws_size; va += LARGE_PAGE_SIZE) {
        uint32_t *entries = &pd[PDE_INDEX(va)], n = 1;

        if (!(*entries & PTE_PS)) {
            entries = (uint32_t *)PTE_FRAME(*entries);
            n = ENTRIES_PER_TABLE;
        }
        for (uint32_t i = 0; i < n; i++) {
            *accessed += (entries[i] & PTE_A) != 0;
            *dirty += (entries[i] & PTE_D) != 0;
            if (clear)
                paging_set_entry(&entries[i], entries[i] & ~(PTE_A | PTE_D));
        }
    }
}

/* Runs one phase of random accesses and reports it. */
static void run_phase(const char *name, uint32_t *pd, uint32_t ws_size, uint32_t page_size,
                      uint32_t seed)
{
    uint32_t index_bits = 0, accessed, dirty, checksum;

    while ((4u << index_bits) < ws_size)
        index_bits++;
    checksum = random_accesses(index_bits, seed, ACCESSES);
    scan_ad_bits(pd, ws_size, false, &accessed, &dirty);
    printf("phase %s: %u accesses (%u writes) over %u pages of %u KiB: checksum 0x%08x\n",
           name, ACCESSES, ACCESSES / 2, ws_size / page_size, page_size / 1024, checksum);
    printf("phase %s: pages touched %u (accessed bit), written %u (dirty bit)\n", name,
           accessed, dirty);
}

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    uint32_t ws_size, accessed, dirty, *pd;

    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        printf("pagewalk: no Multiboot memory information\n");
        return 1;
    }
    ws_size = working_set_size(mbi);
    if (!ws_size) {
        printf("pagewalk: %u KiB of memory is too little: 24 MiB needed\n", mbi->mem_upper);
        return 1;
    }
    printf("pagewalk: working set %u MiB at 0x%08x (%u pages), 2 phases x %u random "
           "accesses, about 120 million instructions\n",
           ws_size >> 20, WS_LINEAR, ws_size / PAGE_SIZE, ACCESSES);

    /* The kernel and its tables identity-mapped, the working set from frames at 8 MiB. */
    frame_pool_init(TABLES_START, WS_PHYS);
    pd = pd_create();
    paging_identity_map(pd, 0, WS_PHYS, PAGE_FLAGS);
    for (uint32_t offset = 0; offset < ws_size; offset += PAGE_SIZE)
        paging_map(pd, WS_LINEAR + offset, WS_PHYS + offset, PAGE_FLAGS);
    paging_enable(pd, PAGING_PSE);
    fill_working_set(ws_size);

    /* The fill set A and D everywhere. Clear them for the phase to set again, then
       flush the TLB: it may still hold the old entries, and with them the CPU would
       not set the bits again (SDM 4.10.4.3). */
    scan_ad_bits(pd, ws_size, true, &accessed, &dirty);
    paging_load_cr3(pd);
    run_phase("4k", pd, ws_size, PAGE_SIZE, 1);

    /* The same frames as 4 MiB pages: a PDE with PS=1 maps them itself (SDM 4.3,
       Table 4-4). Changed PDEs need a flush too (SDM 4.10.4.1). */
    for (uint32_t offset = 0; offset < ws_size; offset += LARGE_PAGE_SIZE)
        paging_set_entry(&pd[PDE_INDEX(WS_LINEAR + offset)],
                         (WS_PHYS + offset) | PTE_PS | PAGE_FLAGS);
    paging_load_cr3(pd);
    run_phase("4m", pd, ws_size, LARGE_PAGE_SIZE, 2);

    printf("pagewalk: %u page-table entries written, %u CR3 loads, %u INVLPG\n",
           paging_counts.entry_writes, paging_counts.cr3_loads, paging_counts.invlpgs);
    return 0;
}
