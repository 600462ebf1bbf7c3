/*
 * main.c - forkstorm: many address spaces, created, switched, edited and destroyed.
 *
 * 64 processes share the CPU round-robin, 320 rounds: 20480 context switches, each a
 * CR3 load. In its time slice a process reads and writes its own pages at random;
 * now and then it unmaps a heap page or forks, and its child takes the place of
 * another process, whose address space is destroyed. Fork is copy-on-write
 * (mm.c), so writes keep faulting and page tables keep changing.
 *
 * That is the worst case for shadow paging (ARCHITECTURE.md 2): every CR3 load,
 * INVLPG and page-table write exits to the hypervisor, and every new address space
 * needs new shadow tables. Native and EPT take them at hardware speed: the TLB misses
 * after a switch are few, since the kernel's pages are global and a process has only
 * 32 pages.
 *
 * Everything is deterministic: tests/guests/forkstorm_reference.py reproduces the
 * output from a model without page tables.
 */
#include "forkstorm.h"
#include "multiboot.h"
#include "paging.h"
#include "printf.h"
#include "random.h"

#define NPROC 64
#define ROUNDS 320
#define ACCESSES_PER_SLICE 8
#define KERNEL_FRAMES 5 /* the kernel's page directory and its 4 page tables */

struct process {
    uint32_t *pd;  /* its address space */
    uint32_t pid;
    uint32_t seed; /* its random numbers: what it does */
    uint32_t acc;  /* what it has read: its "registers" */
};

static struct process procs[NPROC];
static uint32_t next_pid = 1;
static uint32_t kernel_seed = 42; /* the kernel's own decisions */
static uint32_t forks;

/* Fork of the running process `parent` into slot `child`; the child inherits its
   memory and registers, and gets a generator of its own. */
static void fork_into(const struct process *parent, struct process *child)
{
    child->pd = mm_fork_current();
    child->pid = next_pid++;
    child->seed = mix(parent->seed, child->pid);
    child->acc = parent->acc;
}

/* The process's work: random reads and read-modify-writes of its 32 user pages, through
   its own address space. The writes are what make copy-on-write and demand-zero fault. */
static void run(struct process *p)
{
    for (int i = 0; i < ACCESSES_PER_SLICE; i++) {
        uint32_t x = lcg_next(&p->seed);
        volatile uint32_t *word = user_word(x >> 27, (x >> 17) % WORDS_PER_PAGE);

        if (x & 0x10000)
            *word = mix(*word, x);
        else
            p->acc = mix(p->acc, *word);
    }
}

static void time_slice(uint32_t slot)
{
    struct process *p = &procs[slot];

    paging_load_cr3(p->pd); /* the context switch */
    run(p);
    /* One slice in 16, the process unmaps one of its heap pages. */
    if (lcg_next(&kernel_seed) >> 28 == 0)
        mm_unmap_current(DATA_PAGES + (lcg_next(&kernel_seed) >> 28));
    /* One in 64, it forks; the child replaces another process, which is reaped. */
    if (lcg_next(&kernel_seed) >> 26 == 0) {
        uint32_t other = slot + 1 + (lcg_next(&kernel_seed) >> 16) % (NPROC - 1);
        struct process *victim = &procs[other % NPROC];

        mm_destroy(victim->pd);
        fork_into(p, victim);
        forks++;
    }
}

/* Every process's registers and memory, each read through its own address space. */
static uint32_t memory_checksum(void)
{
    uint32_t checksum = 0;

    for (uint32_t slot = 0; slot < NPROC; slot++) {
        const struct process *p = &procs[slot];

        paging_load_cr3(p->pd);
        checksum = mix(mix(checksum, p->pid), p->acc);
        for (uint32_t page = 0; page < USER_PAGES; page++) {
            bool mapped = mm_mapped(p->pd, page);

            checksum = mix(checksum, mapped);
            for (uint32_t w = 0; mapped && w < WORDS_PER_PAGE; w++)
                checksum = mix(checksum, *user_word(page, w));
        }
    }
    return checksum;
}

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    struct paging_counts boot;
    uint32_t checksum, in_use;

    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(mbi->flags & MULTIBOOT_INFO_MEMORY) ||
        1024 + mbi->mem_upper < KERNEL_END / 1024) {
        printf("forkstorm: needs %u MiB of memory\n", KERNEL_END >> 20);
        return 1;
    }
    printf("forkstorm: %u processes, %u rounds of time slices, %u accesses a slice, "
           "about 20 million instructions\n", NPROC, ROUNDS, ACCESSES_PER_SLICE);
    mm_init();
    procs[0] = (struct process){mm_create_first(), next_pid++, 1, 0};
    paging_load_cr3(procs[0].pd);
    for (uint32_t slot = 1; slot < NPROC; slot++)
        fork_into(&procs[0], &procs[slot]);
    printf("boot: %u address spaces, %u frames in use\n", mm_counts.created,
           frames_in_use());

    boot = paging_counts;
    for (uint32_t round = 0; round < ROUNDS; round++)
        for (uint32_t slot = 0; slot < NPROC; slot++)
            time_slice(slot);
    printf("storm: %u CR3 loads, %u INVLPG, %u page-table entries written\n",
           paging_counts.cr3_loads - boot.cr3_loads, paging_counts.invlpgs - boot.invlpgs,
           paging_counts.entry_writes - boot.entry_writes);
    printf("storm: %u forks, %u address spaces destroyed, %u heap pages unmapped\n", forks,
           mm_counts.destroyed, mm_counts.unmaps);
    printf("storm: page faults: %u copy-on-write copies, %u reuses, %u demand-zero\n",
           mm_counts.cow_copies, mm_counts.cow_reuses, mm_counts.demand_zero);

    checksum = memory_checksum();
    printf("memory: checksum 0x%08x, %u frames in use\n", checksum, frames_in_use());

    /* Tear everything down: every frame must come back but the kernel's own. */
    mm_enter_kernel();
    for (uint32_t slot = 0; slot < NPROC; slot++)
        mm_destroy(procs[slot].pd);
    in_use = frames_in_use();
    printf("teardown: %u address spaces created in all, %u destroyed, %u frames in use\n",
           mm_counts.created, mm_counts.destroyed, in_use);
    return in_use != KERNEL_FRAMES;
}
