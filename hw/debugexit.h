/*
 * hw/debugexit.h - QEMU's isa-debug-exit device: a guest ends the run by
 * writing V to its port, and glassvm exits with status (V << 1) | 1.
 * Test guests use it to report success or failure to the host.
 */
#ifndef HW_DEBUGEXIT_H
#define HW_DEBUGEXIT_H

#include "cpu/cpu.h"
#include "hw/ioport.h"

struct debugexit {
	struct cpu *cpu;
};

int debugexit_init(struct debugexit *d, struct ioport_bus *bus, uint16_t base,
		   uint16_t size, struct cpu *cpu);

#endif
