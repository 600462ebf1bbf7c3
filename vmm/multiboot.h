/*
 * vmm/multiboot.h - loading a Multiboot (version 1) kernel, as GRUB and
 * QEMU's -kernel do (Multiboot Specification 0.6.96).
 */
#ifndef VMM_MULTIBOOT_H
#define VMM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/physmem.h"

#define MULTIBOOT_HEADER_MAGIC     0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u

struct multiboot_entry {
	uint32_t eip;   /* physical entry point */
	uint32_t ebx;   /* physical address of the Multiboot information */
};

/*
 * Load the ELF file PATH into guest RAM and build the information structure
 * with CMDLINE.  Returns 0, or -1 with a one-line reason in ERR.
 */
int multiboot_load(struct physmem *pm, const char *path, const char *cmdline,
		   struct multiboot_entry *entry, char *err, size_t errlen);

#endif
