/*
 * bench.h - the benchmark kernels. Each does a fixed amount of integer work and returns
 * a checksum of its results, so that a CPU that computes wrongly cannot look fast:
 * tests/guests/bench.sh compares the checksums with values from an independent model
 * (tests/guests/bench_reference.py).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

uint32_t bench_crc32(void);   /* crc32.c: table-driven CRC-32 over a buffer */
uint32_t bench_sieve(void);   /* sieve.c: sieve of Eratosthenes */
uint32_t bench_sort(void);    /* sort.c: heapsort of pseudo-random numbers */
uint32_t bench_strings(void); /* strings.c: REP string instructions and byte loops */

/* The pseudo-random generator every kernel uses (Numerical Recipes' "quick and dirty"
   LCG): cheap, and easy to reproduce in the reference model. */
static inline uint32_t lcg_next(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

/* Folds a value into a checksum (FNV-1a's multiplier, applied to whole words). */
static inline uint32_t mix(uint32_t checksum, uint32_t value)
{
    return (checksum ^ value) * 16777619u;
}

#endif
