/*
 * cpu/interrupt.h - the CPU's interrupt pins (SDM Vol. 3A, 6.3 and 6.8):
 * INTR, raised by an interrupt controller and acknowledged for a vector,
 * and NMI.  They are sampled between blocks, never inside an instruction;
 * INTR only while IF=1 and no STI / MOV SS shadow is in force.
 */
#ifndef CPU_INTERRUPT_H
#define CPU_INTERRUPT_H

#include <stdbool.h>

struct cpu;

/* The interrupt controller's acknowledge cycle: returns the vector. */
typedef unsigned (*intr_ack_fn)(void *opaque);

void cpu_connect_intr(struct cpu *c, intr_ack_fn ack, void *opaque);
/* INTR is level-triggered: the controller keeps it up while it has work. */
void cpu_set_intr(struct cpu *c, bool level);
/* NMI is an edge: one pending at most; further ones wait for IRET. */
void cpu_raise_nmi(struct cpu *c);

/* Could an interrupt be taken now? (Wakes HLT.) */
bool cpu_interrupt_deliverable(const struct cpu *c);
/* Between blocks: deliver the NMI or external interrupt that is due. */
void cpu_service_interrupts(struct cpu *c);

#endif
