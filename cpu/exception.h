/*
 * cpu/exception.h - raising exceptions and delivering interrupts through the
 * IDT (SDM Vol. 3A, chapter 6).
 */
#ifndef CPU_EXCEPTION_H
#define CPU_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

enum exc_vector {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
	EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
	EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
};

/*
 * Raise a fault from inside an instruction: the instruction is abandoned
 * (it has had no visible effect) and the exception is delivered with EIP
 * pointing at it, so the handler can restart it.  ERROR is pushed only for
 * the vectors that define an error code.
 */
_Noreturn void cpu_fault(struct cpu *c, unsigned vector, uint32_t error);

/* Where an event comes from decides how it is delivered (SDM 6.12, 16.3). */
enum event_kind { EV_EXCEPTION, EV_SOFTWARE, EV_EXTERNAL };

/*
 * Deliver VECTOR now: push the return frame (EIP = RETURN_EIP) and enter the
 * handler.  May itself fault (e.g. #GP for a bad gate), which escalates to
 * #DF and then to shutdown as on hardware.
 */
void cpu_deliver(struct cpu *c, unsigned vector, enum event_kind kind,
		 uint32_t error, uint32_t return_eip);

/* Deliver an event at the current EIP (a fault being handled, a trap, NMI,
 * an external or injected interrupt), with the bookkeeping that turns a
 * fault during delivery into #DF and that an exit during it reports. */
void cpu_raise_event(struct cpu *c, unsigned vector, enum event_kind kind, uint32_t error);

/* Does exception VECTOR push an error code (SDM Vol. 3A, table 6-1)? */
bool exception_has_error_code(unsigned vector);

/* Called by cpu_run() after a fault unwound an instruction. */
void cpu_handle_fault(struct cpu *c);

#endif
