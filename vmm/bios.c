/*
 * vmm/bios.c - mapping the firmware ROM of -bios FILE.
 *
 * After RESET the processor fetches its first instruction at physical
 * FFFFFFF0h: CS.base is FFFF0000h, EIP FFF0h (Intel SDM Vol. 3A, 9.1.4).
 * So the image is mapped to end at 4 GiB.  Real-mode code can reach only
 * the first MiB, and the PC/AT gives the system BIOS the top of it
 * (F0000h-FFFFFh, E0000h-EFFFFh on later machines), so the image's last
 * 128 KiB appear there too: the same bytes, at both addresses.  A BIOS
 * starts with a far jump from the reset vector into that low copy.
 *
 * QEMU's rules for the image (hw/i386/x86-common.c, x86_bios_rom_init):
 * a non-zero multiple of 64 KiB.  glassvm also caps it at 16 MiB, the
 * window a PC chipset decodes to its firmware hub below 4 GiB.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/bios.h"
#include "vmm/hostfile.h"

#define BIOS_GRAIN    (64u << 10)
#define BIOS_MAX      (16u << 20)
#define ISA_BIOS_MAX  (128u << 10)
#define ISA_BIOS_END  0x100000u

uint8_t *bios_load(struct physmem *pm, const char *path, char *err, size_t errlen)
{
	size_t size, isa;
	uint8_t *image = hostfile_read(path, BIOS_MAX, &size, err, errlen);

	if (!image)
		return NULL;
	if (size == 0 || size % BIOS_GRAIN) {
		snprintf(err, errlen, "a ROM image must be a non-zero multiple of 64 KiB, not %zu bytes", size);
		free(image);
		return NULL;
	}
	isa = size < ISA_BIOS_MAX ? size : ISA_BIOS_MAX;
	if (physmem_map_rom(pm, PHYS_SPACE - size, image, size) ||
	    physmem_map_rom(pm, ISA_BIOS_END - isa, image + size - isa, isa)) {
		snprintf(err, errlen, "no room left for more ROM in the physical memory map");
		free(image);
		return NULL;
	}
	return image;
}
