/*
 * user.h - running a C function in ring 3.
 *
 * user_run(fn) builds the stack frame of an interrupt from ring 3 and "returns" to fn
 * with IRET (Intel SDM Vol. 3A, 5.8.6 "Returning from a Called Procedure"), with
 * CS = SEL_UCODE|3, SS = DS = ES = FS = GS = SEL_UDATA|3, EFLAGS = 0x2 (IOPL 0, IF 0)
 * and a stack of its own.
 * When fn returns, INT VEC_USER_EXIT (a DPL-3 gate) brings the CPU back to ring 0,
 * where user_run returns to its caller.
 */
#ifndef PMTEST_USER_H
#define PMTEST_USER_H

#define VEC_USER_EXIT 0x81
#define USER_STACK_SIZE 8192

#ifndef __ASSEMBLER__
#include <stdint.h>

void user_run(void (*fn)(void));
/* The ring-0 entry of VEC_USER_EXIT, installed by desc_init(). */
void user_exit(void);
/* Runs one probe (trap.h) in ring 3: the recorder must be armed. */
struct probe;
struct probe_result;
void probe_run_ring3(const struct probe *p, struct probe_result *r);
/* Runs a table of probes in ring 3, each in its own trip, and checks them in ring 0. */
void run_probes_ring3(const struct probe *probes, unsigned n);
#define RUN_PROBES_RING3(table) run_probes_ring3(table, sizeof(table) / sizeof(table[0]))

/* The top of the ring-3 stack: ESP when fn is called (minus the return address). */
extern uint8_t user_stack_top[];
#endif

#endif
