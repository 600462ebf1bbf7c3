/*
 * tasks_asm.S - where the tasks of tasks.c begin. A task switch loads every register
 * from the new task's TSS, so a task starts at its TSS's EIP with nothing of C's
 * conventions: these entries note the registers the checks look at, call the C body,
 * and end with the instruction that switches back. When a task is entered again, it
 * continues after that instruction (its EIP was saved there): it starts over.
 */
#include "desc.h"

    .text

/* Entered by JMP: nothing links back, so jump to the main task by name. */
    .globl task_b_entry
task_b_entry:
    movl %ebx, task_b_ebx           /* loaded from the TSS */
    call task_b_body
    ljmp $SEL_TSS, $0
    jmp task_b_entry

/* Entered by CALL: NT = 1 and the TSS's link field names the caller, so IRET returns
   to it (Intel SDM Vol. 3A, 7.4 "Task Linking"). EDX goes to our TSS on the way out. */
    .globl task_a_entry, task_a_after_iret
task_a_entry:
    call task_a_body
    movl $0xA5A5A5A5, %edx
    iret
task_a_after_iret:
    jmp task_a_entry

/* Entered through the task gate of #DF: the CPU pushed the error code on this task's
   stack (6.12.2 "Interrupt Tasks"). Take it off before anything else. */
    .globl task_df_entry
task_df_entry:
    movl %esp, task_df_esp
    popl task_df_error
    call task_df_body
    iret
    jmp task_df_entry
