/*
 * random.h - deterministic pseudo-random numbers and checksums, for guests whose
 * results a model on the host (tests/guests/<guest>_reference.py) must reproduce.
 */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include <stdint.h>

/* Numerical Recipes' "quick and dirty" LCG: cheap and easy to model. Its low bits
   repeat with short periods (bit k every 2^(k+1) steps): take the high ones. */
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
