/*
 * vmm/bios.h - -bios FILE: the firmware ROM a PC starts from.
 */
#ifndef VMM_BIOS_H
#define VMM_BIOS_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/physmem.h"

/*
 * Read the ROM image PATH and map it read-only into PM, the way QEMU maps
 * its pc.bios and isa-bios regions.  Returns the image, which must outlive
 * PM (free() it after physmem_destroy()), or NULL with a one-line reason
 * in ERR.
 */
uint8_t *bios_load(struct physmem *pm, const char *path, char *err, size_t errlen);

#endif
