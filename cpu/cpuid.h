/* cpu/cpuid.h - what the CPUID instruction reports (SDM Vol. 2A, CPUID). */
#ifndef CPU_CPUID_H
#define CPU_CPUID_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Leaf LEAF (EAX on entry); SUBLEAF is ECX for the leaves that use it. */
struct cpuid_regs cpuid_query(uint32_t leaf, uint32_t subleaf);

#endif
