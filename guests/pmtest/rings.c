/*
 * rings.c - privilege levels: entering ring 3 with IRET, and the ways back into ring 0:
 * an INT through a DPL-3 gate (with the stack switch the TSS describes), a call gate
 * with parameters, SYSENTER/SYSEXIT; and what ring 3 may not do: privileged
 * instructions, I/O ports the TSS bitmap denies, DPL-0 gates and segments
 * (Intel SDM Vol. 3A, chapter 5 "Protection", and 6.12 "Exception and Interrupt
 * Handling").
 *
 * Ring-3 code cannot print, so the functions named ring3_* only note what they see in
 * `seen`, and ring 0 checks it after user_run() returns.
 */
#include "desc.h"
#include "pmtest.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"
#include "user.h"

#define VEC_FRAME_PROBE 0x40 /* a DPL-3 trap gate to int_frame_probe */
#define VEC_EMPTY 0x41       /* an IDT entry left all zeros */
#define USER_CS (SEL_UCODE | RPL3)
#define USER_SS (SEL_UDATA | RPL3)
#define LDT_MAGIC 0xC0FFEE11

/* rings_asm.S: the ring-0 ends, and what they saw (see there). */
void int_frame_probe(void), sysenter_entry(void);
extern uint32_t int_snapshot[5 + 3], gate_snapshot[6 + 3], sysenter_snapshot[3];
extern uint8_t sysenter_stack_top[];

/* The cleanup of every probe: our ring-3 data segments back in DS and SS, in case the
   instruction wrongly loaded something else there. */
#define RELOAD_USER_SEGMENTS "movl $" TEXT(USER_SS) ", %%ecx\n\tmovw %%cx, %%ds\n\tmovw %%cx, %%ss"
#define DEFINE_RING3_PROBE(fn, setup, insn) DEFINE_PROBE(fn, setup, insn, RELOAD_USER_SEGMENTS)

/* Valid LGDT/LIDT operands (the current GDTR and IDTR), in case the CPU wrongly obeys. */
struct __attribute__((packed)) {
    uint16_t limit;
    uint32_t base;
} rings_gdtr, rings_idtr;

DEFINE_RING3_PROBE(probe_int_dpl0_gate, "", "int $0x80")
DEFINE_RING3_PROBE(probe_int_empty_gate, "", "int $" TEXT(VEC_EMPTY))
DEFINE_RING3_PROBE(probe_cli, "", "cli")
DEFINE_RING3_PROBE(probe_sti, "", "sti")
DEFINE_RING3_PROBE(probe_hlt, "", "hlt")
DEFINE_RING3_PROBE(probe_read_cr0, "", "movl %%cr0, %%eax")
DEFINE_RING3_PROBE(probe_read_dr7, "", "movl %%dr7, %%eax")
DEFINE_RING3_PROBE(probe_lgdt, "", "lgdt rings_gdtr")
DEFINE_RING3_PROBE(probe_lidt, "", "lidt rings_idtr")
DEFINE_RING3_PROBE(probe_clts, "", "clts")
DEFINE_RING3_PROBE(probe_rdmsr, "movl $0x10, %%ecx", "rdmsr")
DEFINE_RING3_PROBE(probe_in_allowed, "", "inb $" TEXT(PORT_ALLOWED) ", %%al")
DEFINE_RING3_PROBE(probe_out_allowed, "", "outb %%al, $" TEXT(PORT_ALLOWED))
DEFINE_RING3_PROBE(probe_in_denied, "", "inb $" TEXT(PORT_DENIED) ", %%al")
DEFINE_RING3_PROBE(probe_in_word_half_denied, "", "inw $" TEXT(PORT_ALLOWED) ", %%ax")
DEFINE_RING3_PROBE(probe_out_dx_denied, "movl $0x3F8, %%edx", "outb %%al, %%dx")
DEFINE_RING3_PROBE(probe_mov_ds_kernel, "movl $" TEXT(SEL_KDATA) ", %%ecx", "movw %%cx, %%ds")
DEFINE_RING3_PROBE(probe_mov_ds_kernel_rpl3, "movl $" TEXT(SEL_KDATA | RPL3) ", %%ecx",
                   "movw %%cx, %%ds")
DEFINE_RING3_PROBE(probe_mov_ss_kernel, "movl $" TEXT(SEL_KDATA) ", %%ecx", "movw %%cx, %%ss")
DEFINE_RING3_PROBE(probe_mov_ds_ldt, "movl $" TEXT(SEL_LDT_UDATA) ", %%ecx", "movw %%cx, %%ds")
#define PAST_LDT (LDT_ENTRIES * 8 | SEL_TI)
DEFINE_RING3_PROBE(probe_mov_ds_past_ldt, "movl $" TEXT(PAST_LDT | RPL3) ", %%ecx",
                   "movw %%cx, %%ds")
DEFINE_RING3_PROBE(probe_call_dpl0_gate, "", "lcall $" TEXT(SEL_SCRATCH | RPL3) ", $0")

static const struct probe probes[] = {
    /* 6.12.1.1 "Protection of Exception- and Interrupt-Handler Procedures": INT n needs
       gate DPL >= CPL, else #GP(n * 8 + 2), bit 1 = IDT.
       An entry that is no gate at all is #GP too (6.13, and "INT n", Vol. 2A). */
    {"int_dpl0_gate", probe_int_dpl0_gate, VEC_GP, 0x80 * 8 + 2, FAULT},
    {"int_empty_gate", probe_int_empty_gate, VEC_GP, VEC_EMPTY * 8 + 2, FAULT},
    /* 5.9 "Privileged Instructions"; CLI and STI are IOPL-sensitive: #GP(0) when
       CPL > IOPL (SDM Vol. 1, 19.5.1 "I/O Privilege Level"). */
    {"cli", probe_cli, VEC_GP, 0, FAULT},
    {"sti", probe_sti, VEC_GP, 0, FAULT},
    {"hlt", probe_hlt, VEC_GP, 0, FAULT},
    {"mov_from_cr0", probe_read_cr0, VEC_GP, 0, FAULT},
    {"mov_from_dr7", probe_read_dr7, VEC_GP, 0, FAULT},
    {"lgdt", probe_lgdt, VEC_GP, 0, FAULT},
    {"lidt", probe_lidt, VEC_GP, 0, FAULT},
    {"clts", probe_clts, VEC_GP, 0, FAULT},
    {"rdmsr", probe_rdmsr, VEC_GP, 0, FAULT},
    /* SDM Vol. 1, 19.5.2 "I/O Permission Bit Map": with CPL > IOPL, every port byte
       accessed must have its bit clear in the TSS's bitmap (only PORT_ALLOWED has). */
    {"in_allowed_port", probe_in_allowed, NO_TRAP, 0, FAULT},
    {"out_allowed_port", probe_out_allowed, NO_TRAP, 0, FAULT},
    {"in_denied_port", probe_in_denied, VEC_GP, 0, FAULT},
    {"in_word_half_denied", probe_in_word_half_denied, VEC_GP, 0, FAULT},
    {"out_dx_denied_port", probe_out_dx_denied, VEC_GP, 0, FAULT},
    /* 5.6 and 5.7: from CPL 3, DPL-0 data cannot be loaded, whatever the RPL. */
    {"mov_ds_kernel_data", probe_mov_ds_kernel, VEC_GP, SEL_KDATA, FAULT},
    {"mov_ds_kernel_data_rpl3", probe_mov_ds_kernel_rpl3, VEC_GP, SEL_KDATA, FAULT},
    {"mov_ss_kernel_data", probe_mov_ss_kernel, VEC_GP, SEL_KDATA, FAULT},
    {"mov_ds_ldt_data", probe_mov_ds_ldt, NO_TRAP, 0, FAULT},
    {"mov_ds_past_ldt_limit", probe_mov_ds_past_ldt, VEC_GP, PAST_LDT, FAULT},
    /* 5.8.4: a call gate needs DPL >= max(CPL, RPL). */
    {"call_dpl0_gate", probe_call_dpl0_gate, VEC_GP, SEL_SCRATCH, FAULT},
};
#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

/* What ring 3 saw. */
static struct {
    uint32_t cs, ss, ldt_word;
    struct probe_result probe[N_PROBES];
    uint32_t int_eflags, int_esp, int_return;
    uint32_t gate_esp_before, gate_esp_at_call, gate_return, gate_esp_after, gate_es, gate_fs;
    uint32_t sysenter_esp, sysenter_return_cs, sysenter_return_ss, sysenter_esp_after;
} seen;

static void ring3_probes(void)
{
    __asm__ volatile("movl %%cs, %0\n\tmovl %%ss, %1" : "=r"(seen.cs), "=r"(seen.ss));
    for (unsigned i = 0; i < N_PROBES; i++)
        probe_run(&probes[i], &seen.probe[i]);
    /* Read through the LDT segment: its base is ldt_window. */
    __asm__ volatile("movw %w1, %%fs\n\tmovl %%fs:4, %0\n\tmovw %w2, %%fs"
                     : "=r"(seen.ldt_word)
                     : "r"(SEL_LDT_UDATA), "r"(USER_SS), "m"(ldt_window));
}

static void ring3_int(void)
{
    __asm__ volatile("pushfl\n\tpopl %[fl]\n\tmovl %%esp, %[esp]\n\t"
                     "int %[vec]\n1:\tmovl $1b, %[ret]"
                     : [fl] "=&r"(seen.int_eflags), [esp] "=&r"(seen.int_esp),
                       [ret] "=r"(seen.int_return)
                     : [vec] "i"(VEC_FRAME_PROBE)
                     : "eax", "ecx", "edx", "memory"); /* the handler's scratch registers */
}

static void ring3_call_gate(void)
{
    /* Two parameters, then a far call through the gate; RET 8 drops them. ES is
       nulled on the way back: reload it, C code may use it. (The outputs are
       memory: our globals, not addressed through ESP, which moves.) */
    __asm__ volatile("movl %%esp, %[before]\n\t"
                     "pushl $0x11111111\n\tpushl $0x22222222\n\t"
                     "movl %%esp, %[at_call]\n\t"
                     "lcall %[gate], $0\n1:\t"
                     "movl $1b, %[ret]\n\tmovl %%esp, %[after]\n\t"
                     "movw %%es, %[es]\n\tmovw %%fs, %[fs]\n\t"
                     "movl %[before], %%esp\n\t"
                     "movl %[user], %%eax\n\tmovw %%ax, %%es\n\tmovw %%ax, %%fs"
                     : [before] "=m"(seen.gate_esp_before), [at_call] "=m"(seen.gate_esp_at_call),
                       [ret] "=m"(seen.gate_return), [after] "=m"(seen.gate_esp_after),
                       [es] "=m"(seen.gate_es), [fs] "=m"(seen.gate_fs)
                     : [gate] "i"(SEL_CALL_GATE | RPL3), [user] "i"(USER_SS)
                     : "eax", "ecx", "edx", "memory");
}

static void ring3_sysenter(void)
{
    __asm__ volatile("movl %%esp, %[before]\n\tmovl %%esp, %%ecx\n\tmovl $1f, %%edx\n\t"
                     "sysenter\n1:\t"
                     "movl %%esp, %[after]\n\tmovw %%cs, %[cs]\n\tmovw %%ss, %[ss]"
                     : [before] "=m"(seen.sysenter_esp), [after] "=m"(seen.sysenter_esp_after),
                       [cs] "=m"(seen.sysenter_return_cs), [ss] "=m"(seen.sysenter_return_ss)
                     :
                     : "eax", "ecx", "edx", "memory");
}

static void test_probes(void)
{
    uint64_t saved_empty = idt_read(VEC_EMPTY);

    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(rings_gdtr), "=m"(rings_idtr));
    *(volatile uint32_t *)&ldt_window[4] = LDT_MAGIC;
    gdt_write(SEL_SCRATCH, gate_desc(SEL_KCODE, 0, ACC_CALL_GATE, 2));
    idt_write(VEC_EMPTY, 0);
    trap_arm();
    user_run(ring3_probes);
    trap_disarm();
    idt_write(VEC_EMPTY, saved_empty);

    /* 5.5, 6.12.1: IRET to an outer level loads CS and SS from the frame. */
    CHECK_EQ("iret_to_ring3_cs", seen.cs & 0xFFFF, USER_CS);
    CHECK_EQ("iret_to_ring3_ss", seen.ss & 0xFFFF, USER_SS);
    for (unsigned i = 0; i < N_PROBES; i++)
        probe_check(&probes[i], &seen.probe[i]);
    CHECK_EQ("read_through_ldt_segment", seen.ldt_word, LDT_MAGIC);
}

static void test_int_from_ring3(void)
{
    uint64_t saved = idt_read(VEC_FRAME_PROBE);

    idt_write(VEC_FRAME_PROBE, gate_desc(SEL_KCODE, (uint32_t)int_frame_probe,
                                         ACC_TRAP_GATE | ACC_DPL3, 0));
    user_run(ring3_int);
    idt_write(VEC_FRAME_PROBE, saved);

    /* 6.12.1, Figure 6-4: the handler runs on SS0:ESP0 from the TSS, under the frame
       EIP (next instruction: INT n is a trap), CS, EFLAGS, ESP, SS of ring 3. */
    CHECK_EQ("int_frame_eip", int_snapshot[0], seen.int_return);
    CHECK_EQ("int_frame_cs", int_snapshot[1] & 0xFFFF, USER_CS);
    CHECK_EQ("int_frame_eflags", int_snapshot[2], seen.int_eflags);
    CHECK_EQ("int_frame_esp", int_snapshot[3], seen.int_esp);
    CHECK_EQ("int_frame_ss", int_snapshot[4] & 0xFFFF, USER_SS);
    CHECK_EQ("int_handler_esp_from_tss", int_snapshot[5], main_task.tss.esp0 - 5 * 4);
    CHECK_EQ("int_handler_cs", int_snapshot[6] & 0xFFFF, SEL_KCODE);
    CHECK_EQ("int_handler_ss_from_tss", int_snapshot[7] & 0xFFFF, SEL_KDATA);
}

static void test_call_gate(void)
{
    user_run(ring3_call_gate);

    /* 5.8.5, Figure 5-13: the inner stack gets SS, ESP, the parameters (copied in the
       same order), CS, EIP; the gate's selector gives CS, the TSS gives SS:ESP. */
    CHECK_EQ("call_gate_pushed_eip", gate_snapshot[0], seen.gate_return);
    CHECK_EQ("call_gate_pushed_cs", gate_snapshot[1] & 0xFFFF, USER_CS);
    CHECK_EQ("call_gate_param_2", gate_snapshot[2], 0x22222222);
    CHECK_EQ("call_gate_param_1", gate_snapshot[3], 0x11111111);
    CHECK_EQ("call_gate_pushed_esp", gate_snapshot[4], seen.gate_esp_at_call);
    CHECK_EQ("call_gate_pushed_ss", gate_snapshot[5] & 0xFFFF, USER_SS);
    CHECK_EQ("call_gate_inner_esp", gate_snapshot[6], main_task.tss.esp0 - 6 * 4);
    CHECK_EQ("call_gate_inner_cs", gate_snapshot[7] & 0xFFFF, SEL_KCODE);
    CHECK_EQ("call_gate_inner_ss", gate_snapshot[8] & 0xFFFF, SEL_KDATA);
    /* 5.8.6: RET n releases the parameters on both stacks; data segment registers
       whose DPL is below the new CPL become null. */
    CHECK_EQ("far_ret_outer_esp", seen.gate_esp_after, seen.gate_esp_before);
    CHECK_EQ("far_ret_nulls_dpl0_es", seen.gate_es & 0xFFFF, 0);
    CHECK_EQ("far_ret_keeps_dpl3_fs", seen.gate_fs & 0xFFFF, USER_SS);
}

static void test_sysenter(void)
{
    wrmsr(MSR_SYSENTER_CS, SEL_SYS_KCODE);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)sysenter_stack_top);
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)sysenter_entry);
    user_run(ring3_sysenter);

    /* 5.8.7: SYSENTER: CS = SYSENTER_CS, SS = SYSENTER_CS + 8, ESP = SYSENTER_ESP.
       SYSEXIT: CS = SYSENTER_CS + 16 | 3, SS = SYSENTER_CS + 24 | 3, ESP = ECX. */
    CHECK_EQ("sysenter_esp", sysenter_snapshot[0], (uint32_t)sysenter_stack_top);
    CHECK_EQ("sysenter_cs", sysenter_snapshot[1] & 0xFFFF, SEL_SYS_KCODE);
    CHECK_EQ("sysenter_ss", sysenter_snapshot[2] & 0xFFFF, SEL_SYS_KCODE + 8);
    CHECK_EQ("sysexit_cs", seen.sysenter_return_cs & 0xFFFF, (SEL_SYS_KCODE + 16) | RPL3);
    CHECK_EQ("sysexit_ss", seen.sysenter_return_ss & 0xFFFF, (SEL_SYS_KCODE + 24) | RPL3);
    CHECK_EQ("sysexit_esp", seen.sysenter_esp_after, seen.sysenter_esp);
}

void test_rings(void)
{
    test_probes();
    test_int_from_ring3();
    test_call_gate();
    test_sysenter();
}
