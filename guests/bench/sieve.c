/*
 * sieve.c - the sieve of Eratosthenes: byte stores with large strides, then a scan.
 * Exercises memory bandwidth and well-predicted branches.
 */
#include "bench.h"
#include "string.h"

#define LIMIT 2000000 /* find the primes below this */
#define ROUNDS 10

static uint8_t composite[LIMIT];

/* Returns the number of primes below LIMIT; *sum gets their sum (mod 2^32). */
static uint32_t sieve(uint32_t *sum)
{
    uint32_t count = 0;

    memset(composite, 0, sizeof(composite));
    for (uint32_t i = 2; i * i < LIMIT; i++) {
        if (composite[i])
            continue;
        for (uint32_t j = i * i; j < LIMIT; j += i)
            composite[j] = 1;
    }
    *sum = 0;
    for (uint32_t i = 2; i < LIMIT; i++) {
        if (!composite[i]) {
            count++;
            *sum += i;
        }
    }
    return count;
}

uint32_t bench_sieve(void)
{
    uint32_t checksum = 0;

    for (int r = 0; r < ROUNDS; r++) {
        uint32_t sum, count = sieve(&sum);

        checksum = mix(mix(checksum, count), sum);
    }
    return checksum;
}
