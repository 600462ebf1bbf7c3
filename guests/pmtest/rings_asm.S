/*
 * rings_asm.S - the ring-0 ends of the trips that rings.c makes from ring 3. Each one
 * writes down what the CPU gave it (the stack it runs on, CS, SS, the frame the CPU
 * pushed) for rings.c to check, then goes back to ring 3. They run with ring 3's data
 * segments (flat, DPL 3, so usable in ring 0) and may use EAX, ECX and EDX.
 */
#include "desc.h"

/* Copies the `count` dwords at the top of the stack to `dst`, and notes ESP, CS, SS. */
.macro SNAPSHOT dst, count
    movl %esp, \dst + 4 * \count
    movl %cs, %eax
    movl %eax, \dst + 4 * \count + 4
    movl %ss, %eax
    movl %eax, \dst + 4 * \count + 8
    xorl %ecx, %ecx
1:  movl (%esp,%ecx,4), %eax
    movl %eax, \dst(,%ecx,4)
    incl %ecx
    cmpl $\count, %ecx
    jne 1b
.endm

    .text

/*
 * INT 0x40, a DPL-3 trap gate: from ring 3, the CPU switched to the TSS's SS0:ESP0 and
 * pushed SS, ESP, EFLAGS, CS, EIP (SDM Vol. 3A, 6.12.1, Figure 6-4).
 * int_snapshot: those 5 dwords, then ESP, CS, SS in the handler.
 */
    .globl int_frame_probe
int_frame_probe:
    SNAPSHOT int_snapshot, 5
    iret

/*
 * The target of the call gate SEL_CALL_GATE (2 parameters): the CPU switched to the
 * TSS's ring-0 stack and pushed SS, ESP, the 2 parameters copied from the ring-3 stack,
 * CS, EIP (SDM Vol. 3A, 5.8.5, Figure 5-13). gate_snapshot: those 6 dwords, then ESP,
 * CS, SS here. Before the far return, ES gets a DPL-0 segment, which the return to
 * ring 3 must null, and FS a DPL-3 one, which it must keep (5.8.6).
 */
    .globl call_gate_target
call_gate_target:
    SNAPSHOT gate_snapshot, 6
    movw $SEL_KDATA, %ax
    movw %ax, %es
    movw $(SEL_UDATA | RPL3), %ax
    movw %ax, %fs
    lret $8                 /* pops the 2 parameters off both stacks */

/*
 * The IA32_SYSENTER_EIP of rings.c: CS and SS come from IA32_SYSENTER_CS, ESP from
 * IA32_SYSENTER_ESP, nothing is pushed (SDM Vol. 3A, 5.8.7). SYSEXIT goes back to ring 3
 * with EIP = EDX and ESP = ECX, which ring 3 set and we keep.
 * sysenter_snapshot: ESP, CS, SS.
 */
    .globl sysenter_entry
sysenter_entry:
    movl %esp, sysenter_snapshot
    movl %cs, %eax
    movl %eax, sysenter_snapshot + 4
    movl %ss, %eax
    movl %eax, sysenter_snapshot + 8
    sysexit

    .bss
    .p2align 4
    .globl int_snapshot, gate_snapshot, sysenter_snapshot, sysenter_stack_top
int_snapshot:
    .skip 4 * (5 + 3)
gate_snapshot:
    .skip 4 * (6 + 3)
sysenter_snapshot:
    .skip 4 * 3
    .p2align 4
    .skip 1024
sysenter_stack_top:
