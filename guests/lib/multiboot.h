/*
 * multiboot.h - the contract between a Multiboot (v1) boot loader and our guests.
 *
 * Numbers and layouts are from the Multiboot Specification 0.6.96:
 * section 3.1 (the OS image header) and section 3.3 (the boot information).
 * The constants are also used by crt0.S, hence the __ASSEMBLER__ guard.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

/* 3.1.1: the loader scans the first 8 KiB of the image for this magic. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
/* 3.1.2, bit 0: align boot modules on 4 KiB pages. */
#define MULTIBOOT_PAGE_ALIGN (1 << 0)
/* 3.1.2, bit 1: the loader must fill mem_lower/mem_upper in the boot information. */
#define MULTIBOOT_MEMORY_INFO (1 << 1)
#define MULTIBOOT_HEADER_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* 3.2: EAX holds this value when the loader jumps to the kernel. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#ifndef __ASSEMBLER__
#include <stdint.h>

/* 3.3: which fields of struct multiboot_info are valid. */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)

/* 3.3: the boot information; EBX points at it. Only the fields we read are named. */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB of memory below 1 MiB (at most 640) */
    uint32_t mem_upper; /* KiB of memory from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;   /* physical address of a NUL-terminated string */
};

/* Every guest defines main; crt0.S calls it and exits with success iff it returns 0. */
int main(uint32_t magic, const struct multiboot_info *mbi);
#endif

#endif
