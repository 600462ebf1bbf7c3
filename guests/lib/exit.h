/*
 * exit.h - ending the virtual machine from inside.
 */
#ifndef GUEST_EXIT_H
#define GUEST_EXIT_H

#include <stdbool.h>

/*
 * Ends the run through the isa-debug-exit device: the emulator's exit status is 33 if
 * ok, 35 otherwise. Without that device, parks the CPU forever.
 */
_Noreturn void guest_exit(bool ok);

#endif
