/*
 * cpu/decode.c - from instruction bytes to a struct insn.
 *
 * Order of the parts of an instruction (SDM Vol. 2A, 2.1): prefixes, opcode
 * (one byte, or 0F and a second byte), ModRM, SIB, displacement, immediate.
 */
#include <string.h>

#include "cpu/decode.h"
#include "cpu/ops.h"

struct cursor {
	const uint8_t *bytes;
	unsigned avail, pos;
	bool short_read;
};

static uint32_t take(struct cursor *cur, unsigned n)
{
	uint32_t v = 0;

	if (cur->pos + n > cur->avail) {
		cur->short_read = true;
		cur->pos += n;
		return 0;
	}
	for (unsigned k = 0; k < n; k++)
		v |= (uint32_t)cur->bytes[cur->pos + k] << (8 * k);
	cur->pos += n;
	return v;
}

/* 16-bit ModRM memory forms (SDM Vol. 2A, table 2-1). */
static const uint8_t modrm16_base[8]  = { R_EBX, R_EBX, R_EBP, R_EBP, R_NONE, R_NONE, R_EBP, R_EBX };
static const uint8_t modrm16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, R_NONE, R_NONE };

static void decode_modrm16(struct cursor *cur, unsigned mod, unsigned rm, struct insn *i)
{
	i->base = modrm16_base[rm];
	i->index = modrm16_index[rm];
	if (mod == 0 && rm == 6) {
		i->base = R_NONE;
		i->disp = take(cur, 2);
	} else if (mod == 1) {
		i->disp = (uint32_t)(int8_t)take(cur, 1);
	} else if (mod == 2) {
		i->disp = take(cur, 2);
	}
}

/* 32-bit ModRM and SIB forms (SDM Vol. 2A, tables 2-2 and 2-3). */
static void decode_modrm32(struct cursor *cur, unsigned mod, unsigned rm, struct insn *i)
{
	i->base = rm;
	if (rm == 4) {
		unsigned sib = take(cur, 1);
		i->scale = sib >> 6;
		i->index = ((sib >> 3) & 7) == 4 ? R_NONE : (sib >> 3) & 7;
		i->base = sib & 7;
		if (i->base == R_EBP && mod == 0) {
			i->base = R_NONE;
			i->disp = take(cur, 4);
		}
	} else if (rm == 5 && mod == 0) {
		i->base = R_NONE;
		i->disp = take(cur, 4);
	}
	if (mod == 1)
		i->disp = (uint32_t)(int8_t)take(cur, 1);
	else if (mod == 2)
		i->disp = take(cur, 4);
}

static void decode_modrm(struct cursor *cur, struct insn *i, int seg_override, bool regs_only)
{
	unsigned modrm = take(cur, 1);
	unsigned mod = modrm >> 6, rm = modrm & 7;

	i->reg = (modrm >> 3) & 7;
	i->rm = rm;
	if (mod == 3 || regs_only)
		return;
	i->flags |= IF_MEM;
	if (i->flags & IF_ASZ32)
		decode_modrm32(cur, mod, rm, i);
	else
		decode_modrm16(cur, mod, rm, i);
	/* EBP or ESP as base means the stack segment (SDM Vol. 1, 3.7.5). */
	if (seg_override >= 0)
		i->seg = seg_override;
	else
		i->seg = (i->base == R_EBP || i->base == R_ESP) ? S_SS : S_DS;
}

static void decode_immediates(struct cursor *cur, uint16_t fmt, struct insn *i)
{
	unsigned osz = insn_osize(i);

	if (fmt & F_IMM8)
		i->imm = take(cur, 1);
	if (fmt & F_IMM8S)
		i->imm = (uint32_t)(int8_t)take(cur, 1);
	if (fmt & F_IMM16)
		i->imm = take(cur, 2);
	if (fmt & F_IMMZ)
		i->imm = osz == 4 ? take(cur, 4) : (uint32_t)(int16_t)take(cur, 2);
	if (fmt & F_MOFFS)
		i->disp = take(cur, (i->flags & IF_ASZ32) ? 4 : 2);
	if (fmt & F_FAR) {
		i->imm = take(cur, osz);
		i->imm2 = take(cur, 2);
	}
	if (fmt & F_ENTER) {
		i->imm = take(cur, 2);
		i->imm2 = take(cur, 1);
	}
}

/* Prefixes (SDM Vol. 2A, 2.1.1).  Returns the segment override or -1. */
static int decode_prefixes(struct cursor *cur, struct insn *i, bool code32)
{
	static const int8_t seg_prefix[4] = { S_ES, S_CS, S_SS, S_DS };
	bool opsize_prefix = false, addrsize_prefix = false;
	int seg = -1;

	for (;; cur->pos++) {
		unsigned b = cur->pos < cur->avail ? cur->bytes[cur->pos] : 0x100;

		if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e)
			seg = seg_prefix[(b >> 3) & 3];
		else if (b == 0x64 || b == 0x65)
			seg = b == 0x64 ? S_FS : S_GS;
		else if (b == 0x66)
			opsize_prefix = true;
		else if (b == 0x67)
			addrsize_prefix = true;
		else if (b == 0xf0)
			i->flags |= IF_LOCK;
		else if (b == 0xf2 || b == 0xf3)  /* the last of F2/F3 wins */
			i->flags = (i->flags & ~(IF_REP | IF_REPNE)) | (b == 0xf3 ? IF_REP : IF_REPNE);
		else
			break;
	}
	/* A 66/67 prefix selects the size that is not the segment's default. */
	if (code32 != opsize_prefix)
		i->flags |= IF_OSZ32;
	if (code32 != addrsize_prefix)
		i->flags |= IF_ASZ32;
	return seg;
}

static bool lock_allowed(const struct opdesc *d, const struct insn *i)
{
	return (d->flags & D_LOCKABLE) && (i->flags & IF_MEM);
}

enum decode_result decode_insn(const uint8_t *bytes, unsigned avail, bool code32,
			       struct insn *i, const struct opdesc **desc)
{
	struct cursor cur = { bytes, avail > MAX_INSN_LEN ? MAX_INSN_LEN + 1 : avail, 0, false };
	const struct opdesc *d;
	unsigned op;
	int seg;

	memset(i, 0, sizeof(*i));
	i->base = i->index = R_NONE;
	i->seg = S_DS;
	seg = decode_prefixes(&cur, i, code32);
	if (seg >= 0)
		i->seg = seg;
	i->ea_mask = (i->flags & IF_ASZ32) ? 0xffffffffu : 0xffffu;
	op = take(&cur, 1);
	d = &opcode_map1[op];
	if (op == 0x0f) {
		op = take(&cur, 1);
		d = &opcode_map2[op];
	}
	i->op = op;
	if (d->fmt & F_MODRM) {
		decode_modrm(&cur, i, seg, d->fmt & F_MODREG);
		if (d->group)
			d = &d->group[i->reg];
		if (d->reg_group && !(i->flags & IF_MEM))
			d = &d->reg_group[i->rm];
	}
	if (d->fmt & F_REGOP)
		i->reg = i->rm = op & 7;
	decode_immediates(&cur, d->fmt, i);
	if (cur.pos > MAX_INSN_LEN)
		return cur.short_read && avail < MAX_INSN_LEN ? DECODE_NEED_MORE : DECODE_TOO_LONG;
	if (cur.short_read)
		return DECODE_NEED_MORE;
	i->len = cur.pos;
	i->fn = d->fns ? d->fns[((i->flags & IF_OSZ32) ? 2 : 0) | ((i->flags & IF_MEM) ? 1 : 0)] : NULL;
	if (!i->fn || ((i->flags & IF_LOCK) && !lock_allowed(d, i)))
		i->fn = op_ud;
	if (desc)
		*desc = d;
	return DECODE_OK;
}
