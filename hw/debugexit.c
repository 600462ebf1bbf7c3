/* hw/debugexit.c - isa-debug-exit (QEMU hw/misc/debugexit.c semantics). */
#include "hw/debugexit.h"

static uint32_t debugexit_read(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque;
	(void)port;
	(void)size;
	return 0;
}

static void debugexit_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	struct debugexit *d = opaque;

	(void)port;
	(void)size;
	d->cpu->exit_status = (int)((value << 1) | 1);
	cpu_request_stop(d->cpu, STOP_REQUESTED);
}

static const struct ioport_ops debugexit_ops = { debugexit_read, debugexit_write };

int debugexit_init(struct debugexit *d, struct ioport_bus *bus, uint16_t base,
		   uint16_t size, struct cpu *cpu)
{
	d->cpu = cpu;
	return ioport_register(bus, base, size, &debugexit_ops, d);
}
