/*
 * cpu/flags.h - lazy evaluation of the arithmetic flags.
 *
 * Most instructions set CF, PF, AF, ZF, SF and OF, and almost all of those
 * values are overwritten before anyone reads them.  So an instruction only
 * records its operands and result; the flags are computed when a Jcc, SETcc,
 * PUSHF, ADC... asks for them (the technique of Bochs and QEMU).
 *
 * Operands and result are stored sign-extended to 32 bits.  That makes every
 * formula below independent of the operand size: bit 31 of a sign-extended
 * value is the sign bit of the original, and the carry/overflow formulas are
 * bitwise, so evaluating them at bit 31 gives the answer for bit 7 or 15.
 */
#ifndef CPU_FLAGS_H
#define CPU_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

/* EFLAGS arithmetic bits (SDM Vol. 1, 3.4.3); cpu/cpu.h names the rest. */
#define FL_CF 0x00000001u
#define FL_PF 0x00000004u
#define FL_AF 0x00000010u
#define FL_ZF 0x00000040u
#define FL_SF 0x00000080u
#define FL_OF 0x00000800u

enum lf_op {
	LF_NONE,   /* cpu->eflags holds the arithmetic flags */
	LF_ADD,    /* res = s1 + s2 (+ carry in) */
	LF_SUB,    /* res = s1 - s2 (- borrow in); also CMP, NEG (s1 = 0) */
	LF_LOGIC,  /* AND, OR, XOR, TEST: CF = OF = AF = 0 */
	LF_INC,    /* like ADD with s2 = 1, but CF is preserved in aux */
	LF_DEC,    /* like SUB with s2 = 1, but CF is preserved in aux */
	LF_RESULT, /* ZF, SF, PF from res; CF, OF, AF given in aux (shifts, MUL) */
};

struct lazy_flags {
	uint32_t op;
	uint32_t s1, s2, res;
	uint32_t aux;  /* FL_CF / FL_OF / FL_AF bits, meaning depends on op */
};

static inline int32_t sext(uint32_t v, unsigned bits)
{
	return bits == 8 ? (int8_t)v : bits == 16 ? (int16_t)v : (int32_t)v;
}

static inline void lf_set(struct lazy_flags *lf, enum lf_op op,
			  uint32_t s1, uint32_t s2, uint32_t res, unsigned bits)
{
	lf->op = op;
	lf->s1 = sext(s1, bits);
	lf->s2 = sext(s2, bits);
	lf->res = sext(res, bits);
}

/* Evaluate the arithmetic flags; returns only FL_ARITH bits. */
uint32_t lf_eval(const struct lazy_flags *lf, uint32_t eflags);

/* The questions a Jcc asks, answered without building all of EFLAGS;
 * inline, since they are on the hot path of every conditional branch. */

/* Carry out of the top bit: SDM Vol. 1, 3.4.3.1; the classic full-adder identities. */
static inline uint32_t add_carry(const struct lazy_flags *lf)
{
	return ((lf->s1 & lf->s2) | ((lf->s1 | lf->s2) & ~lf->res)) >> 31;
}

static inline uint32_t sub_borrow(const struct lazy_flags *lf)
{
	return ((~lf->s1 & lf->s2) | ((~lf->s1 | lf->s2) & lf->res)) >> 31;
}

static inline bool lf_cf(const struct lazy_flags *lf, uint32_t eflags)
{
	switch (lf->op) {
	case LF_ADD:   return add_carry(lf);
	case LF_SUB:   return sub_borrow(lf);
	case LF_LOGIC: return false;
	case LF_INC:
	case LF_DEC:
	case LF_RESULT: return lf->aux & FL_CF;
	default:       return eflags & FL_CF;
	}
}

static inline bool lf_of(const struct lazy_flags *lf, uint32_t eflags)
{
	switch (lf->op) {
	case LF_ADD:
	case LF_INC:   return ((lf->s1 ^ lf->res) & (lf->s2 ^ lf->res)) >> 31;
	case LF_SUB:
	case LF_DEC:   return ((lf->s1 ^ lf->s2) & (lf->s1 ^ lf->res)) >> 31;
	case LF_LOGIC: return false;
	case LF_RESULT: return (lf->aux & FL_OF) != 0;
	default:       return (eflags & FL_OF) != 0;
	}
}

static inline bool lf_pf(const struct lazy_flags *lf, uint32_t eflags)
{
	if (lf->op == LF_NONE)
		return (eflags & FL_PF) != 0;
	/* PF is set when the low byte has an even number of 1 bits. */
	return !__builtin_parity(lf->res & 0xff);
}

static inline bool lf_zf(const struct lazy_flags *lf, uint32_t eflags)
{
	return lf->op == LF_NONE ? (eflags >> 6) & 1 : lf->res == 0;
}

static inline bool lf_sf(const struct lazy_flags *lf, uint32_t eflags)
{
	return lf->op == LF_NONE ? (eflags >> 7) & 1 : lf->res >> 31;
}

/* SDM Vol. 2, Appendix B.1.4.7: condition codes 0..15 (odd ones negate). */
static inline bool lf_cond(const struct lazy_flags *lf, uint32_t eflags, unsigned cc)
{
	bool r;

	switch (cc >> 1) {
	case 0: r = lf_of(lf, eflags); break;                        /* O */
	case 1: r = lf_cf(lf, eflags); break;                        /* B */
	case 2: r = lf_zf(lf, eflags); break;                        /* E */
	case 3: r = lf_cf(lf, eflags) || lf_zf(lf, eflags); break;   /* BE */
	case 4: r = lf_sf(lf, eflags); break;                        /* S */
	case 5: r = lf_pf(lf, eflags); break;                        /* P */
	case 6: r = lf_sf(lf, eflags) != lf_of(lf, eflags); break;   /* L */
	default: r = lf_zf(lf, eflags) ||
		     lf_sf(lf, eflags) != lf_of(lf, eflags); break;  /* LE */
	}
	return r ^ (cc & 1);
}

#endif
