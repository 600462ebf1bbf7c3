/*
 * hw/port92.h - System Control Port A at I/O port 0x92, the "fast A20" and
 * "fast reset" port that IBM introduced with the PS/2 and every PC chipset
 * kept (IBM PS/2 Hardware Interface Technical Reference, "System Control
 * Port A"; QEMU hw/isa/port92.c):
 *   bit 1  A20 gate: 1 lets address bit 20 through, 0 forces it to 0
 *   bit 0  fast reset: writing 1 after 0 resets the machine
 * Without it, A20 is switched through the keyboard controller, slowly.
 */
#ifndef HW_PORT92_H
#define HW_PORT92_H

#include <stdint.h>

#include "hw/ioport.h"
#include "mmu/mmu.h"

#define PORT92_PORT   0x92
#define PORT92_RESET  0x01u
#define PORT92_A20    0x02u

struct port92 {
	uint8_t latch;          /* the bits last written (bit 1 is read back from the gate) */
	struct mmu *mmu;        /* its physmem holds the A20 gate itself */
	void (*reset)(void *opaque);  /* asks the machine for a reset */
	void *opaque;
};

int port92_init(struct port92 *p, struct ioport_bus *bus, struct mmu *mmu,
		void (*reset)(void *opaque), void *opaque);
/* The machine was reset: the reset bit clears (the gate is the machine's). */
void port92_reset(struct port92 *p);

#endif
