/*
 * cpu/task.h - hardware task switching (SDM Vol. 3A, chapter 7): the task
 * state segment, and the switch made by JMP or CALL to a TSS or task gate,
 * by an interrupt through a task gate, and by IRET with EFLAGS.NT set.
 */
#ifndef CPU_TASK_H
#define CPU_TASK_H

#include "cpu/segment.h"

enum task_switch_reason { TS_JMP, TS_CALL, TS_IRET, TS_INTERRUPT };

/*
 * Switch to the task whose TSS descriptor D was selected by SEL.  The
 * outgoing task is saved with EIP = RETURN_EIP.  Checks that depend on how
 * the switch was asked for (privilege, gate present) are the caller's.
 */
void task_switch(struct cpu *c, uint16_t sel, struct descriptor d,
		 enum task_switch_reason why, uint32_t return_eip);

/* The TSS descriptor a task gate (or a TSS selector) refers to: must be in
 * the GDT and a TSS, or #GP/#TS(sel). */
struct descriptor task_tss_descriptor(struct cpu *c, uint16_t sel, unsigned fault);

/* The 16- or 32-bit TSS in TR: is it the 32-bit kind? */
static inline bool tss_is_32bit(uint32_t attr)
{
	return ATTR_TYPE(attr) & 8;
}

#endif
