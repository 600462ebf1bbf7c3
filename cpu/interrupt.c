/*
 * cpu/interrupt.c - taking NMI and external interrupts.  NMI has priority
 * over INTR (SDM Vol. 3A, table 6-2) and blocks further NMIs until the
 * next IRET (6.7.1).
 */
#include "cpu/cpu.h"
#include "cpu/exception.h"
#include "cpu/interrupt.h"

void cpu_connect_intr(struct cpu *c, intr_ack_fn ack, void *opaque)
{
	c->intr_ack = ack;
	c->intr_opaque = opaque;
}

void cpu_set_intr(struct cpu *c, bool level)
{
	c->intr_line = level;
	if (level)
		c->abort_block = true;  /* look at it at the next instruction boundary */
}

void cpu_raise_nmi(struct cpu *c)
{
	c->nmi_pending = true;
	c->abort_block = true;
}

static bool nmi_due(const struct cpu *c)
{
	return c->nmi_pending && !c->nmi_blocked;
}

static bool intr_due(const struct cpu *c)
{
	return c->intr_line && c->intr_ack && (c->eflags & FL_IF) && !c->inhibit_irq;
}

bool cpu_interrupt_deliverable(const struct cpu *c)
{
	return nmi_due(c) || intr_due(c);
}

void cpu_service_interrupts(struct cpu *c)
{
	if (nmi_due(c)) {
		c->nmi_pending = false;
		c->nmi_blocked = true;
		c->halted = false;
		cpu_raise_event(c, EXC_NMI, EV_EXTERNAL, 0);
	} else if (intr_due(c)) {
		c->halted = false;
		cpu_raise_event(c, c->intr_ack(c->intr_opaque), EV_EXTERNAL, 0);
	}
}
