/*
 * main.c - bench: CPU-bound integer work for timing the CPU core.
 *
 * Everything between the BENCH START and BENCH END lines is the timed part (about 1.2
 * billion instructions); the checksums are printed afterwards, outside it.
 */
#include "bench.h"
#include "multiboot.h"
#include "printf.h"

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
    printf("bench: crc32, sieve, sort, strings\n");
    printf("BENCH START\n");
    for (unsigned i = 0; i < KERNELS; i++)
        checksums[i] = kernels[i].run();
    printf("BENCH END\n");
    for (unsigned i = 0; i < KERNELS; i++)
        printf("checksum %s 0x%08x\n", kernels[i].name, checksums[i]);
    return 0;
}
