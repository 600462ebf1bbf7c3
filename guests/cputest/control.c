/*
 * control.c - Jcc (all 16 conditions, short and near), LOOP/LOOPZ/LOOPNZ/JECXZ,
 * CALL/RET (RET imm), indirect JMP/CALL through a register and through memory, and far
 * CALL/RET/JMP to our own code selector (Intel SDM Vol. 2, and Vol. 1, 6.3 "Calling
 * Procedures Using CALL and RET").
 */
#include "conditions.h"
#include "cputest.h"
#include "gdt.h"
#include "test.h"

/* Defines fn(flags): loads EFLAGS, runs the conditional jump insn, tells if it jumped. */
#define DEFINE_JUMP(fn, insn)                                                  \
    static bool fn(uint32_t flags)                                             \
    {                                                                          \
        uint8_t taken;                                                         \
        __asm__ volatile("pushl %1\n\tpopfl\n\t" insn " 1f\n\t"                \
                         "movb $0, %0\n\tjmp 2f\n"                             \
                         "1:\tmovb $1, %0\n"                                   \
                         "2:"                                                  \
                         : "=q"(taken) : "r"(flags) : "cc");                   \
        return taken;                                                          \
    }

/* Nearby targets get the short form, rel8; {disp32} forces the near form, rel32. */
#define DEFINE_JCC(cc, holds, fails) DEFINE_JUMP(jump_##cc, "j" #cc)
#define JCC_CASE(cc, holds, fails) {"j" #cc, jump_##cc, holds, fails},
CONDITIONS(DEFINE_JCC)
DEFINE_JUMP(jump_ne_rel32, "%{disp32%} jne") /* %{ %}: literal braces in asm */

static const struct condition_case jcc_cases[] = {
    CONDITIONS(JCC_CASE)
    {"jne_rel32", jump_ne_rel32, ALL & ~ZF, ZF},
};

static void test_loops(void)
{
    static const uint8_t zeros_then_7[8] = {0, 0, 0, 7};
    static const uint8_t nonzero_then_0[8] = {1, 2, 0, 4};
    const uint8_t *p;
    uint32_t count = 0, ecx = 5;

    /* LOOP: ECX--, jump if ECX != 0. Flags play no part. */
    __asm__ volatile("1:\tincl %0\n\tloop 1b" : "+r"(count), "+c"(ecx) : : "cc");
    CHECK_EQ("loop", count << 8 | ecx, 5 << 8 | 0);

    /* LOOPZ also stops when ZF = 0: at the 7, the 4th byte, with ECX = 8 - 4. LEA keeps
       the flags of the CMP. */
    count = 0, ecx = 8, p = zeros_then_7;
    __asm__ volatile("1:\tincl %0\n\tcmpb $0, (%2)\n\tleal 1(%2), %2\n\tloopz 1b"
                     : "+r"(count), "+c"(ecx), "+r"(p) : "m"(zeros_then_7) : "cc");
    CHECK_EQ("loopz", count << 8 | ecx, 4 << 8 | 4);

    /* LOOPNZ stops when ZF = 1: at the 0, the 3rd byte, with ECX = 8 - 3. */
    count = 0, ecx = 8, p = nonzero_then_0;
    __asm__ volatile("1:\tincl %0\n\tcmpb $0, (%2)\n\tleal 1(%2), %2\n\tloopnz 1b"
                     : "+r"(count), "+c"(ecx), "+r"(p) : "m"(nonzero_then_0) : "cc");
    CHECK_EQ("loopnz", count << 8 | ecx, 3 << 8 | 5);
}

/* JECXZ jumps iff all 32 bits of ECX are 0. */
static bool jecxz_taken(uint32_t ecx)
{
    uint8_t taken;

    __asm__ volatile("jecxz 1f\n\tmovb $0, %0\n\tjmp 2f\n1:\tmovb $1, %0\n2:"
                     : "=q"(taken) : "c"(ecx));
    return taken;
}

static void test_jecxz(void)
{
    CHECK("jecxz_zero", jecxz_taken(0));
    CHECK("jecxz_upper_bits", !jecxz_taken(0x10000));
}

/* control_asm.S */
uint32_t answer_42(void);
void sum_ret8(void), far_pushed_cs(void), far_increment_ret4(void);

static void test_call_ret(void)
{
    uint32_t pushed, label, sum, before, after;

    /* CALL pushes the address of the next instruction (the get-EIP trick of PIC code). */
    __asm__ volatile("call 1f\n1:\tpopl %0\n\tmovl $1b, %1" : "=r"(pushed), "=r"(label));
    CHECK_EQ("call_pushes_return_address", pushed, label);

    __asm__ volatile("movl %%esp, %1\n\tpushl $40\n\tpushl $2\n\tcall sum_ret8\n\t"
                     "movl %%esp, %2"
                     : "=a"(sum), "=&r"(before), "=r"(after) : : "cc", "memory");
    CHECK_EQ("ret_imm16_value", sum, 42);
    CHECK_EQ("ret_imm16_pops_arguments", after, before);
}

static void test_indirect(void)
{
    static uint32_t (*const answer_ptr)(void) = answer_42;
    uint32_t r;

    __asm__ volatile("movl $1f, %%eax\n\tjmp *%%eax\n\t"
                     "movl $0, %0\n\tjmp 2f\n"
                     "1:\tmovl $1, %0\n"
                     "2:"
                     : "=r"(r) : : "eax");
    CHECK_EQ("jmp_register", r, 1);

    /* A jump table, the way a C switch statement compiles: JMP *table(,index,4). */
    __asm__ volatile(".pushsection .rodata\n"
                     "3:\t.long 1f, 2f\n\t"
                     ".popsection\n\t"
                     "jmp *3b(,%1,4)\n"
                     "1:\tmovl $11, %0\n\tjmp 4f\n"
                     "2:\tmovl $22, %0\n"
                     "4:"
                     : "=r"(r) : "r"(1));
    CHECK_EQ("jmp_memory_table", r, 22);

    __asm__ volatile("call *%1" : "=a"(r) : "r"(answer_42) : "cc", "memory");
    CHECK_EQ("call_register", r, 42);
    __asm__ volatile("call *%1" : "=a"(r) : "m"(answer_ptr) : "cc", "memory");
    CHECK_EQ("call_memory", r, 42);
}

/* A far pointer (m16:32): offset, then selector. */
struct __attribute__((packed)) far_ptr {
    uint32_t offset;
    uint16_t selector;
};

static void test_far(void)
{
    static struct far_ptr ptr = {0, GDT_SEL_CODE};
    uint32_t r, cs, before, after;

    __asm__ volatile("movl %%cs, %0" : "=r"(cs));
    CHECK_EQ("mov_from_cs", cs & 0xFFFF, GDT_SEL_CODE);

    /* A far CALL pushes CS (in a 32-bit slot), then EIP. */
    __asm__ volatile("lcall %1, $far_pushed_cs" : "=a"(r) : "i"(GDT_SEL_CODE) : "memory");
    CHECK_EQ("far_call_pushes_cs", r & 0xFFFF, GDT_SEL_CODE);

    __asm__ volatile("movl %%esp, %1\n\tpushl $41\n\tlcall %3, $far_increment_ret4\n\t"
                     "movl %%esp, %2"
                     : "=a"(r), "=&r"(before), "=r"(after) : "i"(GDT_SEL_CODE)
                     : "cc", "memory");
    CHECK_EQ("far_ret_imm16_value", r, 42);
    CHECK_EQ("far_ret_imm16_pops_arguments", after, before);

    __asm__ volatile("ljmp %1, $1f\n\t"
                     "movl $0, %0\n\tjmp 2f\n"
                     "1:\tmovl $1, %0\n"
                     "2:"
                     : "=r"(r) : "i"(GDT_SEL_CODE));
    CHECK_EQ("far_jmp_direct", r, 1);

    __asm__ volatile("movl $1f, %1\n\tljmp *%1\n\t"
                     "movl $0, %0\n\tjmp 2f\n"
                     "1:\tmovl $1, %0\n"
                     "2:"
                     : "=r"(r), "+m"(ptr));
    CHECK_EQ("far_jmp_memory", r, 1);

    ptr.offset = (uint32_t)far_pushed_cs;
    __asm__ volatile("lcall *%1" : "=a"(r) : "m"(ptr) : "memory");
    CHECK_EQ("far_call_memory", r & 0xFFFF, GDT_SEL_CODE);
}

void test_control(void)
{
    RUN_CONDITION_CASES(jcc_cases);
    test_loops();
    test_jecxz();
    test_call_ret();
    test_indirect();
    test_far();
}
