/*
 * isr.S - interrupt entry stubs.
 *
 * For some exceptions the CPU pushes an error code, for others it does not (Intel SDM
 * Vol. 3, 6.13 "Error Code", and Table 6-1). Each stub evens this out by pushing a 0 where
 * the CPU pushed nothing, then pushes its vector number, so that isr_common sees one
 * stack layout: struct trap_frame in idt.h.
 */
#include "gdt.h"

/* Defines stub isr_<vector> and adds {vector, stub} to isr_table, which idt_init() reads. */
.macro ISR vector, cpu_pushes_error_code
    .pushsection .rodata
    .long \vector, isr_\vector
    .popsection
isr_\vector:
    .if !\cpu_pushes_error_code
    pushl $0
    .endif
    pushl $\vector
    jmp isr_common
.endm

    .section .rodata
    .p2align 2
    .globl isr_table
isr_table:

    .text
    ISR 0, 0    /* #DE divide error */
    ISR 1, 0    /* #DB debug */
    ISR 2, 0    /* NMI */
    ISR 3, 0    /* #BP breakpoint */
    ISR 4, 0    /* #OF overflow */
    ISR 5, 0    /* #BR bound range */
    ISR 6, 0    /* #UD invalid opcode */
    ISR 7, 0    /* #NM device not available */
    ISR 8, 1    /* #DF double fault */
    ISR 9, 0    /* coprocessor segment overrun */
    ISR 10, 1   /* #TS invalid TSS */
    ISR 11, 1   /* #NP segment not present */
    ISR 12, 1   /* #SS stack fault */
    ISR 13, 1   /* #GP general protection */
    ISR 14, 1   /* #PF page fault */
    ISR 15, 0   /* reserved */
    ISR 16, 0   /* #MF x87 error */
    ISR 17, 1   /* #AC alignment check */
    ISR 18, 0   /* #MC machine check */
    ISR 19, 0   /* #XM SIMD exception */
    ISR 20, 0   /* #VE virtualization exception */
    ISR 21, 1   /* #CP control protection */
    ISR 22, 0   /* reserved */
    ISR 23, 0
    ISR 24, 0
    ISR 25, 0
    ISR 26, 0
    ISR 27, 0
    ISR 28, 0
    ISR 29, 1   /* #VC VMM communication */
    ISR 30, 1   /* #SX security */
    ISR 31, 0
    ISR 0x80, 0 /* INT 0x80: software interrupts never push an error code */

    .section .rodata
isr_table_end:
    .globl isr_count
isr_count:
    .long (isr_table_end - isr_table) / 8   /* 8 bytes per entry */

    .text
/* Saves the rest of the interrupted state, calls idt_dispatch(frame), restores, returns. */
isr_common:
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    /* The interrupted code may have had other data segments loaded, or DF set;
       C code needs flat DS/ES and DF = 0 (System V i386 ABI). IRET restores DF. */
    movw $GDT_SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    cld
    pushl %esp              /* argument: struct trap_frame * */
    call idt_dispatch
    addl $4, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp           /* drop the vector and the error code */
    iret
