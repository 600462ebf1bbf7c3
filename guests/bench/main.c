/*
 * main.c - bench: CPU-bound integer work for timing the CPU core.
 *
 * Everything between the BENCH START and BENCH END lines is the timed part (about 1.2
 * billion instructions); the checksums are printed afterwards, outside it.
 *
 * It runs with paging on, its memory mapped to itself in 4 KiB pages, as an
 * operating system's kernel would: so `make bench` can compare what glassvm's
 * three paging schemes cost a real workload (the walks happen on TLB misses).
 */
#include "bench.h"
#include "multiboot.h"
#include "paging.h"
#include "printf.h"

/* The first 16 MiB (kernel, data, stack) mapped to themselves; the page
 * tables come from a pool inside that range, so they stay reachable. */
#define MAPPED_END   0x1000000u
#define TABLES_START 0x0c00000u
#define TABLES_END   0x0d00000u

static void paging_on(void)
{
    uint32_t *pd;

    frame_pool_init(TABLES_START, TABLES_END);
    pd = pd_create();
    paging_identity_map(pd, 0, MAPPED_END, PTE_P | PTE_W);
    paging_enable(pd, 0);
}

static const struct {
    const char *name;
    uint32_t (*run)(void);
} kernels[] = {
    {"crc32", bench_crc32},
    {"sieve", bench_sieve},
    {"sort", bench_sort},
    {"strings", bench_strings},
};

#define KERNELS (sizeof(kernels) / sizeof(kernels[0]))

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    uint32_t checksums[KERNELS];

    (void)magic;
    (void)mbi;
    paging_on();
    printf("bench: crc32, sieve, sort, strings (paging on)\n");
    printf("BENCH START\n");
    for (unsigned i = 0; i < KERNELS; i++)
        checksums[i] = kernels[i].run();
    printf("BENCH END\n");
    for (unsigned i = 0; i < KERNELS; i++)
        printf("checksum %s 0x%08x\n", kernels[i].name, checksums[i]);
    return 0;
}
