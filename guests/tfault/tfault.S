/*
 * tfault.S - a Multiboot kernel that triple-faults on purpose (a test fixture).
 * It loads an empty IDT and executes UD2: the #UD cannot be delivered (the
 * vector is past the IDT limit: #GP), nor can the #GP (a contributory fault
 * while delivering a contributory one: #DF), nor the #DF: the processor
 * shuts down (Intel SDM Vol. 3A, 6.15, "Interrupt 8").  A PC then resets.
 */
    .section .multiboot, "a"
    .align 4
    .long 0x1badb002            /* magic */
    .long 0                     /* flags: nothing needed */
    .long -0x1badb002           /* checksum */

    .data
empty_idt:
    .word 0                     /* limit 0: no vector fits */
    .long 0

    .text
    .globl _start
_start:
    lidt empty_idt
    ud2
