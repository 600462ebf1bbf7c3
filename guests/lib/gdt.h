/*
 * gdt.h - our own Global Descriptor Table.
 *
 * A Multiboot loader leaves GDTR undefined (Multiboot spec 3.2), so crt0.S loads this
 * table before touching any segment register. All segments are flat (base 0, limit 4 GiB)
 * except the two spare ones, which a guest may rebase to play with FS/GS overrides.
 * The selector constants are shared with assembly, hence the __ASSEMBLER__ guard.
 */
#ifndef GUEST_GDT_H
#define GUEST_GDT_H

/* A selector is the descriptor's byte offset in the table (index * 8), RPL 0, TI 0. */
#define GDT_SEL_CODE 0x08   /* ring-0 code, 32-bit */
#define GDT_SEL_DATA 0x10   /* ring-0 data, also the stack */
#define GDT_SEL_SPARE1 0x18 /* ring-0 data, base set by gdt_set_base() */
#define GDT_SEL_SPARE2 0x20 /* ditto */
#define GDT_ENTRIES 5

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * Moves the base of a data descriptor. Like on real hardware, a segment register that
 * already holds the selector keeps the old base in its hidden part until it is reloaded
 * (Intel SDM Vol. 3, 3.4.3 "Segment Registers").
 */
void gdt_set_base(uint16_t selector, uint32_t base);
#endif

#endif
