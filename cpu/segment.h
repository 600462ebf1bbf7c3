/*
 * cpu/segment.h - segment registers and descriptors (SDM Vol. 3A, chapter 3
 * and 5): loading a selector, with the checks protected mode makes, and the
 * far transfers that load CS.
 */
#ifndef CPU_SEGMENT_H
#define CPU_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* A descriptor as the two dwords of the table. */
struct descriptor {
	uint32_t lo, hi;
};

static inline uint32_t desc_base(struct descriptor d)
{
	return (d.lo >> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000u);
}

static inline uint32_t desc_limit(struct descriptor d)
{
	uint32_t limit = (d.lo & 0xffff) | (d.hi & 0x000f0000u);

	return (d.hi & (SEG_G << 8)) ? (limit << 12) | 0xfff : limit;
}

static inline uint32_t desc_attr(struct descriptor d)
{
	return (d.hi >> 8) & 0xf0ffu;
}

static inline bool cpu_protected(const struct cpu *c)
{
	return (c->cr0 & CR0_PE) && !(c->eflags & FL_VM);
}

/* Fill a segment register's cache and derive its access bounds. */
void seg_set_cache(struct cpu *c, unsigned s, uint16_t sel, uint32_t base,
		   uint32_t limit, uint32_t attr);

/* MOV/POP/LDS... into a data segment register or SS, with every check. */
void seg_load(struct cpu *c, unsigned s, uint16_t sel);
/* The same, raising FAULT (#GP or #TS) for a bad selector. */
void seg_load_checked(struct cpu *c, unsigned s, uint16_t sel, unsigned fault);

/* Selector and descriptor fields. */
#define SEL_RPL(sel)   ((sel) & 3u)
#define SEL_ERROR(sel) ((sel) & 0xfffcu)
#define ATTR_DPL(a)    (((a) >> SEG_DPL_SHIFT) & 3u)
#define ATTR_TYPE(a)   ((a) & 0xfu)       /* with S clear: the system type */

/* System descriptor types (SDM Vol. 3A, table 3-2). */
enum sys_type {
	SYS_TSS16_AVAIL = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL_GATE16 = 4,
	SYS_TASK_GATE = 5, SYS_INT_GATE16 = 6, SYS_TRAP_GATE16 = 7,
	SYS_TSS32_AVAIL = 9, SYS_TSS32_BUSY = 11, SYS_CALL_GATE32 = 12,
	SYS_INT_GATE32 = 14, SYS_TRAP_GATE32 = 15,
};

/* The inner-ring stack for DPL from the current TSS (#TS if outside it). */
void tss_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* Read the descriptor SEL names; #GP(sel) (or VECTOR) if outside its table. */
struct descriptor seg_read_descriptor(struct cpu *c, uint16_t sel, unsigned vector);

/* Far JMP / CALL to SEL:OFF, far RET popping EXTRA bytes of parameters, IRET. */
void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void far_return(struct cpu *c, unsigned osize, uint16_t extra);
void interrupt_return(struct cpu *c, unsigned osize);

/*
 * Switching to an inner ring's stack changes CPL and SS before the new
 * frame is pushed.  Between begin and end, a fault puts SS, ESP and CPL
 * back, so the instruction stays restartable.
 */
void stack_switch_begin(struct cpu *c);
void stack_switch_end(struct cpu *c);
void stack_switch_rollback(struct cpu *c);

/* Far CALL or JMP through the call gate GATE (cpu/callgate.c). */
void call_gate_transfer(struct cpu *c, uint16_t gate_sel, struct descriptor gate, bool is_call);

/* SYSENTER/SYSEXIT: flat 4 GiB CS and SS at privilege CPL, not read from
 * any descriptor table; sets EIP and ESP. */
void seg_enter_flat(struct cpu *c, uint16_t cs, uint16_t ss, unsigned cpl,
		    uint32_t eip, uint32_t esp);

/* Make CS describe SEL with descriptor D at privilege CPL; sets EIP. */
void seg_enter_code(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl, uint32_t eip);

#endif
