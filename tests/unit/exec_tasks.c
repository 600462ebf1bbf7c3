/*
 * tests/unit/exec_tasks.c - hardware task switches as a guest sees them,
 * on a live glassvm CPU: JMP and CALL to a TSS or a task gate, IRET back
 * through the previous-task link, an exception through a task gate, and
 * the checks that refuse a switch.
 *
 * The oracle is the Intel SDM: Vol. 3A, chapter 7 (7.3 "Task switching",
 * table 7-2 for the busy flags, NT, the link field and CR0.TS), 6.12.2 for
 * handlers that are tasks, and the Vol. 2 pseudo-code of JMP, CALL and IRET
 * ("TASK-GATE", "TASK-STATE-SEGMENT", "TASK-RETURN").
 *
 * Task A is the harness's TSS (SEL_TSS at TSS_BASE), loaded into TR by the
 * kernel before each test; B and C are the tasks switched to.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>

#include "cpu/exception.h"
#include "cpu/ops.h"
#include "tests/unit/machine_harness.h"

/* Field offsets in a 32-bit TSS (SDM Vol. 3A, figure 7-2). */
#define T_LINK   0
#define T_CR3    28
#define T_EIP    32
#define T_EFLAGS 36
#define T_GPR    40   /* EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI */
#define T_SREG   72   /* ES, CS, SS, DS, FS, GS */
#define T_LDT    96

#define TSS_B        0x3100u
#define TSS_C        0x3200u
#define SEL_TSS_B    0x30
#define SEL_TSS_C    0x38
#define SEL_TASKGATE 0x40
#define SEL_LDT      0x48
#define TASK_B_CODE  0x12000u
#define TASK_C_CODE  0x12400u
#define TASK_B_STACK 0x6c00u
#define TASK_C_STACK 0x6800u
#define PAGE_DIR_B   0x22000u  /* task B's page directory: the same identity map */
#define LINK_UNUSED  0x1234u   /* a previous-task link nobody should write */

TestSuite(tasks, .init = machine_setup, .fini = machine_teardown);

/* The general registers a task's TSS starts it with: recognisable values. */
static uint32_t task_reg(uint32_t tss, unsigned r)
{
	return 0xb0000000u | (tss & 0xffff) << 8 | r;
}

/* A ready-to-run 32-bit task at TSS, selected by SEL in the GDT: flat
 * kernel segments, interrupts off, no LDT, the link field LINK_UNUSED. */
static void make_task(uint32_t tss, uint16_t sel, uint32_t eip, uint32_t esp)
{
	put_desc(GDT_ENTRY(sel), tss, 0x67, SEG_P | SYS_TSS32_AVAIL);
	put32(tss + T_LINK, LINK_UNUSED);
	put32(tss + T_CR3, PAGE_DIR);
	put32(tss + T_EIP, eip);
	put32(tss + T_EFLAGS, FL_FIXED);
	for (unsigned r = 0; r < 8; r++)
		put32(tss + T_GPR + 4 * r, r == R_ESP ? esp : task_reg(tss, r));
	for (unsigned s = 0; s < NR_SREGS; s++)
		put32(tss + T_SREG + 4 * s, s == S_CS ? SEL_KCODE : SEL_KDATA);
	put32(tss + T_LDT, 0);
}

/* The same task behind a task gate at GATE (in the GDT or the IDT). */
static void task_behind_gate(uint32_t gate, uint32_t tss, uint16_t sel, uint32_t eip,
			     uint32_t esp)
{
	make_task(tss, sel, eip, esp);
	put_gate(gate, sel, 0, SEG_P | SYS_TASK_GATE, 0);
}

/* The kernel loads TR with task A's TSS; then the test's code runs at CODE
 * with the registers task_reg(TSS_BASE, r) (ESP: KSTACK). */
static void start_task_a(void)
{
	asm_at(STUB, "mov $SEL_TSS, %ax\n ltr %ax\n hlt");
	cpu->eip = STUB;
	cr_assert_eq(run_to_handler(), -1);
	cr_assert_eq(gdt_type(SEL_TSS), SYS_TSS32_BUSY, "LTR did not mark task A busy");
	for (unsigned r = 0; r < 8; r++)
		if (r != R_ESP)
			cpu->regs[r] = task_reg(TSS_BASE, r);
	cpu->eip = CODE;
}

/* Start task A and run until the HLT at the label "done" of the task the
 * test switches to (WHERE, for the messages). */
static void run_to_done_in(const char *where)
{
	start_task_a();
	cr_assert_eq(run_to_handler(), -1, "faulted: stopped at %#x", cpu->eip);
	cr_assert_eq(cpu->eip, asm_label("done") + 1, "stopped at %#x, not in %s", cpu->eip, where);
}

/* The registers of the task whose TSS is at TSS, as loaded (now in the CPU)
 * or saved (in its TSS). */
static void expect_registers_loaded(uint32_t tss, uint32_t esp)
{
	for (unsigned r = 0; r < 8; r++) {
		uint32_t want = r == R_ESP ? esp : task_reg(tss, r);

		cr_expect_eq(cpu->regs[r], want, "register %u: %#x, expected %#x from the TSS at %#x",
			     r, cpu->regs[r], want, tss);
	}
}

static void expect_registers_saved(uint32_t tss, uint32_t esp, uint32_t eip)
{
	cr_expect_eq(get32(tss + T_EIP), eip, "saved EIP %#x, expected %#x", get32(tss + T_EIP), eip);
	for (unsigned r = 0; r < 8; r++) {
		uint32_t want = r == R_ESP ? esp : task_reg(tss, r), got = get32(tss + T_GPR + 4 * r);

		cr_expect_eq(got, want, "saved register %u: %#x, expected %#x", r, got, want);
	}
	for (unsigned s = 0; s < NR_SREGS; s++) {
		uint32_t want = s == S_CS ? SEL_KCODE : SEL_KDATA, got = get32(tss + T_SREG + 4 * s);

		cr_expect_eq(got & 0xffff, want, "saved segment register %u: %#x", s, got);
	}
}

/*
 * JMP to an available TSS (7.3; table 7-2, "Effect of JMP"): the old task's
 * state is saved in its TSS (EIP past the JMP) and its busy flag cleared;
 * the new TSS is marked busy and its state loaded: LDTR, CR3 (with paging
 * on), EIP, the registers and segments; CR0.TS is set; no link is written
 * and NT comes from the new TSS (0).
 */
Test(tasks, jmp_to_tss)
{
	paging_identity(0);
	put32(PAGE_DIR_B, PAGE_TABLE | 0x7);
	cpu->cr3 = PAGE_DIR;
	cpu_write_cr0(cpu, cpu->cr0 | CR0_PG);
	make_task(TSS_B, SEL_TSS_B, TASK_B_CODE, TASK_B_STACK);
	put32(TSS_B + T_CR3, PAGE_DIR_B);
	put32(TSS_B + T_LDT, SEL_LDT);
	put_desc(GDT_ENTRY(SEL_LDT), LDT_BASE, 0xf, SEG_P | SYS_LDT);
	asm_at(TASK_B_CODE, "str DATA\n sldt DATA + 4\n done: hlt");
	asm_at(CODE, "std\n ljmp $0x30, $0\n back: hlt");
	run_to_done_in("task B");
	cr_expect_eq(get32(DATA) & 0xffff, SEL_TSS_B, "TR %#x in task B", get32(DATA));
	cr_expect_eq(get32(DATA + 4) & 0xffff, SEL_LDT, "LDTR %#x in task B", get32(DATA + 4));
	cr_expect_eq(gdt_type(SEL_TSS), SYS_TSS32_AVAIL, "task A still busy");
	cr_expect_eq(gdt_type(SEL_TSS_B), SYS_TSS32_BUSY, "task B not marked busy");
	expect_registers_saved(TSS_BASE, KSTACK, asm_label("back"));
	cr_expect_eq(get32(TSS_BASE + T_EFLAGS) & (FL_DF | FL_NT | FL_IF), FL_DF,
		     "task A's saved EFLAGS %#x", get32(TSS_BASE + T_EFLAGS));
	expect_registers_loaded(TSS_B, TASK_B_STACK);
	cr_expect_eq(cpu->cr3, PAGE_DIR_B, "CR3 %#x: not task B's", cpu->cr3);
	cr_expect(cpu->cr0 & CR0_TS, "CR0.TS not set by the task switch");
	cr_expect_eq(cpu_get_eflags(cpu) & (FL_NT | FL_DF), 0, "EFLAGS %#x: not task B's",
		     cpu_get_eflags(cpu));
	cr_expect_eq(get32(TSS_B + T_LINK), LINK_UNUSED, "JMP wrote task B's link field");
}

/*
 * CALL through a task gate nests the new task (7.4; table 7-2, "Effect of
 * CALL"): its link field gets the old TSS selector, NT is set, the old task
 * stays busy.  IRET with NT set returns to the linked task ("TASK-RETURN"):
 * the returning task is freed and its saved NT cleared, and the caller goes
 * on after its CALL with its own registers.
 */
Test(tasks, call_task_gate_then_iret)
{
	task_behind_gate(GDT_ENTRY(SEL_TASKGATE), TSS_B, SEL_TSS_B, TASK_B_CODE, TASK_B_STACK);
	asm_at(TASK_B_CODE, "pushf\n popl DATA\n str DATA + 4\n mov $0x77, %esi\n iret\n b_next: hlt");
	asm_at(CODE, "lcall $0x40, $0\n back: str DATA + 8\n done: hlt");
	run_to_done_in("task A, back from B");
	cr_expect(get32(DATA) & FL_NT, "EFLAGS %#x in task B: NT clear", get32(DATA));
	cr_expect_eq(get32(DATA + 4) & 0xffff, SEL_TSS_B, "TR %#x in task B", get32(DATA + 4));
	cr_expect_eq(get32(TSS_B + T_LINK) & 0xffff, SEL_TSS, "task B's link %#x",
		     get32(TSS_B + T_LINK));
	cr_expect_eq(get32(DATA + 8) & 0xffff, SEL_TSS, "TR %#x after the IRET", get32(DATA + 8));
	expect_registers_loaded(TSS_BASE, KSTACK);
	cr_expect_eq(cpu_get_eflags(cpu) & FL_NT, 0, "NT set in task A after the return");
	cr_expect_eq(gdt_type(SEL_TSS), SYS_TSS32_BUSY, "task A not busy");
	cr_expect_eq(gdt_type(SEL_TSS_B), SYS_TSS32_AVAIL, "task B still busy after its IRET");
	cr_expect_eq(get32(TSS_B + T_EFLAGS) & FL_NT, 0, "task B's saved EFLAGS %#x: NT not cleared",
		     get32(TSS_B + T_EFLAGS));
	cr_expect_eq(get32(TSS_B + T_EIP), asm_label("b_next"), "task B saved at %#x",
		     get32(TSS_B + T_EIP));
	cr_expect_eq(get32(TSS_B + T_GPR + 4 * R_ESI), 0x77);
}

/*
 * An exception through a task gate (6.12.2): the handler is task C; "if the
 * exception ... error code, it is pushed on the stack of the new task".  The
 * interrupted task is saved at the faulting instruction (a fault), linked,
 * and stays busy; NT is set in C.
 */
Test(tasks, exception_through_task_gate)
{
	task_behind_gate(IDT_ENTRY(EXC_GP), TSS_C, SEL_TSS_C, TASK_C_CODE, TASK_C_STACK);
	asm_at(TASK_C_CODE, "done: hlt");
	asm_at(CODE, "mov $0x1230, %ax\n fault: mov %ax, %ds\n hlt");
	run_to_done_in("task C");
	cr_expect_eq(cpu->regs[R_ESP], TASK_C_STACK - 4, "ESP %#x: expected the error code pushed",
		     cpu->regs[R_ESP]);
	cr_expect_eq(get32(TASK_C_STACK - 4), 0x1230, "error code %#x", get32(TASK_C_STACK - 4));
	cr_expect_eq(get32(TSS_BASE + T_EIP), asm_label("fault"), "task A saved at %#x",
		     get32(TSS_BASE + T_EIP));
	cr_expect_eq(get32(TSS_BASE + T_SREG + 4 * S_DS) & 0xffff, SEL_KDATA,
		     "the faulting MOV changed task A's DS");
	cr_expect_eq(get32(TSS_C + T_LINK) & 0xffff, SEL_TSS, "task C's link");
	cr_expect(cpu_get_eflags(cpu) & FL_NT, "NT clear in task C");
	cr_expect_eq(gdt_type(SEL_TSS), SYS_TSS32_BUSY, "task A freed by a nesting switch");
	cr_expect_eq(gdt_type(SEL_TSS_C), SYS_TSS32_BUSY, "task C not marked busy");
}

/* INT n through a task gate: a software interrupt has no error code, so
 * the new task's stack is left as its TSS says (6.12.2). */
Test(tasks, int_n_through_task_gate)
{
	task_behind_gate(IDT_ENTRY(0x41), TSS_C, SEL_TSS_C, TASK_C_CODE, TASK_C_STACK);
	asm_at(TASK_C_CODE, "done: hlt");
	asm_at(CODE, "int $0x41\n back: hlt");
	run_to_done_in("task C");
	cr_expect_eq(cpu->regs[R_ESP], TASK_C_STACK, "ESP %#x: something was pushed",
		     cpu->regs[R_ESP]);
	cr_expect_eq(get32(TSS_BASE + T_EIP), asm_label("back"), "task A saved at %#x",
		     get32(TSS_BASE + T_EIP));
}

/*
 * The checks that refuse a task switch, each a fault in the old task at the
 * instruction that asked for it, with TR and the busy flags unchanged:
 * JMP/CALL "TASK-GATE" and "TASK-STATE-SEGMENT" (Vol. 2A), IRET
 * "TASK-RETURN" (Vol. 2A, current editions: #TS for a link to a TSS that
 * is not busy), and table 7-1 (#TS for a TSS limit below 67H).
 */
struct refused_case {
	char what[72];
	unsigned cpl;
	uint32_t b_attr, b_limit;  /* task B's TSS descriptor */
	uint32_t gate_attr;        /* the task gate at SEL_TASKGATE (0: none) */
	uint16_t gate_tss;
	uint16_t a_link;           /* task A's previous-task link */
	char code[72];             /* with the label "fault" */
	unsigned vector;
	uint16_t error;
};

#define TSS_OK   (SEG_P | SYS_TSS32_AVAIL)
#define TASKGATE (SEG_P | SYS_TASK_GATE)

ParameterizedTestParameters(tasks, refused)
{
	static struct refused_case cases[] = {
		/* "IF TSS descriptor indicates that TSS is not available THEN
		 * #GP(TSS selector)" */
		{ "JMP to the running task's own TSS", 0, TSS_OK, 0x67, 0, 0, 0,
		  "fault: ljmp $SEL_TSS, $0", EXC_GP, SEL_TSS },
		{ "JMP to a busy TSS", 0, SEG_P | SYS_TSS32_BUSY, 0x67, 0, 0, 0,
		  "fault: ljmp $0x30, $0", EXC_GP, SEL_TSS_B },
		{ "CALL through a task gate to a busy TSS", 0, TSS_OK, 0x67, TASKGATE, SEL_TSS, 0,
		  "fault: lcall $0x40, $0", EXC_GP, SEL_TSS },
		/* "IF TSS segment selector in task gate specifies local THEN
		 * #GP(TSS selector)" */
		{ "task gate naming an LDT selector", 0, TSS_OK, 0x67, TASKGATE, SEL_TSS_B | 4, 0,
		  "fault: ljmp $0x40, $0", EXC_GP, SEL_TSS_B | 4 },
		/* "IF task gate / TSS not present THEN #NP(selector)" */
		{ "CALL through a not-present task gate", 0, TSS_OK, 0x67, SYS_TASK_GATE, SEL_TSS_B,
		  0, "fault: lcall $0x40, $0", EXC_NP, SEL_TASKGATE },
		{ "JMP to a not-present TSS", 0, SYS_TSS32_AVAIL, 0x67, 0, 0, 0,
		  "fault: ljmp $0x30, $0", EXC_NP, SEL_TSS_B },
		{ "JMP to a TSS whose limit is below 67H", 0, TSS_OK, 0x60, 0, 0, 0,
		  "fault: ljmp $0x30, $0", EXC_TS, SEL_TSS_B },
		/* "IF task gate DPL < CPL or RPL THEN #GP(task gate selector)";
		 * "IF TSS DPL < CPL or RPL THEN #GP(TSS selector)" */
		{ "CALL from ring 3 through a DPL 0 task gate", 3, TSS_OK | DPL(3), 0x67, TASKGATE,
		  SEL_TSS_B, 0, "fault: lcall $0x43, $0", EXC_GP, SEL_TASKGATE },
		{ "JMP from ring 3 to a DPL 0 TSS", 3, TSS_OK, 0x67, 0, 0, 0,
		  "fault: ljmp $0x33, $0", EXC_GP, SEL_TSS_B },
		/* TASK-RETURN: "IF ... the TSS is marked not busy THEN #TS(TSS
		 * selector)" */
		{ "IRET with NT to a TSS that is not busy", 0, TSS_OK, 0x67, 0, 0, SEL_TSS_B,
		  "pushf\n orl $0x4000, (%esp)\n popf\n fault: iret", EXC_TS, SEL_TSS_B },
	};

	return cr_make_param_array(struct refused_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct refused_case *t, tasks, refused)
{
	char src[96];

	test_case = t->what;
	make_task(TSS_B, SEL_TSS_B, TASK_B_CODE, TASK_B_STACK);
	put_desc(GDT_ENTRY(SEL_TSS_B), TSS_B, t->b_limit, t->b_attr);
	if (t->gate_attr)
		put_gate(GDT_ENTRY(SEL_TASKGATE), t->gate_tss, 0, t->gate_attr, 0);
	put32(TSS_BASE + T_LINK, t->a_link);
	asm_at(TASK_B_CODE, "hlt");
	snprintf(src, sizeof(src), "%s\n hlt", t->code);
	asm_at(t->cpl == 3 ? USER_CODE : CODE, src);
	start_task_a();
	if (t->cpl == 3)
		enter_ring3(USER_CODE, USER_STACK);
	expect_fault(t->vector, t->error, asm_label("fault"));
	cr_expect_eq(cpu->tr.sel, SEL_TSS, "%s: TR changed to %#x", t->what, cpu->tr.sel);
	cr_expect_eq(gdt_type(SEL_TSS), SYS_TSS32_BUSY, "%s: task A freed", t->what);
	cr_expect_eq(gdt_type(SEL_TSS_B), t->b_attr & 0x1f, "%s: task B's type changed",
		     t->what);
}
