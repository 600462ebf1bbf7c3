/*
 * exit.c - the isa-debug-exit convention.
 *
 * QEMU's isa-debug-exit device (and glassvm's, same command line:
 * -device isa-debug-exit,iobase=0xf4,iosize=0x04) makes the emulator exit with status
 * (V << 1) | 1 when the guest writes V to its port. The values 0x10 and 0x11 follow the
 * Rust bootimage convention: statuses 33 and 35 cannot be confused with 0 or 1, which
 * the emulator itself uses for a normal exit and for errors.
 */
#include "exit.h"

#include "io.h"
#include "printf.h"

#define DEBUG_EXIT_PORT 0xF4
#define DEBUG_EXIT_SUCCESS 0x10 /* exit status 33 */
#define DEBUG_EXIT_FAILURE 0x11 /* exit status 35 */

_Noreturn void guest_exit(bool ok)
{
    outl(DEBUG_EXIT_PORT, ok ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);

    /* Still here: nothing listens on the port. HLT with interrupts off never wakes up. */
    printf("guest: no isa-debug-exit device, halting (%s)\n", ok ? "success" : "failure");
    for (;;)
        __asm__ volatile("cli; hlt");
}
