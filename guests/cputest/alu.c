/*
 * alu.c - ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT in 8, 16 and 32 bits.
 *
 * Flag rules (Intel SDM Vol. 1, 3.4.3.1, and each instruction's page in Vol. 2):
 * CF = unsigned carry/borrow out of the top bit, OF = signed overflow, SF = top bit,
 * ZF = result is 0, AF = carry/borrow out of bit 3, PF = even number of 1s in the LOW
 * BYTE only. Logic instructions clear CF and OF and leave AF undefined. INC and DEC do
 * not touch CF. NOT touches no flag. 8- and 16-bit forms must keep the upper bits of
 * the register, so destinations carry a pattern there.
 */
#include "cputest.h"
#include "op_case.h"

#define LOGIC (STATUS_FLAGS & ~AF)

DEFINE_OP(add8, "addb %b[src], %b[dst]")
DEFINE_OP(add16, "addw %w[src], %w[dst]")
DEFINE_OP(add32, "addl %[src], %[dst]")
DEFINE_OP(add32_imm8, "addl $-1, %[dst]") /* opcode 83 /0 ib: the byte is sign-extended */
DEFINE_OP(adc8, "adcb %b[src], %b[dst]")
DEFINE_OP(adc32, "adcl %[src], %[dst]")
DEFINE_OP(sub8, "subb %b[src], %b[dst]")
DEFINE_OP(sub16, "subw %w[src], %w[dst]")
DEFINE_OP(sub32, "subl %[src], %[dst]")
DEFINE_OP(sub32_imm32, "subl $0x12345678, %[dst]")
DEFINE_OP(sbb8, "sbbb %b[src], %b[dst]")
DEFINE_OP(sbb32, "sbbl %[src], %[dst]")
DEFINE_OP(cmp8, "cmpb %b[src], %b[dst]")
DEFINE_OP(cmp32, "cmpl %[src], %[dst]")
DEFINE_OP(and8, "andb %b[src], %b[dst]")
DEFINE_OP(and32, "andl %[src], %[dst]")
DEFINE_OP(or32, "orl %[src], %[dst]")
DEFINE_OP(xor16, "xorw %w[src], %w[dst]")
DEFINE_OP(xor32, "xorl %[src], %[dst]")
DEFINE_OP(test32, "testl %[src], %[dst]")
DEFINE_OP(inc8, "incb %b[dst]")
DEFINE_OP(inc32, "incl %[dst]")
DEFINE_OP(dec16, "decw %w[dst]")
DEFINE_OP(dec32, "decl %[dst]")
DEFINE_OP(neg8, "negb %b[dst]")
DEFINE_OP(neg32, "negl %[dst]")
DEFINE_OP(not16, "notw %w[dst]")
DEFINE_OP(not32, "notl %[dst]")
/* Memory operands, on the stack: (%esp) needs a SIB byte in the ModRM encoding. */
DEFINE_OP(add32_to_mem, "pushl %[dst]\n\taddl %[src], (%%esp)\n\tpopl %[dst]")
DEFINE_OP(sub32_from_mem, "pushl %[src]\n\tsubl (%%esp), %[dst]\n\tleal 4(%%esp), %%esp")

static const struct op_case cases[] = {
    /* name                  op          dst         src         flags in  result      flags                    defined */
    {"add8_overflow",        add8,       0x1234567F, 0x01,       0,        0x12345680, OF | SF | AF,            STATUS_FLAGS},
    {"add8_carry",           add8,       0x000000FF, 0x01,       0,        0x00000000, CF | ZF | AF | PF,       STATUS_FLAGS},
    {"add16_carry_overflow", add16,      0xABCD8000, 0x8000,     0,        0xABCD0000, CF | OF | ZF | PF,       STATUS_FLAGS},
    {"add32_carry",          add32,      0xFFFFFFFF, 1,          0,        0x00000000, CF | ZF | AF | PF,       STATUS_FLAGS},
    {"add32_overflow",       add32,      0x7FFFFFFF, 1,          0,        0x80000000, OF | SF | AF | PF,       STATUS_FLAGS},
    {"add32_imm8",           add32_imm8, 5,          0,          0,        4,          CF | AF,                 STATUS_FLAGS},
    {"add32_to_mem",         add32_to_mem, 0x10,     0x20,       0,        0x30,       PF,                      STATUS_FLAGS},
    {"adc8_carry_in",        adc8,       0x000000FF, 0x00,       CF,       0x00000000, CF | ZF | AF | PF,       STATUS_FLAGS},
    {"adc32_carry_in",       adc32,      1,          1,          CF,       3,          PF,                      STATUS_FLAGS},
    {"adc32_no_carry_in",    adc32,      0x80000000, 0x80000000, 0,        0x00000000, CF | OF | ZF | PF,       STATUS_FLAGS},
    {"sub8_half_borrow",     sub8,       0xCAFE0010, 0x01,       0,        0xCAFE000F, AF | PF,                 STATUS_FLAGS},
    {"sub16_equal",          sub16,      0x99991234, 0x1234,     0,        0x99990000, ZF | PF,                 STATUS_FLAGS},
    {"sub32_borrow",         sub32,      0,          1,          0,        0xFFFFFFFF, CF | SF | AF | PF,       STATUS_FLAGS},
    {"sub32_overflow",       sub32,      0x80000000, 1,          0,        0x7FFFFFFF, OF | AF | PF,            STATUS_FLAGS},
    {"sub32_imm32",          sub32_imm32, 0x12345678, 0,         CF,       0,          ZF | PF,                 STATUS_FLAGS},
    {"sub32_from_mem",       sub32_from_mem, 0x30,   0x31,       0,        0xFFFFFFFF, CF | SF | AF | PF,       STATUS_FLAGS},
    {"sbb8_borrow_in",       sbb8,       0x00000000, 0x00,       CF,       0x000000FF, CF | SF | AF | PF,       STATUS_FLAGS},
    {"sbb32_borrow_in",      sbb32,      5,          3,          CF,       1,          0,                       STATUS_FLAGS},
    {"cmp8_overflow",        cmp8,       0x80,       0x01,       0,        0x80,       OF | AF,                 STATUS_FLAGS},
    {"cmp32_below",          cmp32,      3,          5,          0,        3,          CF | SF | AF,            STATUS_FLAGS},
    {"and8",                 and8,       0x777777AB, 0x0F,       0,        0x7777770B, 0,                       LOGIC},
    {"and32_zero",           and32,      0xF0F0F0F0, 0x0F0F0F0F, CF | OF,  0,          ZF | PF,                 LOGIC},
    {"or32_sign",            or32,       0x80000000, 1,          0,        0x80000001, SF,                      LOGIC},
    {"xor16",                xor16,      0x5555FF00, 0x0FF0,     0,        0x5555F0F0, SF | PF,                 LOGIC},
    {"xor32_self",           xor32,      0x12345678, 0x12345678, CF | OF,  0,          ZF | PF,                 LOGIC},
    {"test32",               test32,     0x00000100, 0x00000100, 0,        0x00000100, PF,                      LOGIC},
    {"inc8_wrap_keeps_cf",   inc8,       0x000000FF, 0,          0,        0x00000000, ZF | AF | PF,            STATUS_FLAGS},
    {"inc32_overflow",       inc32,      0x7FFFFFFF, 0,          CF,       0x80000000, CF | OF | SF | AF | PF,  STATUS_FLAGS},
    {"dec16_to_zero",        dec16,      0xFFFF0001, 0,          CF,       0xFFFF0000, CF | ZF | PF,            STATUS_FLAGS},
    {"dec32_overflow",       dec32,      0x80000000, 0,          0,        0x7FFFFFFF, OF | AF | PF,            STATUS_FLAGS},
    {"neg8_min",             neg8,       0x00000080, 0,          0,        0x00000080, CF | OF | SF,            STATUS_FLAGS},
    {"neg32_zero",           neg32,      0,          0,          CF,       0,          ZF | PF,                 STATUS_FLAGS},
    {"neg32_one",            neg32,      1,          0,          0,        0xFFFFFFFF, CF | SF | AF | PF,       STATUS_FLAGS},
    {"neg32_min",            neg32,      0x80000000, 0,          0,        0x80000000, CF | OF | SF | PF,       STATUS_FLAGS},
    {"not16",                not16,      0x12340000, 0,          0,        0x1234FFFF, 0,                       STATUS_FLAGS},
    {"not32_keeps_flags",    not32,      0x0F0F0F0F, 0,          CF | ZF,  0xF0F0F0F0, CF | ZF,                 STATUS_FLAGS},
};

void test_alu(void)
{
    RUN_OP_CASES(cases);
}
