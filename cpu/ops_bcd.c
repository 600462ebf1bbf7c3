/*
 * cpu/ops_bcd.c - decimal arithmetic: DAA, DAS, AAA, AAS, AAM, AAD, after
 * the pseudo-code of SDM Vol. 2A.  Flags the SDM leaves undefined are set
 * from AL (SF, ZF, PF) or cleared (OF, and AF/CF for AAM/AAD).
 */
#include "cpu/ops.h"

#define AL(c) (*cpu_reg8((c), 0))
#define AH(c) (*cpu_reg8((c), 4))

static uint32_t al_flags(struct cpu *c)
{
	return zs_flags(AL(c), 8) | parity_flag(AL(c));
}

static bool low_nibble_adjust(struct cpu *c)
{
	return (AL(c) & 0x0f) > 9 || (arith_flags(c) & FL_AF);
}

static void daa(struct cpu *c, const struct insn *i)
{
	uint8_t old_al = AL(c);
	bool old_cf = get_cf(c), cf = false, af = false;

	(void)i;
	if (low_nibble_adjust(c)) {
		cf = old_cf || old_al > 0xff - 6;
		AL(c) += 6;
		af = true;
	}
	if (old_al > 0x99 || old_cf) {
		AL(c) += 0x60;
		cf = true;
	} else {
		cf = false;
	}
	set_arith_flags(c, al_flags(c) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

static void das(struct cpu *c, const struct insn *i)
{
	uint8_t old_al = AL(c);
	bool old_cf = get_cf(c), cf = false, af = false;

	(void)i;
	if (low_nibble_adjust(c)) {
		cf = old_cf || old_al < 6;
		AL(c) -= 6;
		af = true;
	}
	if (old_al > 0x99 || old_cf) {
		AL(c) -= 0x60;
		cf = true;
	}
	set_arith_flags(c, al_flags(c) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

/* AAA and AAS: on a P6, AX is adjusted as a whole (AX +/- 106h). */
static void ascii_adjust(struct cpu *c, const struct insn *i)
{
	bool adjust = low_nibble_adjust(c);

	if (adjust)
		*cpu_reg16(c, R_EAX) += i->op == 0x37 ? 0x106 : -0x106;
	AL(c) &= 0x0f;
	set_arith_flags(c, al_flags(c) | (adjust ? FL_AF | FL_CF : 0));
}

/* AAM imm8: AH = AL / imm8, AL = AL % imm8; a zero divisor is #DE. */
static void aam(struct cpu *c, const struct insn *i)
{
	uint8_t base = i->imm, al = AL(c);

	if (base == 0)
		cpu_fault(c, EXC_DE, 0);
	AH(c) = al / base;
	AL(c) = al % base;
	set_arith_flags(c, al_flags(c));
}

/* AAD imm8: AL = AL + AH * imm8, AH = 0. */
static void aad(struct cpu *c, const struct insn *i)
{
	AL(c) = AL(c) + AH(c) * (uint8_t)i->imm;
	AH(c) = 0;
	set_arith_flags(c, al_flags(c));
}

FAMILY_ONE(daa_, daa);
FAMILY_ONE(das_, das);
FAMILY_ONE(aaa_aas, ascii_adjust);
FAMILY_ONE(aam_, aam);
FAMILY_ONE(aad_, aad);
