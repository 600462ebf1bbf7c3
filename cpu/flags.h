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

/* The common questions a Jcc asks, answered without building all of EFLAGS. */
bool lf_cf(const struct lazy_flags *lf, uint32_t eflags);
static inline bool lf_zf(const struct lazy_flags *lf, uint32_t eflags)
{
	return lf->op == LF_NONE ? (eflags >> 6) & 1 : lf->res == 0;
}
static inline bool lf_sf(const struct lazy_flags *lf, uint32_t eflags)
{
	return lf->op == LF_NONE ? (eflags >> 7) & 1 : lf->res >> 31;
}
bool lf_of(const struct lazy_flags *lf, uint32_t eflags);
bool lf_pf(const struct lazy_flags *lf, uint32_t eflags);

/* Evaluate condition code CC (the low nibble of Jcc/SETcc/CMOVcc). */
bool lf_cond(const struct lazy_flags *lf, uint32_t eflags, unsigned cc);

#endif
