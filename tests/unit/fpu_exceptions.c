/*
 * tests/unit/fpu_exceptions.c - what the host cannot show: how glassvm's
 * x87 meets the rest of the CPU.  CR0.EM, TS and MP (#NM), unmasked
 * exceptions reported at the next waiting instruction (#MF with CR0.NE = 1,
 * FERR# and a frozen CPU with CR0.NE = 0), the unmasked responses that
 * leave the destination alone, faults in the middle of an instruction,
 * the real-mode environment layout, the reset state, CPUID and CR4.
 *
 * The oracle is the SDM: Vol. 3A 2.5 and table 2-2 (CR0), Vol. 1 8.5-8.7
 * (exceptions and how they are reported), and each instruction's page in
 * Vol. 2.  Guest code runs on the machine of machine_harness.h, assembled
 * by the host's GNU as; vector V enters a HLT stub at HANDLER(V).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cpu/cpuid.h"
#include "cpu/fpu.h"
#include "cpu/segment.h"
#include "tests/unit/machine_harness.h"

TestSuite(fpu_exceptions, .init = machine_setup, .fini = machine_teardown);

#define VEC_UD 6
#define VEC_NM 7
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MF 16

/* A program may label one instruction "mark:"; it then first stores the
 * label's address here, so that the test can tell where an exception
 * should point. */
#define MARK_AT (DATA + 0x100)

static uint32_t mark(void)
{
	return get32(MARK_AT);
}

/* Run guest code SRC from CODE. */
static int run(const char *src)
{
	char full[1024];

	snprintf(full, sizeof(full), "%s%s", strstr(src, "mark:") ? "movl $mark, DATA + 0x100\n" : "",
		 src);
	asm_at(CODE, full);
	cpu->eip = CODE;
	return run_to_handler();
}

static long double st(unsigned i)
{
	return fpu_st(&cpu->fpu, i);
}

static uint16_t sw(void)
{
	return cpu->fpu.sw;
}

/* ---- CR0.EM, CR0.TS, CR0.MP: #NM (SDM Vol. 3A, table 2-2) ---- */

Test(fpu_exceptions, em_makes_every_escape_nm_but_not_wait)
{
	cpu->cr0 |= CR0_EM;
	cr_assert_eq(run("fwait\n" "mark: fninit\n hlt"), VEC_NM);
	cr_expect_eq(stack_dword(0), mark(), "#NM must point at the FNINIT, after the FWAIT");
}

Test(fpu_exceptions, ts_makes_escapes_nm_even_undefined_ones)
{
	cpu->cr0 |= CR0_TS;
	/* D9 D8 is a reserved escape: "undefined floating-point opcodes, like
	 * legal ones, cause #NM when TS or EM is set" (SDM Vol. 3, the
	 * architecture compatibility chapter, on the x87). */
	cr_assert_eq(run("mark: .byte 0xd9, 0xd8\n hlt"), VEC_NM);
	cr_expect_eq(stack_dword(0), mark());
	cr_assert_eq(run("mark: fxsave DATA\n hlt"), VEC_NM);
	cr_expect_eq(stack_dword(0), mark());
}

Test(fpu_exceptions, wait_is_nm_only_with_mp_and_ts)
{
	cpu->cr0 |= CR0_TS;
	cr_assert_eq(run("fwait\n hlt"), -1, "TS alone: WAIT runs");
	cpu->cr0 |= CR0_MP;
	cr_assert_eq(run("mark: fwait\n hlt"), VEC_NM);
	cr_expect_eq(stack_dword(0), mark());
	cpu->cr0 &= ~CR0_TS;
	cr_assert_eq(run("fwait\n hlt"), -1, "MP alone: WAIT runs");
}

/* ---- #UD ---- */

Test(fpu_exceptions, undefined_escapes_and_sse3_are_ud)
{
	static const char *const bad[] = {
		".byte 0xd9, 0xd8",        /* D9 /3 with a register: reserved */
		".byte 0xdb, 0xe5",        /* the 287XL's FRSTPM */
		"fisttpl DATA",            /* SSE3, not on a P6 */
		".byte 0x0f, 0xae, 0xc0",  /* FXSAVE needs memory */
		".byte 0xf0\n fadds DATA",
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char src[128];

		snprintf(src, sizeof(src), "fninit\n" "mark: %s\n hlt", bad[k]);
		cr_expect_eq(run(src), VEC_UD, "%s: expected #UD", bad[k]);
		cr_expect_eq(stack_dword(0), mark(), "%s", bad[k]);
	}
}

/* ---- unmasked exceptions: reported at the next waiting instruction ---- */

/* 1 / 0 with ZE unmasked: the FDIV completes without a result (SDM Vol. 1,
 * 8.5.3), the no-wait FNSTSW runs, the FLD1 after it gets #MF. */
static const char divide_by_zero[] =
	"fninit\n movw $0x037b, DATA\n fldcw DATA\n"
	"fldz\n fld1\n"
	"div: fdiv %st(1), %st\n"
	"fnstsw %ax\n"
	"mark: fld1\n hlt";

Test(fpu_exceptions, unmasked_exception_is_mf_at_the_next_waiting_insn)
{
	cpu->cr0 |= CR0_NE;
	cr_assert_eq(run(divide_by_zero), VEC_MF);
	cr_expect_eq(stack_dword(0), mark(), "#MF points at the waiting instruction after the FDIV");
	cr_expect_eq(cpu->fpu.fip, mark() - 4, "FIP %#x: the FDIV (D8 F1), before FNSTSW AX",
		     cpu->fpu.fip);
	cr_expect_eq(cpu->fpu.fop, 0x0f1, "FOP %#x", cpu->fpu.fop);
	cr_expect_eq(cpu->regs[R_EAX] & 0xffff, sw(), "FNSTSW did not wait");
	cr_expect_eq(sw() & (FSW_ZE | FSW_ES | FSW_B), FSW_ZE | FSW_ES | FSW_B, "sw %#x", sw());
	cr_expect_eq(fpu_top(&cpu->fpu), 6, "the FLD1 must not have run");
	cr_expect(st(0) == 1.0L, "an unmasked ZE leaves the destination alone");
	cr_expect(!cpu->fpu.ferr, "native mode: no FERR#");
}

/*
 * CR0.NE = 0: MS-DOS compatibility.  FERR# is asserted when the FDIV
 * completes, and the processor freezes before the FLD1 until an interrupt
 * (IRQ 13) comes; after the handler's FNCLEX the FLD1 runs (SDM Vol. 1,
 * 8.7.2 and appendix D.2).
 */
Test(fpu_exceptions, dos_compatibility_freezes_with_ferr)
{
	cr_assert_eq(cpu->cr0 & CR0_NE, 0);
	cr_assert_eq(run(divide_by_zero), -1, "no #MF with CR0.NE = 0");
	cr_expect_eq(cpu->eip, mark(), "frozen at the FLD1 (%#x), EIP %#x", mark(), cpu->eip);
	cr_expect(cpu->halted);
	cr_expect(cpu->fpu.ferr, "FERR# asserted");
	cr_expect_eq(fpu_top(&cpu->fpu), 6, "the FLD1 has not run");
	/* What the IRQ 13 handler would do: FNCLEX, then back to the FLD1. */
	cpu->fpu.sw &= ~(FSW_EXC | FSW_ES | FSW_B);
	fpu_update_es(cpu);
	cr_expect(!cpu->fpu.ferr, "FERR# drops with ES");
	cr_assert_eq(run_to_handler(), -1);
	cr_expect_eq(fpu_top(&cpu->fpu), 5, "the FLD1 ran");
}

Test(fpu_exceptions, fldcw_unmasking_a_raised_flag_makes_it_pending)
{
	cpu->cr0 |= CR0_NE;
	cr_assert_eq(run("fninit\n fldz\n fldpi\n fdiv %st(1), %st\n"  /* pi / 0: ZE, masked */
			 "movw $0x037b, DATA\n fldcw DATA\n"      /* unmask ZE */
			 "fnstsw DATA + 4\n"
			 "mark: fwait\n hlt"), VEC_MF);
	cr_expect_eq(stack_dword(0), mark());
	cr_expect_eq(get32(DATA + 4) & 0xffff & (FSW_ES | FSW_B), FSW_ES | FSW_B);
}

Test(fpu_exceptions, fnclex_and_fninit_drop_a_pending_exception)
{
	static const char *const clear[] = { "fnclex", "fninit" };

	cpu->cr0 |= CR0_NE;
	for (size_t k = 0; k < 2; k++) {
		char src[512];

		snprintf(src, sizeof(src),
			 "fninit\n movw $0x037b, DATA\n fldcw DATA\n fldz\n fld1\n"
			 "fdiv %%st(1), %%st\n %s\n fwait\n fld1\n hlt", clear[k]);
		cr_expect_eq(run(src), -1, "%s: no #MF expected", clear[k]);
	}
}

/* ---- the unmasked responses (SDM Vol. 1, 8.5) ---- */

Test(fpu_exceptions, unmasked_invalid_leaves_registers_and_top)
{
	/* 1 + SNaN with IE unmasked: FADDP neither writes nor pops.  FLDT
	 * loads the SNaN as it is, without an exception. */
	put32(DATA, 1);
	put32(DATA + 4, 0x80000000);
	put32(DATA + 8, 0x7fff);
	cr_assert_eq(run("fninit\n movw $0x037e, DATA + 16\n fldcw DATA + 16\n"
			 "fld1\n fldt DATA\n faddp\n hlt"), -1);
	cr_expect_eq(fpu_top(&cpu->fpu), 6, "no pop");
	cr_expect(fpu_is_snan(st(0)) && st(1) == 1.0L, "both operands as they were");
	cr_expect_eq(sw() & (FSW_EXC | FSW_ES), FSW_IE | FSW_ES, "sw %#x", sw());
}

Test(fpu_exceptions, unmasked_stack_overflow_changes_nothing)
{
	cr_assert_eq(run("fninit\n movw $0x037e, DATA\n fldcw DATA\n"
			 "fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fldpi\n"
			 "fldz\n hlt"), -1);
	cr_expect_eq(fpu_top(&cpu->fpu), 0);
	cr_expect(st(0) > 3.14L && st(0) < 3.15L, "ST(0) is still pi");
	cr_expect_eq(sw() & (FSW_EXC | FSW_SF | FSW_C1 | FSW_ES),
		     FSW_IE | FSW_SF | FSW_C1 | FSW_ES, "IE, SF, C1 = 1 (overflow): sw %#x", sw());
}

/* OE unmasked, memory destination: nothing stored, no pop (SDM 8.5.4). */
Test(fpu_exceptions, unmasked_overflow_does_not_store)
{
	put32(DATA + 0x10, 0x12345678);
	cr_assert_eq(run("fninit\n movw $0x0377, DATA\n fldcw DATA\n"
			 "fld1\n fld1\n fscale\n"                   /* 2 */
			 "movl $0x7fe00000, DATA + 4\n movl $0, DATA\n"
			 "fmull DATA\n"                             /* 2 * 2^1023: fits */
			 "fstps DATA + 0x10\n hlt"), -1);
	cr_expect_eq(get32(DATA + 0x10), 0x12345678, "memory unchanged");
	cr_expect_eq(fpu_top(&cpu->fpu), 6, "no pop");
	cr_expect_eq(sw() & (FSW_OE | FSW_ES), FSW_OE | FSW_ES, "sw %#x", sw());
}

/* OE and UE unmasked, register destination: the result is stored with its
 * exponent adjusted by 2^-24576 or 2^24576, as a handler expects (SDM
 * 8.5.4 and 8.5.5). */
Test(fpu_exceptions, unmasked_overflow_and_underflow_rescale)
{
	/* 2^16000 squared is 2^32000: stored as 2^(32000 - 24576). */
	cr_assert_eq(run("fninit\n movw $0x0377, DATA\n fldcw DATA\n"
			 "movl $16000, DATA + 4\n fildl DATA + 4\n fld1\n fscale\n fstp %st(1)\n"
			 "fmul %st(0), %st\n hlt"), -1);
	cr_expect(st(0) == 0x1p7424L, "2^7424 expected");
	cr_expect_eq(sw() & (FSW_OE | FSW_PE | FSW_ES), FSW_OE | FSW_ES, "sw %#x", sw());
	/* 2^-16000 squared is 2^-32000: stored as 2^(-32000 + 24576). */
	cr_assert_eq(run("fninit\n movw $0x036f, DATA\n fldcw DATA\n"
			 "movl $-16000, DATA + 4\n fildl DATA + 4\n fld1\n fscale\n fstp %st(1)\n"
			 "fmul %st(0), %st\n hlt"), -1);
	cr_expect(st(0) == 0x1p-7424L, "2^-7424 expected");
	cr_expect_eq(sw() & (FSW_UE | FSW_ES), FSW_UE | FSW_ES, "sw %#x", sw());
}

/* DE unmasked: the operation does not happen, and no PE or UE besides
 * (SDM 8.5.2). */
Test(fpu_exceptions, unmasked_denormal_stops_before_the_result)
{
	put32(DATA, 1);  /* the smallest single denormal */
	cr_assert_eq(run("fninit\n movw $0x037d, DATA + 8\n fldcw DATA + 8\n"
			 "fldpi\n fadds DATA\n hlt"), -1);
	cr_expect(st(0) > 3.14L && st(0) < 3.15L, "ST(0) is still pi");
	cr_expect_eq(sw() & (FSW_EXC | FSW_ES), FSW_DE | FSW_ES, "sw %#x", sw());
}

/* PE unmasked: the result is delivered, and the exception is pending. */
Test(fpu_exceptions, unmasked_precision_delivers_the_result)
{
	cr_assert_eq(run("fninit\n movw $0x035f, DATA\n fldcw DATA\n"
			 "fld1\n fldpi\n fdivr %st(1), %st\n hlt"), -1);
	cr_expect(st(0) > 0.318L && st(0) < 0.319L, "1/pi");
	cr_expect_eq(fpu_top(&cpu->fpu), 6);
	cr_expect_eq(sw() & (FSW_PE | FSW_ES), FSW_PE | FSW_ES, "sw %#x", sw());
}

/* ---- faults in the middle: nothing has changed (restartable) ---- */

Test(fpu_exceptions, faulting_stores_change_nothing)
{
	static const char *const stores[] = {
		"fstpl HOLE_PAGE - 4",      /* the second half is on the missing page */
		"fistpll HOLE_PAGE - 4",
		"fstpt HOLE_PAGE - 8",
		"fbstp HOLE_PAGE - 2",
		"fnsave HOLE_PAGE - 100",   /* would also FNINIT */
		"fxsave HOLE_PAGE - 256",
		"fnstenv HOLE_PAGE - 20",   /* would also mask everything */
	};

	paging_identity(HOLE_PAGE);
	cpu->cr3 = PAGE_DIR;
	cpu->cr0 |= CR0_PG;
	for (size_t k = 0; k < sizeof(stores) / sizeof(stores[0]); k++) {
		char src[256];

		for (uint32_t a = HOLE_PAGE - 256; a < HOLE_PAGE; a += 4)
			put32(a, 0xdeadbeef);
		snprintf(src, sizeof(src), "fninit\n fld1\n fldpi\n" "mark: %s\n hlt", stores[k]);
		cr_expect_eq(run(src), VEC_PF, "%s: expected #PF", stores[k]);
		cr_expect_eq(stack_dword(1), mark(), "%s: #PF at the store", stores[k]);
		cr_expect_eq(fpu_top(&cpu->fpu), 6, "%s: no pop", stores[k]);
		cr_expect_eq(cpu->fpu.cw, FCW_INIT, "%s: control word untouched", stores[k]);
		cr_expect(st(0) > 3.14L && st(0) < 3.15L && st(1) == 1.0L, "%s: registers", stores[k]);
		for (uint32_t a = HOLE_PAGE - 256; a < HOLE_PAGE; a += 4)
			cr_expect_eq(get32(a), 0xdeadbeef, "%s: wrote %#x", stores[k], a);
	}
}

Test(fpu_exceptions, faulting_loads_change_nothing)
{
	static const char *const loads[] = {
		"frstor HOLE_PAGE - 100", "fldenv HOLE_PAGE - 20", "fxrstor HOLE_PAGE - 128",
		"fldt HOLE_PAGE - 8", "fbld HOLE_PAGE - 2", "faddl HOLE_PAGE - 4",
	};

	paging_identity(HOLE_PAGE);
	cpu->cr3 = PAGE_DIR;
	cpu->cr0 |= CR0_PG;
	for (size_t k = 0; k < sizeof(loads) / sizeof(loads[0]); k++) {
		char src[256];

		snprintf(src, sizeof(src), "fninit\n fld1\n fldpi\n" "mark: %s\n hlt", loads[k]);
		cr_expect_eq(run(src), VEC_PF, "%s: expected #PF", loads[k]);
		cr_expect_eq(fpu_top(&cpu->fpu), 6, "%s", loads[k]);
		cr_expect_eq(cpu->fpu.cw, FCW_INIT, "%s", loads[k]);
		cr_expect(st(0) > 3.14L && st(0) < 3.15L && st(1) == 1.0L, "%s", loads[k]);
	}
}

Test(fpu_exceptions, fxsave_needs_16_byte_alignment)
{
	cr_assert_eq(run("mark: fxsave DATA + 8\n hlt"), VEC_GP);
	cr_expect_eq(stack_dword(0), 0, "#GP(0)");
	cr_expect_eq(stack_dword(1), mark());
	cr_assert_eq(run("mark: fxrstor DATA + 4\n hlt"), VEC_GP);
}

/* ---- what the FPU remembers about the last instruction (SDM Vol. 1, 8.1.8-8.1.9) ---- */

Test(fpu_exceptions, pointers_and_opcode)
{
	cr_assert_eq(run("fninit\n fld1\n"
			 "mark: .byte 0x66, 0x26\n fstps 8(%ebx)\n"   /* prefixes, disp8 */
			 "fnstcw DATA\n fwait\n hlt"), -1);  /* control: no update */
	cr_expect_eq(cpu->fpu.fip, mark(), "FIP includes the prefixes");
	cr_expect_eq(cpu->fpu.fcs, SEL_KCODE);
	cr_expect_eq(cpu->fpu.fop, 0x15b, "FOP %#x: D9 5B (mod 01, reg 3, rm 3)", cpu->fpu.fop);
	cr_expect_eq(cpu->fpu.fdp, cpu->regs[R_EBX] + 8);
	cr_expect_eq(cpu->fpu.fds, SEL_KDATA, "ES:");
}

/* ---- the real-address-mode environment (SDM Vol. 1, figure 8-10) ---- */

Test(fpu_exceptions, real_mode_environment_has_linear_pointers)
{
	/* Big real mode: PE clear, CS base = selector * 16, 32-bit code. */
	asm_at(CODE, "fninit\n fld1\n fstps 0x1234(%ebx)\n fnstenv DATA + 0x40\n hlt");
	cpu->cr0 &= ~CR0_PE;
	seg_set_cache(cpu, S_CS, CODE >> 4, CODE, 0xffffffffu, cpu->seg[S_CS].attr);
	seg_set_cache(cpu, S_DS, 0, 0, 0xffffffffu, cpu->seg[S_DS].attr);
	cpu->eip = 0;
	cpu->regs[R_EBX] = 0x21000;
	cr_assert_eq(run_to_handler(), -1);
	/* The FSTPS, at offset 4: D9 9B (mod 10, reg 3, rm 3) and a disp32. */
	cr_expect_eq(get32(DATA + 0x40 + 12) & 0xffff, (CODE + 4) & 0xffff, "IP 15..0");
	cr_expect_eq(get32(DATA + 0x40 + 16), ((CODE + 4) >> 16) << 12 | 0x19b,
		     "IP 31..16 in bits 27..12, then the opcode: %#x", get32(DATA + 0x40 + 16));
	cr_expect_eq(get32(DATA + 0x40 + 20) & 0xffff, 0x2234, "DP 15..0");
	cr_expect_eq(get32(DATA + 0x40 + 24), 0x2 << 12, "DP 31..16");
	/* ...and FLDENV reads the same layout back. */
	cpu->fpu.fip = cpu->fpu.fdp = 0;
	cpu->fpu.fop = 0;
	asm_at(CODE, "fldenv DATA + 0x40\n hlt");
	cpu->eip = 0;
	cr_assert_eq(run_to_handler(), -1);
	cr_expect_eq(cpu->fpu.fip, CODE + 4);
	cr_expect_eq(cpu->fpu.fdp, 0x22234);
	cr_expect_eq(cpu->fpu.fop, 0x19b);
}

/* ---- state that does not come from an instruction ---- */

/* After RESET (SDM Vol. 3A, table 9-1): FCW 0040H, FSW 0, FTW 5555H: every
 * register +0.0, tagged zero. */
Test(fpu_exceptions, reset_state)
{
	cpu_reset(cpu);
	cr_expect_eq(cpu->fpu.cw, 0x0040);
	cr_expect_eq(cpu->fpu.sw, 0);
	cr_expect_eq(fpu_tag_word(&cpu->fpu), 0x5555);
	for (unsigned k = 0; k < 8; k++)
		cr_expect(st(k) == 0.0L && !fpu_sign(st(k)));
}

Test(fpu_exceptions, cpuid_reports_fpu_and_fxsr)
{
	struct cpuid_regs r = cpuid_query(1, 0);

	cr_expect(r.edx & 1, "FPU");
	cr_expect(r.edx & (1u << 24), "FXSR");
	cr_assert_eq(run("mov %cr4, %eax\n or $0x200, %eax\n mov %eax, %cr4\n hlt"), -1,
		     "CR4.OSFXSR is writable");
	cr_expect(cpu->cr4 & 0x200);
}

/* Nothing a guest loads may hurt the emulator: garbage tags and registers
 * (pseudo-NaNs, unnormals, all ones) go through FRSTOR and arithmetic. */
Test(fpu_exceptions, garbage_state_is_harmless)
{
	for (uint32_t a = DATA; a < DATA + 108; a += 4)
		put32(a, 0xffffffffu - a);
	put32(DATA, 0xffff037f);  /* everything masked, so the host never traps */
	cr_assert_eq(run("frstor DATA\n fadd %st(3), %st\n fsqrt\n fsin\n fxtract\n"
			 "fbstp DATA + 0x200\n fistpll DATA + 0x210\n fscale\n fprem\n"
			 "fxam\n fnsave DATA + 0x300\n hlt"), -1, "ran to the end");
	cr_expect_eq(get32(DATA + 0x300) & 0xffff, 0x037f, "FNSAVE stored the loaded FCW");
	cr_expect_eq(cpu->fpu.cw, FCW_INIT, "and then initialised the FPU");
}
