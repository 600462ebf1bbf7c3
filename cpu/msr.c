/*
 * cpu/msr.c - RDMSR and WRMSR's registers (SDM Vol. 4, table 2-2 and the
 * P6 family table; Vol. 3A, 11.11 MTRRs and 11.12 PAT).
 */
#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/msr.h"

/* Memory types a PAT entry or an MTRR may hold: UC, WC, WT, WP, WB (and UC-
 * for PAT); others are reserved and a write of them is #GP (SDM 11.12.2). */
static bool valid_type(unsigned t, bool pat)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7);
}

static bool valid_pat(uint64_t v)
{
	for (unsigned k = 0; k < 8; k++)
		if ((v >> (8 * k)) & 0xf8 || !valid_type((v >> (8 * k)) & 7, true))
			return false;
	return true;
}

void msr_reset(struct msrs *m)
{
	*m = (struct msrs){
		.apic_base = 0xfee00900u,            /* base FEE00000, enabled, BSP */
		.misc_enable = 1,                    /* fast-strings enable */
		.pat = 0x0007040600070406ull,        /* the power-up PAT (SDM table 11-12) */
	};
}

/* The slot of a fixed-range MTRR, or -1. */
static int fixed_mtrr_slot(uint32_t index)
{
	if (index == MSR_MTRR_FIX64K)
		return 0;
	if (index == MSR_MTRR_FIX16K_80000 || index == MSR_MTRR_FIX16K_A0000)
		return 1 + index - MSR_MTRR_FIX16K_80000;
	if (index >= MSR_MTRR_FIX4K_C0000 && index <= MSR_MTRR_FIX4K_C0000 + 7)
		return 3 + index - MSR_MTRR_FIX4K_C0000;
	return -1;
}

static uint64_t *storage(struct msrs *m, uint32_t index)
{
	int fixed = fixed_mtrr_slot(index);

	if (fixed >= 0)
		return &m->mtrr_fix[fixed];
	if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_VARIABLE_COUNT)
		return &m->mtrr_var[index - MSR_MTRR_PHYS_BASE0];
	switch (index) {
	case MSR_APIC_BASE:     return &m->apic_base;
	case MSR_MISC_ENABLE:   return &m->misc_enable;
	case MSR_PAT:           return &m->pat;
	case MSR_MTRR_DEF_TYPE: return &m->mtrr_def_type;
	default:                return NULL;
	}
}

bool msr_read(struct cpu *c, uint32_t index, uint64_t *value)
{
	uint64_t *slot = storage(&c->msr, index);

	switch (index) {
	case MSR_TSC:          *value = cpu_icount(c) + c->tsc_offset; return true;
	case MSR_MTRRCAP:      *value = 0x500 | MTRR_VARIABLE_COUNT; return true;  /* WC, fixed, 8 var */
	case MSR_SYSENTER_CS:  *value = c->msr.sysenter_cs; return true;
	case MSR_SYSENTER_ESP: *value = c->msr.sysenter_esp; return true;
	case MSR_SYSENTER_EIP: *value = c->msr.sysenter_eip; return true;
	}
	if (!slot)
		return false;
	*value = *slot;
	return true;
}

bool msr_write(struct cpu *c, uint32_t index, uint64_t v)
{
	uint64_t *slot = storage(&c->msr, index);

	switch (index) {
	case MSR_TSC:          c->tsc_offset = v - cpu_icount(c); return true;
	case MSR_MTRRCAP:      return false;  /* read-only */
	case MSR_SYSENTER_CS:  c->msr.sysenter_cs = v; return true;
	case MSR_SYSENTER_ESP: c->msr.sysenter_esp = v; return true;
	case MSR_SYSENTER_EIP: c->msr.sysenter_eip = v; return true;
	case MSR_PAT:
		if (!valid_pat(v))
			return false;
		break;
	case MSR_MTRR_DEF_TYPE:
		/* Bits 7:0 type, 10 FE, 11 E; the rest reserved. */
		if ((v & ~0xcffull) || !valid_type(v & 0xff, false))
			return false;
		break;
	}
	if (!slot)
		return false;
	*slot = v;
	return true;
}
