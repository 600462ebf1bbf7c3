/*
 * cpu/msr.h - the model-specific registers glassvm implements (SDM Vol. 4):
 * the time-stamp counter, the SYSENTER target, the memory-type registers
 * (MTRRs and PAT, stored and validated: an interpreter caches nothing, so
 * memory types have no effect), APIC_BASE and MISC_ENABLE.  Any other MSR
 * number raises #GP(0), which is how rdmsr_safe() finds out.
 */
#ifndef CPU_MSR_H
#define CPU_MSR_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_TSC            0x010
#define MSR_APIC_BASE      0x01b
#define MSR_MTRRCAP        0x0fe
#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176
#define MSR_MISC_ENABLE    0x1a0
#define MSR_MTRR_PHYS_BASE0 0x200  /* ... 0x20f: 8 base/mask pairs */
#define MSR_MTRR_FIX64K    0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_C0000  0x268  /* ... 0x26f */
#define MSR_PAT            0x277
#define MSR_MTRR_DEF_TYPE  0x2ff

#define MTRR_VARIABLE_COUNT 8

struct msrs {
	uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t apic_base, misc_enable, pat, mtrr_def_type;
	uint64_t mtrr_var[2 * MTRR_VARIABLE_COUNT];
	uint64_t mtrr_fix[11];
};

struct cpu;

void msr_reset(struct msrs *m);
/* false: no such MSR, or a value it does not accept: the caller raises #GP(0). */
bool msr_read(struct cpu *c, uint32_t index, uint64_t *value);
bool msr_write(struct cpu *c, uint32_t index, uint64_t value);

#endif
