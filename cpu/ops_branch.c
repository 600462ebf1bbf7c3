/*
 * cpu/ops_branch.c - transfers of control: JMP, Jcc, CALL, RET, LOOP*,
 * JCXZ/JECXZ, and the far forms (which load CS through cpu/segment.c).
 *
 * When a handler runs, EIP already points at the next instruction, so a
 * relative target is simply EIP + displacement (SDM Vol. 2A, JMP).
 */
#include "cpu/ops.h"
#include "cpu/segment.h"

/* EB, E9, and Jcc: rel8/rel16/rel32 sign-extended into imm by the decoder. */
INLINE void jmp_rel(struct cpu *c, const struct insn *i, unsigned size)
{
	jump_near(c, c->eip + i->imm, size);
}

FAMILY_SIZE(jmp_J, jmp_rel);

/* One Jcc handler per condition: with CC a constant, evaluating the
 * condition compiles down to the one or two flag tests it needs. */
#define JCC_FAMILY(cc) \
	INLINE void jcc##cc##_rel(struct cpu *c, const struct insn *i, unsigned size) \
	{ \
		if (lf_cond(&c->lf, c->eflags, cc)) \
			jump_near(c, c->eip + i->imm, size); \
	} \
	FAMILY_SIZE(jcc##cc##_J, jcc##cc##_rel)

JCC_FAMILY(0); JCC_FAMILY(1); JCC_FAMILY(2); JCC_FAMILY(3);
JCC_FAMILY(4); JCC_FAMILY(5); JCC_FAMILY(6); JCC_FAMILY(7);
JCC_FAMILY(8); JCC_FAMILY(9); JCC_FAMILY(10); JCC_FAMILY(11);
JCC_FAMILY(12); JCC_FAMILY(13); JCC_FAMILY(14); JCC_FAMILY(15);

/* Push the return address and jump; the target is checked first so a
 * fault leaves the stack untouched. */
INLINE void call_near(struct cpu *c, uint32_t target, unsigned size)
{
	if (size == 2)
		target &= 0xffff;
	if (target > c->seg[S_CS].limit)
		cpu_fault(c, EXC_GP, 0);
	set_sp(c, push_at(c, c->regs[R_ESP], c->eip, size));
	c->eip = target;
}

INLINE void call_rel(struct cpu *c, const struct insn *i, unsigned size)
{
	call_near(c, c->eip + i->imm, size);
}

FAMILY_SIZE(call_J, call_rel);

/* FF /4 and FF /2: the target comes from a register or memory. */
INLINE void jmp_e(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	jump_near(c, e_get(c, i, size, mem), size);
}

INLINE void call_e(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	call_near(c, e_get(c, i, size, mem), size);
}

FAMILY(jmp_Ev, jmp_e);
FAMILY(call_Ev, call_e);

/* C3 and C2 imm16: pop EIP, then release imm16 bytes of parameters. */
INLINE void ret_near(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c);
	uint32_t target = vread(c, S_SS, sp, size);

	jump_near(c, target, size);
	set_sp(c, sp + size + (i->imm & 0xffff));
}

FAMILY_SIZE(ret_, ret_near);

/*
 * E0-E3: LOOPNE, LOOPE, LOOP, JCXZ.  The counter is CX or ECX by the
 * *address* size (SDM Vol. 2A, LOOP/Jcc).
 */
INLINE void loop_rel(struct cpu *c, const struct insn *i, unsigned size)
{
	bool asz32 = i->flags & IF_ASZ32;
	uint32_t count = asz32 ? c->regs[R_ECX] : *cpu_reg16(c, R_ECX);
	bool taken;

	if (i->op == 0xe3) {
		taken = count == 0;
	} else {
		count--;
		taken = count != 0;
		if (i->op == 0xe0)
			taken = taken && !lf_zf(&c->lf, c->eflags);
		else if (i->op == 0xe1)
			taken = taken && lf_zf(&c->lf, c->eflags);
	}
	if (taken)
		jump_near(c, c->eip + i->imm, size);
	if (i->op != 0xe3)
		reg_set(c, R_ECX, count, asz32 ? 4 : 2);
}

FAMILY_SIZE(loop_J, loop_rel);

/* ---- far transfers ---- */

/* EA / 9A: ptr16:16 or ptr16:32 coded in the instruction. */
INLINE void jmp_far_imm(struct cpu *c, const struct insn *i, unsigned size)
{
	far_jump(c, i->imm2, i->imm, size);
}

INLINE void call_far_imm(struct cpu *c, const struct insn *i, unsigned size)
{
	far_call(c, i->imm2, i->imm, size);
}

FAMILY_SIZE(jmp_Ap, jmp_far_imm);
FAMILY_SIZE(call_Ap, call_far_imm);

/* FF /5 and FF /3: m16:16 or m16:32, offset first. */
INLINE void jmp_far_mem(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t off = insn_ea(c, i);
	uint32_t target = vread(c, i->seg, off, size);
	uint16_t sel = vread(c, i->seg, (off + size) & i->ea_mask, 2);

	far_jump(c, sel, target, size);
}

INLINE void call_far_mem(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t off = insn_ea(c, i);
	uint32_t target = vread(c, i->seg, off, size);
	uint16_t sel = vread(c, i->seg, (off + size) & i->ea_mask, 2);

	far_call(c, sel, target, size);
}

FAMILY_MEMONLY(jmp_Mp, jmp_far_mem);
FAMILY_MEMONLY(call_Mp, call_far_mem);

/* CB and CA imm16. */
INLINE void retf(struct cpu *c, const struct insn *i, unsigned size)
{
	far_return(c, size, i->imm & 0xffff);
}

FAMILY_SIZE(retf_, retf);
