/* hw/port92.c - System Control Port A (see hw/port92.h). */
#include "hw/port92.h"

/* Bit 1 reads as the gate stands now; the other bits as last written. */
static uint32_t port92_read(void *opaque, uint16_t port, unsigned size)
{
	struct port92 *p = opaque;
	bool a20 = physmem_a20_enabled(p->mmu->pm);

	(void)port;
	(void)size;
	return (p->latch & ~PORT92_A20) | (a20 ? PORT92_A20 : 0);
}

static void port92_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	struct port92 *p = opaque;
	uint8_t old = p->latch;

	(void)port;
	(void)size;
	p->latch = value;
	mmu_set_a20(p->mmu, value & PORT92_A20);
	/* Only a rising edge resets: a guest that writes the byte back
	 * unchanged must not reset the machine again. */
	if ((value & PORT92_RESET) && !(old & PORT92_RESET))
		p->reset(p->opaque);
}

static const struct ioport_ops port92_ops = { port92_read, port92_write };

int port92_init(struct port92 *p, struct ioport_bus *bus, struct mmu *mmu,
		void (*reset)(void *opaque), void *opaque)
{
	*p = (struct port92){ .mmu = mmu, .reset = reset, .opaque = opaque };
	return ioport_register(bus, PORT92_PORT, 1, &port92_ops, p);
}

void port92_reset(struct port92 *p)
{
	p->latch &= ~PORT92_RESET;
}
