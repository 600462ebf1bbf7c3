/*
 * serial.c - driving COM1 by polling.
 * Register numbers and bits are from the National Semiconductor PC16550D datasheet,
 * Table II "Summary of Registers".
 */
#include "serial.h"

#include "io.h"

#define COM1 0x3F8

/* Register offsets from the base port. */
#define THR 0 /* transmitter holding register (write) */
#define DLL 0 /* divisor latch, low byte (when LCR.DLAB = 1) */
#define IER 1 /* interrupt enable register */
#define DLM 1 /* divisor latch, high byte (when LCR.DLAB = 1) */
#define FCR 2 /* FIFO control register (write) */
#define LCR 3 /* line control register */
#define MCR 4 /* modem control register */
#define LSR 5 /* line status register */

#define LCR_8N1 0x03  /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB 0x80 /* divisor latch access bit: offsets 0 and 1 become the divisor */
#define FCR_ENABLE_CLEAR 0x07 /* enable both FIFOs and clear them */
#define MCR_DTR_RTS 0x03
#define LSR_THRE 0x20 /* transmitter holding register empty: room for one more byte */

/* The UART divides its 1.8432 MHz clock by 16 * divisor: divisor 1 gives 115200 baud. */
#define DIVISOR_115200 1

void serial_init(void)
{
    outb(COM1 + IER, 0); /* we poll; no interrupts */
    outb(COM1 + LCR, LCR_DLAB);
    outb(COM1 + DLL, DIVISOR_115200 & 0xFF);
    outb(COM1 + DLM, DIVISOR_115200 >> 8);
    outb(COM1 + LCR, LCR_8N1); /* also clears DLAB */
    outb(COM1 + FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + MCR, MCR_DTR_RTS);
    /* Whoever wrote here before us (QEMU's BIOS prints "Booting from ROM..") may have
       left the line unfinished: start on a fresh one, so every line of ours is whole. */
    serial_putc('\n');
}

void serial_putc(char c)
{
    /* Writing THR while it is still full would drop a byte on real hardware. */
    while (!(inb(COM1 + LSR) & LSR_THRE))
        ;
    outb(COM1 + THR, (uint8_t)c);
}
