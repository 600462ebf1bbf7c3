/*
 * shift.c - SHL SHR SAR ROL ROR RCL RCR SHLD SHRD.
 *
 * Rules (Intel SDM Vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"):
 * - the count is masked to 5 bits; a masked count of 0 changes no flag at all;
 * - CF is the last bit shifted out; OF is defined only for 1-bit shifts;
 * - shifts set SF/ZF/PF from the result (AF undefined); rotates touch only CF and OF;
 * - RCL/RCR rotate through CF: 9 bits for a byte, so an 8-bit count of 9 rotates by 0.
 */
#include "cputest.h"
#include "op_case.h"

#define SHIFT1 (STATUS_FLAGS & ~AF)         /* 1-bit shift: all but AF */
#define SHIFTN (STATUS_FLAGS & ~(AF | OF))  /* longer shift: OF undefined too */
#define ROTATEN (STATUS_FLAGS & ~OF)        /* rotate: only CF changes, OF undefined */

DEFINE_OP(shl8_1, "shlb $1, %b[dst]")
DEFINE_OP(shl32_1, "shll $1, %[dst]")
DEFINE_OP(shl32_cl, "shll %b[src], %[dst]")
DEFINE_OP(shr16_cl, "shrw %b[src], %w[dst]")
DEFINE_OP(shr32_1, "shrl $1, %[dst]")
DEFINE_OP(shr32_cl, "shrl %b[src], %[dst]")
DEFINE_OP(sar8_7, "sarb $7, %b[dst]")
DEFINE_OP(sar32_1, "sarl $1, %[dst]")
DEFINE_OP(sar32_cl, "sarl %b[src], %[dst]")
DEFINE_OP(rol16_4, "rolw $4, %w[dst]")
DEFINE_OP(rol32_1, "roll $1, %[dst]")
DEFINE_OP(rol32_cl, "roll %b[src], %[dst]")
DEFINE_OP(ror32_1, "rorl $1, %[dst]")
DEFINE_OP(ror32_4, "rorl $4, %[dst]")
DEFINE_OP(rcl8_cl, "rclb %b[src], %b[dst]")
DEFINE_OP(rcl16_cl, "rclw %b[src], %w[dst]")
DEFINE_OP(rcl32_1, "rcll $1, %[dst]")
DEFINE_OP(rcr8_cl, "rcrb %b[src], %b[dst]")
DEFINE_OP(rcr32_1, "rcrl $1, %[dst]")
DEFINE_OP(shld32_4, "shldl $4, %[src], %[dst]")
DEFINE_OP(shld32_cl, "shldl %b[src], %[src], %[dst]") /* ECX is both the source and the count */
DEFINE_OP(shrd16_1, "shrdw $1, %w[src], %w[dst]")
DEFINE_OP(shrd32_4, "shrdl $4, %[src], %[dst]")

static const struct op_case cases[] = {
    /* name                 op          dst         src         flags in      result      flags                    defined */
    {"shl8_1",              shl8_1,     0x11111180, 0,          0,            0x11111100, CF | OF | ZF | PF,       SHIFT1},
    {"shl32_1",             shl32_1,    0x80000001, 0,          0,            0x00000002, CF | OF,                 SHIFT1},
    {"shl32_cl4",           shl32_cl,   0x12345678, 4,          0,            0x23456780, CF,                      SHIFTN},
    {"shl32_cl0_keeps_flags", shl32_cl, 0x12345678, 0,          CF | ZF | OF, 0x12345678, CF | ZF | OF,            STATUS_FLAGS},
    {"shl32_cl33_is_1",     shl32_cl,   0x40000000, 33,         0,            0x80000000, OF | SF | PF,            SHIFT1},
    {"shr16_cl1",           shr16_cl,   0xAAAA8001, 1,          0,            0xAAAA4000, CF | OF | PF,            SHIFT1},
    {"shr32_1",             shr32_1,    0x80000001, 0,          0,            0x40000000, CF | OF | PF,            SHIFT1},
    {"shr32_cl28",          shr32_cl,   0xF0000000, 28,         0,            0x0000000F, PF,                      SHIFTN},
    {"sar8_7",              sar8_7,     0x0000007F, 0,          0,            0x00000000, CF | ZF | PF,            SHIFTN},
    {"sar32_1",             sar32_1,    0x80000000, 0,          CF | OF,      0xC0000000, SF | PF,                 SHIFT1},
    {"sar32_cl4",           sar32_cl,   0x8000000F, 4,          0,            0xF8000000, CF | SF | PF,            SHIFTN},
    {"rol16_4",             rol16_4,    0xFFFF1234, 0,          0,            0xFFFF2341, CF,                      ROTATEN},
    {"rol32_1",             rol32_1,    0x80000001, 0,          ZF | SF,      0x00000003, CF | OF | ZF | SF,       STATUS_FLAGS},
    {"rol32_cl8",           rol32_cl,   0x12345678, 8,          PF,           0x34567812, PF,                      ROTATEN},
    {"ror32_1",             ror32_1,    0x00000001, 0,          0,            0x80000000, CF | OF,                 STATUS_FLAGS},
    {"ror32_4",             ror32_4,    0x12345678, 0,          0,            0x81234567, CF,                      ROTATEN},
    {"rcl8_cl3",            rcl8_cl,    0x00000081, 3,          0,            0x0000000A, 0,                       ROTATEN},
    {"rcl16_cl17_is_0",     rcl16_cl,   0x0000ABCD, 17,         CF | ZF,      0x0000ABCD, CF | ZF,                 ROTATEN},
    {"rcl32_1",             rcl32_1,    0x80000000, 0,          CF,           0x00000001, CF | OF,                 STATUS_FLAGS},
    {"rcr8_cl9_is_0",       rcr8_cl,    0x00000055, 9,          CF,           0x00000055, CF,                      ROTATEN},
    {"rcr32_1_no_zf",       rcr32_1,    0x00000001, 0,          0,            0x00000000, CF,                      STATUS_FLAGS},
    {"shld32_4",            shld32_4,   0x12345678, 0x9ABCDEF0, 0,            0x23456789, CF,                      SHIFTN},
    {"shld32_cl8",          shld32_cl,  0x12345678, 0x80000008, 0,            0x34567880, 0,                       SHIFTN},
    {"shld32_cl0_keeps_flags", shld32_cl, 0x12345678, 0x00000100, CF | ZF,    0x12345678, CF | ZF,                 STATUS_FLAGS},
    {"shrd16_1",            shrd16_1,   0xFFFF0001, 0x00000001, 0,            0xFFFF8000, CF | OF | SF | PF,       SHIFT1},
    {"shrd32_4",            shrd32_4,   0x12345678, 0x9ABCDEF1, 0,            0x11234567, CF,                      SHIFTN},
};

void test_shift(void)
{
    RUN_OP_CASES(cases);
}
