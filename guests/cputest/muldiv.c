/*
 * muldiv.c - MUL IMUL DIV IDIV, and the divide error (#DE).
 *
 * The one-operand forms work on the accumulator pair (Intel SDM Vol. 2, "MUL", "DIV"):
 * 8-bit: AX = AL * r/m8, and AX / r/m8 gives AL quotient, AH remainder;
 * 16-bit: DX:AX; 32-bit: EDX:EAX. MUL/IMUL set CF = OF = "the upper half is needed";
 * SF ZF AF PF are undefined, and DIV/IDIV leave every flag undefined. IDIV truncates
 * toward zero, and the remainder takes the sign of the dividend.
 */
#include "cputest.h"
#include "catch.h"
#include "op_case.h"
#include "test.h"

/*
 * Like DEFINE_OP, for instructions that use the register pair EDX:EAX: acc is
 * EDX:EAX before and after ("A" constraint), src is ECX.
 */
#define DEFINE_WIDE_OP(fn, insn)                                                 \
    static uint64_t fn(uint64_t acc, uint32_t src, uint32_t *flags_out)          \
    {                                                                            \
        __asm__ volatile(insn "\n\tpushfl\n\tpopl %[fout]"                       \
                         : "+A"(acc), [fout] "=r"(*flags_out)                    \
                         : [src] "c"(src)                                        \
                         : "cc");                                                \
        return acc;                                                              \
    }

DEFINE_WIDE_OP(mul8, "mulb %b[src]")
DEFINE_WIDE_OP(mul16, "mulw %w[src]")
DEFINE_WIDE_OP(mul32, "mull %[src]")
DEFINE_WIDE_OP(imul8, "imulb %b[src]")
DEFINE_WIDE_OP(imul16, "imulw %w[src]")
DEFINE_WIDE_OP(imul32, "imull %[src]")
DEFINE_WIDE_OP(div8, "divb %b[src]")
DEFINE_WIDE_OP(div16, "divw %w[src]")
DEFINE_WIDE_OP(div32, "divl %[src]")
DEFINE_WIDE_OP(idiv8, "idivb %b[src]")
DEFINE_WIDE_OP(idiv16, "idivw %w[src]")
DEFINE_WIDE_OP(idiv32, "idivl %[src]")

struct wide_case {
    const char *name;
    uint64_t (*op)(uint64_t acc, uint32_t src, uint32_t *flags_out);
    uint64_t acc;      /* EDX:EAX before */
    uint32_t src;
    uint64_t result;   /* EDX:EAX after */
    uint32_t flags, defined;
};

#define MUL_FLAGS (CF | OF)

static const struct wide_case wide_cases[] = {
    /* name                 op      EDX:EAX before         src         EDX:EAX after          flags      defined */
    {"mul8_wide",           mul8,   0x0000000012340080ull, 0x02,       0x0000000012340100ull, CF | OF,   MUL_FLAGS},
    {"mul8_narrow",         mul8,   0x0000000000000003ull, 0x04,       0x000000000000000Cull, 0,         MUL_FLAGS},
    {"mul16",               mul16,  0x55550000ABCD1234ull, 0x0010,     0x55550001ABCD2340ull, CF | OF,   MUL_FLAGS},
    {"mul32_max",           mul32,  0x00000000FFFFFFFFull, 0xFFFFFFFF, 0xFFFFFFFE00000001ull, CF | OF,   MUL_FLAGS},
    {"mul32_narrow",        mul32,  0x1234567800000003ull, 4,          0x000000000000000Cull, 0,         MUL_FLAGS},
    {"imul8_overflow",      imul8,  0x0000000000000080ull, 0xFF,       0x0000000000000080ull, CF | OF,   MUL_FLAGS},
    {"imul16_negative",     imul16, 0x000000000000FFFFull, 0x0002,     0x0000FFFF0000FFFEull, 0,         MUL_FLAGS},
    {"imul32_minus1_squared", imul32, 0x00000000FFFFFFFFull, 0xFFFFFFFF, 0x0000000000000001ull, 0,       MUL_FLAGS},
    {"imul32_wide",         imul32, 0x0000000080000000ull, 2,          0xFFFFFFFF00000000ull, CF | OF,   MUL_FLAGS},
    {"div8",                div8,   0x0000000000000101ull, 2,          0x0000000000000180ull, 0,         0},
    {"div16",               div16,  0x2222000111110000ull, 3,          0x2222000111115555ull, 0,         0},
    {"div32",               div32,  0x0000000100000000ull, 0x10,       0x0000000010000000ull, 0,         0},
    {"div32_remainder",     div32,  0x0000000000000064ull, 7,          0x000000020000000Eull, 0,         0},
    {"idiv8_truncates",     idiv8,  0x000000000000FFF9ull, 2,          0x000000000000FFFDull, 0,         0},
    {"idiv16_negative_divisor", idiv16, 0x0000000000000064ull, 0xFFF9, 0x000000020000FFF2ull, 0,         0},
    {"idiv32_truncates",    idiv32, 0xFFFFFFFFFFFFFFF9ull, 2,          0xFFFFFFFFFFFFFFFDull, 0,         0},
};

static void run_wide_cases(void)
{
    for (const struct wide_case *c = wide_cases;
         c < wide_cases + sizeof(wide_cases) / sizeof(wide_cases[0]); c++) {
        uint32_t flags;
        uint64_t result = c->op(c->acc, c->src, &flags);
        char want[24], have[24];

        test_report(c->name, result == c->result && !((flags ^ c->flags) & c->defined),
                    TEST_WHERE, "expected EDX:EAX 0x%016llx [%s], got 0x%016llx [%s]",
                    c->result, test_flag_names(c->flags & c->defined, want), result,
                    test_flag_names(flags & c->defined, have));
    }
}

/* The two- and three-operand IMUL keep only the low half: CF = OF = "it did not fit". */
DEFINE_OP(imul32_reg, "imull %[src], %[dst]")
DEFINE_OP(imul32_imm8, "imull $-2, %[src], %[dst]")
DEFINE_OP(imul32_imm32, "imull $0x10000, %[src], %[dst]")
DEFINE_OP(imul16_imm8, "imulw $3, %w[src], %w[dst]")

static const struct op_case imul_cases[] = {
    /* name                 op            dst         src         flags in  result      flags    defined */
    {"imul32_reg",          imul32_reg,   7,          0xFFFFFFFD, 0,        0xFFFFFFEB, 0,       MUL_FLAGS},
    {"imul32_reg_overflow", imul32_reg,   0x00010000, 0x00010000, 0,        0x00000000, CF | OF, MUL_FLAGS},
    {"imul32_imm8",         imul32_imm8,  0,          100,        0,        0xFFFFFF38, 0,       MUL_FLAGS},
    {"imul32_imm32_overflow", imul32_imm32, 0,        0x00008000, 0,        0x80000000, CF | OF, MUL_FLAGS},
    {"imul16_imm8_overflow", imul16_imm8, 0x77770000, 0x4000,     0,        0x7777C000, CF | OF, MUL_FLAGS},
};

static volatile uint32_t de_eip;

/* Fixes the cause of the fault: the divisor in ECX. IRET then re-executes the DIV. */
static void set_divisor_to_3(struct trap_frame *frame)
{
    de_eip = frame->eip;
    frame->ecx = 3;
}

/*
 * #DE is a fault: the saved EIP points at the DIV itself, and no register has changed,
 * so the handler can repair the operands and let the instruction run again
 * (SDM Vol. 3, 6.5 "Exception Classifications").
 */
static void test_divide_error_restarts(void)
{
    uint32_t quotient, remainder, at;

    de_eip = 0;
    idt_set_handler(VEC_DE, set_divisor_to_3);
    __asm__ volatile("movl $0f, %[at]\n\t"
                     "0: divl %%ecx"
                     : "=a"(quotient), "=d"(remainder), [at] "=&r"(at)
                     : "a"(10), "d"(0), "c"(0)
                     : "cc");
    idt_set_handler(VEC_DE, 0);
    CHECK_EQ("div_by_zero_fault_eip", de_eip, at);
    CHECK_EQ("div_by_zero_restarted", (remainder << 16) | quotient, (1 << 16) | 3);
}

/* The quotient does not fit the destination: also #DE (SDM "DIV", "IDIV"). */
#define DEFINE_DIVIDE_OVERFLOW(fn, insn)                                              \
    static void fn(const char *name, uint32_t eax, uint32_t edx, uint32_t ecx)       \
    {                                                                                \
        uint32_t at;                                                                 \
        catch_arm(VEC_DE);                                                           \
        __asm__ volatile(CATCH_ASM(insn)                                             \
                         : CATCH_OUTPUTS(at), "+a"(eax), "+d"(edx)                   \
                         : "c"(ecx)                                                  \
                         : "cc");                                                    \
        catch_disarm(VEC_DE);                                                        \
        CHECK_CAUGHT(name, VEC_DE, at);                                              \
    }

DEFINE_DIVIDE_OVERFLOW(div8_overflow, "divb %%cl")
DEFINE_DIVIDE_OVERFLOW(div32_overflow, "divl %%ecx")
DEFINE_DIVIDE_OVERFLOW(idiv32_overflow, "idivl %%ecx")

void test_muldiv(void)
{
    run_wide_cases();
    RUN_OP_CASES(imul_cases);
    test_divide_error_restarts();
    /* 0x1000 / 0x10 = 0x100: too big for AL */
    div8_overflow("div8_quotient_overflow", 0x1000, 0, 0x10);
    /* 0x2_00000000 / 2 = 0x1_00000000: too big for EAX */
    div32_overflow("div32_quotient_overflow", 0, 2, 2);
    /* -2^31 / -1 = +2^31: too big for a signed 32-bit quotient */
    idiv32_overflow("idiv32_min_by_minus1", 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF);
}
