/*
 * tasks.c - hardware task switching (Intel SDM Vol. 3A, chapter 7): a JMP to a TSS
 * descriptor, a CALL to one and the IRET back (task linking with NT and the link field),
 * a double fault handled by a task gate in the IDT (as Linux/i386 did), and the busy
 * bit that forbids re-entering a running task.
 */
#include "desc.h"
#include "pmtest.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"

#define TASK_STACK 1024
#define MAIN_EAX 0x600DCAFE /* in EAX when the main task switches away */
#define B_EBX 0xB0B0B0B0   /* task B's EBX, in its TSS */

static struct tss tss_a, tss_b, tss_df;
static uint8_t stacks[3][TASK_STACK] __attribute__((aligned(16)));

/* tasks_asm.S */
void task_a_entry(void), task_b_entry(void), task_df_entry(void);
extern const uint8_t task_a_after_iret[];

/* What each task saw while it ran (filled by the *_body functions and tasks_asm.S). */
struct task_view {
    uint32_t runs, tr, eflags, link;
    uint8_t main_access, own_access; /* the GDT access bytes of the two TSS descriptors */
};
static struct task_view a_seen, b_seen, df_seen;
uint32_t task_b_ebx, task_df_esp, task_df_error;

static void look(struct task_view *v, const struct tss *own, uint16_t own_selector)
{
    v->runs++;
    __asm__ volatile("str %0" : "=r"(v->tr));
    v->tr &= 0xFFFF;
    v->eflags = read_eflags();
    v->link = own->link;
    v->main_access = gdt_access(SEL_TSS);
    v->own_access = gdt_access(own_selector);
}

void task_a_body(void);
void task_b_body(void);
void task_df_body(void);

void task_a_body(void)
{
    look(&a_seen, &tss_a, SEL_TSS_A);
}

void task_b_body(void)
{
    look(&b_seen, &tss_b, SEL_TSS_B);
}

/* Repairs the cause of the double fault (the #GP gate we disabled) and makes the
   interrupted task continue at the label its check chose (trap_resume). */
void task_df_body(void)
{
    look(&df_seen, &tss_df, SEL_TSS_DF);
    idt_write(VEC_GP, idt_read(VEC_GP) | (uint64_t)ACC_P << 40);
    main_task.tss.eip = trap_resume;
}

/* A fresh ring-0 task that starts at entry, on stack i, and its TSS descriptor. */
static void task_setup(struct tss *t, uint16_t selector, void (*entry)(void), unsigned i)
{
    *t = (struct tss){
        .cr3 = read_cr3(),
        .eip = (uint32_t)entry,
        .eflags = 0x2,
        .esp = (uint32_t)stacks[i] + TASK_STACK,
        .es = SEL_KDATA, .cs = SEL_KCODE, .ss = SEL_KDATA,
        .ds = SEL_KDATA, .fs = SEL_KDATA, .gs = SEL_KDATA,
        .iomap_base = sizeof(struct tss), /* no bitmap */
    };
    gdt_write(selector, DESC((uint32_t)t, sizeof(*t) - 1, ACC_TSS, 0));
}

/* Defines fn(): puts MAIN_EAX in EAX and switches to another task with insn; returns the
   address where this task continues when it is switched back to. */
#define DEFINE_SWITCH(fn, insn)                                                        \
    static uint32_t fn(void)                                                           \
    {                                                                                  \
        uint32_t back;                                                                 \
        __asm__ volatile("movl $" TEXT(MAIN_EAX) ", %%eax\n\t" insn "\n1:\t"          \
                         "movl $1b, %[back]"                                           \
                         : [back] "=r"(back)                                           \
                         :                                                             \
                         : "eax", "memory");                                           \
        return back;                                                                   \
    }
DEFINE_SWITCH(jmp_to_task_b, "ljmp $" TEXT(SEL_TSS_B) ", $0")
DEFINE_SWITCH(call_task_a, "lcall $" TEXT(SEL_TSS_A) ", $0")

#define TYPE(access) ((access) & 0xF)
#define BUSY ((ACC_TSS | TSS_BUSY) & 0xF)
#define AVAILABLE (ACC_TSS & 0xF)

/* 7.3 "Task Switching": JMP saves our state in our TSS, clears our busy bit, sets the
   new task's, loads its state; NT stays clear (7.4, Table 7-2). */
static void test_jmp(void)
{
    uint32_t back;

    task_setup(&tss_b, SEL_TSS_B, task_b_entry, 0);
    tss_b.ebx = B_EBX;
    back = jmp_to_task_b();
    CHECK_EQ("jmp_task_ran", b_seen.runs, 1);
    CHECK_EQ("jmp_task_tr", b_seen.tr, SEL_TSS_B);
    CHECK_EQ("jmp_task_registers_from_tss", task_b_ebx, B_EBX);
    CHECK_EQ("jmp_task_nt_clear", b_seen.eflags & EFLAGS_NT, 0);
    CHECK_EQ("jmp_task_new_busy", TYPE(b_seen.own_access), BUSY);
    CHECK_EQ("jmp_task_old_not_busy", TYPE(b_seen.main_access), AVAILABLE);
    CHECK_EQ("jmp_saved_eip", main_task.tss.eip, back);
    CHECK_EQ("jmp_saved_eax", main_task.tss.eax, MAIN_EAX);
    CHECK_EQ("jmp_back_busy", TYPE(gdt_access(SEL_TSS)), BUSY);
    CHECK_EQ("jmp_back_other_not_busy", TYPE(gdt_access(SEL_TSS_B)), AVAILABLE);
}

/* 7.4 "Task Linking": CALL writes our TSS selector into the new TSS's link field, sets
   NT in the new task and keeps our busy bit; IRET with NT = 1 returns to the linked
   task, saving the state of the one that ends, whose busy bit it clears. */
static void test_call_iret(void)
{
    uint32_t back;

    task_setup(&tss_a, SEL_TSS_A, task_a_entry, 1);
    back = call_task_a();
    CHECK_EQ("call_task_ran", a_seen.runs, 1);
    CHECK_EQ("call_task_tr", a_seen.tr, SEL_TSS_A);
    CHECK_EQ("call_task_nt_set", a_seen.eflags & EFLAGS_NT, EFLAGS_NT);
    CHECK_EQ("call_task_link", a_seen.link, SEL_TSS);
    CHECK_EQ("call_task_both_busy", TYPE(a_seen.main_access) << 4 | TYPE(a_seen.own_access),
             BUSY << 4 | BUSY);
    CHECK_EQ("call_saved_eip", main_task.tss.eip, back);
    CHECK_EQ("call_saved_eax", main_task.tss.eax, MAIN_EAX);
    CHECK_EQ("iret_saved_task_eip", tss_a.eip, (uint32_t)task_a_after_iret);
    CHECK_EQ("iret_saved_task_edx", tss_a.edx, 0xA5A5A5A5);
    CHECK_EQ("iret_clears_busy", TYPE(gdt_access(SEL_TSS_A)), AVAILABLE);
    CHECK_EQ("iret_back_nt_clear", read_eflags() & EFLAGS_NT, 0);
}

/* 6.12.2 "Interrupt Tasks", 6.15 "Interrupt 8": with a task gate in the IDT, a double
   fault switches to the gate's task, as if by CALL, and pushes the error code on the
   new task's stack. */
static void test_double_fault_task(void)
{
    uint64_t df_gate = idt_read(VEC_DF), gp_gate = idt_read(VEC_GP);
    uint32_t at;

    task_setup(&tss_df, SEL_TSS_DF, task_df_entry, 2);
    idt_write(VEC_DF, gate_desc(SEL_TSS_DF, 0, ACC_TASK_GATE, 0));
    idt_write(VEC_GP, gp_gate & ~((uint64_t)ACC_P << 40));
    __asm__ volatile(TRAP_ASM("movw %w[sel], %%fs")
                     : TRAP_OUTPUTS(at)
                     : [sel] "r"(PM_GDT_ENTRIES * 8)
                     : "memory");
    idt_write(VEC_GP, gp_gate);
    idt_write(VEC_DF, df_gate);
    (void)at;
    CHECK_EQ("double_fault_task_ran", df_seen.runs, 1);
    CHECK_EQ("double_fault_task_tr", df_seen.tr, SEL_TSS_DF);
    CHECK_EQ("double_fault_task_error_code", task_df_error, 0);
    CHECK_EQ("double_fault_task_error_on_its_stack", task_df_esp,
             (uint32_t)stacks[2] + TASK_STACK - 4);
    CHECK_EQ("double_fault_task_nt_set", df_seen.eflags & EFLAGS_NT, EFLAGS_NT);
    CHECK_EQ("double_fault_task_link", df_seen.link, SEL_TSS);
    CHECK_EQ("double_fault_task_iret_clears_busy", TYPE(gdt_access(SEL_TSS_DF)), AVAILABLE);
}

/* JMP and CALL to a busy TSS: #GP(TSS selector) (SDM Vol. 2A, "JMP" and "CALL"). */
DEFINE_PROBE(probe_jmp_busy, "", "ljmp $" TEXT(SEL_TSS) ", $0", "")
DEFINE_PROBE(probe_call_busy, "", "lcall $" TEXT(SEL_TSS) ", $0", "")

static const struct probe busy_probes[] = {
    {"jmp_to_busy_tss", probe_jmp_busy, VEC_GP, SEL_TSS, FAULT},
    {"call_to_busy_tss", probe_call_busy, VEC_GP, SEL_TSS, FAULT},
};

void test_tasks(void)
{
    test_jmp();
    test_call_iret();
    test_double_fault_task();
    RUN_PROBES(busy_probes);
}
