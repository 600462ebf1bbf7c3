/*
 * exceptions.c - the exception vectors: which instruction raises which, the error code,
 * fault or trap (the saved EIP), the debug status in DR6, double faults and faults
 * while delivering an exception, and restartability: a faulting instruction has no
 * effect, or (string instructions) leaves the registers at the faulting iteration.
 * Intel SDM Vol. 3A, 6.5 "Exception Classifications", 6.6 "Program or Task Restart",
 * 6.13 "Error Code", 6.15 "Exception and Interrupt Reference" (one entry per vector).
 */
#include "desc.h"
#include "eflags.h"
#include "pmtest.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"
#include "user.h"

#define VEC_ABSENT 0x42 /* an interrupt gate with P = 0 */

/* Operands of BOUND (lower, upper) and LOCK MOV. */
const int32_t exceptions_bounds[2] = {0, 10};
uint32_t exceptions_word;

DEFINE_PROBE(probe_div_zero, "xorl %%ecx, %%ecx\n\txorl %%edx, %%edx", "divl %%ecx", "")
DEFINE_PROBE(probe_idiv_overflow, "movl $0x80000000, %%eax\n\tcltd\n\tmovl $-1, %%ecx",
             "idivl %%ecx", "")
DEFINE_PROBE(probe_int3, "", "int3", "")
DEFINE_PROBE(probe_into_overflow, "movl $0x7FFFFFFF, %%eax\n\tincl %%eax", "into", "")
DEFINE_PROBE(probe_bound_above, "movl $11, %%eax", "boundl %%eax, exceptions_bounds", "")
DEFINE_PROBE(probe_bound_below, "movl $-1, %%eax", "boundl %%eax, exceptions_bounds", "")
DEFINE_PROBE(probe_bound_inside, "movl $10, %%eax", "boundl %%eax, exceptions_bounds", "")
DEFINE_PROBE(probe_ud2, "", "ud2", "")
/* F0 01 C8: LOCK ADD EAX, ECX. F0 89 01: LOCK MOV [ECX], EAX. */
DEFINE_PROBE(probe_lock_register, "", ".byte 0xF0, 0x01, 0xC8", "")
DEFINE_PROBE(probe_lock_mov, "movl $exceptions_word, %%ecx", ".byte 0xF0, 0x89, 0x01", "")
DEFINE_PROBE(probe_lock_add_memory, "movl $exceptions_word, %%ecx", "lock addl %%eax, (%%ecx)",
             "")
DEFINE_PROBE(probe_int_absent_gate, "", "int $" TEXT(VEC_ABSENT), "")
DEFINE_PROBE(probe_far_jmp_null, "", "ljmp $0, $0", "")

static const struct probe probes[] = {
    /* 6.15 "Interrupt 0": DIV by 0, or a quotient too large (-2^31 / -1). A fault. */
    {"div_by_zero", probe_div_zero, VEC_DE, 0, FAULT},
    {"idiv_overflow", probe_idiv_overflow, VEC_DE, 0, FAULT},
    /* "Interrupt 3" and "Interrupt 4": INT3 and INTO (with OF = 1) are traps. */
    {"int3", probe_int3, VEC_BP, 0, TRAP},
    {"into_overflow", probe_into_overflow, VEC_OF, 0, TRAP},
    /* "Interrupt 5": BOUND outside [lower, upper] (both inclusive) is a fault. */
    {"bound_above", probe_bound_above, VEC_BR, 0, FAULT},
    {"bound_below", probe_bound_below, VEC_BR, 0, FAULT},
    {"bound_inside", probe_bound_inside, NO_TRAP, 0, FAULT},
    /* "Interrupt 6": UD2, and LOCK (SDM Vol. 2A, "LOCK") on anything but a read-modify-
       write instruction with a memory destination. */
    {"ud2", probe_ud2, VEC_UD, 0, FAULT},
    {"lock_register_destination", probe_lock_register, VEC_UD, 0, FAULT},
    {"lock_mov", probe_lock_mov, VEC_UD, 0, FAULT},
    {"lock_add_memory", probe_lock_add_memory, NO_TRAP, 0, FAULT},
    /* "Interrupt 11": a gate with P = 0; error code: vector * 8 + 2 (IDT) (6.13). */
    {"int_not_present_gate", probe_int_absent_gate, VEC_NP, VEC_ABSENT * 8 + 2, FAULT},
    /* "Interrupt 13": a far jump to a null selector is #GP(0) (Vol. 2A, "JMP"). */
    {"far_jmp_null_selector", probe_far_jmp_null, VEC_GP, 0, FAULT},
};

/* 6.15 "Interrupt 1", 17.3.1.4: with TF set, a trap after each instruction, DR6.BS.
   POPF sets TF; the next instruction (the NOP at label 0) runs, then the trap. */
static void test_single_step(void)
{
    uint32_t at;

    trap_arm();
    __asm__ volatile(TRAP_SETUP "pushfl\n\torl %[tf], (%%esp)\n\tpopfl\n0:\tnop\n1:"
                     : TRAP_OUTPUTS(at)
                     : [tf] "i"(TF)
                     : "memory", "cc");
    trap_disarm();
    CHECK_TRAP("single_step_trap_after_instruction", VEC_DB, 0, trap_resume);
    CHECK_EQ("single_step_dr6_bs", trapped.dr6 & (DR6_BS | DR6_B0), DR6_BS);
}

/* 17.3.1.1: an instruction breakpoint (DR7 R/W = 00, LEN = 00) is a fault: #DB before
   the instruction runs, with its address saved and DR6.B0 set. */
static void test_instruction_breakpoint(void)
{
    uint32_t at, count = 0;

    trap_arm();
    __asm__ volatile(TRAP_SETUP "movl $0f, %%eax\n\tmovl %%eax, %%dr0\n\t"
                     "movl %[l0], %%eax\n\tmovl %%eax, %%dr7\n"
                     "0:\tincl %[count]\n1:\t"
                     "xorl %%eax, %%eax\n\tmovl %%eax, %%dr7"
                     : TRAP_OUTPUTS(at), [count] "+r"(count)
                     : [l0] "i"(DR7_L0)
                     : "eax", "memory");
    trap_disarm();
    CHECK_TRAP("instruction_breakpoint_fault", VEC_DB, 0, at);
    CHECK_EQ("instruction_breakpoint_dr6_b0", trapped.dr6 & (DR6_BS | DR6_B0), DR6_B0);
    CHECK_EQ("instruction_breakpoint_not_executed", count, 0);
}

/* Table 2-2 "Action Taken By x87 FPU Instructions for Different Combinations of EM, MP,
   and TS": an x87 instruction raises #NM if EM or TS; WAIT/FWAIT only if MP and TS. */
DEFINE_PROBE(probe_fnop, "", "fnop", "")
DEFINE_PROBE(probe_fwait, "", "fwait", "")

static void test_device_not_available(void)
{
    static const struct {
        struct probe probe;
        uint32_t cr0; /* EM, MP, TS */
    } cases[] = {
        {{"fnop_ts", probe_fnop, VEC_NM, 0, FAULT}, CR0_TS},
        {{"fnop_em", probe_fnop, VEC_NM, 0, FAULT}, CR0_EM},
        {{"fnop_mp_only", probe_fnop, NO_TRAP, 0, FAULT}, CR0_MP},
        {{"fwait_mp_ts", probe_fwait, VEC_NM, 0, FAULT}, CR0_MP | CR0_TS},
        {{"fwait_ts_without_mp", probe_fwait, NO_TRAP, 0, FAULT}, CR0_TS},
        {{"fwait_em", probe_fwait, NO_TRAP, 0, FAULT}, CR0_EM},
    };
    uint32_t cr0 = read_cr0();

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_cr0((cr0 & ~(CR0_EM | CR0_MP | CR0_TS)) | cases[i].cr0);
        run_probes(&cases[i].probe, 1);
    }
    write_cr0(cr0);
}

/* 6.15 "Interrupt 8", Table 6-5: a contributory exception (#NP) while delivering another
   (#GP) is a double fault, error code 0. Here the #GP gate is not present. */
static void test_double_fault(void)
{
    uint64_t gp_gate = idt_read(VEC_GP);
    uint32_t at;

    idt_write(VEC_GP, gp_gate & ~((uint64_t)ACC_P << 40));
    trap_arm();
    __asm__ volatile(TRAP_ASM("movw %w[sel], %%fs")
                     : TRAP_OUTPUTS(at)
                     : [sel] "r"(PM_GDT_ENTRIES * 8)
                     : "memory");
    trap_disarm();
    idt_write(VEC_GP, gp_gate);
    /* The saved CS:EIP of a double fault are undefined: only the vector and code count. */
    CHECK_TRAP("gp_without_gate_double_faults", VEC_DF, 0, ANY_EIP);
}

/* 6.13: an exception raised while delivering an event from outside the program (here,
   the processor's own #BR) has EXT = 1. #BR is benign (Table 6-4), so this is no
   double fault, just #NP(5 * 8 + 2 + 1). */
static void test_not_present_exception_gate(void)
{
    uint64_t br_gate = idt_read(VEC_BR);

    idt_write(VEC_BR, br_gate & ~((uint64_t)ACC_P << 40));
    run_probes(&(const struct probe){"bound_gate_not_present_ext", probe_bound_above, VEC_NP,
                                     VEC_BR * 8 + 2 + 1, FAULT},
               1);
    idt_write(VEC_BR, br_gate);
}

uint32_t exceptions_saved_esp;

/* 6.15 "Interrupt 12", 6.6: a PUSH beyond the stack segment's limit is #SS(0) and leaves
   ESP as it was. SS: expand-down, limit 0xFFF, so offsets 0x1000 and up are valid; the
   PUSH at ESP = 0x1002 writes 0xFFE-0x1001. Run in ring 3, so that the #SS handler gets
   a good stack from the TSS. */
DEFINE_PROBE(probe_push_below_stack,
             "movl %%esp, exceptions_saved_esp\n\t"
             "movl $" TEXT(SEL_SCRATCH | RPL3) ", %%eax\n\tmovw %%ax, %%ss\n\tmovl $0x1002, %%esp",
             "pushl %%eax",
             "movl $" TEXT(SEL_UDATA | RPL3) ", %%eax\n\tmovw %%ax, %%ss\n\t"
             "movl exceptions_saved_esp, %%esp")

/* 6.15 "Interrupt 17": with CR0.AM and EFLAGS.AC (bit 18, 0x40000) set, an unaligned
   access in ring 3 is #AC(0). POPF may change AC in any ring. */
#define SET_AC "pushfl\n\torl $0x40000, (%%esp)\n\tpopfl"
#define CLEAR_AC "pushfl\n\tandl $~0x40000, (%%esp)\n\tpopfl"
DEFINE_PROBE(probe_aligned, SET_AC, "movl exceptions_word, %%eax", CLEAR_AC)
DEFINE_PROBE(probe_unaligned, SET_AC, "movl exceptions_word + 1, %%eax", CLEAR_AC)

static const struct probe push_probe = {"push_below_stack_limit", probe_push_below_stack,
                                        VEC_SS, 0, FAULT};
static const struct probe ac_probes[] = {
    {"alignment_check_aligned", probe_aligned, NO_TRAP, 0, FAULT},
    {"alignment_check_unaligned", probe_unaligned, VEC_AC, 0, FAULT},
};

static void test_ring3_faults(void)
{
    struct probe_result push;
    uint32_t cr0 = read_cr0();

    gdt_write(SEL_SCRATCH, DESC(0, 0xFFF, ACC_DATA_RW_DOWN | ACC_DPL3, FL_DB));
    trap_arm();
    probe_run_ring3(&push_probe, &push);
    trap_disarm();
    probe_check(&push_probe, &push);
    CHECK_EQ("push_below_stack_limit_keeps_esp", push.trap.esp, 0x1002);

    write_cr0(cr0 | CR0_AM);
    RUN_PROBES_RING3(ac_probes);
    /* In ring 0 the same access is not checked. */
    run_probes(&(const struct probe){"alignment_check_not_in_ring0", probe_unaligned, NO_TRAP,
                                     0, FAULT},
               1);
    write_cr0(cr0);
}

/* 6.6, and Vol. 2B "REP": a fault in the middle of REP MOVSB leaves ECX, ESI, EDI as
   they were before the faulting iteration, so that the instruction can be restarted.
   ES: byte-granular limit 9, so the 11th byte (offset 10) is #GP(0). */
static void test_rep_movsb_restart(void)
{
    static const char src[16] = "0123456789abcdef";
    static char dst[16];
    uint32_t at, ecx = 16, esi = (uint32_t)src, edi = 0;

    gdt_write(SEL_SCRATCH, DESC((uint32_t)dst, 9, ACC_DATA_RW, FL_DB));
    trap_arm();
    __asm__ volatile(TRAP_SETUP "movw %w[sel], %%es\n0:\trep movsb\n1:\tmovw %w[flat], %%es"
                     : TRAP_OUTPUTS(at), "+c"(ecx), "+S"(esi), "+D"(edi)
                     : [sel] "r"(SEL_SCRATCH), [flat] "r"(SEL_KDATA)
                     : "memory");
    trap_disarm();
    CHECK_TRAP("rep_movsb_fault", VEC_GP, 0, at);
    CHECK_EQ("rep_movsb_fault_ecx", ecx, 6);
    CHECK_EQ("rep_movsb_fault_esi", esi, (uint32_t)src + 10);
    CHECK_EQ("rep_movsb_fault_edi", edi, 10);
    CHECK_MEM("rep_movsb_fault_copied", dst, "0123456789\0\0\0\0\0", 16);
}

void test_exceptions(void)
{
    uint64_t absent = idt_read(VEC_ABSENT);

    idt_write(VEC_ABSENT, gate_desc(SEL_KCODE, 0, ACC_INT_GATE & ~ACC_P, 0));
    RUN_PROBES(probes);
    idt_write(VEC_ABSENT, absent);
    test_single_step();
    test_instruction_breakpoint();
    test_device_not_available();
    test_double_fault();
    test_not_present_exception_gate();
    test_ring3_faults();
    test_rep_movsb_restart();
}
