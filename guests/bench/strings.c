/*
 * strings.c - bulk string work: REP STOSD fills, REP MOVSD copies and REPE CMPSB
 * compares (one instruction each, iterating in the CPU), next to the byte-at-a-time C
 * loops of strlen and memcmp that they replace.
 */
#include <stddef.h>

#include "bench.h"

#define SIZE 32768 /* bytes; a multiple of 4 */
#define ROUNDS 700

static char text[SIZE], copy[SIZE];

/* Lowercase words of random length, separated by NULs. */
static void make_text(void)
{
    uint32_t seed = 7;

    for (size_t i = 0; i < SIZE; i++) {
        uint32_t x = lcg_next(&seed);

        text[i] = (x >> 29) == 0 ? '\0' : 'a' + (x >> 16) % 26;
    }
    text[SIZE - 1] = '\0';
}

static void fill_dwords(void *dst, uint32_t value, size_t count)
{
    __asm__ volatile("rep stosl" : "+D"(dst), "+c"(count) : "a"(value) : "memory");
}

static void copy_dwords(void *dst, const void *src, size_t count)
{
    __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
}

/* Index of the first byte that differs (n if none). */
static size_t first_difference(const char *a, const char *b, size_t n)
{
    size_t left = n;

    __asm__ volatile("repe cmpsb\n\t"
                     "je 1f\n\t"
                     "incl %2\n" /* stopped on a difference: undo its count */
                     "1:"
                     : "+S"(a), "+D"(b), "+c"(left) : : "cc", "memory");
    return n - left;
}

/* Counts the NUL-terminated strings in s[0..n) and their total length, strlen-style. */
static void count_strings(const char *s, size_t n, uint32_t *strings, uint32_t *length)
{
    const char *end = s + n;

    *strings = *length = 0;
    while (s < end) {
        const char *start = s;

        while (*s)
            s++;
        *length += s - start;
        ++*strings;
        s++;
    }
}

/* Counts equal bytes at equal positions, memcmp-style. */
static uint32_t count_equal(const char *a, const char *b, size_t n)
{
    uint32_t equal = 0;

    for (size_t i = 0; i < n; i++)
        equal += a[i] == b[i];
    return equal;
}

uint32_t bench_strings(void)
{
    uint32_t checksum = 0;

    make_text();
    for (uint32_t r = 0; r < ROUNDS; r++) {
        uint32_t strings, length;

        fill_dwords(copy, 0x01010101u * (r & 0x7F), SIZE / 4);
        copy_dwords(copy, text, SIZE / 4);
        copy[r * 7919 % (SIZE - 1)] ^= 0x20; /* flip one byte: a letter's case, or a NUL */
        count_strings(copy, SIZE, &strings, &length);
        checksum = mix(checksum, first_difference(copy, text, SIZE));
        checksum = mix(checksum, strings);
        checksum = mix(checksum, length);
        checksum = mix(checksum, count_equal(copy, text, SIZE));
    }
    return checksum;
}
