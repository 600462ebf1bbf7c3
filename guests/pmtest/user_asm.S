/*
 * user_asm.S - the trip to ring 3 and back (see user.h).
 *
 * IRET to an outer ring pops EIP, CS, EFLAGS, then ESP and SS (Intel SDM Vol. 3A, 6.12.1
 * and IRET in Vol. 2A): the frame below is what an interrupt from ring 3 would have left.
 * The way back is an INT through a DPL-3 gate; the CPU switches to the ring-0 stack named
 * in the TSS (SS0:ESP0, 6.12.1), whose contents we drop: the ring-0 stack of user_run's
 * caller, saved in kernel_esp, is where we continue.
 */
#include "desc.h"
#include "user.h"

    .bss
    .p2align 4
user_stack:
    .skip USER_STACK_SIZE
    .globl user_stack_top
user_stack_top:
kernel_esp:
    .long 0

    .text
/* void user_run(void (*fn)(void)) */
    .globl user_run
user_run:
    pushl %ebp                      /* the registers the C ABI asks us to keep */
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 20(%esp), %eax             /* fn */
    movl %esp, kernel_esp
    pushl $(SEL_UDATA | RPL3)       /* SS */
    pushl $user_stack_top           /* ESP */
    pushl $0x2                      /* EFLAGS: IOPL 0, IF 0, only the reserved bit 1 */
    pushl $(SEL_UCODE | RPL3)       /* CS */
    pushl $ring3_entry              /* EIP */
    movw $(SEL_UDATA | RPL3), %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    iret

ring3_entry:                        /* CPL 3 from here */
    call *%eax
    int $VEC_USER_EXIT

/* The VEC_USER_EXIT gate: ring 0, on the TSS's ring-0 stack. */
    .globl user_exit
user_exit:
    movw $SEL_KDATA, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movl kernel_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
