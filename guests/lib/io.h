/*
 * io.h - the x86 I/O port instructions (Intel SDM Vol. 2, IN and OUT).
 *
 * Ports are a separate 64 KiB address space. Under glassvm every one of these
 * instructions is a VM-exit with reason 30 ("I/O instruction", SDM Vol. 3, Appendix C),
 * handled by a device model in root mode.
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stdint.h>

/* "Nd": a port below 256 can be an immediate, otherwise it must be in DX. */
static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

#endif
