/*
 * nomb.S - a valid 32-bit ELF executable that is not a Multiboot kernel: it has no
 * Multiboot header. A loader must refuse it with a clear error instead of jumping in.
 * (If one jumps in anyway, the guest parks the CPU, so the run ends by timeout.)
 */
    .text
    .globl _start
_start:
    cli
    hlt
    jmp _start
