/*
 * sysreg.h - the system registers: control registers (Intel SDM Vol. 3A, 2.5), debug
 * registers (17.2), model-specific registers (RDMSR/WRMSR, Vol. 2B), EFLAGS, and the
 * CPUID and RDTSC instructions.
 */
#ifndef PMTEST_SYSREG_H
#define PMTEST_SYSREG_H

#include <stdint.h>

/* CR0 (SDM Vol. 3A, 2.5, Figure 2-7). */
#define CR0_PE (1u << 0)  /* protection enable */
#define CR0_MP (1u << 1)  /* monitor coprocessor: WAIT honours TS */
#define CR0_EM (1u << 2)  /* emulation: x87 instructions raise #NM */
#define CR0_TS (1u << 3)  /* task switched: the next x87 instruction raises #NM */
#define CR0_WP (1u << 16) /* write protect: ring 0 honours read-only pages */
#define CR0_AM (1u << 18) /* alignment mask: EFLAGS.AC enables #AC in ring 3 */
#define CR0_PG (1u << 31) /* paging */
/* CR4 */
#define CR4_TSD (1u << 2) /* time stamp disable: RDTSC is privileged */
#define CR4_DE (1u << 3)  /* debugging extensions: DR4/DR5 are reserved */
#define CR4_PSE (1u << 4) /* 4 MiB pages */
#define CR4_PGE (1u << 7) /* global pages */
/* EFLAGS bits beyond eflags.h (SDM Vol. 1, 3.4.3). */
#define EFLAGS_NT (1u << 14) /* nested task */
#define EFLAGS_RF (1u << 16) /* resume */
#define EFLAGS_AC (1u << 18) /* alignment check */
/* DR6 and DR7 (SDM Vol. 3A, 17.2.3 and 17.2.4). */
#define DR6_B0 (1u << 0)  /* breakpoint 0 condition met */
#define DR6_BS (1u << 14) /* single step */
#define DR7_L0 (1u << 0)  /* breakpoint 0 enabled (locally) */
#define DR7_RW0_WRITE (1u << 16) /* R/W0 = 01: break on data writes */
#define DR7_LEN0_4 (3u << 18)    /* LEN0 = 11: 4 bytes */
/* MSRs (SDM Vol. 4, Table 2-2). */
#define MSR_TSC 0x10
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

#define DEFINE_REG_ACCESS(reg)                                                \
    static inline uint32_t read_##reg(void)                                   \
    {                                                                         \
        uint32_t v;                                                           \
        __asm__ volatile("movl %%" #reg ", %0" : "=r"(v));                    \
        return v;                                                             \
    }                                                                         \
    static inline void write_##reg(uint32_t v)                                \
    {                                                                         \
        __asm__ volatile("movl %0, %%" #reg : : "r"(v) : "memory");           \
    }
DEFINE_REG_ACCESS(cr0)
DEFINE_REG_ACCESS(cr2)
DEFINE_REG_ACCESS(cr3)
DEFINE_REG_ACCESS(cr4)
DEFINE_REG_ACCESS(dr0)
DEFINE_REG_ACCESS(dr6)
DEFINE_REG_ACCESS(dr7)
#undef DEFINE_REG_ACCESS

static inline uint32_t read_eflags(void)
{
    uint32_t v;
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(v));
    return v;
}

static inline void write_eflags(uint32_t v)
{
    __asm__ volatile("pushl %0\n\tpopfl" : : "r"(v) : "cc");
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint64_t v;
    __asm__ volatile("rdmsr" : "=A"(v) : "c"(msr));
    return v;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "A"(v) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint64_t v;
    __asm__ volatile("rdtsc" : "=A"(v));
    return v;
}

struct cpuid {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid cpuid(uint32_t leaf)
{
    struct cpuid r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(0));
    return r;
}

static inline void invlpg(uint32_t address)
{
    __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

#endif
