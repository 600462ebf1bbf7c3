/*
 * cpu/ops_string.c - the string instructions MOVS, CMPS, STOS, LODS, SCAS,
 * INS, OUTS, alone or with REP/REPE/REPNE (SDM Vol. 2B, REP prefix).
 *
 * The source is seg:(E)SI (DS unless overridden), the destination always
 * ES:(E)DI; the address size picks SI/DI/CX or ESI/EDI/ECX.  Registers are
 * updated after every element, so a fault in the middle of a REP leaves
 * them describing the work done, and restarting the instruction finishes it.
 */
#include "cpu/ops.h"

/* A long REP yields after this many elements, so that device time and
 * interrupts are not held up; it simply runs again from the same EIP. */
#define REP_SLICE 65536

enum str_op { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

INLINE uint32_t index_reg(struct cpu *c, unsigned r, bool asz32)
{
	return asz32 ? c->regs[r] : *cpu_reg16(c, r);
}

INLINE void index_add(struct cpu *c, unsigned r, int32_t delta, bool asz32)
{
	reg_set(c, r, index_reg(c, r, asz32) + delta, asz32 ? 4 : 2);
}

/* INS/OUTS as an I/O exit's qualification describes them. */
INLINE unsigned string_form(const struct insn *i)
{
	return IOQ_STRING | ((i->flags & (IF_REP | IF_REPNE)) ? IOQ_REP : 0);
}

/* One element; returns false when a REPE/REPNE condition ends the loop. */
INLINE bool string_step(struct cpu *c, const struct insn *i, unsigned size,
			enum str_op op, bool asz32, int32_t delta)
{
	uint32_t si = index_reg(c, R_ESI, asz32), di = index_reg(c, R_EDI, asz32), v;
	bool uses_si = op == STR_MOVS || op == STR_CMPS || op == STR_LODS || op == STR_OUTS;
	bool uses_di = op != STR_LODS && op != STR_OUTS;

	switch (op) {
	case STR_MOVS:
		vwrite(c, S_ES, di, vread(c, i->seg, si, size), size);
		break;
	case STR_CMPS:
		v = vread(c, i->seg, si, size);
		alu_sub(&c->lf, v, vread(c, S_ES, di, size), false, size * 8);
		break;
	case STR_STOS:
		vwrite(c, S_ES, di, reg_get(c, R_EAX, size), size);
		break;
	case STR_LODS:
		reg_set(c, R_EAX, vread(c, i->seg, si, size), size);
		break;
	case STR_SCAS:
		alu_sub(&c->lf, reg_get(c, R_EAX, size), vread(c, S_ES, di, size), false, size * 8);
		break;
	case STR_INS:
		/* Check the destination before the port is read: reads can have side effects. */
		vprobe_write(c, S_ES, di, size);
		vwrite(c, S_ES, di, port_in(c, *cpu_reg16(c, R_EDX), size, IOQ_IN | string_form(i)), size);
		break;
	case STR_OUTS:
		port_out(c, *cpu_reg16(c, R_EDX), vread(c, i->seg, si, size), size, string_form(i));
		break;
	}
	if (uses_si)
		index_add(c, R_ESI, delta, asz32);
	if (uses_di)
		index_add(c, R_EDI, delta, asz32);
	if (op != STR_CMPS && op != STR_SCAS)
		return true;
	/* REPE (F3) goes on while equal, REPNE (F2) while not equal. */
	return lf_zf(&c->lf, c->eflags) == !!(i->flags & IF_REP);
}

/* Is [OFF, OFF+LEN) inside segment S?  (The caller falls back to the
 * element-by-element path, which raises the precise fault, if not.) */
static bool seg_range_ok(const struct cpu *c, unsigned s, uint32_t off, uint32_t len, bool write)
{
	const struct segment *sg = &c->seg[s];

	return off >= sg->lo && (int64_t)off + len - 1 <= (write ? sg->whi : sg->rhi);
}

/* Host address of LEN bytes at S:OFF if the TLB maps them all, for reading
 * or (fast-path) writing; NULL otherwise. */
static uint8_t *host_range(struct cpu *c, unsigned s, uint32_t off, uint32_t len, bool write)
{
	uint32_t lin = c->seg[s].base + off;
	const struct tlb_entry *e = tlb_entry(c->tlb, lin);

	if (!seg_range_ok(c, s, off, len, write) || !tlb_hit(write ? e->wtag : e->rtag, lin, len))
		return NULL;
	return (uint8_t *)(e->addend + lin);
}

/* How many SIZE-byte elements from OFF stay within one page and, with
 * 16-bit addressing, below the 64 KiB wrap. */
static uint32_t run_length(const struct cpu *c, unsigned s, uint32_t off, unsigned size, bool asz32)
{
	uint32_t lin = c->seg[s].base + off;
	uint32_t n = (PAGE_SIZE - (lin & ~PAGE_MASK)) / size;

	if (!asz32 && n > (0x10000 - off) / size)
		n = (0x10000 - off) / size;
	return n;
}

/*
 * REP MOVS and REP STOS going up through memory (DF = 0): copy or fill a
 * whole run that stays within one page, through the TLB's host pointers,
 * instead of one element at a time.  The result is the same as the element
 * loop's; anything unusual (a TLB miss, a segment limit, overlapping
 * source and destination) returns 0 and the loop takes the slow path for
 * the next element.  Returns the number of elements done.
 */
static uint32_t string_run(struct cpu *c, const struct insn *i, unsigned size,
			   enum str_op op, bool asz32, uint32_t count)
{
	uint32_t di = index_reg(c, R_EDI, asz32), si = index_reg(c, R_ESI, asz32);
	uint32_t n = run_length(c, S_ES, di, size, asz32), bytes;
	uint8_t *dst, *src = NULL;

	if (op == STR_MOVS && run_length(c, i->seg, si, size, asz32) < n)
		n = run_length(c, i->seg, si, size, asz32);
	if (n > count)
		n = count;
	bytes = n * size;
	if (n == 0 || !(dst = host_range(c, S_ES, di, bytes, true)))
		return 0;
	if (op == STR_MOVS) {
		src = host_range(c, i->seg, si, bytes, false);
		if (!src || (src < dst + bytes && dst < src + bytes))
			return 0;  /* overlap: the element order matters */
		memcpy(dst, src, bytes);
		index_add(c, R_ESI, bytes, asz32);
	} else {
		uint32_t v = reg_get(c, R_EAX, size);
		for (uint32_t k = 0; k < bytes; k += size)
			memcpy(dst + k, &v, size);
	}
	index_add(c, R_EDI, bytes, asz32);
	index_add(c, R_ECX, -(int32_t)n, asz32);
	return n;
}

INLINE void string_op(struct cpu *c, const struct insn *i, unsigned size, enum str_op op)
{
	bool asz32 = i->flags & IF_ASZ32;
	int32_t delta = (c->eflags & FL_DF) ? -(int32_t)size : (int32_t)size;
	unsigned slice = REP_SLICE;

	if (!(i->flags & (IF_REP | IF_REPNE))) {
		string_step(c, i, size, op, asz32, delta);
		return;
	}
	while (index_reg(c, R_ECX, asz32) != 0) {
		uint32_t done = 0;

		if (slice == 0) {
			/* Not finished: run this instruction again.  It retires once,
			 * when it completes, however it was cut into pieces (slices
			 * here, or VM-exits), so counts agree between schemes. */
			c->eip -= i->len;
			c->icount--;
			c->abort_block = true;
			return;
		}
		if ((op == STR_MOVS || op == STR_STOS) && delta > 0)
			done = string_run(c, i, size, op, asz32,
					  index_reg(c, R_ECX, asz32) < slice ? index_reg(c, R_ECX, asz32) : slice);
		if (done) {
			slice -= done;
			continue;
		}
		slice--;
		bool go_on = string_step(c, i, size, op, asz32, delta);
		index_add(c, R_ECX, -1, asz32);
		if (!go_on)
			return;
	}
}

#define STRING_FAMILIES(name, OP) \
	INLINE void name##_s(struct cpu *c, const struct insn *i, unsigned size) \
	{ string_op(c, i, size, OP); } \
	FAMILY_SIZE8(name##_b, name##_s); FAMILY_SIZE(name##_v, name##_s)

STRING_FAMILIES(movs, STR_MOVS);
STRING_FAMILIES(cmps, STR_CMPS);
STRING_FAMILIES(stos, STR_STOS);
STRING_FAMILIES(lods, STR_LODS);
STRING_FAMILIES(scas, STR_SCAS);
STRING_FAMILIES(ins, STR_INS);
STRING_FAMILIES(outs, STR_OUTS);
