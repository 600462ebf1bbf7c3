/*
 * tests/unit/exec_protect.c - protection as a guest sees it, on a live
 * glassvm CPU: the checks of segment loads, far transfers, call gates and
 * interrupt gates, exceptions while delivering exceptions, the probing
 * instructions LAR/LSL/VERR/VERW/ARPL, SYSENTER/SYSEXIT and MSRs, the
 * interrupt pins, and the debug facilities.
 *
 * Every expected value comes from the Intel SDM, cited per test: Vol. 3A
 * chapters 3 (segments), 5 (protection), 6 (interrupts), 17 (debug), and
 * the Vol. 2 pseudo-code of MOV Sreg, JMP, CALL, RET, IRET, INT n, LAR, LSL,
 * VERR/VERW, ARPL, SYSENTER/SYSEXIT, RDMSR/WRMSR, STI.  Not from running
 * glassvm.
 *
 * The machine is tests/unit/machine_harness.h's; the guest code is GNU as
 * source (AT&T syntax).  A fault is seen at the HLT stub of its vector, with
 * the frame on the handler's stack.  Ring-3 code ends with "int $VEC_DONE".
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>

#include "cpu/debug.h"
#include "cpu/exception.h"
#include "cpu/interrupt.h"
#include "cpu/msr.h"
#include "cpu/ops.h"
#include "tests/unit/machine_harness.h"

/* Descriptor slots the tests fill (machine_harness.h: SEL_FREE on). */
#define SEL_T       0x30
#define SEL_T2      0x38
#define SEL_T3      0x40
#define SEL_T4      0x48

#define FAR_TARGET  0x12000u  /* code reached by a far transfer */
#define GATE_ENTRY  0x12800u  /* code reached through a gate */
#define KHANDLER    0x6000u   /* a test's own handler */
#define RING1_STACK 0xe000u

#define LTR "mov $SEL_TSS, %ax\n ltr %ax\n"

static const char *const sreg_names[NR_SREGS] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* An interrupt frame (SDM Vol. 3A, figure 6-4): EIP, CS, EFLAGS, and ESP,
 * SS when the privilege changed; K is its first dword on the stack (1 after
 * an error code). */
struct frame {
	uint32_t eip, cs, eflags, esp, ss;
};

static struct frame frame_at(unsigned k)
{
	return (struct frame){ stack_dword(k), stack_dword(k + 1) & 0xffff, stack_dword(k + 2),
			       stack_dword(k + 3), stack_dword(k + 4) & 0xffff };
}

/* A fault taken in ring 3 left the caller's state as it was (restartable):
 * CS:EIP at the faulting instruction, SS:ESP unchanged. */
static void expect_user_state_kept(const char *what, uint32_t eip, uint32_t esp)
{
	struct frame f = frame_at(1);

	cr_expect_eq(f.eip, eip, "%s: pushed EIP %#x, expected %#x", what, f.eip, eip);
	cr_expect_eq(f.cs, SEL_UCODE, "%s: pushed CS %#x, expected ring 3's", what, f.cs);
	cr_expect_eq(f.esp, esp, "%s: pushed ESP %#x, expected %#x", what, f.esp, esp);
	cr_expect_eq(f.ss, SEL_UDATA, "%s: pushed SS %#x, expected ring 3's", what, f.ss);
}

/* Run code that ends in "int $VEC_DONE" and return the frame of that INT. */
static struct frame run_to_done(const char *what)
{
	int v = run_to_handler();

	cr_assert_eq(v, VEC_DONE, "%s: expected to get to INT VEC_DONE, got vector %d at %#x",
		     what, v, cpu->eip);
	return frame_at(0);
}

/* Put SRC at the address for ring CPL and go there: CODE in ring 0,
 * USER_CODE (by IRET) in ring 3.  Returns the address. */
static uint32_t code_in_ring(unsigned cpl, const char *src)
{
	uint32_t at = cpl == 3 ? USER_CODE : CODE;

	asm_at(at, src);
	if (cpl == 3)
		enter_ring3(at, USER_STACK);
	return at;
}

/* A far JMP or CALL (INSN) to SEL:OFF at the label "go", in ring CPL; the
 * code at TARGET says where it got with "int $VEC_DONE". */
static void far_transfer(unsigned cpl, const char *insn, uint16_t sel, uint32_t off,
			 uint32_t target)
{
	char src[64];

	asm_at(target, "int $VEC_DONE");
	snprintf(src, sizeof(src), "go: %s $%#x, $%#x\n back: hlt", insn, sel, off);
	code_in_ring(cpl, src);
}

/* The outcome of a far transfer (JMP, CALL, INT n) at the label "go": the
 * fault VECTOR(ERROR) taken there without a change of CPL; or, for VECTOR
 * < 0, arrival at TARGET with CS; true then. */
static bool expect_far_outcome(const char *what, unsigned cpl, int vector, uint16_t error,
			       uint32_t target, uint16_t cs)
{
	struct frame f;

	if (vector >= 0) {
		expect_fault(vector, error, asm_label("go"));
		cr_expect_eq(frame_at(1).cs & 3, cpl, "%s: the fault changed CPL", what);
		return false;
	}
	f = run_to_done(what);
	cr_expect_eq(f.eip, target + 2, "%s: did not run the target", what);
	cr_expect_eq(f.cs, cs, "%s: CS at the target %#x, expected %#x", what, f.cs, cs);
	return true;
}

/* ===================================================================
 * 1. Segment loads: MOV Sreg (SDM Vol. 2B, MOV, protected-mode operation;
 * Vol. 3A, 5.6 and 5.7), expand-down limits (3.4.5.1, 5.3), LDT selectors
 * (3.5.1), the accessed bit (3.4.5.1).
 */

TestSuite(protect_seg, .init = machine_setup, .fini = machine_teardown);

struct seg_case {
	char what[72];
	unsigned cpl, sreg;
	uint16_t sel;
	uint32_t attr;  /* the descriptor at SEL_T, flat; 0: none */
	int vector;     /* the fault, or -1: loads */
	uint16_t error;
};

#define NP(a) ((a) & ~SEG_P)
#define CONF  (SEG_TYPE_CODE | SEG_TYPE_DC)

ParameterizedTestParameters(protect_seg, mov_sreg)
{
	static struct seg_case cases[] = {
		/* "IF SS is loaded: IF segment selector is NULL THEN #GP(0)" */
		{ "SS null", 0, S_SS, 0, 0, EXC_GP, 0 },
		{ "SS null with RPL 3 at CPL 3", 3, S_SS, 3, 0, EXC_GP, 0 },
		/* "IF segment selector index is not within its descriptor table limits
		 * ... THEN #GP(selector)" */
		{ "SS beyond the GDT limit", 0, S_SS, 0x200, 0, EXC_GP, 0x200 },
		/* "IF segment selector's RPL != CPL or segment is not a writable data
		 * segment or DPL != CPL THEN #GP(selector)" */
		{ "SS with RPL 3 at CPL 0", 0, S_SS, SEL_T | 3, A_DATA | A_FLAT, EXC_GP, SEL_T },
		{ "SS with DPL 3 at CPL 0", 0, S_SS, SEL_T, A_DATA | A_FLAT | DPL(3), EXC_GP, SEL_T },
		{ "SS with DPL 0 at CPL 3", 3, S_SS, SEL_T | 3, A_DATA | A_FLAT, EXC_GP, SEL_T },
		{ "SS read-only data", 0, S_SS, SEL_T, SEG_P | SEG_S | A_FLAT, EXC_GP, SEL_T },
		{ "SS readable code", 0, S_SS, SEL_T, A_CODE | A_FLAT, EXC_GP, SEL_T },
		{ "SS system descriptor (LDT)", 0, S_SS, SEL_T, SEG_P | SYS_LDT, EXC_GP, SEL_T },
		/* "IF segment not marked present THEN #SS(selector)" */
		{ "SS not present", 0, S_SS, SEL_T, NP(A_DATA | A_FLAT), EXC_SS, SEL_T },
		{ "SS writable data, DPL = RPL = CPL 0", 0, S_SS, SEL_T, A_DATA | A_FLAT, -1, 0 },
		{ "SS writable data, DPL = RPL = CPL 3", 3, S_SS, SEL_T | 3,
		  A_DATA | A_FLAT | DPL(3), -1, 0 },
		/* "IF DS, ES, FS, or GS is loaded with NULL selector: load" */
		{ "DS null", 0, S_DS, 0, 0, -1, 0 },
		{ "GS null with RPL 3 at CPL 3", 3, S_GS, 3, 0, -1, 0 },
		{ "DS beyond the GDT limit", 0, S_DS, 0x200, 0, EXC_GP, 0x200 },
		/* "IF segment is not a data or readable code segment or ((segment is a
		 * data or nonconforming code segment) and ((RPL > DPL) or (CPL > DPL)))
		 * THEN #GP(selector)" */
		{ "DS execute-only code", 0, S_DS, SEL_T, SEG_P | SEG_S | SEG_TYPE_CODE | A_FLAT,
		  EXC_GP, SEL_T },
		{ "DS readable code", 0, S_DS, SEL_T, A_CODE | A_FLAT, -1, 0 },
		{ "FS system descriptor (TSS)", 0, S_FS, SEL_T, SEG_P | SYS_TSS32_AVAIL, EXC_GP, SEL_T },
		{ "DS data DPL 0 with RPL 3 at CPL 0", 0, S_DS, SEL_T | 3, A_DATA | A_FLAT,
		  EXC_GP, SEL_T },
		{ "ES data DPL 3 at CPL 0", 0, S_ES, SEL_T, A_DATA | A_FLAT | DPL(3), -1, 0 },
		{ "DS data DPL 0 at CPL 3", 3, S_DS, SEL_T | 3, A_DATA | A_FLAT, EXC_GP, SEL_T },
		{ "DS data DPL 3 with RPL 0 at CPL 3", 3, S_DS, SEL_T, A_DATA | A_FLAT | DPL(3), -1, 0 },
		{ "DS conforming readable code DPL 0 at CPL 3", 3, S_DS, SEL_T | 3,
		  A_CODE | CONF | A_FLAT, -1, 0 },
		{ "DS non-conforming readable code DPL 0 at CPL 3", 3, S_DS, SEL_T | 3,
		  A_CODE | A_FLAT, EXC_GP, SEL_T },
		/* "IF segment not marked present THEN #NP(selector)", after the checks
		 * above: a privilege violation wins. */
		{ "DS not present", 0, S_DS, SEL_T, NP(A_DATA | A_FLAT), EXC_NP, SEL_T },
		{ "GS not present", 0, S_GS, SEL_T, NP(A_DATA | A_FLAT), EXC_NP, SEL_T },
		{ "ES not present and RPL > DPL", 0, S_ES, SEL_T | 3, NP(A_DATA | A_FLAT),
		  EXC_GP, SEL_T },
	};

	return cr_make_param_array(struct seg_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* The selector in register S as the code left it: from ring 3, SS is in
 * the frame of the interrupt that stopped it (K: its first dword). */
static uint16_t sreg_of_code(unsigned cpl, unsigned s, unsigned k)
{
	return cpl == 3 && s == S_SS ? frame_at(k).ss : cpu->seg[s].sel;
}

ParameterizedTest(struct seg_case *t, protect_seg, mov_sreg)
{
	char src[64];
	uint16_t before, after;
	uint32_t at;

	test_case = t->what;
	if (t->attr)
		put_desc(GDT_ENTRY(SEL_T), 0, 0xfffff, t->attr);
	snprintf(src, sizeof(src), "mov %%ax, %%%s\n int $VEC_DONE", sreg_names[t->sreg]);
	at = code_in_ring(t->cpl, src);
	before = cpu->seg[t->sreg].sel;
	cpu->regs[R_EAX] = t->sel;
	if (t->vector >= 0) {
		expect_fault(t->vector, t->error, at);
		after = sreg_of_code(t->cpl, t->sreg, 1);
		cr_expect_eq(after, before, "%s: a faulting load changed %s to %#x", t->what,
			     sreg_names[t->sreg], after);
		return;
	}
	run_to_done(t->what);
	after = sreg_of_code(t->cpl, t->sreg, 0);
	cr_expect_eq(after, t->sel, "%s: %s = %#x, expected %#x", t->what, sreg_names[t->sreg], after,
		     t->sel);
	/* "The processor sets the accessed bit when it loads the segment
	 * selector into a segment register" (3.4.5.1). */
	if (t->attr)
		cr_expect(gdt_type(SEL_T) & SEG_TYPE_ACCESSED, "%s: accessed bit not set in the GDT",
			  t->what);
}

/* A null selector loads into DS, but "any subsequent reference to a segment
 * whose register holds a null selector causes #GP(0)" (3.4.2). */
Test(protect_seg, null_ds_access_is_gp0)
{
	asm_at(CODE, "xor %eax, %eax\n mov %ax, %ds\n access: mov (%ebx), %eax\n hlt");
	cpu->regs[R_EBX] = DATA;
	expect_fault(EXC_GP, 0, asm_label("access"));
	cr_expect_eq(cpu->seg[S_DS].sel, 0);
}

struct limit_case {
	char what[72];
	unsigned sreg;
	uint32_t attr, limit, off;
	unsigned size;
	int vector;  /* -1: the access is inside the segment */
};

#define EXPAND_DOWN (A_DATA | SEG_TYPE_DC)

ParameterizedTestParameters(protect_seg, limits)
{
	/* 3.4.5.1 and 5.3: an expand-down segment's valid offsets run from
	 * limit + 1 to FFFFFFFFH (B = 1) or FFFFH (B = 0); an access outside is
	 * #GP(0), or #SS(0) through SS; every byte of the access counts. */
	static struct limit_case cases[] = {
		{ "32-bit expand-down, just above the limit", S_DS, EXPAND_DOWN | SEG_DB, 0xfff,
		  0x1000, 4, -1 },
		{ "32-bit expand-down, at the limit", S_DS, EXPAND_DOWN | SEG_DB, 0xfff, 0xfff, 1,
		  EXC_GP },
		{ "32-bit expand-down, dword across the limit", S_DS, EXPAND_DOWN | SEG_DB, 0xfff,
		  0xffe, 4, EXC_GP },
		{ "32-bit expand-down, top dword of 4 GiB", S_DS, EXPAND_DOWN | SEG_DB, 0xfff,
		  0xfffffffc, 4, -1 },
		{ "16-bit expand-down, top dword of 64 KiB", S_ES, EXPAND_DOWN, 0xfff, 0xfffc, 4, -1 },
		{ "16-bit expand-down, dword across 64 KiB", S_ES, EXPAND_DOWN, 0xfff, 0xfffe, 4,
		  EXC_GP },
		{ "16-bit expand-down, above 64 KiB", S_DS, EXPAND_DOWN, 0xfff, 0x10000, 1, EXC_GP },
		{ "expand-down, limit 0, offset 0", S_FS, EXPAND_DOWN, 0, 0, 1, EXC_GP },
		{ "expand-down, G = 1: limit 1FFFH", S_GS, EXPAND_DOWN | SEG_DB | SEG_G, 1, 0x1fff, 1,
		  EXC_GP },
		{ "expand-down, G = 1: 2000H is inside", S_GS, EXPAND_DOWN | SEG_DB | SEG_G, 1,
		  0x2000, 4, -1 },
		{ "SS expand-down, below the limit", S_SS, EXPAND_DOWN | SEG_DB, 0xfff, 0xffc, 4,
		  EXC_SS },
		{ "SS expand-down, above the limit", S_SS, EXPAND_DOWN | SEG_DB, 0xfff, 0x1000, 4, -1 },
		{ "expand-up, dword across the limit", S_DS, A_DATA | SEG_DB, 0xfff, 0xffe, 4, EXC_GP },
		{ "SS expand-up, dword across the limit", S_SS, A_DATA | SEG_DB, 0xfff, 0xffe, 4,
		  EXC_SS },
	};

	return cr_make_param_array(struct limit_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct limit_case *t, protect_seg, limits)
{
	char src[128];

	test_case = t->what;
	put_desc(GDT_ENTRY(SEL_T), 0, t->limit, t->attr);
	snprintf(src, sizeof(src), "mov $%#x, %%dx\n mov %%dx, %%%s\n"
		 "access: mov %%%s:(%%ebx), %s\n hlt", SEL_T, sreg_names[t->sreg],
		 sreg_names[t->sreg], t->size == 1 ? "%al" : "%eax");
	asm_at(CODE, src);
	cpu->regs[R_EBX] = t->off;
	/* A stack for the fault's frame inside an expand-up SS, too. */
	if (t->sreg == S_SS && !(t->attr & SEG_TYPE_DC))
		cpu->regs[R_ESP] = 0xf00;
	if (t->vector >= 0) {
		expect_fault(t->vector, 0, asm_label("access"));
		return;
	}
	cr_expect_eq(run_to_handler(), -1, "%s: the access faulted (at %#x)", t->what, cpu->eip);
}

/* An LDT: its descriptor at SEL_T2 in the GDT, three entries at LDT_BASE;
 * entry 1 (selector 0x0c) a data segment DPL 0 at DATA, limit FFFH. */
#define SEL_LDT     SEL_T2
#define SEL_IN_LDT  0x0c

static void make_ldt(void)
{
	put_desc(GDT_ENTRY(SEL_LDT), LDT_BASE, 0x17, SEG_P | SYS_LDT);
	put_desc(LDT_BASE + 8, DATA, 0xfff, A_DATA | SEG_DB);
}

/* 3.5.1: with TI = 1 the descriptor comes from the LDT that LDTR selects;
 * its accessed bit is set there (3.4.5.1). */
Test(protect_seg, ldt_selector)
{
	make_ldt();
	asm_at(CODE, "mov $0x38, %ax\n lldt %ax\n mov $0x0c, %ax\n mov %ax, %ds\n"
		     "movl $0x1234, 0x10\n hlt");
	cr_assert_eq(run_to_handler(), -1, "faulted: stopped at %#x", cpu->eip);
	cr_expect_eq(cpu->seg[S_DS].sel, SEL_IN_LDT);
	cr_expect_eq(cpu->seg[S_DS].base, DATA, "DS base %#x: not the LDT's descriptor",
		     cpu->seg[S_DS].base);
	cr_expect_eq(get32(DATA + 0x10), 0x1234);
	cr_expect(get32(LDT_BASE + 12) & 0x100, "accessed bit not set in the LDT");
}

/* MOV: "IF segment selector index is not within its descriptor table
 * limits THEN #GP(selector)": the LDT's limit for TI = 1. */
Test(protect_seg, ldt_selector_beyond_ldt_limit)
{
	make_ldt();
	asm_at(CODE, "mov $0x38, %ax\n lldt %ax\n mov $0x1c, %ax\n fault: mov %ax, %ds\n hlt");
	expect_fault(EXC_GP, 0x1c, asm_label("fault"));
}

/* LLDT with a null selector: "LDTR is marked invalid"; a later reference to
 * the LDT is #GP(selector) (SDM Vol. 2A, LLDT; Vol. 3A, 3.5.1). */
Test(protect_seg, ldt_selector_without_ldt)
{
	make_ldt();
	asm_at(CODE, "xor %eax, %eax\n lldt %ax\n mov $0x0c, %ax\n fault: mov %ax, %ds\n hlt");
	expect_fault(EXC_GP, 0x0c, asm_label("fault"));
}

/* ===================================================================
 * 2. Far JMP, CALL and RET without gates (SDM Vol. 2A, JMP and CALL,
 * "protected mode"; Vol. 2B, RET; Vol. 3A, 5.8.1 and 5.8.2).
 */

TestSuite(protect_far, .init = machine_setup, .fini = machine_teardown);

struct far_case {
	char what[72];
	unsigned cpl;
	bool call;
	uint16_t sel;
	uint32_t attr, limit;  /* the descriptor at SEL_T (attr 0: none) */
	int vector;            /* -1: the transfer happens */
	uint16_t error;
	uint16_t cs;           /* CS at the target */
};

ParameterizedTestParameters(protect_far, jmp_call)
{
	static struct far_case cases[] = {
		/* NONCONFORMING: "IF (RPL > CPL) or (DPL != CPL) THEN #GP(selector)" */
		{ "JMP to non-conforming DPL 0 from CPL 0", 0, false, SEL_T,
		  A_CODE | A_FLAT, 0xfffff, -1, 0, SEL_T },
		{ "JMP to non-conforming DPL 0 with RPL 3 from CPL 0", 0, false, SEL_T | 3,
		  A_CODE | A_FLAT, 0xfffff, EXC_GP, SEL_T, 0 },
		{ "JMP to non-conforming DPL 0 from CPL 3", 3, false, SEL_T | 3,
		  A_CODE | A_FLAT, 0xfffff, EXC_GP, SEL_T, 0 },
		{ "CALL to non-conforming DPL 3 from CPL 0", 0, true, SEL_T | 3,
		  A_CODE | A_FLAT | DPL(3), 0xfffff, EXC_GP, SEL_T, 0 },
		{ "CALL to non-conforming DPL 0 from CPL 0", 0, true, SEL_T,
		  A_CODE | A_FLAT, 0xfffff, -1, 0, SEL_T },
		/* CONFORMING: "IF DPL > CPL THEN #GP(selector)"; CPL does not
		 * change and CS.RPL is set to CPL, whatever the selector's RPL. */
		{ "JMP to conforming DPL 0 from CPL 3", 3, false, SEL_T | 3,
		  A_CODE | CONF | A_FLAT, 0xfffff, -1, 0, SEL_T | 3 },
		{ "JMP to conforming DPL 0, RPL 0, from CPL 3", 3, false, SEL_T,
		  A_CODE | CONF | A_FLAT, 0xfffff, -1, 0, SEL_T | 3 },
		{ "CALL to conforming DPL 0 from CPL 3", 3, true, SEL_T | 3,
		  A_CODE | CONF | A_FLAT, 0xfffff, -1, 0, SEL_T | 3 },
		{ "JMP to conforming DPL 3 from CPL 0", 0, false, SEL_T,
		  A_CODE | CONF | A_FLAT | DPL(3), 0xfffff, EXC_GP, SEL_T, 0 },
		/* "IF segment not present THEN #NP(selector)" */
		{ "JMP to a not-present code segment", 0, false, SEL_T, NP(A_CODE | A_FLAT),
		  0xfffff, EXC_NP, SEL_T, 0 },
		{ "CALL to a not-present code segment", 0, true, SEL_T, NP(A_CODE | A_FLAT),
		  0xfffff, EXC_NP, SEL_T, 0 },
		/* "IF segment selector in target operand is NULL THEN #GP(0)" */
		{ "JMP to a null selector", 0, false, 0, 0, 0, EXC_GP, 0, 0 },
		/* "IF segment selector index not within descriptor table limits THEN
		 * #GP(selector)" */
		{ "JMP beyond the GDT limit", 0, false, 0x200, 0, 0, EXC_GP, 0x200, 0 },
		/* "IF segment type is not a conforming or nonconforming code segment,
		 * call gate, task gate, or TSS THEN #GP(segment selector)" */
		{ "JMP to a data segment", 0, false, SEL_KDATA, 0, 0, EXC_GP, SEL_KDATA, 0 },
		{ "JMP to an interrupt gate", 0, false, SEL_T, SEG_P | SYS_INT_GATE32, 0,
		  EXC_GP, SEL_T, 0 },
		/* "IF instruction pointer not within code segment limit THEN #GP(0)" */
		{ "JMP beyond the code segment limit", 0, false, SEL_T, A_CODE, 0xfff,
		  EXC_GP, 0, 0 },
	};

	return cr_make_param_array(struct far_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct far_case *t, protect_far, jmp_call)
{
	uint32_t stack = t->cpl == 3 ? USER_STACK : KSTACK;

	test_case = t->what;
	if (t->attr)
		put_desc(GDT_ENTRY(SEL_T), 0, t->limit, t->attr);
	far_transfer(t->cpl, t->call ? "lcall" : "ljmp", t->sel, FAR_TARGET, FAR_TARGET);
	if (!expect_far_outcome(t->what, t->cpl, t->vector, t->error, FAR_TARGET, t->cs) ||
	    !t->call)
		return;
	/* A far CALL pushes CS, then EIP, on the caller's stack. */
	cr_expect_eq(get32(stack - 4) & 0xffff, t->cpl == 3 ? SEL_UCODE : SEL_KCODE,
		     "%s: pushed CS %#x", t->what, get32(stack - 4));
	cr_expect_eq(get32(stack - 8), asm_label("back"), "%s: pushed EIP %#x", t->what,
		     get32(stack - 8));
}

/* RET (far) to the same privilege pops EIP, then CS, then releases imm16
 * bytes of parameters (Vol. 2B, RET, "RETURN-TO-SAME-PRIVILEGE-LEVEL"). */
Test(protect_far, retf_imm16_same_ring)
{
	asm_at(CODE, "push $7\n lcall $SEL_KCODE, $sub\n mov $1, %esi\n hlt\n sub: lret $4");
	cr_assert_eq(run_to_handler(), -1, "faulted: stopped at %#x", cpu->eip);
	cr_expect_eq(cpu->regs[R_ESI], 1, "RETF did not return after the CALL");
	cr_expect_eq(cpu->regs[R_ESP], KSTACK, "ESP %#x: the parameter was not released",
		     cpu->regs[R_ESP]);
	cr_expect_eq(cpu->seg[S_CS].sel, SEL_KCODE);
}

/*
 * RET (far) to an outer ring pops EIP, CS, then ESP, SS; then "FOR each of
 * segment register (ES, FS, GS, and DS): IF segment register points to data
 * or non-conforming code segment AND CPL > segment descriptor DPL THEN
 * segment selector := 0" (Vol. 2B, RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
 */
Test(protect_far, retf_to_outer_ring_nulls_segments)
{
	struct frame f;

	put_desc(GDT_ENTRY(SEL_T), 0, 0xfffff, A_CODE | CONF | A_FLAT);  /* conforming, DPL 0 */
	put_desc(GDT_ENTRY(SEL_T2), 0, 0xfffff, A_CODE | A_FLAT);        /* non-conforming, DPL 0 */
	asm_at(CODE, LTR
		     "mov $SEL_KDATA, %ax\n mov %ax, %ds\n"  /* data DPL 0: nulled */
		     "mov $SEL_UDATA, %ax\n mov %ax, %es\n"  /* data DPL 3: kept */
		     "mov $0x30, %ax\n mov %ax, %fs\n"       /* conforming code: kept */
		     "mov $0x38, %ax\n mov %ax, %gs\n"       /* non-conforming code DPL 0: nulled */
		     "push $SEL_UDATA\n push $USER_STACK\n push $SEL_UCODE\n push $USER_CODE\n lret");
	asm_at(USER_CODE, "int $VEC_DONE");
	f = run_to_done("RETF to ring 3");
	cr_expect_eq(f.cs, SEL_UCODE);
	cr_expect_eq(f.esp, USER_STACK, "ESP %#x: not popped from the ring-0 stack", f.esp);
	cr_expect_eq(f.ss, SEL_UDATA);
	cr_expect_eq(cpu->seg[S_DS].sel, 0, "DS (DPL 0 data) not nulled: %#x", cpu->seg[S_DS].sel);
	cr_expect_eq(cpu->seg[S_ES].sel, SEL_UDATA, "ES (DPL 3 data) changed");
	cr_expect_eq(cpu->seg[S_FS].sel, SEL_T, "FS (conforming code) changed");
	cr_expect_eq(cpu->seg[S_GS].sel, 0, "GS (non-conforming DPL 0 code) not nulled");
}

/* RET: "IF return code segment selector RPL < CPL THEN #GP(selector)". */
Test(protect_far, retf_to_inner_ring_is_gp)
{
	code_in_ring(3, "push $SEL_KCODE\n push $CODE\n fault: lret");
	expect_fault(EXC_GP, SEL_KCODE, asm_label("fault"));
	expect_user_state_kept("RETF to ring 0", asm_label("fault"), USER_STACK - 8);
}

/*
 * RET and IRET to an outer ring check the popped SS before they change
 * anything: "IF stack segment selector RPL != RPL of the return code segment
 * selector ... THEN #GP(SS selector)" (Vol. 2B RET and Vol. 2A IRET,
 * "RETURN-TO-OUTER-PRIVILEGE-LEVEL").  The fault is taken in ring 0, at the
 * instruction, with the ring-0 stack as it was: it can be restarted.
 */
struct outer_return_case {
	char what[72];
	char code[160];
	uint32_t popped;  /* bytes the return would have popped */
};

ParameterizedTestParameters(protect_far, outer_return_bad_ss)
{
	static struct outer_return_case cases[] = {
		{ "RETF", LTR "push $SEL_KDATA\n push $USER_STACK\n push $SEL_UCODE\n push $USER_CODE\n"
		  "fault: lret", 16 },
		{ "IRET", LTR "push $SEL_KDATA\n push $USER_STACK\n push $2\n push $SEL_UCODE\n"
		  "push $USER_CODE\n fault: iret", 20 },
	};

	return cr_make_param_array(struct outer_return_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct outer_return_case *t, protect_far, outer_return_bad_ss)
{
	test_case = t->what;
	asm_at(CODE, t->code);
	expect_fault(EXC_GP, SEL_KDATA, asm_label("fault"));
	cr_expect_eq(cpu->cpl, 0);
	cr_expect_eq(frame_at(1).cs, SEL_KCODE, "%s: the fault was taken with CS %#x, not ring 0's",
		     t->what, frame_at(1).cs);
	cr_expect_eq(cpu->regs[R_ESP], KSTACK - t->popped - 16,
		     "%s: ESP %#x: expected the 4-dword frame below the operands", t->what,
		     cpu->regs[R_ESP]);
}

/* ===================================================================
 * 3. Call gates (SDM Vol. 3A, 5.8.3 to 5.8.6; Vol. 2A, CALL, "CALL-GATE",
 * "MORE-PRIVILEGE", "SAME-PRIVILEGE"; JMP, "CALL-GATE").
 */

TestSuite(protect_gate, .init = machine_setup, .fini = machine_teardown);

#define SEL_GATE   SEL_T
#define SEL_R1CODE SEL_T2   /* ring 1 code, for tests that need ring 0 free */
#define SEL_R1DATA SEL_T3

/* A call gate from ring 3 to ring 0 with three dword parameters: the new
 * stack holds the caller's SS, ESP, the parameters in their order, CS, EIP
 * (figure 5-13), and SS:ESP come from the TSS's ring-0 fields (5.8.5). */
Test(protect_gate, gate32_ring3_to_ring0_params)
{
	static const uint32_t expected_words[7] = {
		0 /* EIP: the label */, SEL_UCODE, 0x33333333, 0x22222222, 0x11111111,
		USER_STACK - 12, SEL_UDATA,
	};

	put_gate(GDT_ENTRY(SEL_GATE), SEL_KCODE, GATE_ENTRY, SEG_P | SYS_CALL_GATE32 | DPL(3), 3);
	asm_at(GATE_ENTRY, "hlt");
	code_in_ring(3, "push $0x11111111\n push $0x22222222\n push $0x33333333\n"
			"lcall $0x33, $0\n back: int $VEC_DONE");
	cr_assert_eq(run_to_handler(), -1, "stopped at %#x, not at the gate's target", cpu->eip);
	cr_expect_eq(cpu->eip, GATE_ENTRY + 1);
	cr_expect_eq(cpu->cpl, 0);
	cr_expect_eq(cpu->seg[S_CS].sel, SEL_KCODE);
	cr_expect_eq(cpu->seg[S_SS].sel, SEL_KDATA, "SS %#x: not the TSS's SS0", cpu->seg[S_SS].sel);
	cr_expect_eq(cpu->regs[R_ESP], TSS_ESP0 - 28, "ESP %#x", cpu->regs[R_ESP]);
	for (unsigned k = 0; k < 7; k++) {
		uint32_t want = k == 0 ? asm_label("back") : expected_words[k];
		uint32_t got = stack_dword(k);

		if (k == 1 || k == 6)
			got &= 0xffff;  /* selectors: the upper half is not defined */
		cr_expect_eq(got, want, "inner stack dword %u: %#x, expected %#x", k, got, want);
	}
}

/* RET imm16 to an outer ring releases imm16 bytes of parameters on both
 * stacks: "ESP := ESP + SRC" before and after popping SS:ESP (RET, "RETURN-
 * TO-OUTER-PRIVILEGE-LEVEL"). */
Test(protect_gate, retf_imm16_to_outer_ring)
{
	struct frame f;

	put_gate(GDT_ENTRY(SEL_GATE), SEL_KCODE, GATE_ENTRY, SEG_P | SYS_CALL_GATE32 | DPL(3), 3);
	asm_at(GATE_ENTRY, "lret $12");
	code_in_ring(3, "push $1\n push $2\n push $3\n lcall $0x33, $0\n back: int $VEC_DONE");
	f = run_to_done("RETF 12 through the gate");
	cr_expect_eq(f.eip, asm_label("back") + 2);
	cr_expect_eq(f.cs, SEL_UCODE);
	cr_expect_eq(f.esp, USER_STACK, "ring-3 ESP %#x: the 3 parameters not released", f.esp);
	cr_expect_eq(f.ss, SEL_UDATA);
}

/* A 16-bit call gate: 16-bit offset, word parameters, and every push is a
 * word: SS, SP, the parameters, CS, IP (5.8.3, "the size of the values
 * pushed ... is determined by the gate size"). */
Test(protect_gate, gate16_ring3_to_ring0)
{
	static const uint16_t expected_words[6] = {
		0 /* IP: the label */, SEL_UCODE, 0xbbbb, 0xaaaa, (USER_STACK - 4) & 0xffff, SEL_UDATA,
	};
	uint32_t sp;

	/* A DPL 0 32-bit code segment based at 10000H, so the entry fits 16 bits. */
	put_desc(GDT_ENTRY(SEL_T4), 0x10000, 0xffff, A_CODE | SEG_DB);
	put_gate(GDT_ENTRY(SEL_GATE), SEL_T4, GATE_ENTRY - 0x10000,
		 SEG_P | SYS_CALL_GATE16 | DPL(3), 2);
	asm_at(GATE_ENTRY, "hlt");
	code_in_ring(3, "pushw $0xaaaa\n pushw $0xbbbb\n lcall $0x33, $0\n back: int $VEC_DONE");
	cr_assert_eq(run_to_handler(), -1, "stopped at %#x, not at the gate's target", cpu->eip);
	cr_expect_eq(cpu->eip, GATE_ENTRY - 0x10000 + 1);
	cr_expect_eq(cpu->cpl, 0);
	cr_expect_eq(cpu->regs[R_ESP], TSS_ESP0 - 12, "ESP %#x: expected six words", cpu->regs[R_ESP]);
	sp = cpu->regs[R_ESP];
	for (unsigned k = 0; k < 6; k++) {
		uint16_t want = k == 0 ? asm_label("back") & 0xffff : expected_words[k];
		uint16_t got = get32(sp + 2 * k) & 0xffff;

		cr_expect_eq(got, want, "inner stack word %u: %#x, expected %#x", k, got, want);
	}
}

struct gate_case {
	char what[72];
	unsigned cpl;
	bool call;
	uint16_t gate_sel;
	uint32_t gate_attr;
	uint16_t target;       /* the gate's code selector */
	uint32_t target_attr;  /* descriptor at SEL_T2 (0: none) */
	int vector;            /* -1: gets to the gate's target */
	uint16_t error;
	uint16_t cs;           /* CS there */
};

#define GATE32 (SEG_P | SYS_CALL_GATE32)

ParameterizedTestParameters(protect_gate, checks)
{
	static struct gate_case cases[] = {
		/* "IF call gate DPL < CPL or RPL THEN #GP(call gate selector)" */
		{ "CALL gate DPL 0 from CPL 3", 3, true, SEL_GATE | 3, GATE32, SEL_KCODE, 0,
		  EXC_GP, SEL_GATE, 0 },
		{ "CALL gate DPL 0 with RPL 3 from CPL 0", 0, true, SEL_GATE | 3, GATE32, SEL_KCODE,
		  0, EXC_GP, SEL_GATE, 0 },
		/* "IF call gate not present THEN #NP(call gate selector)" */
		{ "CALL gate not present", 3, true, SEL_GATE | 3, NP(GATE32) | DPL(3), SEL_KCODE, 0,
		  EXC_NP, SEL_GATE, 0 },
		/* JMP: "IF code segment is non-conforming and DPL != CPL THEN
		 * #GP(code segment selector)": JMP never changes privilege. */
		{ "JMP through a gate to more privileged code", 3, false, SEL_GATE | 3,
		  GATE32 | DPL(3), SEL_KCODE, 0, EXC_GP, SEL_KCODE, 0 },
		{ "JMP through a gate to conforming DPL 0 code", 3, false, SEL_GATE | 3,
		  GATE32 | DPL(3), SEL_T2, A_CODE | CONF | A_FLAT, -1, 0, SEL_T2 | 3 },
		{ "JMP through a gate at the same privilege", 0, false, SEL_GATE, GATE32, SEL_KCODE,
		  0, -1, 0, SEL_KCODE },
		/* "IF code segment selector in call gate is NULL THEN #GP(0)" */
		{ "CALL gate with a null code selector", 3, true, SEL_GATE | 3, GATE32 | DPL(3), 0,
		  0, EXC_GP, 0, 0 },
		/* "IF code segment is not a code segment or code segment DPL > CPL
		 * THEN #GP(code segment selector)" */
		{ "CALL gate to a data segment", 3, true, SEL_GATE | 3, GATE32 | DPL(3), SEL_KDATA,
		  0, EXC_GP, SEL_KDATA, 0 },
		{ "CALL gate from CPL 0 to DPL 3 code", 0, true, SEL_GATE, GATE32, SEL_UCODE, 0,
		  EXC_GP, SEL_UCODE & ~3, 0 },
		/* "IF code segment not present THEN #NP(new code segment selector)" */
		{ "CALL gate to a not-present code segment", 3, true, SEL_GATE | 3, GATE32 | DPL(3),
		  SEL_T2, NP(A_CODE | A_FLAT), EXC_NP, SEL_T2, 0 },
		/* SAME-PRIVILEGE: a DPL 3 target from CPL 3 needs no stack switch. */
		{ "CALL gate to code of the same privilege", 3, true, SEL_GATE | 3, GATE32 | DPL(3),
		  SEL_UCODE, 0, -1, 0, SEL_UCODE },
	};

	return cr_make_param_array(struct gate_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct gate_case *t, protect_gate, checks)
{
	test_case = t->what;
	if (t->target_attr)
		put_desc(GDT_ENTRY(SEL_T2), 0, 0xfffff, t->target_attr);
	put_gate(GDT_ENTRY(SEL_GATE), t->target, GATE_ENTRY, t->gate_attr, 0);
	far_transfer(t->cpl, t->call ? "lcall" : "ljmp", t->gate_sel, 0, GATE_ENTRY);
	expect_far_outcome(t->what, t->cpl, t->vector, t->error, GATE_ENTRY, t->cs);
}

/*
 * Through a gate from ring 3 to ring 1: the TSS's SS1 is checked as a stack
 * for the new CPL (CALL, "MORE-PRIVILEGE"): null -> #TS(0); index outside
 * the table, RPL != DPL of the code, DPL != DPL of the code, not a writable
 * data segment -> #TS(SS selector); not present -> #SS(SS selector).  The
 * fault is reported with the caller's CS:EIP and SS:ESP (restartable).
 * Ring 1, so that ring 0's own stack stays good for the fault handler.
 */
struct tss_stack_case {
	char what[72];
	uint16_t ss1;
	uint32_t attr;  /* the descriptor at SEL_R1DATA */
	uint32_t esp1;
	int vector;     /* -1: gets to ring 1 */
	uint16_t error;
};

ParameterizedTestParameters(protect_gate, ring1_stack)
{
	static struct tss_stack_case cases[] = {
		{ "SS1 null", 0, A_DATA | A_FLAT | DPL(1), RING1_STACK, EXC_TS, 0 },
		{ "SS1 beyond the GDT limit", 0x201, 0, RING1_STACK, EXC_TS, 0x200 },
		{ "SS1 with RPL 0", SEL_R1DATA, A_DATA | A_FLAT | DPL(1), RING1_STACK, EXC_TS,
		  SEL_R1DATA },
		{ "SS1 with DPL 3", SEL_R1DATA | 1, A_DATA | A_FLAT | DPL(3), RING1_STACK, EXC_TS,
		  SEL_R1DATA },
		{ "SS1 read-only", SEL_R1DATA | 1, SEG_P | SEG_S | A_FLAT | DPL(1), RING1_STACK,
		  EXC_TS, SEL_R1DATA },
		{ "SS1 a code segment", SEL_R1DATA | 1, A_CODE | A_FLAT | DPL(1), RING1_STACK,
		  EXC_TS, SEL_R1DATA },
		{ "SS1 not present", SEL_R1DATA | 1, NP(A_DATA | A_FLAT | DPL(1)), RING1_STACK,
		  EXC_SS, SEL_R1DATA },
		/* CALL: "#SS(selector) If pushing the return address, parameters, or
		 * stack segment pointer onto the stack exceeds the bounds of the stack
		 * segment, when a stack switch occurs": SS, ESP fit, CS does not. */
		{ "SS1 too small for the frame", SEL_R1DATA | 1, A_DATA | SEG_DB | DPL(1), 8,
		  EXC_SS, SEL_R1DATA },
		{ "SS1 good", SEL_R1DATA | 1, A_DATA | A_FLAT | DPL(1), RING1_STACK, -1, 0 },
	};

	return cr_make_param_array(struct tss_stack_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct tss_stack_case *t, protect_gate, ring1_stack)
{
	struct frame f;

	test_case = t->what;
	put_desc(GDT_ENTRY(SEL_R1CODE), 0, 0xfffff, A_CODE | A_FLAT | DPL(1));
	if (t->attr)
		put_desc(GDT_ENTRY(SEL_R1DATA), 0, t->attr & SEG_G ? 0xfffff : 0xfff, t->attr);
	put_gate(GDT_ENTRY(SEL_GATE), SEL_R1CODE, GATE_ENTRY, GATE32 | DPL(3), 0);
	put32(TSS_BASE + 12, t->esp1);
	put32(TSS_BASE + 16, t->ss1);
	asm_at(GATE_ENTRY, "int $VEC_DONE");
	code_in_ring(3, "go: lcall $0x33, $0\n hlt");
	if (t->vector >= 0) {
		expect_fault(t->vector, t->error, asm_label("go"));
		expect_user_state_kept(t->what, asm_label("go"), USER_STACK);
		return;
	}
	f = run_to_done(t->what);
	cr_expect_eq(f.cs, SEL_R1CODE | 1);
	cr_expect_eq(f.esp, t->esp1 - 16, "%s: ring-1 ESP %#x", t->what, f.esp);
	cr_expect_eq(f.ss, t->ss1);
}

/*
 * A #PF while the call gate pushes onto the new stack (paging on, the ring-1
 * stack page not present): the fault reports the CALL with the caller's
 * CPL, SS and ESP, so that a handler that maps the page and returns makes
 * the CALL succeed (Vol. 3A, 6.5: "faults ... the state is restored to what
 * it was before the faulting instruction").  The pushes are made at the new
 * CPL 1, so they are supervisor-mode writes (error code W=1, U/S=0; 4.7).
 */
Test(protect_gate, new_stack_page_fault_is_restartable)
{
	struct frame f;

	paging_identity(HOLE_PAGE);
	cpu->cr3 = PAGE_DIR;
	cpu_write_cr0(cpu, cpu->cr0 | CR0_PG);
	put_desc(GDT_ENTRY(SEL_R1CODE), 0, 0xfffff, A_CODE | A_FLAT | DPL(1));
	put_desc(GDT_ENTRY(SEL_R1DATA), 0, 0xfffff, A_DATA | A_FLAT | DPL(1));
	put_gate(GDT_ENTRY(SEL_GATE), SEL_R1CODE, GATE_ENTRY, GATE32 | DPL(3), 0);
	put32(TSS_BASE + 12, HOLE_PAGE + 0x1000);
	put32(TSS_BASE + 16, SEL_R1DATA | 1);
	idt_gate(EXC_PF, KHANDLER);
	/* The #PF handler stops once for the test to look, then maps the page
	 * (supervisor-only) and returns to the CALL. */
	asm_at(KHANDLER, "hlt\n"
			 "movl $(HOLE_PAGE | 3), PAGE_TABLE + (HOLE_PAGE >> 12) * 4\n"
			 "invlpg HOLE_PAGE\n add $4, %esp\n iret");
	asm_at(GATE_ENTRY, "int $VEC_DONE");
	code_in_ring(3, "go: lcall $0x33, $0\n hlt");
	cr_assert_eq(run_to_handler(), -1, "expected the #PF handler, stopped at %#x", cpu->eip);
	cr_assert_eq(cpu->eip, KHANDLER + 1, "stopped at %#x, not in the #PF handler", cpu->eip);
	cr_expect_eq(cpu->cr2, HOLE_PAGE + 0xffc, "CR2 %#x", cpu->cr2);
	cr_expect_eq(stack_dword(0), 0x2, "error code %#x: expected a supervisor write to a "
		     "not-present page (2)", stack_dword(0));
	cr_expect_eq(cpu->regs[R_ESP], TSS_ESP0 - 24, "the #PF frame is not on the ring-0 stack");
	expect_user_state_kept("#PF on the ring-1 stack", asm_label("go"), USER_STACK);

	f = run_to_done("the restarted CALL");
	cr_expect_eq(f.cs, SEL_R1CODE | 1, "CS %#x after the restarted CALL", f.cs);
	cr_expect_eq(f.esp, HOLE_PAGE + 0x1000 - 16);
	cr_expect_eq(get32(HOLE_PAGE + 0xffc) & 0xffff, SEL_UDATA, "caller's SS on the ring-1 stack");
	cr_expect_eq(get32(HOLE_PAGE + 0xff8), USER_STACK, "caller's ESP on the ring-1 stack");
}

/* ===================================================================
 * 4. Interrupts and exceptions (SDM Vol. 3A, 6.10 to 6.15; Vol. 2A, INT n).
 */

TestSuite(protect_int, .init = machine_setup, .fini = machine_teardown);

/* EFLAGS as the handler of INT 40H through a gate of TYPE sees it, entered
 * from ring 0 with IF and NT set. */
static uint32_t eflags_in_handler(unsigned type)
{
	put_gate(IDT_ENTRY(0x40), SEL_KCODE, KHANDLER, SEG_P | type, 0);
	asm_at(KHANDLER, "pushf\n pop %ebx\n hlt");
	asm_at(CODE, "int $0x40\n hlt");
	cpu_set_eflags(cpu, FL_IF | FL_NT, FL_IF | FL_NT);
	cr_assert_eq(run_to_handler(), -1);
	cr_assert_eq(cpu->eip, KHANDLER + 3, "stopped at %#x, not in the handler", cpu->eip);
	cr_expect(frame_at(0).eflags & FL_IF, "pushed EFLAGS %#x: IF lost", frame_at(0).eflags);
	cr_expect(frame_at(0).eflags & FL_NT, "pushed EFLAGS %#x: NT lost", frame_at(0).eflags);
	return cpu->regs[R_EBX];
}

/* 6.12.1.3: both gates clear TF, VM, RF and NT; an interrupt gate also
 * clears IF, a trap gate leaves it. */
Test(protect_int, interrupt_gate_clears_if)
{
	uint32_t fl = eflags_in_handler(SYS_INT_GATE32);

	cr_expect_eq(fl & FL_IF, 0, "EFLAGS %#x in the handler: IF still set", fl);
	cr_expect_eq(fl & FL_NT, 0, "EFLAGS %#x in the handler: NT still set", fl);
}

Test(protect_int, trap_gate_keeps_if)
{
	uint32_t fl = eflags_in_handler(SYS_TRAP_GATE32);

	cr_expect(fl & FL_IF, "EFLAGS %#x in the handler: IF cleared by a trap gate", fl);
	cr_expect_eq(fl & FL_NT, 0, "EFLAGS %#x in the handler: NT still set", fl);
}

/* 6.12.1 and figure 6-4: from ring 3 the handler runs on SS0:ESP0 of the
 * TSS, which holds the old SS, ESP, EFLAGS, CS, EIP (of the next
 * instruction: INT n is a trap). */
static void int_from_ring3(void)
{
	struct frame f;

	put_gate(IDT_ENTRY(0x40), SEL_KCODE, HANDLER(0x40), SEG_P | SYS_INT_GATE32 | DPL(3), 0);
	code_in_ring(3, "int $0x40\n hlt");
	cr_assert_eq(run_to_handler(), 0x40, "stopped at %#x", cpu->eip);
	cr_expect_eq(cpu->cpl, 0);
	cr_expect_eq(cpu->seg[S_SS].sel, SEL_KDATA, "SS %#x: not SS0", cpu->seg[S_SS].sel);
	cr_expect_eq(cpu->regs[R_ESP], TSS_ESP0 - 20, "ESP %#x: not ESP0 - 20", cpu->regs[R_ESP]);
	f = frame_at(0);
	cr_expect_eq(f.eip, USER_CODE + 2, "pushed EIP %#x", f.eip);
	cr_expect_eq(f.cs, SEL_UCODE);
	cr_expect_eq(f.esp, USER_STACK, "pushed ESP %#x", f.esp);
	cr_expect_eq(f.ss, SEL_UDATA);
}

Test(protect_int, int_from_ring3_frame)
{
	int_from_ring3();
}

/* The same with paging on and the kernel's pages supervisor-only, as every
 * OS has them: the accesses to the GDT, IDT and TSS are "implicit
 * supervisor-mode accesses", and the handler's stack is written at CPL 0
 * (4.6.1), so none of them may fault. */
Test(protect_int, int_from_ring3_with_supervisor_pages)
{
	paging_identity(0);
	for (uint32_t p = 0; p < 0xa000; p += 0x1000)
		set_pte(p, 0x3);  /* present, writable, supervisor */
	cpu->cr3 = PAGE_DIR;
	cpu_write_cr0(cpu, cpu->cr0 | CR0_PG);
	int_from_ring3();
}

struct int_case {
	char what[72];
	unsigned cpl;
	uint32_t gate_attr;
	uint16_t gate_sel;
	uint32_t code_attr;   /* descriptor at SEL_T (0: none) */
	uint16_t idt_limit;   /* 0: all 256 vectors */
	int vector;
	uint16_t error;
};

#define INTGATE (SEG_P | SYS_INT_GATE32)
#define INT40_ERROR (0x40 * 8 + 2)  /* IDT bit set, EXT clear: INT n is software */

ParameterizedTestParameters(protect_int, int_n_checks)
{
	static struct int_case cases[] = {
		/* INT n: "IF software interrupt and gate DPL < CPL THEN
		 * #GP(vector_number * 8 + 2)" */
		{ "INT n, interrupt gate DPL 0 from CPL 3", 3, INTGATE, SEL_KCODE, 0, 0, EXC_GP,
		  INT40_ERROR },
		{ "INT n, trap gate DPL 0 from CPL 3", 3, SEG_P | SYS_TRAP_GATE32, SEL_KCODE, 0, 0,
		  EXC_GP, INT40_ERROR },
		/* "IF gate not present THEN #NP(vector_number * 8 + 2 + EXT)" */
		{ "INT n, gate not present", 3, NP(INTGATE) | DPL(3), SEL_KCODE, 0, 0, EXC_NP,
		  INT40_ERROR },
		/* "IF vector_number * 8 + 7 is not within IDT limits THEN
		 * #GP(vector_number * 8 + 2 + EXT)" */
		{ "INT n beyond the IDT limit", 0, INTGATE, SEL_KCODE, 0, 0x40 * 8 + 6, EXC_GP,
		  INT40_ERROR },
		/* "IF descriptor type is not an interrupt, trap, or task gate THEN
		 * #GP(vector_number * 8 + 2 + EXT)" */
		{ "INT n, call gate in the IDT", 0, SEG_P | SYS_CALL_GATE32, SEL_KCODE, 0, 0, EXC_GP,
		  INT40_ERROR },
		/* "IF new code segment selector is NULL THEN #GP(EXT)" */
		{ "INT n, gate with a null selector", 0, INTGATE, 0, 0, 0, EXC_GP, 0 },
		/* "IF new code segment is not a code segment or new code segment DPL
		 * > CPL THEN #GP(selector + EXT)" */
		{ "INT n, gate to a data segment", 0, INTGATE, SEL_KDATA, 0, 0, EXC_GP, SEL_KDATA },
		{ "INT n from CPL 0, gate to DPL 3 code", 0, INTGATE, SEL_UCODE, 0, 0, EXC_GP,
		  SEL_UCODE & ~3 },
		/* "IF new code segment is not present THEN #NP(selector + EXT)" */
		{ "INT n, gate to a not-present code segment", 0, INTGATE, SEL_T,
		  NP(A_CODE | A_FLAT), 0, EXC_NP, SEL_T },
	};

	return cr_make_param_array(struct int_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct int_case *t, protect_int, int_n_checks)
{
	test_case = t->what;
	if (t->code_attr)
		put_desc(GDT_ENTRY(SEL_T), 0, 0xfffff, t->code_attr);
	put_gate(IDT_ENTRY(0x40), t->gate_sel, HANDLER(0x40), t->gate_attr, 0);
	code_in_ring(t->cpl, "go: int $0x40\n hlt");
	if (t->idt_limit)
		cpu->idtr.limit = t->idt_limit;
	expect_far_outcome(t->what, t->cpl, t->vector, t->error, 0, 0);
}

/* 6.13: "EXT ... set to 1 when the exception occurred during delivery of an
 * event external to the program, such as an interrupt or an earlier
 * exception".  #UD (benign) then #NP (contributory) is not a double fault:
 * the #NP is handled (table 6-5). */
Test(protect_int, exception_error_code_has_ext)
{
	put_gate(IDT_ENTRY(EXC_UD), SEL_KCODE, HANDLER(EXC_UD), NP(INTGATE), 0);
	asm_at(CODE, "nop\n fault: ud2\n hlt");
	expect_fault(EXC_NP, EXC_UD * 8 + 2 + 1, asm_label("fault"));
}

/* Table 6-5: a contributory exception (#NP) while delivering a
 * contributory one (#GP) is a double fault, error code 0 (6.15, #DF). */
Test(protect_int, contributory_twice_is_double_fault)
{
	put_gate(IDT_ENTRY(EXC_GP), SEL_KCODE, HANDLER(EXC_GP), NP(INTGATE), 0);
	asm_at(CODE, "mov $0x200, %ax\n mov %ax, %ds\n hlt");
	cr_assert_eq(run_to_handler(), EXC_DF, "expected #DF, stopped at %#x", cpu->eip);
	cr_expect_eq(stack_dword(0), 0, "#DF error code %#x", stack_dword(0));
}

/* 6.15, #DF: "If another exception occurs while attempting to call the
 * double-fault handler, the processor enters shutdown mode." */
Test(protect_int, triple_fault_shuts_down)
{
	put_gate(IDT_ENTRY(EXC_GP), SEL_KCODE, HANDLER(EXC_GP), NP(INTGATE), 0);
	put_gate(IDT_ENTRY(EXC_DF), SEL_KCODE, HANDLER(EXC_DF), NP(INTGATE), 0);
	asm_at(CODE, "mov $0x200, %ax\n mov %ax, %ds\n hlt");
	cr_expect_eq(cpu_run(cpu, 1000), STOP_SHUTDOWN);
}

/* 17.3.1.1 (and 6.5): the EFLAGS image pushed for a fault has RF set, so
 * that the handler's IRET does not hit an instruction breakpoint again. */
Test(protect_int, fault_pushes_rf)
{
	asm_at(CODE, "mov $0x200, %ax\n fault: mov %ax, %ds\n hlt");
	expect_fault(EXC_GP, 0x200, asm_label("fault"));
	cr_expect(frame_at(1).eflags & FL_RF, "pushed EFLAGS %#x: RF clear", frame_at(1).eflags);
	cr_expect_eq(cpu_get_eflags(cpu) & FL_RF, 0, "RF set in the handler");
}

/* ===================================================================
 * 5. LAR, LSL, VERR, VERW (SDM Vol. 2A LAR, LSL; Vol. 2B VERR/VERW, with
 * table 3-57 of the system types each accepts) and ARPL.
 */

TestSuite(protect_probe, .init = machine_setup, .fini = machine_teardown);

struct probe_case {
	char what[72];
	unsigned cpl;
	uint16_t sel;
	uint32_t attr, limit;  /* the descriptor at SEL_T, or in the LDT for TI = 1 */
	bool lar_ok;
	uint32_t lar;          /* the access rights, masked by 00F0FF00H */
	bool lsl_ok;
	uint32_t lsl;
	bool verr, verw;
};

#define DATA3 (A_DATA | DPL(3))
/* The expected results, in the order of struct probe_case. */
#define LAR(v)    true, v
#define LSL(v)    true, v
#define NO_LSL    false, 0
#define READ      true, false
#define READ_WRITE true, true
#define NEITHER   false, false
#define INVISIBLE false, 0, false, 0, false, false

ParameterizedTestParameters(protect_probe, lar_lsl_verr_verw)
{
	/* LAR: the second dword AND 00FxFF00H (bits 19:16 undefined);
	 * LSL: the byte-granular limit.  Both, VERR and VERW: ZF = 0 for a null
	 * selector, one outside its table, an invalid type, or (unless conforming
	 * code) DPL < CPL or DPL < RPL.  The P bit is not checked. */
	static struct probe_case cases[] = {
		{ "data DPL 3 at CPL 3", 3, SEL_T | 3, DATA3 | A_FLAT, 0xfffff,
		  LAR(0x00c0f200), LSL(0xffffffff), READ_WRITE },
		{ "data DPL 0 at CPL 3", 3, SEL_T | 3, A_DATA, 0xfff, INVISIBLE },
		{ "data DPL 0, RPL 3, at CPL 0", 0, SEL_T | 3, A_DATA, 0xfff, INVISIBLE },
		{ "data DPL 2, RPL 2, at CPL 0", 0, SEL_T | 2, A_DATA | DPL(2), 0x12345,
		  LAR(0x0000d200), LSL(0x12345), READ_WRITE },
		{ "data read-only", 3, SEL_T | 3, SEG_P | SEG_S | DPL(3), 0xfff,
		  LAR(0x0000f000), LSL(0xfff), READ },
		{ "data not present", 3, SEL_T | 3, NP(DATA3), 0xffe,
		  LAR(0x00007200), LSL(0xffe), READ_WRITE },
		{ "data with G = 1", 0, SEL_T, A_DATA | SEG_G, 1,
		  LAR(0x00809200), LSL(0x1fff), READ_WRITE },
		{ "code execute-only", 3, SEL_T | 3, SEG_P | SEG_S | SEG_TYPE_CODE | DPL(3), 0xffd,
		  LAR(0x0000f800), LSL(0xffd), NEITHER },
		{ "code readable", 3, SEL_T | 3, A_CODE | DPL(3), 0xffc,
		  LAR(0x0000fa00), LSL(0xffc), READ },
		{ "conforming readable code DPL 0 at CPL 3", 3, SEL_T | 3, A_CODE | CONF, 0xffb,
		  LAR(0x00009e00), LSL(0xffb), READ },
		{ "conforming execute-only code DPL 0 at CPL 3", 3, SEL_T | 3, SEG_P | SEG_S | CONF,
		  0xffa, LAR(0x00009c00), LSL(0xffa), NEITHER },
		{ "non-conforming code DPL 0 at CPL 3", 3, SEL_T | 3, A_CODE, 0xfff, INVISIBLE },
		{ "available 32-bit TSS at CPL 0", 0, SEL_T, SEG_P | SYS_TSS32_AVAIL, 0x67,
		  LAR(0x00008900), LSL(0x67), NEITHER },
		{ "available 32-bit TSS DPL 0 at CPL 3", 3, SEL_T | 3, SEG_P | SYS_TSS32_AVAIL, 0x67,
		  INVISIBLE },
		{ "busy 32-bit TSS", 3, SEL_T | 3, SEG_P | SYS_TSS32_BUSY | DPL(3), 0x68,
		  LAR(0x0000eb00), LSL(0x68), NEITHER },
		{ "available 16-bit TSS", 3, SEL_T | 3, SEG_P | SYS_TSS16_AVAIL | DPL(3), 0x2b,
		  LAR(0x0000e100), LSL(0x2b), NEITHER },
		{ "busy 16-bit TSS", 3, SEL_T | 3, SEG_P | SYS_TSS16_BUSY | DPL(3), 0x2c,
		  LAR(0x0000e300), LSL(0x2c), NEITHER },
		{ "LDT", 3, SEL_T | 3, SEG_P | SYS_LDT | DPL(3), 0x17,
		  LAR(0x0000e200), LSL(0x17), NEITHER },
		{ "32-bit call gate", 3, SEL_T | 3, SEG_P | SYS_CALL_GATE32 | DPL(3), 0,
		  LAR(0x0000ec00), NO_LSL, NEITHER },
		{ "16-bit call gate", 3, SEL_T | 3, SEG_P | SYS_CALL_GATE16 | DPL(3), 0,
		  LAR(0x0000e400), NO_LSL, NEITHER },
		{ "task gate", 3, SEL_T | 3, SEG_P | SYS_TASK_GATE | DPL(3), 0,
		  LAR(0x0000e500), NO_LSL, NEITHER },
		{ "32-bit interrupt gate", 3, SEL_T | 3, SEG_P | SYS_INT_GATE32 | DPL(3), 0, INVISIBLE },
		{ "32-bit trap gate", 3, SEL_T | 3, SEG_P | SYS_TRAP_GATE32 | DPL(3), 0, INVISIBLE },
		{ "16-bit interrupt gate", 3, SEL_T | 3, SEG_P | SYS_INT_GATE16 | DPL(3), 0, INVISIBLE },
		{ "reserved system type 0", 3, SEL_T | 3, SEG_P | DPL(3), 0xfff, INVISIBLE },
		{ "reserved system type 8", 3, SEL_T | 3, SEG_P | 0x8 | DPL(3), 0xfff, INVISIBLE },
		{ "reserved system type 10", 3, SEL_T | 3, SEG_P | 0xa | DPL(3), 0xfff, INVISIBLE },
		{ "reserved system type 13", 3, SEL_T | 3, SEG_P | 0xd | DPL(3), 0xfff, INVISIBLE },
		{ "null selector", 0, 0, 0, 0, INVISIBLE },
		{ "null selector, RPL 3", 3, 3, 0, 0, INVISIBLE },
		{ "selector beyond the GDT limit", 0, 0x200, 0, 0, INVISIBLE },
		{ "LDT selector, data DPL 3 in the LDT", 3, 0x0f, DATA3 | A_FLAT, 0xfffff,
		  LAR(0x00c0f200), LSL(0xffffffff), READ_WRITE },
		{ "LDT selector beyond the LDT limit", 3, 0x1f, DATA3 | A_FLAT, 0xfffff, INVISIBLE },
	};

	return cr_make_param_array(struct probe_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct probe_case *t, protect_probe, lar_lsl_verr_verw)
{
	uint32_t zf;  /* ZF of LAR, LSL, VERR, VERW: one byte each */

	test_case = t->what;
	/* An LDT of two entries, loaded by the kernel first; entry 1 = 0x0c. */
	put_desc(GDT_ENTRY(SEL_T2), LDT_BASE, 0xf, SEG_P | SYS_LDT);
	put_desc((t->sel & 4) ? LDT_BASE + 8 : GDT_ENTRY(SEL_T), 0, t->limit, t->attr);
	asm_at(CODE, "mov $0x38, %ax\n lldt %ax\n hlt");
	cr_assert_eq(run_to_handler(), -1);
	asm_at(t->cpl == 3 ? USER_CODE : CODE + 0x100,
	       "mov $0xdeadbeef, %ebx\n lar %ax, %ebx\n setz DATA\n mov %ebx, DATA + 4\n"
	       "mov $0xdeadbeef, %ebx\n lsl %ax, %ebx\n setz DATA + 1\n mov %ebx, DATA + 8\n"
	       "verr %ax\n setz DATA + 2\n verw %ax\n setz DATA + 3\n int $VEC_DONE");
	if (t->cpl == 3)
		enter_ring3(USER_CODE, USER_STACK);
	else
		cpu->eip = CODE + 0x100;
	cpu->regs[R_EAX] = t->sel;
	run_to_done(t->what);
	zf = get32(DATA);
	cr_expect_eq(zf & 0xff, t->lar_ok, "%s: LAR ZF %u", t->what, zf & 0xff);
	cr_expect_eq(get32(DATA + 4) & (t->lar_ok ? 0x00f0ff00u : ~0u),
		     t->lar_ok ? t->lar : 0xdeadbeef, "%s: LAR gave %#x", t->what, get32(DATA + 4));
	cr_expect_eq((zf >> 8) & 0xff, t->lsl_ok, "%s: LSL ZF %u", t->what, (zf >> 8) & 0xff);
	cr_expect_eq(get32(DATA + 8), t->lsl_ok ? t->lsl : 0xdeadbeef, "%s: LSL gave %#x",
		     t->what, get32(DATA + 8));
	cr_expect_eq((zf >> 16) & 0xff, t->verr, "%s: VERR ZF %u", t->what, (zf >> 16) & 0xff);
	cr_expect_eq(zf >> 24, t->verw, "%s: VERW ZF %u", t->what, zf >> 24);
}

/* ARPL: "IF DEST[RPL] < SRC[RPL] THEN ZF := 1; DEST[RPL] := SRC[RPL];
 * ELSE ZF := 0" -- register and memory destinations. */
Test(protect_probe, arpl)
{
	static const struct { uint16_t dst, src, result; bool zf; } cases[] = {
		{ 0x0010, 0x0003, 0x0013, true },
		{ 0x001b, 0x0001, 0x001b, false },
		{ 0x0022, 0x1232, 0x0022, false },
		{ 0xfff9, 0x0002, 0xfffa, true },
	};

	asm_at(CODE, "arpl %bx, %ax\n setz DATA\n arpl %bx, DATA + 4\n setz DATA + 1\n hlt");
	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		cpu->eip = CODE;
		cpu->regs[R_EAX] = 0xabcd0000u | cases[k].dst;
		cpu->regs[R_EBX] = cases[k].src;
		put32(DATA, 0);
		put32(DATA + 4, 0x55550000u | cases[k].dst);
		cr_assert_eq(run_to_handler(), -1);
		cr_expect_eq(cpu->regs[R_EAX], 0xabcd0000u | cases[k].result,
			     "ARPL %#x, %#x: AX %#x", cases[k].dst, cases[k].src, cpu->regs[R_EAX]);
		cr_expect_eq(get32(DATA + 4), 0x55550000u | cases[k].result,
			     "ARPL [mem] %#x, %#x: %#x", cases[k].dst, cases[k].src, get32(DATA + 4));
		cr_expect_eq(get32(DATA), cases[k].zf ? 0x0101u : 0,
			     "ARPL %#x, %#x: ZF (register, memory) = %#x", cases[k].dst,
			     cases[k].src, get32(DATA));
	}
}

/* ===================================================================
 * 6. SYSENTER/SYSEXIT (SDM Vol. 2B) and MSRs (Vol. 2B RDMSR/WRMSR; Vol. 3A
 * 11.12.2 for the PAT).
 */

TestSuite(protect_msr, .init = machine_setup, .fini = machine_teardown);

#define SYSENTER_STACK 0x7800u

/*
 * SYSENTER: CS := SYSENTER_CS & FFFCH, SS := CS + 8, both flat, CPL 0,
 * EIP := SYSENTER_EIP, ESP := SYSENTER_ESP, VM, IF, RF cleared.  SYSEXIT:
 * CS := (SYSENTER_CS + 16) | 3, SS := (SYSENTER_CS + 24) | 3, EIP := EDX,
 * ESP := ECX, CPL 3.
 */
Test(protect_msr, sysenter_sysexit_round_trip)
{
	struct frame f;
	char src[256];

	snprintf(src, sizeof(src),
		 "mov $0x174, %%ecx\n mov $SEL_KCODE, %%eax\n xor %%edx, %%edx\n wrmsr\n"
		 "mov $0x175, %%ecx\n mov $%#x, %%eax\n wrmsr\n"
		 "mov $0x176, %%ecx\n mov $entry, %%eax\n wrmsr\n hlt\n"
		 "entry: mov %%cs, DATA\n mov %%ss, DATA + 4\n mov %%esp, DATA + 8\n"
		 "pushf\n popl DATA + 12\n sysexit", SYSENTER_STACK);
	asm_at(CODE, src);
	cr_assert_eq(run_to_handler(), -1);
	asm_at(USER_CODE, "mov $back, %edx\n mov %esp, %ecx\n sysenter\n back: int $VEC_DONE");
	enter_ring3(USER_CODE, USER_STACK);
	cpu_set_eflags(cpu, FL_IF, FL_IF);
	f = run_to_done("SYSENTER, SYSEXIT");
	cr_expect_eq(get32(DATA) & 0xffff, SEL_KCODE, "CS after SYSENTER: %#x", get32(DATA));
	cr_expect_eq(get32(DATA + 4) & 0xffff, SEL_KDATA, "SS after SYSENTER: %#x", get32(DATA + 4));
	cr_expect_eq(get32(DATA + 8), SYSENTER_STACK, "ESP after SYSENTER: %#x", get32(DATA + 8));
	cr_expect_eq(get32(DATA + 12) & FL_IF, 0, "IF still set after SYSENTER");
	cr_expect_eq(f.eip, asm_label("back") + 2, "SYSEXIT did not return to EDX");
	cr_expect_eq(f.cs, SEL_UCODE, "CS after SYSEXIT: %#x", f.cs);
	cr_expect_eq(f.ss, SEL_UDATA, "SS after SYSEXIT: %#x", f.ss);
	cr_expect_eq(f.esp, USER_STACK, "ESP after SYSEXIT: %#x", f.esp);
}

/* SYSENTER: "IF SYSENTER_CS_MSR[15:2] = 0 THEN #GP(0)" (the reset value). */
Test(protect_msr, sysenter_without_cs_is_gp)
{
	uint32_t at = code_in_ring(3, "sysenter\n hlt");

	expect_fault(EXC_GP, 0, at);
	expect_user_state_kept("SYSENTER", at, USER_STACK);
}

/* SYSEXIT: "IF SYSENTER_CS_MSR[15:2] = 0 or CR0.PE = 0 or CPL != 0 THEN
 * #GP(0)". */
Test(protect_msr, sysexit_from_ring3_is_gp)
{
	uint32_t at;

	cr_assert(msr_write(cpu, MSR_SYSENTER_CS, SEL_KCODE));
	at = code_in_ring(3, "sysexit\n hlt");
	expect_fault(EXC_GP, 0, at);
}

/* RDMSR: "#GP(0) if ECX specifies a reserved or unimplemented MSR address"
 * and "if the current privilege level is not 0". */
Test(protect_msr, rdmsr_unknown_is_gp)
{
	asm_at(CODE, "mov $0x12345678, %ecx\n mov $1, %eax\n mov $2, %edx\n fault: rdmsr\n hlt");
	expect_fault(EXC_GP, 0, asm_label("fault"));
	cr_expect_eq(cpu->regs[R_EAX], 1, "EAX changed by a faulting RDMSR");
	cr_expect_eq(cpu->regs[R_EDX], 2, "EDX changed by a faulting RDMSR");
}

Test(protect_msr, rdmsr_from_ring3_is_gp)
{
	uint32_t at = code_in_ring(3, "rdmsr\n hlt");

	cpu->regs[R_ECX] = MSR_TSC;
	expect_fault(EXC_GP, 0, at);
}

struct pat_case {
	char what[72];
	uint64_t value;
	bool ok;
};

ParameterizedTestParameters(protect_msr, pat)
{
	/* 11.12.2: each PAT entry holds a memory type, 0 (UC), 1 (WC), 4 (WT),
	 * 5 (WP), 6 (WB) or 7 (UC-); "attempting to write an undefined memory
	 * type encoding into the PAT causes a #GP", and so do the entries'
	 * reserved bits 7:3. */
	static struct pat_case cases[] = {
		{ "WC in PA1", 0x0007040600070106ull, true },
		{ "UC- everywhere", 0x0707070707070707ull, true },
		{ "type 2 in PA0", 0x0007040600070402ull, false },
		{ "type 3 in PA7", 0x0307040600070406ull, false },
		{ "reserved bit 3 in PA4", 0x0007040e00070406ull, false },
		{ "reserved bit 7 in PA2", 0x0007040600870406ull, false },
	};

	return cr_make_param_array(struct pat_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct pat_case *t, protect_msr, pat)
{
	const uint64_t power_up = 0x0007040600070406ull;  /* table 11-12 */
	uint64_t now;

	test_case = t->what;
	asm_at(CODE, "mov $0x277, %ecx\n write: wrmsr\n hlt\n read: mov $0x277, %ecx\n rdmsr\n hlt");
	cpu->regs[R_EAX] = (uint32_t)t->value;
	cpu->regs[R_EDX] = (uint32_t)(t->value >> 32);
	if (t->ok)
		cr_assert_eq(run_to_handler(), -1, "%s: WRMSR faulted", t->what);
	else
		expect_fault(EXC_GP, 0, asm_label("write"));
	cpu->eip = asm_label("read");
	cr_assert_eq(run_to_handler(), -1);
	now = (uint64_t)cpu->regs[R_EDX] << 32 | cpu->regs[R_EAX];
	cr_expect_eq(now, t->ok ? t->value : power_up, "%s: PAT reads %#llx", t->what,
		     (unsigned long long)now);
}

/* ===================================================================
 * 7. The interrupt pins (cpu/interrupt.h; SDM Vol. 3A, 6.3, 6.7.1, 6.8.1,
 * 6.8.3, 6.9; Vol. 2B, STI and HLT).
 */

TestSuite(protect_pins, .init = machine_setup, .fini = machine_teardown);

#define IRQ_VECTOR 0x40

/* A fake interrupt controller: one request, acknowledged for IRQ_VECTOR. */
static unsigned acks;

static unsigned fake_ack(void *opaque)
{
	(void)opaque;
	acks++;
	cpu_set_intr(cpu, false);
	return IRQ_VECTOR;
}

static void raise_intr(void)
{
	acks = 0;
	cpu_connect_intr(cpu, fake_ack, NULL);
	cpu_set_intr(cpu, true);
}

/* IF = 0 masks INTR (6.8.1): the code runs to its HLT, nothing is acknowledged,
 * and the HLT has nothing to wake it. */
Test(protect_pins, intr_masked_by_if)
{
	asm_at(CODE, "nop\n nop\n hlt");
	raise_intr();
	cr_expect_eq(cpu_run(cpu, 100), STOP_HALTED);
	cr_expect_eq(cpu->eip, CODE + 3, "stopped at %#x", cpu->eip);
	cr_expect_eq(acks, 0, "INTR acknowledged with IF = 0");
}

/* STI: "interrupts remain inhibited on the instruction boundary following
 * an execution of STI" (6.8.3): with INTR pending, STI; NOP; CLI opens a
 * window of exactly one instruction, and the interrupt is taken in it, with
 * the CLI as the return address. */
Test(protect_pins, sti_window_of_one_instruction)
{
	asm_at(CODE, "sti\n nop\n after: cli\n hlt");
	raise_intr();
	cr_assert_eq(run_to_handler(), IRQ_VECTOR, "the interrupt was not taken (stopped at %#x)",
		     cpu->eip);
	cr_expect_eq(frame_at(0).eip, asm_label("after"), "taken with return address %#x, "
		     "expected the CLI after the one-instruction window", frame_at(0).eip);
	cr_expect_eq(acks, 1);
}

/* STI; HLT: the shadow covers the HLT, which the interrupt then wakes; the
 * return address is past the HLT (Vol. 2A, HLT; 6.8.3). */
Test(protect_pins, sti_hlt_is_woken)
{
	asm_at(CODE, "sti\n hlt\n after: hlt");
	raise_intr();
	cr_assert_eq(run_to_handler(), IRQ_VECTOR, "HLT not woken (stopped at %#x)", cpu->eip);
	cr_expect_eq(frame_at(0).eip, asm_label("after"), "return address %#x", frame_at(0).eip);
}

/* HLT with IF = 1 and nothing pending: cpu_run reports STOP_HALTED (and
 * stays halted when run again); INTR then wakes it: the handler runs and
 * returns past the HLT. */
Test(protect_pins, hlt_woken_by_intr)
{
	put_gate(IDT_ENTRY(IRQ_VECTOR), SEL_KCODE, KHANDLER, INTGATE, 0);
	asm_at(KHANDLER, "incl DATA\n iret");
	asm_at(CODE, "hlt\n mov $1, %ebx\n hlt");
	put32(DATA, 0);
	cpu_set_eflags(cpu, FL_IF, FL_IF);
	cr_expect_eq(cpu_run(cpu, 100), STOP_HALTED);
	cr_expect_eq(cpu->eip, CODE + 1);
	cr_expect_eq(cpu_run(cpu, 100), STOP_HALTED);
	cr_expect_eq(cpu->eip, CODE + 1, "ran on with nothing pending");
	raise_intr();
	cr_expect_eq(cpu_run(cpu, 100), STOP_HALTED);
	cr_expect_eq(cpu->eip, CODE + 7, "stopped at %#x, not at the second HLT", cpu->eip);
	cr_expect_eq(get32(DATA), 1, "the handler ran %u times", get32(DATA));
	cr_expect_eq(cpu->regs[R_EBX], 1);
	cr_expect_eq(acks, 1);
}

/* 6.12.1.1: "the processor checks the DPL of the interrupt or trap gate
 * only if an exception or interrupt is generated with an INT n, INT3, or
 * INTO instruction": an external interrupt enters a DPL 0 gate from ring 3. */
Test(protect_pins, external_interrupt_ignores_gate_dpl)
{
	code_in_ring(3, "1: jmp 1b");
	cpu_set_eflags(cpu, FL_IF, FL_IF);
	raise_intr();
	cr_assert_eq(run_to_handler(), IRQ_VECTOR, "stopped at %#x", cpu->eip);
	cr_expect_eq(frame_at(0).cs, SEL_UCODE);
}

/* An external interrupt through a not-present gate: #NP with the IDT bit
 * and EXT set, vector * 8 + 3 (6.13). */
Test(protect_pins, external_interrupt_not_present_gate)
{
	put_gate(IDT_ENTRY(IRQ_VECTOR), SEL_KCODE, HANDLER(IRQ_VECTOR), NP(INTGATE), 0);
	asm_at(CODE, "nop\n after: nop\n hlt");
	cpu_set_eflags(cpu, FL_IF, FL_IF);
	cpu->eip = asm_label("after");
	raise_intr();
	expect_fault(EXC_NP, IRQ_VECTOR * 8 + 3, asm_label("after"));
}

/* NMI: taken with IF = 0 (6.8.1); "while an NMI interrupt handler is
 * executing, the processor blocks delivery of subsequent NMIs until the
 * next execution of the IRET instruction" (6.7.1).  The handler reports
 * entry (E) and exit (X) on port E9H; a second NMI raised inside it waits
 * for its IRET, before the main code (M) goes on. */
static char nmi_log[16];
static unsigned nmi_log_len;

static void log_port(uint16_t port, uint32_t value)
{
	if (port != 0xe9 || nmi_log_len >= sizeof(nmi_log) - 1)
		return;
	nmi_log[nmi_log_len++] = (char)value;
	if (nmi_log_len == 1)
		cpu_raise_nmi(cpu);
}

Test(protect_pins, nmi_blocked_until_iret)
{
	idt_gate(EXC_NMI, KHANDLER);
	asm_at(KHANDLER, "mov $'E', %al\n out %al, $0xe9\n nop\n nop\n"
			 "mov $'X', %al\n out %al, $0xe9\n iret");
	asm_at(CODE, "nop\n mov $'M', %al\n out %al, $0xe9\n hlt");
	port_out_hook = log_port;
	cpu_raise_nmi(cpu);
	cr_expect_eq(cpu_run(cpu, 1000), STOP_HALTED);
	cr_expect_str_eq(nmi_log, "EXEXM", "port E9H saw \"%s\"", nmi_log);
}

/* ===================================================================
 * 8. Debug: single-step, instruction and data breakpoints (SDM Vol. 3A,
 * 17.2 and 17.3).
 */

TestSuite(protect_debug, .init = machine_setup, .fini = machine_teardown);

/* #DB handler: DR6 into EAX, then stop. */
static void db_handler_reads_dr6(void)
{
	idt_gate(EXC_DB, KHANDLER);
	asm_at(KHANDLER, "mov %dr6, %eax\n hlt");
}

static void expect_db_at(uint32_t eip, uint32_t dr6_bits, const char *what)
{
	cr_assert_eq(run_to_handler(), -1);
	cr_assert_eq(cpu->eip, KHANDLER + 4, "%s: stopped at %#x, not in the #DB handler", what,
		     cpu->eip);
	cr_expect_eq(frame_at(0).eip, eip, "%s: #DB with EIP %#x, expected %#x", what,
		     frame_at(0).eip, eip);
	cr_expect_eq(cpu->regs[R_EAX] & dr6_bits, dr6_bits, "%s: DR6 %#x", what, cpu->regs[R_EAX]);
}

/* 17.3.1.4: with TF set, #DB is a trap after each instruction, with DR6.BS;
 * the handler runs with TF clear (6.12.1.3). */
Test(protect_debug, single_step)
{
	db_handler_reads_dr6();
	asm_at(CODE, "mov $1, %ebx\n next: mov $2, %ecx\n hlt");
	cpu_set_eflags(cpu, FL_TF, FL_TF);
	expect_db_at(asm_label("next"), DR6_BS, "TF");
	cr_expect_eq(cpu->regs[R_EBX], 1, "the instruction did not complete before the trap");
	cr_expect_eq(cpu->regs[R_ECX], 0, "ran past the first instruction");
	cr_expect(frame_at(0).eflags & FL_TF, "pushed EFLAGS without TF");
	cr_expect_eq(cpu_get_eflags(cpu) & FL_TF, 0, "TF set in the handler");
}

/* 17.3.1.4: "if the POPF instruction is used to set the TF flag, a
 * single-step trap does not occur until after the instruction that follows
 * the POPF instruction". */
Test(protect_debug, single_step_after_popf)
{
	db_handler_reads_dr6();
	asm_at(CODE, "pushf\n orl $0x100, (%esp)\n popf\n mov $1, %ebx\n next: mov $2, %ecx\n hlt");
	expect_db_at(asm_label("next"), DR6_BS, "TF by POPF");
	cr_expect_eq(cpu->regs[R_ECX], 0);
}

/* DR0 := the label TARGET of the code at CODE, armed in DR7 as an
 * instruction breakpoint (L0, R/W0 = 00, LEN0 = 00), by the kernel before
 * it runs that code. */
static void arm_instruction_breakpoint(void)
{
	char src[128];

	snprintf(src, sizeof(src), "mov $%#x, %%eax\n mov %%eax, %%dr0\n mov $1, %%eax\n"
		 "mov %%eax, %%dr7\n hlt", asm_label("target"));
	asm_at(STUB, src);
	cpu->eip = STUB;
	cr_assert_eq(run_to_handler(), -1);
	cpu->eip = CODE;
}

/*
 * 17.3.1.1: an instruction breakpoint is a fault, before the instruction,
 * with DR6.B0; the EFLAGS image pushed for it has RF as it was (0).  The
 * handler sets RF in the image and returns: the instruction then runs once,
 * without a second #DB, and RF is clear again after it.
 */
Test(protect_debug, instruction_breakpoint)
{
	idt_gate(EXC_DB, KHANDLER);
	asm_at(KHANDLER, "incl DATA\n mov %dr6, %eax\n mov %eax, DATA + 4\n"
			 "mov 8(%esp), %eax\n mov %eax, DATA + 8\n orl $0x10000, 8(%esp)\n iret");
	asm_at(CODE, "mov $1, %ebx\n target: mov $2, %ecx\n pushf\n pop %edx\n hlt");
	arm_instruction_breakpoint();
	put32(DATA, 0);
	cr_assert_eq(run_to_handler(), -1, "faulted");
	cr_expect_eq(cpu->eip, asm_label("target") + 8, "stopped at %#x", cpu->eip);
	cr_expect_eq(get32(DATA), 1, "#DB delivered %u times", get32(DATA));
	cr_expect(get32(DATA + 4) & 1, "DR6 %#x: B0 clear", get32(DATA + 4));
	cr_expect_eq(get32(DATA + 8) & FL_RF, 0, "pushed EFLAGS %#x: RF set", get32(DATA + 8));
	cr_expect_eq(cpu->regs[R_ECX], 2, "the instruction did not run after the handler");
	cr_expect_eq(cpu->regs[R_EDX] & FL_RF, 0, "RF still set after the instruction");
}

/* A breakpoint armed by MOV DR7 applies from the very next instruction
 * (17.2.4: DR7 enables the breakpoint conditions). */
Test(protect_debug, breakpoint_armed_by_mov_dr7)
{
	db_handler_reads_dr6();
	asm_at(CODE, "mov $target, %eax\n mov %eax, %dr0\n mov $1, %eax\n mov %eax, %dr7\n"
		     "target: mov $2, %ecx\n hlt");
	expect_db_at(asm_label("target"), 0x1, "breakpoint after MOV DR7");
	cr_expect_eq(cpu->regs[R_ECX], 0, "the instruction ran before its breakpoint");
}

/* 17.3.1.2: a data breakpoint is a trap, after the write completed, with
 * DR6.Bn; a read does not match a write-only breakpoint (R/W = 01). */
Test(protect_debug, data_write_breakpoint)
{
	db_handler_reads_dr6();
	/* DR1 = DATA, DR7: L1, R/W1 = 01 (write), LEN1 = 11 (4 bytes). */
	asm_at(CODE, "mov $DATA, %eax\n mov %eax, %dr1\n mov $0x00d00004, %eax\n mov %eax, %dr7\n"
		     "mov DATA, %edx\n movl $5, DATA\n next: mov $1, %ebx\n hlt");
	expect_db_at(asm_label("next"), 0x2, "write breakpoint");
	cr_expect_eq(get32(DATA), 5, "the write did not complete before the trap");
	cr_expect_eq(cpu->regs[R_EBX], 0, "ran past the write");
	cr_expect_eq(cpu->regs[R_EAX] & DR6_BS, 0, "DR6 %#x: BS set", cpu->regs[R_EAX]);
}
