/*
 * hw/uart.c - the 16550A register file (PC16550D data sheet, table II).
 * The transmitter is infinitely fast: a byte written to THR goes straight
 * to the back-end, so LSR always reports THRE and TEMT.
 */
#include <stdbool.h>

#include "hw/uart.h"

enum uart_reg { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFOS_ON 0xc0
#define MCR_LOOP 0x10

/* In loopback, MSR's top bits echo MCR's outputs (data sheet 8.6): DTR to
 * DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD.  Otherwise report carrier,
 * data-set ready and clear-to-send, as a connected line would. */
static uint8_t modem_status(const struct uart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return 0xb0;
	return ((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
	       ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4);
}

static uint32_t uart_read(void *opaque, uint16_t port, unsigned size)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;

	(void)size;
	switch ((port & 7)) {
	case RBR_THR: return dlab ? u->divisor & 0xff : 0;  /* nothing received */
	case IER:     return dlab ? u->divisor >> 8 : u->ier;
	case IIR_FCR: return IIR_NO_INTERRUPT | ((u->fcr & 1) ? IIR_FIFOS_ON : 0);
	case LCR:     return u->lcr;
	case MCR:     return u->mcr;
	case LSR:     return LSR_THRE | LSR_TEMT;
	case MSR:     return modem_status(u);
	default:      return u->scr;
	}
}

static void uart_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t byte = value;

	(void)size;
	switch ((port & 7)) {
	case RBR_THR:
		if (dlab)
			u->divisor = (u->divisor & 0xff00) | byte;
		else if (!(u->mcr & MCR_LOOP))  /* loopback keeps bytes off the line */
			chardev_write(u->out, &byte, 1);
		break;
	case IER:
		if (dlab)
			u->divisor = (u->divisor & 0x00ff) | (byte << 8);
		else
			u->ier = byte & 0x0f;
		break;
	case IIR_FCR: u->fcr = byte; break;
	case LCR:     u->lcr = byte; break;
	case MCR:     u->mcr = byte & 0x1f; break;
	case SCR:     u->scr = byte; break;
	default:      break;  /* LSR and MSR are read-only */
	}
}

static const struct ioport_ops uart_ops = { uart_read, uart_write };

int uart_init(struct uart *u, struct ioport_bus *bus, uint16_t base, struct chardev *out)
{
	*u = (struct uart){ .divisor = 12, .out = out };  /* 9600 baud at reset */
	return ioport_register(bus, base, 8, &uart_ops, u);
}
