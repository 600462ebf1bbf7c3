/*
 * crc32.c - CRC-32 as in zlib, Ethernet and PNG (reflected polynomial 0xEDB88320),
 * one table lookup per byte. Exercises loads, shifts and XOR.
 */
#include <stddef.h>

#include "bench.h"

#define BUFFER_SIZE 65536
#define ROUNDS 576 /* the buffer is checksummed this many times over, as one stream */

static uint8_t buffer[BUFFER_SIZE];
static uint32_t table[256];

/* table[n] is the CRC of the single byte n: eight steps of bitwise polynomial division. */
static void make_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;

        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

uint32_t bench_crc32(void)
{
    uint32_t seed = 1, crc = 0xFFFFFFFFu;

    for (size_t i = 0; i < BUFFER_SIZE; i++)
        buffer[i] = lcg_next(&seed) >> 24;
    make_table();
    for (int r = 0; r < ROUNDS; r++)
        crc = crc32_update(crc, buffer, BUFFER_SIZE);
    return ~crc;
}
