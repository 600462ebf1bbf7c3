/*
 * gdt.c - the descriptor table crt0.S loads with LGDT.
 * Descriptor layout: Intel SDM Vol. 3, 3.4.5 "Segment Descriptors", Figure 3-8.
 */
#include "gdt.h"

/* Access byte: present, ring 0, code/data (S=1), plus the type (SDM Vol. 3, Table 3-1). */
#define ACCESS_CODE 0x9A /* execute/read */
#define ACCESS_DATA 0x92 /* read/write */
/* Flags nibble: G=1 (limit counts 4 KiB pages), D/B=1 (32-bit segment). */
#define FLAGS_32BIT_PAGES 0xC

/* Builds a descriptor; the base and limit are scattered over the 8 bytes for 286 compatibility. */
#define DESCRIPTOR(base, limit, access)                                                   \
    ((uint64_t)((limit) & 0xFFFF) | (uint64_t)((base) & 0xFFFFFF) << 16 |                 \
     (uint64_t)(access) << 40 | (uint64_t)(((limit) >> 16) & 0xF) << 48 |                  \
     (uint64_t)FLAGS_32BIT_PAGES << 52 | (uint64_t)(((base) >> 24) & 0xFF) << 56)

#define FLAT(access) DESCRIPTOR(0, 0xFFFFF, access)

static uint64_t gdt[GDT_ENTRIES] = {
    0, /* the null descriptor: loading selector 0 into DS/ES/FS/GS is legal, using it faults */
    [GDT_SEL_CODE / 8] = FLAT(ACCESS_CODE),
    [GDT_SEL_DATA / 8] = FLAT(ACCESS_DATA),
    [GDT_SEL_SPARE1 / 8] = FLAT(ACCESS_DATA),
    [GDT_SEL_SPARE2 / 8] = FLAT(ACCESS_DATA),
};

/* The 6-byte operand of LGDT: limit (size - 1), then the linear address of the table. */
const struct __attribute__((packed)) {
    uint16_t limit;
    uint32_t base;
} gdt_pointer = {sizeof(gdt) - 1, (uint32_t)gdt};

/* Only the spare descriptors are meant to move, and they are always 4 GiB data segments. */
void gdt_set_base(uint16_t selector, uint32_t base)
{
    gdt[selector / 8] = DESCRIPTOR(base, 0xFFFFF, ACCESS_DATA);
}
