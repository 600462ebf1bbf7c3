/*
 * cpu/ops_stack.c - PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE.
 *
 * The width of each push is the operand size; whether ESP or SP moves is
 * the stack segment's B bit (SDM Vol. 1, 6.2.3).  Instructions that push
 * several values compute into a local stack pointer and commit ESP last,
 * so a fault part-way leaves ESP as it was.
 */
#include "cpu/ops.h"

/* 50+r and FF /6 with a register: PUSH ESP pushes the value before the push. */
INLINE void push_e(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	push(c, e_get(c, i, size, mem), size);
}

FAMILY(push_Ev, push_e);

INLINE void push_imm(struct cpu *c, const struct insn *i, unsigned size)
{
	push(c, i->imm, size);
}

FAMILY_SIZE(push_Iz, push_imm);

/* 58+r and 8F /0.  For a memory destination the address is computed with
 * ESP already incremented (SDM Vol. 2B, POP). */
INLINE void pop_e(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t old_sp = c->regs[R_ESP];
	uint32_t v = vread(c, S_SS, old_sp & sp_mask(c), size);
	uint32_t off;

	set_sp(c, (old_sp & sp_mask(c)) + size);
	if (!mem) {
		reg_set(c, i->rm, v, size);
		return;
	}
	off = insn_ea(c, i);
	c->regs[R_ESP] = old_sp;  /* unchanged should the store fault */
	vwrite(c, i->seg, off, v, size);
	set_sp(c, (old_sp & sp_mask(c)) + size);
}

FAMILY(pop_Ev, pop_e);

/* PUSHA: EAX, ECX, EDX, EBX, the original ESP, EBP, ESI, EDI. */
INLINE void pusha(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t sp = c->regs[R_ESP];

	(void)i;
	for (unsigned r = R_EAX; r <= R_EDI; r++)
		sp = push_at(c, sp, c->regs[r], size);
	set_sp(c, sp);
}

/* POPA: the reverse, skipping the saved ESP. */
INLINE void popa(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c), v[8];

	(void)i;
	for (int r = R_EDI; r >= R_EAX; r--) {
		v[r] = vread(c, S_SS, sp, size);
		sp = (sp + size) & sp_mask(c);
	}
	for (unsigned r = R_EAX; r <= R_EDI; r++)
		if (r != R_ESP)
			reg_set(c, r, v[r], size);
	set_sp(c, sp);
}

FAMILY_SIZE(pusha_, pusha);
FAMILY_SIZE(popa_, popa);

/* PUSHF: the image has VM and RF clear (SDM Vol. 2B, PUSHF). */
INLINE void pushf(struct cpu *c, const struct insn *i, unsigned size)
{
	(void)i;
	push(c, cpu_get_eflags(c) & ~(FL_VM | FL_RF), size);
}

/*
 * POPF: which bits may change depends on privilege (SDM Vol. 2B, POPF):
 * IOPL only at CPL 0, IF only when CPL <= IOPL; VM, VIP, VIF never here.
 */
INLINE void popf(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t v = pop(c, size);
	uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_AC | FL_ID;
	unsigned iopl = (c->eflags & FL_IOPL) >> 12;

	(void)i;
	if (c->cpl == 0)
		mask |= FL_IOPL;
	if (c->cpl <= iopl)
		mask |= FL_IF;
	if (size == 2)
		mask &= 0xffff;
	cpu_set_eflags(c, v, mask);
}

FAMILY_SIZE(pushf_, pushf);
FAMILY_SIZE(popf_, popf);

/* ENTER imm16, imm8 (SDM Vol. 2A, ENTER): build a frame with LEVEL-1
 * copied frame pointers and a pointer to the new frame. */
INLINE void enter(struct cpu *c, const struct insn *i, unsigned size)
{
	unsigned level = i->imm2 & 31;
	uint32_t sp = push_at(c, c->regs[R_ESP], reg_get(c, R_EBP, size), size);
	uint32_t frame = sp, bp = c->regs[R_EBP];

	if (level > 0) {
		for (unsigned k = 1; k < level; k++) {
			bp = (bp - size) & sp_mask(c);
			sp = push_at(c, sp, vread(c, S_SS, bp, size), size);
		}
		sp = push_at(c, sp, frame, size);
	}
	sp = (sp - i->imm) & sp_mask(c);
	seg_linear(c, S_SS, sp, 1, true);  /* #SS if the new top leaves the segment */
	reg_set(c, R_EBP, frame, size);
	set_sp(c, sp);
}

/* LEAVE: ESP = EBP, then pop EBP. */
INLINE void leave(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t bp = c->regs[R_EBP] & sp_mask(c);
	uint32_t v = vread(c, S_SS, bp, size);

	(void)i;
	set_sp(c, bp + size);
	reg_set(c, R_EBP, v, size);
}

FAMILY_SIZE(enter_, enter);
FAMILY_SIZE(leave_, leave);
