/*
 * sort.c - heapsort of pseudo-random 32-bit numbers: data-dependent branches and
 * indexed loads/stores. Heapsort needs no recursion and no extra memory.
 */
#include <stddef.h>

#include "bench.h"

#define COUNT 50000
#define ROUNDS 16 /* each round sorts fresh numbers */

static uint32_t numbers[COUNT];

/* Moves a[root] down until both children are smaller: the heap property. */
static void sift_down(uint32_t *a, size_t root, size_t n)
{
    uint32_t value = a[root];

    for (;;) {
        size_t child = 2 * root + 1;

        if (child >= n)
            break;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[child] <= value)
            break;
        a[root] = a[child];
        root = child;
    }
    a[root] = value;
}

static void heapsort(uint32_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t top = a[0];

        a[0] = a[end];
        a[end] = top;
        sift_down(a, 0, end);
    }
}

uint32_t bench_sort(void)
{
    uint32_t seed = 2024, checksum = 0;

    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < COUNT; i++)
            numbers[i] = lcg_next(&seed);
        heapsort(numbers, COUNT);
        for (size_t i = 0; i < COUNT; i++)
            checksum = mix(checksum, numbers[i]);
    }
    return checksum;
}
