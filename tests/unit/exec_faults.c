/*
 * tests/unit/exec_faults.c - faults as a guest sees them, on a real glassvm
 * CPU: the exception is delivered through the IDT, with the architectural
 * frame on the stack, and the faulting instruction can be restarted.
 *
 * The oracle is the SDM (Vol. 3A, chapter 6, "Interrupt and exception
 * handling", and the #PF rules of chapter 4): a fault reports the address
 * of the instruction that caused it, and the instruction has changed
 * nothing, so that the handler can fix the cause and return to it.
 *
 * The machine is tests/unit/machine_harness.h's: flat 32-bit protected
 * mode, a GDT with kernel and user segments and a TSS, an IDT whose vector V
 * enters a handler stub at HANDLER(V).  Most stubs are just HLT, so the
 * test can tell from EIP which vector was delivered.
 */
#include <criterion/criterion.h>

#include "tests/unit/machine_harness.h"

TestSuite(exec_faults, .init = machine_setup, .fini = machine_teardown);

/* The frame a same-privilege fault pushes without an error code:
 * EIP, CS, EFLAGS (SDM Vol. 3A, figure 6-4). */
static void expect_frame(uint32_t esp_before, uint32_t fault_eip)
{
	cr_expect_eq(cpu->regs[R_ESP], esp_before - 12, "ESP %#x: expected a 3-dword frame below %#x",
		     cpu->regs[R_ESP], esp_before);
	cr_expect_eq(get32(esp_before - 12), fault_eip, "pushed EIP %#x, expected %#x (the faulting"
		     " instruction)", get32(esp_before - 12), fault_eip);
	cr_expect_eq(get32(esp_before - 8) & 0xffff, SEL_KCODE);
}

/* ---- #DE: reported at the DIV, which can be restarted ---- */

Test(exec_faults, divide_error_points_at_div)
{
	static const uint8_t code[] = { 0xf7, 0xf1, 0xf4 };  /* div ecx; hlt */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EAX] = 0x1234;
	cpu->regs[R_EDX] = 0x5678;
	cpu->regs[R_ECX] = 0;
	cr_assert_eq(run_to_handler(), 0, "expected #DE, stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE);
	/* A fault changes nothing: the dividend is still there. */
	cr_expect_eq(cpu->regs[R_EAX], 0x1234);
	cr_expect_eq(cpu->regs[R_EDX], 0x5678);
}

/* The other #DE condition: a quotient too large for the destination. */
Test(exec_faults, divide_error_quotient_too_large)
{
	static const uint8_t code[] = { 0x90, 0xf6, 0xf3, 0xf4 };  /* nop; div bl; hlt */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EAX] = 0x1000;  /* 0x1000 / 0x10 = 0x100 does not fit AL */
	cpu->regs[R_EBX] = 0x10;
	cr_assert_eq(run_to_handler(), 0, "expected #DE, stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE + 1);
	cr_expect_eq(cpu->regs[R_EAX], 0x1000);
}

Test(exec_faults, divide_error_is_restartable)
{
	/* The #DE handler counts, fixes the divisor and returns to the DIV:
	 *   inc dword [DATA]; mov ecx, 2; iret */
	static const uint8_t handler[] = {
		0xff, 0x05, DATA & 0xff, (DATA >> 8) & 0xff, DATA >> 16, 0,
		0xb9, 0x02, 0x00, 0x00, 0x00,
		0xcf,
	};
	static const uint8_t code[] = { 0xf7, 0xf1, 0xf4 };  /* div ecx; hlt */

	put_bytes(HANDLER(0), handler, sizeof(handler));
	put_bytes(CODE, code, sizeof(code));
	put32(DATA, 0);
	cpu->regs[R_EAX] = 0x1234;
	cpu->regs[R_EDX] = 0;
	cpu->regs[R_ECX] = 0;
	cr_assert_eq(cpu_run(cpu, 100), STOP_HALTED);
	cr_expect_eq(cpu->eip, CODE + sizeof(code), "stopped at %#x, not at the final HLT", cpu->eip);
	cr_expect_eq(get32(DATA), 1, "the handler ran %u times, expected once", get32(DATA));
	cr_expect_eq(cpu->regs[R_EAX], 0x1234 / 2, "EAX %#x", cpu->regs[R_EAX]);
	cr_expect_eq(cpu->regs[R_EDX], 0);
	cr_expect_eq(cpu->regs[R_ESP], KSTACK, "IRET must unwind the frame");
}

Test(exec_faults, aam_zero_is_divide_error)
{
	static const uint8_t code[] = { 0xd4, 0x00, 0xf4 };  /* aam 0; hlt */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EAX] = 0x1234;
	cr_assert_eq(run_to_handler(), 0, "AAM 0: expected #DE (SDM: AAM), stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE);
	cr_expect_eq(cpu->regs[R_EAX], 0x1234);
}

/* ---- #UD ---- */

Test(exec_faults, ud2)
{
	static const uint8_t code[] = { 0x90, 0x0f, 0x0b, 0xf4 };  /* nop; ud2; hlt */

	put_bytes(CODE, code, sizeof(code));
	cr_assert_eq(run_to_handler(), 6, "expected #UD, stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE + 1);
}

/* "LOCK prefix ... #UD if the destination operand is not a memory
 * operand, or the instruction is not one of those listed" (SDM Vol. 2A,
 * LOCK). */
Test(exec_faults, lock_register_destination)
{
	static const uint8_t code[] = { 0xf0, 0x01, 0xc0, 0xf4 };  /* lock add eax, eax */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EAX] = 21;
	cr_assert_eq(run_to_handler(), 6, "expected #UD, stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE);
	cr_expect_eq(cpu->regs[R_EAX], 21, "the add must not have happened");
}

Test(exec_faults, lock_not_lockable)
{
	static const uint8_t code[] = { 0xf0, 0x89, 0x03, 0xf4 };  /* lock mov [ebx], eax */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EBX] = DATA;
	cpu->regs[R_EAX] = 0xabcd;
	put32(DATA, 7);
	cr_assert_eq(run_to_handler(), 6, "expected #UD, stopped at %#x", cpu->eip);
	expect_frame(KSTACK, CODE);
	cr_expect_eq(get32(DATA), 7);
}

Test(exec_faults, lock_memory_destination_is_fine)
{
	static const uint8_t code[] = { 0xf0, 0x01, 0x03, 0xf4 };  /* lock add [ebx], eax; hlt */

	put_bytes(CODE, code, sizeof(code));
	cpu->regs[R_EBX] = DATA;
	cpu->regs[R_EAX] = 5;
	put32(DATA, 7);
	cr_assert_eq(run_to_handler(), -1, "no fault expected, stopped at %#x", cpu->eip);
	cr_expect_eq(cpu->eip, CODE + sizeof(code));
	cr_expect_eq(get32(DATA), 12);
}

/* ---- #PF on a PUSH from ring 3 ---- */

/*
 * The kernel code enables paging, loads TR and IRETs to ring 3, where a
 * PUSH writes below a stack whose page is not present.  The #PF switches to
 * the TSS's ring-0 stack, so the frame tells exactly what the user state
 * was: ESP not yet decremented, EIP at the PUSH, CR2 the address written,
 * error code "write, user, not present" (SDM Vol. 3A, 4.7 and 6.12.1).
 */
Test(exec_faults, push_to_missing_page)
{
	static const uint8_t kernel[] = {
		0xb8, PAGE_DIR & 0xff, (PAGE_DIR >> 8) & 0xff, PAGE_DIR >> 16, 0, /* mov eax, PAGE_DIR */
		0x0f, 0x22, 0xd8,                /* mov cr3, eax */
		0x0f, 0x20, 0xc0,                /* mov eax, cr0 */
		0x0d, 0x00, 0x00, 0x00, 0x80,    /* or eax, CR0.PG */
		0x0f, 0x22, 0xc0,                /* mov cr0, eax */
		0x66, 0xb8, SEL_TSS, 0x00,       /* mov ax, SEL_TSS */
		0x0f, 0x00, 0xd8,                /* ltr ax */
		0x6a, SEL_UDATA,                 /* push SS */
		0x68, 0x00, 0x10, 0x03, 0x00,    /* push ESP = HOLE_PAGE + 0x1000 */
		0x6a, 0x02,                      /* push EFLAGS */
		0x6a, SEL_UCODE,                 /* push CS */
		0x68, USER_CODE & 0xff, (USER_CODE >> 8) & 0xff, USER_CODE >> 16, 0, /* push EIP */
		0xcf,                            /* iret */
	};
	static const uint8_t user[] = {
		0xb8, 0xef, 0xbe, 0xad, 0xde,    /* mov eax, 0xdeadbeef */
		0x50,                            /* push eax */
		0xeb, 0xfe,                      /* jmp $ */
	};
	uint32_t user_esp = HOLE_PAGE + 0x1000, frame;

	/* Identity-map the first 2 MiB, user-accessible, except the hole. */
	paging_identity(HOLE_PAGE);
	put_bytes(CODE, kernel, sizeof(kernel));
	put_bytes(USER_CODE, user, sizeof(user));

	cr_assert_eq(run_to_handler(), 14, "expected #PF, stopped at %#x (CPL %u)", cpu->eip, cpu->cpl);
	cr_expect_eq(cpu->cpl, 0);
	cr_expect_eq(cpu->cr2, user_esp - 4, "CR2 %#x: expected the address of the push, %#x",
		     cpu->cr2, user_esp - 4);
	/* On the ring-0 stack: error code, EIP, CS, EFLAGS, ESP, SS (figure 6-4). */
	frame = TSS_ESP0 - 24;
	cr_expect_eq(cpu->regs[R_ESP], frame, "ESP %#x: expected the frame at %#x", cpu->regs[R_ESP],
		     frame);
	cr_expect_eq(get32(frame), 0x6, "error code %#x: expected W|U, not present (6)",
		     get32(frame));
	cr_expect_eq(get32(frame + 4), USER_CODE + 5, "pushed EIP %#x: expected the PUSH at %#x",
		     get32(frame + 4), USER_CODE + 5);
	cr_expect_eq(get32(frame + 8) & 0xffff, SEL_UCODE);
	cr_expect_eq(get32(frame + 16), user_esp, "pushed ESP %#x: the faulting PUSH must leave "
		     "ESP at %#x", get32(frame + 16), user_esp);
	cr_expect_eq(get32(frame + 20) & 0xffff, SEL_UDATA);
	cr_expect_eq(cpu->regs[R_EAX], 0xdeadbeef);
}
