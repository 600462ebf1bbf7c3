/*
 * cpu/cpuid.c - glassvm's CPUID: a family-6 (P6) processor with a vendor
 * string of its own, and only the features the interpreter implements, so a
 * guest that trusts CPUID never reaches an unimplemented instruction.
 */
#include <string.h>

#include "cpu/cpuid.h"

#define CPUID_MAX_LEAF 1

/* Leaf 1 EDX feature bits (SDM Vol. 2A, table 3-11). */
#define FEAT_FPU  (1u << 0)
#define FEAT_PSE  (1u << 3)
#define FEAT_TSC  (1u << 4)
#define FEAT_MSR  (1u << 5)
#define FEAT_CX8  (1u << 8)
#define FEAT_SEP  (1u << 11)
#define FEAT_MTRR (1u << 12)
#define FEAT_PGE  (1u << 13)
#define FEAT_CMOV (1u << 15)
#define FEAT_PAT  (1u << 16)
#define FEAT_FXSR (1u << 24)

/* Family 6, model 3, stepping 0: the signature of a Pentium II class part. */
#define CPU_SIGNATURE 0x00000630u

static const char vendor[12] = "GenuineGlass";

struct cpuid_regs cpuid_query(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	(void)subleaf;
	/* Leaves past the maximum report the maximum leaf, as Intel parts do. */
	if (leaf > CPUID_MAX_LEAF)
		leaf = CPUID_MAX_LEAF;
	if (leaf == 0) {
		r.eax = CPUID_MAX_LEAF;
		memcpy(&r.ebx, vendor, 4);      /* the vendor string is EBX, EDX, ECX */
		memcpy(&r.edx, vendor + 4, 4);
		memcpy(&r.ecx, vendor + 8, 4);
	} else {
		r.eax = CPU_SIGNATURE;
		r.edx = FEAT_FPU | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_CX8 | FEAT_SEP | FEAT_MTRR |
			FEAT_PGE | FEAT_CMOV | FEAT_PAT | FEAT_FXSR;
	}
	return r;
}
