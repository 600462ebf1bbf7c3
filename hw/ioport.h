/*
 * hw/ioport.h - the I/O port address space: devices claim ranges of ports,
 * the CPU's IN and OUT instructions are routed to them.
 */
#ifndef HW_IOPORT_H
#define HW_IOPORT_H

#include <stdint.h>

struct ioport_ops {
	uint32_t (*read)(void *opaque, uint16_t port, unsigned size);
	void (*write)(void *opaque, uint16_t port, uint32_t value, unsigned size);
};

#define IOPORT_MAX_REGIONS 32

struct ioport_bus {
	struct ioport_region {
		uint16_t base, len;
		const struct ioport_ops *ops;
		void *opaque;
	} regions[IOPORT_MAX_REGIONS];
	unsigned n;
};

/* Returns -1 if the range overlaps one already claimed or the table is full. */
int ioport_register(struct ioport_bus *bus, uint16_t base, uint16_t len,
		    const struct ioport_ops *ops, void *opaque);

/* The entry points the CPU calls (struct io_bus in cpu/cpu.h). */
uint32_t ioport_read(void *bus, uint16_t port, unsigned size);
void ioport_write(void *bus, uint16_t port, uint32_t value, unsigned size);

#endif
