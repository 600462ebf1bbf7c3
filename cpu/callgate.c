/*
 * cpu/callgate.c - far CALL and JMP through a call gate (SDM Vol. 3A, 5.8.3
 * to 5.8.6; Vol. 2A, CALL, "CALL-GATE" and "MORE-PRIVILEGE").
 *
 * A call gate names a code segment and an entry point.  Calling it into a
 * more privileged non-conforming segment switches to that ring's stack from
 * the TSS, saves the caller's SS:ESP there and copies the gate's parameter
 * count of words or dwords from the caller's stack.
 */
#include "cpu/exception.h"
#include "cpu/ops.h"
#include "cpu/segment.h"

struct call_gate {
	uint16_t sel;
	uint32_t offset;
	unsigned params, dpl, width;
	bool present;
};

static struct call_gate decode_gate(struct descriptor g)
{
	bool gate32 = ATTR_TYPE(desc_attr(g)) == SYS_CALL_GATE32;

	return (struct call_gate){
		.sel = g.lo >> 16,
		.offset = gate32 ? (g.lo & 0xffff) | (g.hi & 0xffff0000u) : g.lo & 0xffff,
		.params = g.hi & 0x1f,
		.dpl = ATTR_DPL(desc_attr(g)),
		.width = gate32 ? 4 : 2,
		.present = desc_attr(g) & SEG_P,
	};
}

/* Switch to the stack of ring DPL and build the inner frame's first part:
 * the caller's SS and ESP, then its parameters, in their original order. */
static uint32_t enter_inner_stack(struct cpu *c, const struct call_gate *g, unsigned dpl)
{
	uint32_t old_esp = c->regs[R_ESP], old_mask = sp_mask(c), new_esp, sp, params[32];
	uint16_t old_ss = c->seg[S_SS].sel, new_ss;

	tss_stack(c, dpl, &new_ss, &new_esp);
	for (unsigned k = 0; k < g->params; k++)
		params[k] = vread(c, S_SS, (old_esp + k * g->width) & old_mask, g->width);
	stack_switch_begin(c);
	cpu_set_cpl(c, dpl);  /* the new stack is written with the new privilege */
	/* The new SS must be a writable data segment of exactly ring DPL:
	 * #TS(ss) otherwise, #SS(ss) if not present. */
	seg_load_checked(c, S_SS, new_ss, EXC_TS);
	sp = push_at(c, new_esp, old_ss, g->width);
	sp = push_at(c, sp, old_esp, g->width);
	for (unsigned k = g->params; k-- > 0;)
		sp = push_at(c, sp, params[k], g->width);
	return sp;
}

void call_gate_transfer(struct cpu *c, uint16_t gate_sel, struct descriptor gd, bool is_call)
{
	struct call_gate g = decode_gate(gd);
	struct descriptor d;
	uint32_t a, sp;
	uint16_t caller_cs = c->seg[S_CS].sel;
	unsigned dpl;
	bool inner;

	/* The gate: reachable from this CPL and RPL, and present. */
	if (g.dpl < c->cpl || g.dpl < SEL_RPL(gate_sel))
		cpu_fault(c, EXC_GP, SEL_ERROR(gate_sel));
	if (!g.present)
		cpu_fault(c, EXC_NP, SEL_ERROR(gate_sel));
	/* The code segment it names: no less privileged than the caller. */
	if ((g.sel & ~3u) == 0)
		cpu_fault(c, EXC_GP, 0);
	d = seg_read_descriptor(c, g.sel, EXC_GP);
	a = desc_attr(d);
	dpl = ATTR_DPL(a);
	if (!(a & SEG_S) || !(a & SEG_TYPE_CODE) || dpl > c->cpl)
		cpu_fault(c, EXC_GP, SEL_ERROR(g.sel));
	inner = !(a & SEG_TYPE_DC) && dpl < c->cpl;
	if (!is_call && inner)  /* JMP never changes privilege */
		cpu_fault(c, EXC_GP, SEL_ERROR(g.sel));
	if (!(a & SEG_P))
		cpu_fault(c, EXC_NP, SEL_ERROR(g.sel));
	if (g.offset > desc_limit(d))
		cpu_fault(c, EXC_GP, 0);
	if (!is_call) {
		seg_enter_code(c, g.sel, d, c->cpl, g.offset);
		return;
	}
	sp = inner ? enter_inner_stack(c, &g, dpl) : c->regs[R_ESP];
	sp = push_at(c, sp, caller_cs, g.width);
	sp = push_at(c, sp, c->eip, g.width);
	seg_enter_code(c, g.sel, d, inner ? dpl : c->cpl, g.offset);
	set_sp(c, sp);
	stack_switch_end(c);
}
