/*
 * bit.c - BT BTS BTR BTC, BSF BSR, BSWAP.
 *
 * BT* copy the selected bit into CF (ZF unchanged, OF SF AF PF undefined), then set,
 * reset or complement it. With a register operand the bit offset is taken modulo the
 * operand size. With a memory operand and a register offset, the offset is a signed
 * index into a bit string that may reach far beyond (or before) the addressed dword
 * (Intel SDM Vol. 2, "BT", Figure 3-2 and Table 3-2); an immediate offset is still
 * taken modulo the operand size.
 */
#include "cputest.h"
#include "op_case.h"
#include "test.h"

#define BT_FLAGS (CF | ZF)

DEFINE_OP(bt32, "btl %[src], %[dst]")
DEFINE_OP(bts32, "btsl %[src], %[dst]")
DEFINE_OP(btr32_0, "btrl $0, %[dst]")
DEFINE_OP(btc32_8, "btcl $8, %[dst]")
DEFINE_OP(btc16, "btcw %w[src], %w[dst]")
DEFINE_OP(bsf32, "bsfl %[src], %[dst]")
DEFINE_OP(bsr32, "bsrl %[src], %[dst]")
DEFINE_OP(bswap32, "bswap %[dst]")

static const struct op_case cases[] = {
    /* name                 op          dst         src         flags in  result      flags    defined */
    {"bt32_set",            bt32,       0x00000020, 5,          ZF,       0x00000020, CF | ZF, BT_FLAGS},
    {"bt32_offset_mod_32",  bt32,       0x00000020, 37,         0,        0x00000020, CF,      BT_FLAGS},
    {"bt32_clear",          bt32,       0xFFFFFFDF, 5,          CF,       0xFFFFFFDF, 0,       BT_FLAGS},
    {"bts32",               bts32,      0,          31,         0,        0x80000000, 0,       BT_FLAGS},
    {"btr32_imm",           btr32_0,    0xFFFFFFFF, 0,          0,        0xFFFFFFFE, CF,      BT_FLAGS},
    {"btc32_imm",           btc32_8,    0x0000FF00, 0,          0,        0x0000FE00, CF,      BT_FLAGS},
    {"btc16",               btc16,      0xFFFF0000, 15,         0,        0xFFFF8000, 0,       BT_FLAGS},
    {"bsf32",               bsf32,      0,          0x00018000, 0,        15,         0,       ZF},
    {"bsr32",               bsr32,      0,          0x00018000, 0,        16,         0,       ZF},
    {"bswap32_keeps_flags", bswap32,    0x12345678, 0,          CF | ZF,  0x78563412, CF | ZF, STATUS_FLAGS},
};

/* With a zero source BSF/BSR set ZF; the destination is undefined, so only flags count. */
static void test_bit_scan_zero(void)
{
    uint32_t flags;

    bsf32(0x5A5A5A5A, 0, 0, &flags);
    CHECK_FLAGS("bsf32_zero_source", flags, ZF, ZF);
    bsr32(0x5A5A5A5A, 0, 0, &flags);
    CHECK_FLAGS("bsr32_zero_source", flags, ZF, ZF);
}

/* Runs insn on the bit string at base with a signed register offset; returns CF. */
#define DEFINE_BIT_STRING_OP(fn, insn)                                     \
    static uint32_t fn(uint32_t *base, int32_t offset)                     \
    {                                                                      \
        uint8_t cf;                                                        \
        __asm__ volatile(insn " %[offset], (%[base])\n\tsetc %[cf]"        \
                         : [cf] "=q"(cf)                                   \
                         : [base] "r"(base), [offset] "r"(offset)          \
                         : "cc", "memory");                                \
        return cf;                                                         \
    }

DEFINE_BIT_STRING_OP(bt_string, "btl")
DEFINE_BIT_STRING_OP(bts_string, "btsl")
DEFINE_BIT_STRING_OP(btr_string, "btrl")
DEFINE_BIT_STRING_OP(btc_string, "btcl")

static void check_bits(const char *name, uint32_t cf, uint32_t expected_cf,
                       const uint32_t got[4], const uint32_t expected[4])
{
    bool same = cf == expected_cf;

    for (int i = 0; i < 4; i++)
        same = same && got[i] == expected[i];
    test_report(name, same, TEST_WHERE,
                "expected CF=%u bits %08x %08x %08x %08x, got CF=%u bits %08x %08x %08x %08x",
                expected_cf, expected[0], expected[1], expected[2], expected[3], cf, got[0],
                got[1], got[2], got[3]);
}

static void test_bit_strings(void)
{
    /* The string starts at bits[1]: offset -1 is bit 31 of bits[0], offset 70 bit 6 of bits[3]. */
    uint32_t bits[4] = {0x80000000, 0, 0, 0x40};
    uint32_t *base = &bits[1];

    check_bits("bt_mem_offset_minus1", bt_string(base, -1), 1, bits,
               (uint32_t[4]){0x80000000, 0, 0, 0x40});
    check_bits("bt_mem_offset_70", bt_string(base, 70), 1, bits,
               (uint32_t[4]){0x80000000, 0, 0, 0x40});
    check_bits("bt_mem_offset_69", bt_string(base, 69), 0, bits,
               (uint32_t[4]){0x80000000, 0, 0, 0x40});
    check_bits("bts_mem_offset_33", bts_string(base, 33), 0, bits,
               (uint32_t[4]){0x80000000, 0, 2, 0x40});
    check_bits("btr_mem_offset_minus1", btr_string(base, -1), 1, bits,
               (uint32_t[4]){0, 0, 2, 0x40});
    check_bits("btc_mem_offset_70", btc_string(base, 70), 1, bits, (uint32_t[4]){0, 0, 2, 0});
    check_bits("btc_mem_offset_minus32", btc_string(base, -32), 0, bits,
               (uint32_t[4]){1, 0, 2, 0});
}

/* An immediate offset does not index the string: 35 is bit 3 of the addressed dword. */
static void test_bit_immediate_in_memory(void)
{
    uint32_t bits[2] = {0, 0};

    __asm__ volatile("btsl $35, %0" : "+m"(bits[0]) : : "cc");
    test_report("bts_mem_imm35_is_bit3", bits[0] == 8 && bits[1] == 0, TEST_WHERE,
                "expected 00000008 00000000, got %08x %08x", bits[0], bits[1]);
}

void test_bit(void)
{
    RUN_OP_CASES(cases);
    test_bit_scan_zero();
    test_bit_strings();
    test_bit_immediate_in_memory();
}
