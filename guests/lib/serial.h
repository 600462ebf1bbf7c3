/*
 * serial.h - polled output on the first PC serial port (COM1), a 16550 UART.
 * The guests' only console: QEMU and glassvm connect it to stdout with -nographic.
 */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

void serial_init(void);
void serial_putc(char c);

#endif
