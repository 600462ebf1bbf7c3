/*
 * printf.h - a small printf on the serial console.
 *
 * Conversions: %d %i %u %x %X %p %c %s %%, the length modifiers l and ll
 * (so %llx prints a 64-bit value), a field width, and the flags '0' (pad with
 * zeros) and '-' (align left). Returns the number of characters written.
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
