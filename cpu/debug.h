/*
 * cpu/debug.h - the debug registers and single-stepping (SDM Vol. 3A,
 * chapter 17): instruction breakpoints (faults), data breakpoints and the
 * TF single-step (traps), reported in DR6 through #DB.
 */
#ifndef CPU_DEBUG_H
#define CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

#define DR6_BS 0x4000u  /* single step */
#define DR6_RESERVED_ONES 0xffff0ff0u

/* DR7 or DR0-DR3 changed: recompute which breakpoints are armed. */
void debug_update(struct cpu *c);

/* Before an instruction at linear address LIN: an instruction breakpoint
 * there raises #DB (a fault) unless EFLAGS.RF says it was just taken. */
void debug_check_exec(struct cpu *c, uint32_t lin);

/* A data access the slow path is making: note matching breakpoints; the
 * #DB trap is delivered once the instruction completes. */
void debug_check_data(struct cpu *c, uint32_t lin, unsigned size, bool write);

/* Does page LIN hold an armed data breakpoint?  (Then the TLB must not
 * take its accesses off the slow path.) */
bool debug_page_watched(const struct cpu *c, uint32_t lin);

#endif
