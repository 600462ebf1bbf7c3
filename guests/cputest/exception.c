/*
 * exception.c - exceptions and software interrupts through our IDT.
 *
 * Faults (#UD, #GP, #DE) save the address of the faulting instruction, so the handler
 * can fix things and retry, or skip it; traps (INT3, INT n, INTO) save the address of
 * the next one (Intel SDM Vol. 3, 6.5 "Exception Classifications").
 */
#include "catch.h"
#include "cputest.h"
#include "eflags.h"
#include "gdt.h"
#include "test.h"

/* Defines fn(name): runs insn expecting #UD at it. */
#define DEFINE_UNDEFINED(fn, insn)                                    \
    static void fn(const char *name)                                  \
    {                                                                 \
        uint32_t at;                                                  \
        catch_arm(VEC_UD);                                            \
        __asm__ volatile(CATCH_ASM(insn) : CATCH_OUTPUTS(at));        \
        catch_disarm(VEC_UD);                                         \
        CHECK_CAUGHT(name, VEC_UD, at);                               \
    }

/* UD2 exists to be undefined: 0F 0B. */
DEFINE_UNDEFINED(undefined_ud2, "ud2")
/* Opcode FE is group 4: only /0 INC and /1 DEC exist; FE F8 encodes /7. */
DEFINE_UNDEFINED(undefined_fe_7, ".byte 0xFE, 0xF8")
/* LEA EAX, EAX (8D C0): a register has no address. */
DEFINE_UNDEFINED(undefined_lea_register, ".byte 0x8D, 0xC0")
/* LOCK ADD EAX, ECX (F0 01 C8): LOCK needs a memory destination. */
DEFINE_UNDEFINED(undefined_lock_register, ".byte 0xF0, 0x01, 0xC8")

static void test_breakpoint(void)
{
    uint32_t at;

    catch_arm(VEC_BP);
    __asm__ volatile(CATCH_ASM("int3") : CATCH_OUTPUTS(at));
    catch_disarm(VEC_BP);
    CHECK_CAUGHT("int3_trap_after", VEC_BP, catch_resume);
}

/* A "system call": the handler returns a value to the caller by changing its saved EAX. */
static void syscall_increment(struct trap_frame *frame)
{
    frame->eax++;
}

static void test_software_interrupt(void)
{
    uint32_t v = 41;

    idt_set_handler(VEC_SYSCALL, syscall_increment);
    __asm__ volatile("int $0x80" : "+a"(v));
    idt_set_handler(VEC_SYSCALL, 0);
    CHECK_EQ("int_0x80_handler_result", v, 42);
}

/* INTO raises #OF if and only if OF = 1. */
static void into(uint32_t flags)
{
    uint32_t at;

    catch_arm(VEC_OF);
    __asm__ volatile("pushl %[flags]\n\tpopfl\n\t" CATCH_ASM("into")
                     : CATCH_OUTPUTS(at) : [flags] "r"(flags) : "cc");
    catch_disarm(VEC_OF);
}

static void test_into(void)
{
    into(OF);
    CHECK_CAUGHT("into_overflow", VEC_OF, catch_resume);
    into(STATUS_FLAGS & ~OF);
    CHECK_EQ("into_no_overflow", caught.count, 0);
}

/* Selector 0x28 lies past the end of our 5-entry GDT: #GP with the selector as error
   code (SDM Vol. 3, 6.13 "Error Code"; "MOV", Protected Mode Exceptions). */
static void test_general_protection(void)
{
    uint32_t at;

    catch_arm(VEC_GP);
    __asm__ volatile(CATCH_ASM("movw %w[sel], %%fs")
                     : CATCH_OUTPUTS(at) : [sel] "r"(GDT_ENTRIES * 8));
    catch_disarm(VEC_GP);
    CHECK_CAUGHT("gp_selector_past_gdt", VEC_GP, at);
    CHECK_EQ("gp_error_code_is_selector", caught.error, GDT_ENTRIES * 8);
}

void test_exception(void)
{
    undefined_ud2("ud2");
    undefined_fe_7("undefined_opcode_fe_7");
    undefined_lea_register("undefined_lea_register");
    undefined_lock_register("undefined_lock_register");
    test_breakpoint();
    test_software_interrupt();
    test_into();
    test_general_protection();
}
