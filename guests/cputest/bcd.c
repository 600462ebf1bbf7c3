/*
 * bcd.c - the decimal adjust instructions DAA DAS AAA AAS AAM AAD.
 *
 * Packed BCD keeps two decimal digits per byte, unpacked (ASCII) BCD one. The CPU adds
 * in binary; the adjust instruction that follows repairs AL using AF (carry out of the
 * low digit) and CF (Intel SDM Vol. 2, each instruction's Operation section). So each
 * case runs the ADD/SUB and its adjustment together, as a compiler for COBOL would.
 */
#include "catch.h"
#include "cputest.h"
#include "op_case.h"
#include "test.h"

#define DAA_FLAGS (CF | AF | SF | ZF | PF) /* OF undefined */
#define AAA_FLAGS (CF | AF)                /* the rest undefined */
#define AAM_FLAGS (SF | ZF | PF)           /* the rest undefined */

DEFINE_OP(add_daa, "addb %b[src], %b[dst]\n\tdaa")
DEFINE_OP(sub_das, "subb %b[src], %b[dst]\n\tdas")
DEFINE_OP(add_aaa, "addb %b[src], %b[dst]\n\taaa")
DEFINE_OP(sub_aas, "subb %b[src], %b[dst]\n\taas")
DEFINE_OP(aam10, "aam")
DEFINE_OP(aam16, "aam $16") /* AAM's base is an immediate byte; 10 is just the default */
DEFINE_OP(aad10, "aad")
DEFINE_OP(aad16, "aad $16")

static const struct op_case cases[] = {
    /* name               op       dst         src   flags in  result      flags                   defined */
    {"daa_79_plus_35",    add_daa, 0x00000079, 0x35, 0,        0x00000014, CF | AF | PF,           DAA_FLAGS},
    {"daa_19_plus_28",    add_daa, 0x00000019, 0x28, 0,        0x00000047, AF | PF,                DAA_FLAGS},
    {"daa_99_plus_01",    add_daa, 0x00000099, 0x01, 0,        0x00000000, CF | AF | ZF | PF,      DAA_FLAGS},
    {"das_47_minus_19",   sub_das, 0x00000047, 0x19, 0,        0x00000028, AF | PF,                DAA_FLAGS},
    {"das_10_minus_20",   sub_das, 0x00000010, 0x20, 0,        0x00000090, CF | SF | PF,           DAA_FLAGS},
    /* '9' + '5': AX = 0x0104, i.e. unpacked 1 4 */
    {"aaa_9_plus_5",      add_aaa, 0x00000039, 0x35, 0,        0x00000104, CF | AF,                AAA_FLAGS},
    {"aaa_2_plus_3",      add_aaa, 0x00000032, 0x33, 0,        0x00000005, 0,                      AAA_FLAGS},
    /* '3' - '5': AH borrows one, AL = 8 */
    {"aas_3_minus_5",     sub_aas, 0x00000033, 0x35, 0,        0x0000FF08, CF | AF,                AAA_FLAGS},
    /* 63: AH = 6, AL = 3 */
    {"aam_63",            aam10,   0x0000003F, 0,    0,        0x00000603, PF,                     AAM_FLAGS},
    {"aam_base16",        aam16,   0x0000003F, 0,    0,        0x0000030F, PF,                     AAM_FLAGS},
    {"aad_6_3",           aad10,   0x00000603, 0,    0,        0x0000003F, PF,                     AAM_FLAGS},
    {"aad_base16",        aad16,   0x0000030F, 0,    0,        0x0000003F, PF,                     AAM_FLAGS},
};

/* AAM divides AL by its immediate: a base of 0 is a divide error. */
static void test_aam_zero(void)
{
    uint32_t at;

    catch_arm(VEC_DE);
    __asm__ volatile(CATCH_ASM("aam $0") : CATCH_OUTPUTS(at) : : "eax", "cc");
    catch_disarm(VEC_DE);
    CHECK_CAUGHT("aam_base0_divide_error", VEC_DE, at);
}

void test_bcd(void)
{
    RUN_OP_CASES(cases);
    test_aam_zero();
}
