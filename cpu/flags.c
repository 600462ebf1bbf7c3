/*
 * cpu/flags.c - computing CF, PF, AF, ZF, SF, OF from a lazy record.
 * See cpu/flags.h for why the operands are sign-extended.
 */
#include "cpu/flags.h"
#include "cpu/cpu.h"

/* Carry out of the top bit: SDM Vol. 1, 3.4.3.1; the classic full-adder identities. */
static uint32_t add_carry(const struct lazy_flags *lf)
{
	return ((lf->s1 & lf->s2) | ((lf->s1 | lf->s2) & ~lf->res)) >> 31;
}

static uint32_t sub_borrow(const struct lazy_flags *lf)
{
	return ((~lf->s1 & lf->s2) | ((~lf->s1 | lf->s2) & lf->res)) >> 31;
}

bool lf_cf(const struct lazy_flags *lf, uint32_t eflags)
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

bool lf_of(const struct lazy_flags *lf, uint32_t eflags)
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

bool lf_pf(const struct lazy_flags *lf, uint32_t eflags)
{
	if (lf->op == LF_NONE)
		return (eflags & FL_PF) != 0;
	/* PF is set when the low byte has an even number of 1 bits. */
	return !__builtin_parity(lf->res & 0xff);
}

static bool lf_af(const struct lazy_flags *lf, uint32_t eflags)
{
	switch (lf->op) {
	case LF_ADD:
	case LF_SUB:
	case LF_INC:
	case LF_DEC:   return ((lf->s1 ^ lf->s2 ^ lf->res) >> 4) & 1;
	case LF_LOGIC: return false;
	case LF_RESULT: return (lf->aux & FL_AF) != 0;
	default:       return (eflags & FL_AF) != 0;
	}
}

uint32_t lf_eval(const struct lazy_flags *lf, uint32_t eflags)
{
	if (lf->op == LF_NONE)
		return eflags & FL_ARITH;
	return (lf_cf(lf, eflags) ? FL_CF : 0) |
	       (lf_pf(lf, eflags) ? FL_PF : 0) |
	       (lf_af(lf, eflags) ? FL_AF : 0) |
	       (lf_zf(lf, eflags) ? FL_ZF : 0) |
	       (lf_sf(lf, eflags) ? FL_SF : 0) |
	       (lf_of(lf, eflags) ? FL_OF : 0);
}

/* SDM Vol. 2, Appendix B.1.4.7: condition codes 0..15 (odd ones negate). */
bool lf_cond(const struct lazy_flags *lf, uint32_t eflags, unsigned cc)
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
