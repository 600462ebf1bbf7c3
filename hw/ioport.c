/*
 * hw/ioport.c - routing port I/O to devices.  A port nobody claims reads
 * as all ones and ignores writes, like an ISA bus with nothing driving it.
 */
#include "hw/ioport.h"

int ioport_register(struct ioport_bus *bus, uint16_t base, uint16_t len,
		    const struct ioport_ops *ops, void *opaque)
{
	if (bus->n == IOPORT_MAX_REGIONS || len == 0)
		return -1;
	for (unsigned k = 0; k < bus->n; k++) {
		const struct ioport_region *r = &bus->regions[k];
		if (base < r->base + r->len && r->base < base + len)
			return -1;
	}
	bus->regions[bus->n++] = (struct ioport_region){ base, len, ops, opaque };
	return 0;
}

static const struct ioport_region *find_region(const struct ioport_bus *bus, uint16_t port)
{
	for (unsigned k = 0; k < bus->n; k++) {
		const struct ioport_region *r = &bus->regions[k];
		if (port >= r->base && port - r->base < r->len)
			return r;
	}
	return 0;
}

uint32_t ioport_read(void *opaque, uint16_t port, unsigned size)
{
	const struct ioport_region *r = find_region(opaque, port);

	if (!r)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return r->ops->read(r->opaque, port, size);
}

void ioport_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	const struct ioport_region *r = find_region(opaque, port);

	if (r)
		r->ops->write(r->opaque, port, value, size);
}
