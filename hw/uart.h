/*
 * hw/uart.h - a 16550A UART (National Semiconductor PC16550D data sheet),
 * as COM1 at ports 3F8-3FF.  Transmit only for now: receive, the FIFOs'
 * interrupt behaviour and IRQ 4 come with the platform's interrupt
 * controller.
 */
#ifndef HW_UART_H
#define HW_UART_H

#include <stdint.h>

#include "hw/chardev.h"
#include "hw/ioport.h"

#define COM1_BASE 0x3f8

struct uart {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint16_t divisor;
	struct chardev *out;
};

int uart_init(struct uart *u, struct ioport_bus *bus, uint16_t base, struct chardev *out);

#endif
