/*
 * cpu/ops.h - what instruction handlers share: operand access, the stack,
 * EFLAGS, near jumps, and the macros that specialise one handler body for
 * each operand size and for register or memory operands.
 *
 * A handler body is an always-inline function (c, i, size, mem).  FAMILY
 * makes four real handlers from it, in which SIZE and MEM are constants, so
 * the compiler removes the tests on them; the opcode map (cpu/opcodes.c)
 * stores the four in the order [16-bit reg, 16-bit mem, 32-bit reg, 32-bit mem].
 */
#ifndef CPU_OPS_H
#define CPU_OPS_H

#include "cpu/alu.h"
#include "cpu/decode.h"
#include "cpu/exception.h"
#include "cpu/insn.h"
#include "cpu/mem.h"
#include "cpu/vmcs.h"

#define INLINE static inline __attribute__((always_inline))

#define FAMILY(name, body) \
	static void name##_r16(struct cpu *c, const struct insn *i) { body(c, i, 2, false); } \
	static void name##_m16(struct cpu *c, const struct insn *i) { body(c, i, 2, true); } \
	static void name##_r32(struct cpu *c, const struct insn *i) { body(c, i, 4, false); } \
	static void name##_m32(struct cpu *c, const struct insn *i) { body(c, i, 4, true); } \
	const insn_fn name[4] = { name##_r16, name##_m16, name##_r32, name##_m32 }

/* Byte operands: the operand-size prefix does not matter. */
#define FAMILY8(name, body) \
	static void name##_r8(struct cpu *c, const struct insn *i) { body(c, i, 1, false); } \
	static void name##_m8(struct cpu *c, const struct insn *i) { body(c, i, 1, true); } \
	const insn_fn name[4] = { name##_r8, name##_m8, name##_r8, name##_m8 }

/* Only the operand size matters (no ModRM operand, or it is handled inside). */
#define FAMILY_SIZE(name, body) \
	static void name##_16(struct cpu *c, const struct insn *i) { body(c, i, 2); } \
	static void name##_32(struct cpu *c, const struct insn *i) { body(c, i, 4); } \
	const insn_fn name[4] = { name##_16, name##_16, name##_32, name##_32 }

/* Byte operands with no ModRM operand. */
#define FAMILY_SIZE8(name, body) \
	static void name##_8(struct cpu *c, const struct insn *i) { body(c, i, 1); } \
	const insn_fn name[4] = { name##_8, name##_8, name##_8, name##_8 }

/* Memory operand only: a register operand is #UD (LEA, LDS, CMPXCHG8B...). */
#define FAMILY_MEMONLY(name, body) \
	static void name##_16(struct cpu *c, const struct insn *i) { body(c, i, 2); } \
	static void name##_32(struct cpu *c, const struct insn *i) { body(c, i, 4); } \
	const insn_fn name[4] = { NULL, name##_16, NULL, name##_32 }

/* One handler for every form. */
#define FAMILY_ONE(name, fn) const insn_fn name[4] = { fn, fn, fn, fn }

/* ---- registers ---- */

INLINE uint32_t reg_get(struct cpu *c, unsigned r, unsigned size)
{
	return size == 1 ? *cpu_reg8(c, r) : size == 2 ? *cpu_reg16(c, r) : c->regs[r];
}

INLINE void reg_set(struct cpu *c, unsigned r, uint32_t v, unsigned size)
{
	if (size == 1)
		*cpu_reg8(c, r) = v;
	else if (size == 2)
		*cpu_reg16(c, r) = v;
	else
		c->regs[r] = v;
}

/* ---- the ModRM operand "E" (register or memory) ---- */

INLINE uint32_t e_get(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	return mem ? vread(c, i->seg, insn_ea(c, i), size) : reg_get(c, i->rm, size);
}

INLINE void e_set(struct cpu *c, const struct insn *i, uint32_t v, unsigned size, bool mem)
{
	if (mem)
		vwrite(c, i->seg, insn_ea(c, i), v, size);
	else
		reg_set(c, i->rm, v, size);
}

/* ---- EFLAGS ---- */

uint32_t cpu_get_eflags(struct cpu *c);
/* Write the bits of EFLAGS selected by MASK (privilege rules are the caller's). */
void cpu_set_eflags(struct cpu *c, uint32_t v, uint32_t mask);

INLINE bool get_cf(struct cpu *c)
{
	return lf_cf(&c->lf, c->eflags);
}

/* Replace the arithmetic flags with explicit values (rotates, BCD, BT...). */
INLINE void set_arith_flags(struct cpu *c, uint32_t arith)
{
	c->eflags = flags_merge(c->eflags, arith);
	c->lf.op = LF_NONE;
}

INLINE uint32_t arith_flags(struct cpu *c)
{
	return lf_eval(&c->lf, c->eflags);
}

/* ---- the stack (SS:ESP or SS:SP by SS.B) ---- */

INLINE uint32_t sp_mask(const struct cpu *c)
{
	return c->stack32 ? 0xffffffffu : 0xffffu;
}

INLINE void set_sp(struct cpu *c, uint32_t v)
{
	if (c->stack32)
		c->regs[R_ESP] = v;
	else
		*cpu_reg16(c, R_ESP) = v;
}

/* Store below the stack pointer without moving it yet (for pushes whose
 * instruction may still fault). Returns the new stack pointer. */
INLINE uint32_t push_at(struct cpu *c, uint32_t sp, uint32_t v, unsigned size)
{
	sp = (sp - size) & sp_mask(c);
	vwrite(c, S_SS, sp, v, size);
	return sp;
}

INLINE void push(struct cpu *c, uint32_t v, unsigned size)
{
	set_sp(c, push_at(c, c->regs[R_ESP], v, size));
}

INLINE uint32_t pop(struct cpu *c, unsigned size)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c);
	uint32_t v = vread(c, S_SS, sp, size);

	set_sp(c, sp + size);
	return v;
}

/* ---- control transfer ---- */

/* A near jump: the target must lie within CS (SDM: JMP, #GP(0)). */
INLINE void jump_near(struct cpu *c, uint32_t target, unsigned osize)
{
	if (osize == 2)
		target &= 0xffff;
	if (unlikely(target > c->seg[S_CS].limit))
		cpu_fault(c, EXC_GP, 0);
	c->eip = target;
}

/* ---- I/O ports ---- */

/* #GP(0) unless the access is allowed (cpu/ioperm.c). */
void io_check_permission(struct cpu *c, uint16_t port, unsigned size);

/* A guest's port access leaves to the hypervisor (exit 30) once the
 * privilege checks, which come first, have passed (SDM Vol. 3C, 25.1.1).
 * FORM says which instruction it is, in the exit qualification's bits. */
void vmx_io_exit(struct cpu *c, uint16_t port, unsigned size, unsigned form);

INLINE uint32_t port_in(struct cpu *c, uint16_t port, unsigned size, unsigned form)
{
	io_check_permission(c, port, size);
	if (unlikely(c->vmcs != NULL))
		vmx_io_exit(c, port, size, form);
	return c->io.in(c->io.opaque, port, size);
}

INLINE void port_out(struct cpu *c, uint16_t port, uint32_t v, unsigned size, unsigned form)
{
	io_check_permission(c, port, size);
	if (unlikely(c->vmcs != NULL))
		vmx_io_exit(c, port, size, form);
	c->io.out(c->io.opaque, port, v, size);
}

/* Handlers used by the opcode map for undefined or unimplemented encodings. */
void op_ud(struct cpu *c, const struct insn *i);

#include "cpu/ops_list.h"

#endif
