/*
 * idt.h - exceptions and software interrupts.
 *
 * crt0.S calls idt_init(), which points the 32 exception vectors (and the INT 0x80
 * vector) at the stubs in isr.S. Each stub saves the interrupted state as a
 * struct trap_frame and calls the handler registered for its vector. The handler may
 * change the frame; IRET then resumes with the changed state, which is how a test skips
 * a faulting instruction (move eip) or fixes its cause (change a register) and retries.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include <stdint.h>

/* Exception vectors, Intel SDM Vol. 3, Table 6-1. */
#define VEC_DE 0  /* divide error */
#define VEC_BP 3  /* breakpoint (INT3) */
#define VEC_OF 4  /* overflow (INTO) */
#define VEC_UD 6  /* invalid opcode */
#define VEC_GP 13 /* general protection */
#define VEC_SYSCALL 0x80 /* the one software-interrupt vector we install, as Linux/i386 did */

/* The stack isr.S builds, lowest address first. */
struct trap_frame {
    uint32_t gs, fs, es, ds;                         /* pushed by isr.S (low 16 bits valid) */
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax; /* PUSHA */
    uint32_t vector;
    uint32_t error;                                  /* the CPU's error code, or 0 */
    uint32_t eip, cs, eflags;                        /* pushed by the CPU (no ring change: no SS:ESP) */
};

typedef void (*trap_handler)(struct trap_frame *frame);

void idt_init(void);

/* Routes vector to handler; NULL restores the default, which reports the trap and fails. */
void idt_set_handler(uint8_t vector, trap_handler handler);

#endif
