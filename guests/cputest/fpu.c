/*
 * fpu.c - the x87 FPU: FNINIT's state, loads and stores of every format, arithmetic,
 * rounding control, compares, the partial remainders, FXTRACT, FSCALE, FXAM, stack
 * faults, FSAVE/FRSTOR and FXSAVE, and how exceptions reach software: #MF at the next
 * waiting instruction (CR0.NE = 1) and #NM for CR0.TS (Intel SDM Vol. 1, chapter 8;
 * Vol. 3, 2.5; each instruction's page in Vol. 2).
 *
 * This guest is built with -mno-80387, so C never touches the FPU: every value goes
 * in and out through memory, as bit patterns, and every expected value is one the
 * SDM defines exactly (the x87 rounds every result to its 64-bit significand, so
 * 1 + 1, 10 / 4, sqrt(4)... are exact; pi is a constant the SDM spells out).
 *
 * Stack overflow and underflow (IE with SF) are not checked here: QEMU's x87, which
 * every check must also pass on, does not model them.  tests/unit/fpu_vs_host.c
 * compares glassvm's with a real x87's.
 *
 * A Multiboot loader leaves CR0 as the firmware had it (PE and ET on glassvm and
 * QEMU: no EM, no TS, NE clear), and the FPU in its RESET state, which has every
 * exception unmasked; so the group begins with FNINIT, and sets CR0.NE itself.
 */
#include <stdint.h>

#include "catch.h"
#include "cputest.h"
#include "test.h"

#define VEC_NM 7
#define VEC_MF 16

#define CR0_EM 0x04u
#define CR0_TS 0x08u
#define CR0_NE 0x20u

/* Status word bits (SDM Vol. 1, figure 8-4). */
#define IE 0x0001u
#define ZE 0x0004u
#define ES 0x0080u
#define C0 0x0100u
#define C1 0x0200u
#define C2 0x0400u
#define C3 0x4000u
#define CC (C0 | C1 | C2 | C3)
#define TOP(sw) (((sw) >> 11) & 7)

static uint32_t read_cr0(void)
{
    uint32_t v;

    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static void write_cr0(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v));
}

static uint16_t status(void)
{
    uint16_t sw;

    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}

/* FLDPI's 80-bit pi.  Its significand continues C90FDAA2 2168C234 C4C6...: rounded
 * to nearest the last digit becomes 5, rounded down it stays 4. */
#define PI_HI 0x4000u
#define PI_NEAREST 0xC90FDAA22168C235ull
#define PI_DOWN 0xC90FDAA22168C234ull

struct f80 {
    uint64_t mant;
    uint16_t se;
} __attribute__((packed));

static void test_init_state(void)
{
    uint16_t cw, sw;
    uint32_t env[7];

    __asm__ volatile("fninit\n\tfnstcw %0\n\tfnstsw %1\n\tfnstenv %2"
                     : "=m"(cw), "=m"(sw), "=m"(env));
    CHECK_EQ("fninit_control_word", cw, 0x037F);
    CHECK_EQ("fninit_status_word", sw, 0);
    CHECK_EQ("fninit_tags_all_empty", env[2] & 0xFFFF, 0xFFFF);
}

static void test_loads_and_stores(void)
{
    static const int16_t i16 = -1234;
    static const int32_t i32 = 100000;
    static const int64_t i64 = -0x123456789ALL;
    static const uint32_t one_half = 0x3F000000; /* 0.5f */
    static const uint64_t minus_two = 0xC000000000000000ull; /* -2.0 */
    uint32_t f32;
    uint64_t f64;
    int16_t o16;
    int32_t o32;
    int64_t o64;
    struct f80 pi;

    __asm__ volatile("fninit\n\tfilds %1\n\tfstps %0" : "=m"(f32) : "m"(i16));
    CHECK_EQ("fild16_fst32", f32, 0xC49A4000);  /* -1234.0f */
    __asm__ volatile("fninit\n\tfildl %1\n\tfstpl %0" : "=m"(f64) : "m"(i32));
    CHECK_EQ64("fild32_fst64", f64, 0x40F86A0000000000ull);  /* 100000.0 */
    __asm__ volatile("fninit\n\tfildll %1\n\tfistpll %0" : "=m"(o64) : "m"(i64));
    CHECK_EQ64("fild64_fistp64", (uint64_t)o64, (uint64_t)i64);
    __asm__ volatile("fninit\n\tflds %1\n\tfistps %0" : "=m"(o16) : "m"(one_half));
    CHECK_EQ("fist16_half_to_even", (uint16_t)o16, 0);
    __asm__ volatile("fninit\n\tfldl %1\n\tfistpl %0" : "=m"(o32) : "m"(minus_two));
    CHECK_EQ("fist32_minus_two", (uint32_t)o32, 0xFFFFFFFE);
    __asm__ volatile("fninit\n\tfldpi\n\tfstpt %0" : "=m"(pi));
    CHECK_EQ64("fldpi_significand", pi.mant, PI_NEAREST);
    CHECK_EQ("fldpi_exponent", pi.se, PI_HI);
}

/* Packed BCD: 18 digits, two a byte, least significant first, sign in byte 9. */
static void test_packed_bcd(void)
{
    static const uint8_t in[10] = {0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0, 0x80}; /* -1234567 */
    uint8_t out[10];
    int32_t v;

    __asm__ volatile("fninit\n\tfbld %1\n\tfistpl %0" : "=m"(v) : "m"(in));
    CHECK_EQ("fbld_minus_1234567", (uint32_t)v, (uint32_t)-1234567);
    __asm__ volatile("fninit\n\tfbld %1\n\tfbstp %0" : "=m"(out) : "m"(in));
    CHECK_MEM("fbstp_round_trip", out, in, 10);
}

/* 10 / 4 = 2.5 exactly; sqrt(6.25) = 2.5; 7 - 9.5 = -2.5. */
static void test_arithmetic(void)
{
    static const int32_t ten = 10, four = 4, seven = 7;
    static const uint64_t six_25 = 0x4019000000000000ull, nine_5 = 0x4023000000000000ull;
    uint64_t r;

    __asm__ volatile("fninit\n\tfildl %1\n\tfidivl %2\n\tfstpl %0"
                     : "=m"(r) : "m"(ten), "m"(four));
    CHECK_EQ64("fidiv_10_by_4", r, 0x4004000000000000ull);
    __asm__ volatile("fninit\n\tfldl %1\n\tfsqrt\n\tfstpl %0" : "=m"(r) : "m"(six_25));
    CHECK_EQ64("fsqrt_6_25", r, 0x4004000000000000ull);
    __asm__ volatile("fninit\n\tfildl %1\n\tfsubl %2\n\tfstpl %0"
                     : "=m"(r) : "m"(seven), "m"(nine_5));
    CHECK_EQ64("fsub_7_minus_9_5", r, 0xC004000000000000ull);
    /* 1 / 0: +infinity, ZE set (masked) */
    __asm__ volatile("fninit\n\tfldz\n\tfld1\n\tfdivp\n\tfstpl %0" : "=m"(r));
    CHECK_EQ64("fdiv_by_zero_is_infinity", r, 0x7FF0000000000000ull);
    CHECK_EQ("fdiv_by_zero_flag", status() & ZE, ZE);
}

/* FIST rounds by RC (SDM Vol. 1, table 4-8): 2.5 and -2.5 in the four modes. */
static void test_rounding_control(void)
{
    static const uint16_t rc[4] = {0x037F, 0x077F, 0x0B7F, 0x0F7F};
    static const int32_t up[4] = {2, 2, 3, 2}, down[4] = {-2, -3, -2, -2};
    static const uint64_t two_5 = 0x4004000000000000ull, minus_two_5 = 0xC004000000000000ull;
    static const char *const names[4][2] = {
        {"fist_nearest_2_5", "fist_nearest_minus_2_5"}, {"fist_down_2_5", "fist_down_minus_2_5"},
        {"fist_up_2_5", "fist_up_minus_2_5"}, {"fist_chop_2_5", "fist_chop_minus_2_5"},
    };
    struct f80 pi;

    for (unsigned k = 0; k < 4; k++) {
        int32_t a, b;

        __asm__ volatile("fninit\n\tfldcw %2\n\tfldl %3\n\tfistpl %0\n\tfldl %4\n\tfistpl %1"
                         : "=m"(a), "=m"(b) : "m"(rc[k]), "m"(two_5), "m"(minus_two_5));
        CHECK_EQ(names[k][0], (uint32_t)a, (uint32_t)up[k]);
        CHECK_EQ(names[k][1], (uint32_t)b, (uint32_t)down[k]);
    }
    /* Since the 387 the constants follow RC too. */
    __asm__ volatile("fninit\n\tfldcw %1\n\tfldpi\n\tfstpt %0" : "=m"(pi) : "m"(rc[1]));
    CHECK_EQ64("fldpi_round_down", pi.mant, PI_DOWN);
    /* A 1e10 does not fit 32 bits: the integer indefinite, and IE. */
    {
        static const uint64_t e10 = 0x4202A05F20000000ull;
        int32_t v;

        __asm__ volatile("fninit\n\tfldl %1\n\tfistpl %0" : "=m"(v) : "m"(e10));
        CHECK_EQ("fist_overflow_is_indefinite", (uint32_t)v, 0x80000000);
        CHECK_EQ("fist_overflow_raises_ie", status() & IE, IE);
    }
}

/* FCOM: C3 C2 C0 = 000 greater, 001 less, 100 equal, 111 unordered; FCOMI sets
 * ZF PF CF the same way (SDM: FCOM, FCOMI). */
static void test_compares(void)
{
    static const uint64_t qnan = 0x7FF8000000000000ull;
    uint32_t eflags;

    __asm__ volatile("fninit\n\tfld1\n\tfld1\n\tfadd %st(0), %st\n\tfcom %st(1)");
    CHECK_EQ("fcom_greater", status() & (C3 | C2 | C0), 0);
    __asm__ volatile("fninit\n\tfld1\n\tfadd %st(0), %st\n\tfld1\n\tfcom %st(1)");
    CHECK_EQ("fcom_less", status() & (C3 | C2 | C0), C0);
    __asm__ volatile("fninit\n\tfld1\n\tfld1\n\tfcompp");
    CHECK_EQ("fcompp_equal", status() & (C3 | C2 | C0), C3);
    CHECK_EQ("fcompp_pops_two", TOP(status()), 0);
    __asm__ volatile("fninit\n\tfld1\n\tfldl %0\n\tfucom %%st(1)" : : "m"(qnan));
    CHECK_EQ("fucom_unordered", status() & (C3 | C2 | C0 | IE), C3 | C2 | C0);
    __asm__ volatile("fninit\n\tfld1\n\tfldl %0\n\tfcom %%st(1)" : : "m"(qnan));
    CHECK_EQ("fcom_qnan_is_invalid", status() & (C3 | C2 | C0 | IE), C3 | C2 | C0 | IE);
    __asm__ volatile("fninit\n\tfld1\n\tfldz\n\tfcomip %%st(1), %%st\n\tpushfl\n\tpopl %0"
                     : "=r"(eflags) : : "cc");
    CHECK_EQ("fcomip_less_sets_cf", eflags & 0x45, 0x01);
    CHECK_EQ("fcomip_pops", TOP(status()), 7);
}

/* FPREM: 10 = 3 * 3 + 1, quotient 3 = Q2 Q1 Q0 = 011 in C0 C3 C1; FPREM1 rounds
 * the quotient to nearest: 11 = 4 * 3 - 1 (SDM: FPREM, FPREM1). */
static void test_remainders(void)
{
    static const int32_t three = 3, ten = 10, eleven = 11;
    int32_t r;
    uint16_t sw;

    __asm__ volatile("fninit\n\tfildl %2\n\tfildl %3\n\tfprem\n\tfnstsw %1\n\tfistpl %0"
                     : "=m"(r), "=m"(sw) : "m"(three), "m"(ten));
    CHECK_EQ("fprem_10_mod_3", (uint32_t)r, 1);
    CHECK_EQ("fprem_quotient_bits", sw & CC, C3 | C1);
    __asm__ volatile("fninit\n\tfildl %1\n\tfildl %2\n\tfprem1\n\tfistpl %0"
                     : "=m"(r) : "m"(three), "m"(eleven));
    CHECK_EQ("fprem1_11_rem_3", (uint32_t)r, (uint32_t)-1);
}

/* FXTRACT: 10 = 1.25 * 2^3; FSCALE: 1.25 * 2^3 = 10 again. */
static void test_xtract_scale(void)
{
    static const int32_t ten = 10;
    uint64_t sig, exp;
    int32_t back;

    __asm__ volatile("fninit\n\tfildl %2\n\tfxtract\n\tfstpl %0\n\tfstpl %1"
                     : "=m"(sig), "=m"(exp) : "m"(ten));
    CHECK_EQ64("fxtract_significand", sig, 0x3FF4000000000000ull);
    CHECK_EQ64("fxtract_exponent", exp, 0x4008000000000000ull);
    __asm__ volatile("fninit\n\tfildl %1\n\tfxtract\n\tfscale\n\tfistpl %0"
                     : "=m"(back) : "m"(ten));
    CHECK_EQ("fscale_undoes_fxtract", (uint32_t)back, 10);
}

/* Values whose transcendental results are exact: sin 0, cos 0, tan 0 (and the
 * 1.0 FPTAN pushes), atan(1/1) = pi/4, 1 * log2(8), 2^0 - 1. */
static void test_transcendental(void)
{
    static const int32_t eight = 8;
    uint64_t a, b;
    int32_t i;

    __asm__ volatile("fninit\n\tfldz\n\tfsin\n\tfstpl %0" : "=m"(a));
    CHECK_EQ64("fsin_0", a, 0);
    __asm__ volatile("fninit\n\tfldz\n\tfcos\n\tfstpl %0" : "=m"(a));
    CHECK_EQ64("fcos_0", a, 0x3FF0000000000000ull);
    __asm__ volatile("fninit\n\tfldz\n\tfptan\n\tfstpl %0\n\tfstpl %1" : "=m"(a), "=m"(b));
    CHECK_EQ64("fptan_pushes_1", a, 0x3FF0000000000000ull);
    CHECK_EQ64("fptan_0", b, 0);
    __asm__ volatile("fninit\n\tfld1\n\tfld1\n\tfpatan\n\tfstpl %0" : "=m"(a));
    CHECK_EQ64("fpatan_1_1_is_pi_4", a, 0x3FE921FB54442D18ull);
    __asm__ volatile("fninit\n\tfld1\n\tfildl %1\n\tfyl2x\n\tfistpl %0" : "=m"(i) : "m"(eight));
    CHECK_EQ("fyl2x_log2_8", (uint32_t)i, 3);
    __asm__ volatile("fninit\n\tfldz\n\tf2xm1\n\tfstpl %0" : "=m"(a));
    CHECK_EQ64("f2xm1_0", a, 0);
}

/* FXAM: C3 C2 C0 = 100 zero, 011 infinity, 101 empty; C1 the sign (SDM: FXAM). */
static void test_fxam(void)
{
    static const uint64_t minus_inf = 0xFFF0000000000000ull;

    __asm__ volatile("fninit\n\tfldz\n\tfxam");
    CHECK_EQ("fxam_zero", status() & CC, C3);
    __asm__ volatile("fninit\n\tfldl %0\n\tfxam" : : "m"(minus_inf));
    CHECK_EQ("fxam_minus_infinity", status() & CC, C2 | C1 | C0);
    __asm__ volatile("fninit\n\tfxam");
    CHECK_EQ("fxam_empty", status() & (C3 | C2 | C0), C3 | C0);
}

/* FNSAVE stores and reinitialises; FRSTOR brings it all back. FXSAVE's image starts
 * with FCW, FSW and the abridged tag word, one bit a register (SDM: FXSAVE). */
static void test_save_restore(void)
{
    static uint8_t area[108];
    static uint8_t fx[512] __attribute__((aligned(16)));
    uint16_t cw, sw_after;
    int32_t v;

    __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfnsave %0\n\tfnstcw %1"
                     : "=m"(area), "=m"(cw));
    CHECK_EQ("fnsave_reinitialises", cw, 0x037F);
    CHECK_EQ("fnsave_top", TOP(area[5] << 8), 6);
    __asm__ volatile("frstor %1\n\tfstp %%st(0)\n\tfistpl %0" : "=m"(v) : "m"(area));
    CHECK_EQ("frstor_brings_back_the_stack", (uint32_t)v, 1);
    __asm__ volatile("fninit\n\tfld1\n\tfxsave %0\n\tfnstsw %1" : "=m"(fx), "=m"(sw_after));
    CHECK_EQ("fxsave_fcw", fx[0] | fx[1] << 8, 0x037F);
    CHECK_EQ("fxsave_abridged_tags", fx[4], 0x80);
    CHECK_EQ("fxsave_keeps_the_state", TOP(sw_after), 7);
    __asm__ volatile("fninit");
}

/* An unmasked exception is reported at the next waiting instruction, as #MF with
 * CR0.NE = 1 (SDM Vol. 1, 8.7.1); the FNSTSW before it does not wait. */
static void test_mf(void)
{
    static const uint16_t zm_clear = 0x037B;
    uint32_t at, saved = read_cr0();
    uint16_t sw;

    write_cr0(saved | CR0_NE);
    __asm__ volatile("fninit\n\tfldcw %1\n\tfldz\n\tfld1\n\tfdiv %%st(1), %%st\n\tfnstsw %0"
                     : "=m"(sw) : "m"(zm_clear));
    CHECK_EQ("unmasked_zero_divide_pending", sw & (ZE | ES), ZE | ES);
    catch_arm(VEC_MF);
    __asm__ volatile(CATCH_ASM("fwait") : CATCH_OUTPUTS(at));
    catch_disarm(VEC_MF);
    CHECK_CAUGHT("mf_at_the_fwait", VEC_MF, at);
    __asm__ volatile("fninit");
    write_cr0(saved);
}

/* CR0.TS: the first x87 instruction of a task is #NM, so that the OS can switch
 * the FPU state lazily; CLTS lets it through (SDM Vol. 3, 2.5, table 2-2). */
static void test_nm(void)
{
    uint32_t at, saved = read_cr0();

    write_cr0(saved | CR0_TS);
    catch_arm(VEC_NM);
    __asm__ volatile(CATCH_ASM("fld1") : CATCH_OUTPUTS(at));
    catch_disarm(VEC_NM);
    CHECK_CAUGHT("ts_makes_fld1_nm", VEC_NM, at);
    __asm__ volatile("clts\n\tfninit");
    write_cr0(saved & ~CR0_EM);
}

void test_fpu(void)
{
    write_cr0(read_cr0() & ~(CR0_EM | CR0_TS));
    test_init_state();
    test_loads_and_stores();
    test_packed_bcd();
    test_arithmetic();
    test_rounding_control();
    test_compares();
    test_remainders();
    test_xtract_scale();
    test_transcendental();
    test_fxam();
    test_save_restore();
    test_mf();
    test_nm();
}
