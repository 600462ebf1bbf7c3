/*
 * cpu/flags.c - computing CF, PF, AF, ZF, SF, OF from a lazy record.
 * See cpu/flags.h for why the operands are sign-extended.
 */
#include "cpu/flags.h"
#include "cpu/cpu.h"

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
