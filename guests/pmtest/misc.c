/*
 * misc.c - CPUID, the time-stamp counter, model-specific registers and the debug
 * registers (Intel SDM Vol. 3A, 17.17 "Time-Stamp Counter", 17.2 "Debug Registers",
 * 17.3.1.2 "Data Memory and I/O Breakpoint Exception Conditions"; Vol. 2A "CPUID",
 * Vol. 2B "RDMSR", "RDTSC").
 */
#include "eflags.h"
#include "pmtest.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"
#include "user.h"

/* CPUID leaf 0: EAX = the highest basic leaf. Leaf 1: EAX[11:8] = family; glassvm, like
   the P6 it models (and QEMU's default CPU), is family 6. The vendor string is not
   checked: glassvm's is its own. */
static void test_cpuid(void)
{
    CHECK("cpuid_max_leaf_at_least_1", cpuid(0).eax >= 1);
    CHECK_EQ("cpuid_family_6", (cpuid(1).eax >> 8) & 0xF, 6);
}

/* RDMSR/WRMSR of an MSR that does not exist: #GP(0). */
DEFINE_PROBE(probe_rdmsr_bogus, "movl $0xDEADBEEF, %%ecx", "rdmsr", "")
DEFINE_PROBE(probe_wrmsr_bogus, "movl $0xDEADBEEF, %%ecx\n\txorl %%eax, %%eax\n\txorl %%edx, %%edx",
             "wrmsr", "")
/* RDTSC: #GP(0) in ring 3 if CR4.TSD = 1. */
DEFINE_PROBE(probe_rdtsc, "", "rdtsc", "")

static const struct probe msr_probes[] = {
    {"rdmsr_unimplemented", probe_rdmsr_bogus, VEC_GP, 0, FAULT},
    {"wrmsr_unimplemented", probe_wrmsr_bogus, VEC_GP, 0, FAULT},
};

static void test_tsc(void)
{
    /* A value the counter would not reach by itself, and a bound on the time that the
       next instruction may take on a busy host (QEMU's counter runs in host time). */
    const uint64_t start = 0x0123456700000000, slack = 1ull << 32;
    uint64_t t1, t2, msr;

    t1 = rdtsc();
    t2 = rdtsc();
    CHECK("rdtsc_increases", t2 > t1);
    /* IA32_TIME_STAMP_COUNTER (MSR 0x10) is the counter RDTSC reads, and writable. */
    wrmsr(MSR_TSC, start);
    t1 = rdtsc();
    CHECK("wrmsr_tsc_sets_counter", t1 >= start && t1 - start < slack);
    msr = rdmsr(MSR_TSC);
    t2 = rdtsc();
    CHECK("rdmsr_tsc_is_rdtsc", t2 >= msr && t2 - msr < slack);
    RUN_PROBES(msr_probes);
}

static void test_time_stamp_disable(void)
{
    const struct probe allowed = {"rdtsc_ring3", probe_rdtsc, NO_TRAP, 0, FAULT},
                       denied = {"rdtsc_ring3_tsd", probe_rdtsc, VEC_GP, 0, FAULT},
                       ring0 = {"rdtsc_ring0_tsd", probe_rdtsc, NO_TRAP, 0, FAULT};
    uint32_t cr4 = read_cr4();

    run_probes_ring3(&allowed, 1);
    write_cr4(cr4 | CR4_TSD);
    run_probes_ring3(&denied, 1);
    run_probes(&ring0, 1);
    write_cr4(cr4);
}

/* 17.2.4: DR7 L0 with R/W0 = 01 (writes) and LEN0 = 11 (4 bytes) watches the dword at
   DR0. A data breakpoint is a trap: #DB after the write, which happened; DR6.B0 says
   which breakpoint. Reads do not match R/W = 01. */
uint32_t misc_watched;
DEFINE_PROBE(probe_write_watched, "movl $0x5EE, %%eax", "movl %%eax, misc_watched", "")
DEFINE_PROBE(probe_read_watched, "", "movl misc_watched, %%eax", "")

static const struct probe watch_probes[] = {
    {"data_breakpoint_write", probe_write_watched, VEC_DB, 0, TRAP},
    {"data_breakpoint_ignores_read", probe_read_watched, NO_TRAP, 0, FAULT},
};

static void test_data_breakpoint(void)
{
    write_dr0((uint32_t)&misc_watched);
    write_dr6(0);
    write_dr7(DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_4);
    trap_arm();
    probe_run(&watch_probes[0], &(struct probe_result){0});
    write_dr7(0);
    trap_disarm();
    /* run_probes would clear the record: check this one by hand */
    probe_check(&watch_probes[0], &(struct probe_result){
                                       .trap = trapped, .next = trap_resume});
    CHECK_EQ("data_breakpoint_dr6_b0", trapped.dr6 & (DR6_B0 | DR6_BS), DR6_B0);
    CHECK_EQ("data_breakpoint_write_done", misc_watched, 0x5EE);

    write_dr7(DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_4);
    run_probes(&watch_probes[1], 1);
    write_dr7(0);
}

/* 17.2.2: DR4 and DR5 alias DR6 and DR7 when CR4.DE = 0; with CR4.DE = 1 they are
   reserved and MOV to or from them is #UD. */
DEFINE_PROBE(probe_read_dr4, "", "movl %%dr4, %%eax", "")
DEFINE_PROBE(probe_write_dr5, "xorl %%eax, %%eax", "movl %%eax, %%dr5", "")

static const struct probe de_probes[] = {
    {"mov_from_dr4_with_de", probe_read_dr4, VEC_UD, 0, FAULT},
    {"mov_to_dr5_with_de", probe_write_dr5, VEC_UD, 0, FAULT},
};

static void test_debug_extensions(void)
{
    uint32_t cr4 = read_cr4(), dr4;

    write_dr6(0);
    __asm__ volatile("movl %%dr4, %0" : "=r"(dr4));
    CHECK_EQ("dr4_aliases_dr6_without_de", dr4, read_dr6());
    write_cr4(cr4 | CR4_DE);
    RUN_PROBES(de_probes);
    write_cr4(cr4);
}

void test_misc(void)
{
    test_cpuid();
    test_tsc();
    test_time_stamp_disable();
    test_data_breakpoint();
    test_debug_extensions();
}
