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

/* Read the descriptor SEL names; #GP(sel) (or VECTOR) if outside its table. */
struct descriptor seg_read_descriptor(struct cpu *c, uint16_t sel, unsigned vector);

/* Far JMP / CALL to SEL:OFF, far RET popping EXTRA bytes of parameters, IRET. */
void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osize);
void far_return(struct cpu *c, unsigned osize, uint16_t extra);
void interrupt_return(struct cpu *c, unsigned osize);

/* Make CS describe SEL with descriptor D at privilege CPL; sets EIP. */
void seg_enter_code(struct cpu *c, uint16_t sel, struct descriptor d, unsigned cpl, uint32_t eip);

#endif
