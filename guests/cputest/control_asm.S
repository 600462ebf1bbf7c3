/*
 * control_asm.S - call targets for control.c. They touch only EAX (and ESP), so the
 * inline assembly that calls them declares just that.
 */
    .text

/* Near call target: returns 42. */
    .globl answer_42
answer_42:
    movl $42, %eax
    ret

/* Near call target that pops its two stack arguments itself (RET imm16, the Pascal and
   stdcall conventions): returns their sum. */
    .globl sum_ret8
sum_ret8:
    movl 4(%esp), %eax
    addl 8(%esp), %eax
    ret $8

/* Far call target: returns the CS the far CALL pushed above the return EIP. */
    .globl far_pushed_cs
far_pushed_cs:
    movl 4(%esp), %eax
    lret

/* Far call target with one stack argument, popped by the far RET imm16: returns arg + 1. */
    .globl far_increment_ret4
far_increment_ret4:
    movl 8(%esp), %eax
    incl %eax
    lret $4
