/*
 * cpu/ops_bit.c - BT, BTS, BTR, BTC (0F A3/AB/B3/BB, group 8 at 0F BA),
 * BSF, BSR (0F BC/BD) and BSWAP (0F C8+r).
 *
 * Undefined flags: BT* and BSF/BSR leave every flag they do not define
 * unchanged (the SDM lets OF, SF, AF, PF be anything).
 */
#include "cpu/ops.h"

enum bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static uint32_t bt_apply(enum bt_op op, uint32_t v, uint32_t bit)
{
	switch (op) {
	case BT_SET:        return v | bit;
	case BT_RESET:      return v & ~bit;
	case BT_COMPLEMENT: return v ^ bit;
	default:            return v;
	}
}

/*
 * A register bit offset addresses a bit string in memory: the offset is
 * signed and selects the word or dword at EA + size * (offset >> log2(bits))
 * (SDM Vol. 2A, BT, "bit base and bit offset").
 */
INLINE void bit_op(struct cpu *c, const struct insn *i, unsigned size, bool mem,
		   enum bt_op op, bool imm)
{
	unsigned bits = size * 8;
	int32_t offset = imm ? (int32_t)(i->imm & (bits - 1)) : sext(reg_get(c, i->reg, size), bits);
	uint32_t bit = 1u << (offset & (bits - 1));
	uint32_t off = 0, v, cf;

	if (mem) {
		off = insn_ea(c, i);
		if (!imm)
			off = (off + (uint32_t)(offset >> (size == 4 ? 5 : 4)) * size) & i->ea_mask;
		v = vread(c, i->seg, off, size);
	} else {
		v = reg_get(c, i->rm, size);
	}
	cf = (v & bit) ? FL_CF : 0;
	if (op != BT_TEST) {
		if (mem)
			vwrite(c, i->seg, off, bt_apply(op, v, bit), size);
		else
			reg_set(c, i->rm, bt_apply(op, v, bit), size);
	}
	set_arith_flags(c, (arith_flags(c) & ~FL_CF) | cf);
}

#define BT_FAMILIES(name, OP) \
	INLINE void name##_g(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ bit_op(c, i, size, mem, OP, false); } \
	INLINE void name##_i(struct cpu *c, const struct insn *i, unsigned size, bool mem) \
	{ bit_op(c, i, size, mem, OP, true); } \
	FAMILY(name##_EvGv, name##_g); FAMILY(name##_EvIb, name##_i)

BT_FAMILIES(bt, BT_TEST);
BT_FAMILIES(bts, BT_SET);
BT_FAMILIES(btr, BT_RESET);
BT_FAMILIES(btc, BT_COMPLEMENT);

/* BSF/BSR: a zero source sets ZF and leaves the destination alone. */
INLINE void bit_scan(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t v = e_get(c, i, size, mem);
	uint32_t fl = arith_flags(c) & ~FL_ZF;

	if (v == 0) {
		set_arith_flags(c, fl | FL_ZF);
		return;
	}
	/* 0F BC is BSF (lowest set bit), 0F BD is BSR (highest). */
	reg_set(c, i->reg, i->op == 0xbc ? (uint32_t)__builtin_ctz(v) : 31u - __builtin_clz(v), size);
	set_arith_flags(c, fl);
}

FAMILY(bsf_bsr, bit_scan);

/* BSWAP with a 16-bit operand is undefined; glassvm clears the register's
 * low word, as Intel processors are observed to do. */
static void bswap32(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = __builtin_bswap32(c->regs[i->reg]);
}

static void bswap16(struct cpu *c, const struct insn *i)
{
	*cpu_reg16(c, i->reg) = 0;
}

const insn_fn bswap_r[4] = { bswap16, bswap16, bswap32, bswap32 };
