/* hw/debugcon.c - port E9 (the "port_e9_hack" of Bochs, QEMU's -debugcon). */
#include "hw/debugcon.h"

static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque;
	(void)port;
	(void)size;
	return DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	uint8_t byte = value;

	(void)port;
	(void)size;
	chardev_write(opaque, &byte, 1);
}

static const struct ioport_ops debugcon_ops = { debugcon_read, debugcon_write };

int debugcon_init(struct ioport_bus *bus, struct chardev *out)
{
	return ioport_register(bus, DEBUGCON_PORT, 1, &debugcon_ops, out);
}
