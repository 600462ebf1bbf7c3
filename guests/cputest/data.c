/*
 * data.c - moving data: MOV forms, MOVZX/MOVSX, XCHG, XADD, CMPXCHG, CMPXCHG8B, LEA,
 * CMOVcc, SETcc, PUSH/POP (PUSHA/POPA, PUSHF/POPF), ENTER/LEAVE, CBW/CWDE/CWD/CDQ,
 * LAHF/SAHF. Semantics: the instructions' pages in Intel SDM Vol. 2.
 */
#include "conditions.h"
#include "cputest.h"
#include "gdt.h"
#include "op_case.h"
#include "test.h"

/* Absolute addresses: the MOV moffs forms (opcodes A0-A3) and stack tests use them. */
static uint32_t moffs_var = 0x600DF00D;
static uint32_t memory_slot;

static void test_mov(void)
{
    static const uint32_t table[4] = {0x10, 0x20, 0x30, 0x40};
    uint32_t v, w;

    __asm__ volatile("movl $0xCAFEBABE, %0" : "=m"(memory_slot));
    CHECK_EQ("mov_imm32_to_mem", memory_slot, 0xCAFEBABE);
    __asm__ volatile("movb $0x5A, %0" : "+m"(*(uint8_t *)&memory_slot));
    CHECK_EQ("mov_imm8_to_mem", memory_slot, 0xCAFEBA5A);
    __asm__ volatile("movl 8(%1,%2,4), %0" : "=r"(v) : "r"(table), "r"(1), "m"(table));
    CHECK_EQ("mov_base_index_scale_disp", v, 0x40);
    __asm__ volatile("movl %1, %%eax" : "=a"(v) : "m"(moffs_var));
    CHECK_EQ("mov_moffs_load", v, 0x600DF00D);
    __asm__ volatile("movl %%eax, %0" : "=m"(moffs_var) : "a"(0x12345678));
    CHECK_EQ("mov_moffs_store", moffs_var, 0x12345678);
    v = 0x12345678;
    __asm__ volatile("movb %%al, %%ah\n\tmovb $0x99, %%al" : "+a"(v));
    CHECK_EQ("mov_high_byte_register", v, 0x12347899);
    __asm__ volatile("movl %%ds, %0\n\tmovw %w0, %%es\n\tmovl %%es, %1" : "=r"(v), "=r"(w));
    CHECK_EQ("mov_segment_register", (v & 0xFFFF) << 16 | (w & 0xFFFF),
             GDT_SEL_DATA << 16 | GDT_SEL_DATA);
}

static void test_movzx_movsx(void)
{
    uint32_t v;
    uint16_t h;

    __asm__ volatile("movzbl %b1, %0" : "=r"(v) : "q"(0xAB80));
    CHECK_EQ("movzx_byte", v, 0x80);
    __asm__ volatile("movsbl %b1, %0" : "=r"(v) : "q"(0xAB80));
    CHECK_EQ("movsx_byte", v, 0xFFFFFF80);
    __asm__ volatile("movzwl %w1, %0" : "=r"(v) : "r"(0xAB8000));
    CHECK_EQ("movzx_word", v, 0x8000);
    __asm__ volatile("movswl %w1, %0" : "=r"(v) : "r"(0xAB8000));
    CHECK_EQ("movsx_word", v, 0xFFFF8000);
    __asm__ volatile("movsbw %b1, %0" : "=r"(h) : "q"(0x7F));
    CHECK_EQ("movsx_byte_to_word", h, 0x007F);
}

static void test_exchange(void)
{
    uint32_t a = 1, b = 2, mem = 0x33, flags;
    uint64_t acc, mem64;

    __asm__ volatile("xchgl %0, %1" : "+r"(a), "+r"(b));
    CHECK_EQ("xchg_reg_reg", a << 8 | b, 0x0201);
    __asm__ volatile("xchgl %0, %1" : "+r"(a), "+m"(mem)); /* implicitly locked */
    CHECK_EQ("xchg_reg_mem", a << 8 | mem, 0x3302);
    a = 0x1234ABCD;
    __asm__ volatile("xchgb %%ah, %%al" : "+a"(a));
    CHECK_EQ("xchg_ah_al", a, 0x1234CDAB);

    /* XADD: dst = dst + src, src = old dst, flags as ADD. */
    a = 0xFFFFFFFF, b = 1;
    __asm__ volatile("xaddl %1, %0\n\tpushfl\n\tpopl %2" : "+r"(a), "+r"(b), "=r"(flags) : : "cc");
    CHECK_RESULT("xadd_reg", a, 0, flags, CF | ZF | AF | PF, STATUS_FLAGS);
    CHECK_EQ("xadd_reg_old_value", b, 0xFFFFFFFF);
    mem = 10, b = 5;
    __asm__ volatile("lock xaddl %1, %0" : "+m"(mem), "+r"(b) : : "cc");
    CHECK_EQ("lock_xadd_mem", mem << 8 | b, 15 << 8 | 10);

    /* CMPXCHG: if EAX == dst then dst = src, ZF = 1; else EAX = dst, ZF = 0. */
    mem = 5, a = 5;
    __asm__ volatile("lock cmpxchgl %3, %1\n\tpushfl\n\tpopl %2"
                     : "+a"(a), "+m"(mem), "=r"(flags) : "r"(9) : "cc");
    CHECK_RESULT("cmpxchg_equal", mem, 9, flags, ZF, ZF);
    mem = 7, a = 5;
    __asm__ volatile("lock cmpxchgl %3, %1\n\tpushfl\n\tpopl %2"
                     : "+a"(a), "+m"(mem), "=r"(flags) : "r"(9) : "cc");
    CHECK_RESULT("cmpxchg_unequal", a << 8 | mem, 7 << 8 | 7, flags, 0, ZF);

    /* CMPXCHG8B: the same with EDX:EAX against m64, and ECX:EBX as the new value. */
    mem64 = acc = 0x1122334455667788ull;
    __asm__ volatile("lock cmpxchg8b %1\n\tpushfl\n\tpopl %2"
                     : "+A"(acc), "+m"(mem64), "=r"(flags)
                     : "b"(0xEEFF0011), "c"(0xAABBCCDD) : "cc");
    CHECK_EQ64("cmpxchg8b_equal", mem64, 0xAABBCCDDEEFF0011ull);
    CHECK_FLAGS("cmpxchg8b_equal_zf", flags, ZF, ZF);
    mem64 = 0x1122334455667788ull, acc = 0;
    __asm__ volatile("lock cmpxchg8b %1\n\tpushfl\n\tpopl %2"
                     : "+A"(acc), "+m"(mem64), "=r"(flags)
                     : "b"(0xEEFF0011), "c"(0xAABBCCDD) : "cc");
    CHECK_EQ64("cmpxchg8b_unequal_loads", acc, 0x1122334455667788ull);
    CHECK_FLAGS("cmpxchg8b_unequal_zf", flags, 0, ZF);
}

/* LEA computes an address and stops there: no memory access, no flags. */
static void test_lea(void)
{
    uint32_t v;

    __asm__ volatile("leal 12(%1,%2,4), %0" : "=r"(v) : "r"(0x1000), "r"(3));
    CHECK_EQ("lea_base_index_scale_disp", v, 0x1018);
    __asm__ volatile("leal 0x20(%1), %0" : "=r"(v) : "r"(0xFFFFFFF0));
    CHECK_EQ("lea_wraps_at_4g", v, 0x10);
    __asm__ volatile("leal 5(,%1,8), %0" : "=r"(v) : "r"(3));
    CHECK_EQ("lea_index_only", v, 29);
    __asm__ volatile("leal (%1,%1,2), %0" : "=r"(v) : "r"(7));
    CHECK_EQ("lea_times_3", v, 21);
}

#define DEFINE_SETCC(cc, holds, fails)                                        \
    static bool set_##cc(uint32_t flags)                                      \
    {                                                                         \
        uint8_t r;                                                            \
        __asm__ volatile("pushl %1\n\tpopfl\n\tset" #cc " %0"                 \
                         : "=q"(r) : "r"(flags) : "cc");                      \
        return r == 1;                                                        \
    }
#define SETCC_CASE(cc, holds, fails) {"set" #cc, set_##cc, holds, fails},
CONDITIONS(DEFINE_SETCC)
static const struct condition_case setcc_cases[] = {CONDITIONS(SETCC_CASE)};

#define DEFINE_CMOVCC(cc, holds, fails)                                       \
    static bool cmov_##cc(uint32_t flags)                                     \
    {                                                                         \
        uint32_t r = 0;                                                       \
        __asm__ volatile("pushl %2\n\tpopfl\n\tcmov" #cc "l %1, %0"          \
                         : "+r"(r) : "r"(0xC0FFEE), "r"(flags) : "cc");       \
        return r == 0xC0FFEE;                                                 \
    }
#define CMOVCC_CASE(cc, holds, fails) {"cmov" #cc, cmov_##cc, holds, fails},
CONDITIONS(DEFINE_CMOVCC)
static const struct condition_case cmovcc_cases[] = {CONDITIONS(CMOVCC_CASE)};

static void test_push_pop(void)
{
    uint32_t a, b;

    __asm__ volatile("pushl $-1\n\tpopl %0" : "=r"(a));
    CHECK_EQ("push_imm8_sign_extends", a, 0xFFFFFFFF);
    __asm__ volatile("pushl %1\n\tpopl %0" : "=m"(memory_slot) : "m"(moffs_var));
    CHECK_EQ("push_pop_mem", memory_slot, moffs_var);
    /* PUSH ESP pushes the value ESP had before the push (SDM "PUSH"). */
    __asm__ volatile("movl %%esp, %0\n\tpushl %%esp\n\tpopl %1" : "=&r"(a), "=r"(b));
    CHECK_EQ("push_esp_pushes_old_value", b, a);
    /* POP m with an ESP-based address computes it after incrementing ESP (SDM "POP"). */
    __asm__ volatile("pushl $1\n\tpushl $2\n\tpopl (%%esp)\n\tpopl %0" : "=r"(a));
    CHECK_EQ("pop_to_esp_relative_mem", a, 2);
}

struct pusha_result {
    uint32_t esp_before, esp_after_pusha;
    uint32_t pushed[8], popped[8];
};
void pusha_probe(struct pusha_result *r); /* data_asm.S */

static void test_pusha_popa(void)
{
    struct pusha_result r;

    pusha_probe(&r);
    /* Pushed in the order EAX ECX EDX EBX ESP(original) EBP ESI EDI: EDI ends lowest. */
    uint32_t pushed[8] = {0xD1D10007, 0x51510006, 0xB0B00005, r.esp_before,
                          0xBBBB0004, 0xDDDD0003, 0xCCCC0002, 0xAAAA0001};
    /* POPA loads the slots back, except ESP's, which it skips (SDM "POPA"). */
    uint32_t popped[8] = {0x1000, 0x1001, 0x1002, r.esp_before,
                          0x1004, 0x1005, 0x1006, 0x1007};

    CHECK_EQ("pusha_esp", r.esp_after_pusha, r.esp_before - 32);
    CHECK_MEM("pusha_pushes_all", r.pushed, pushed, sizeof(pushed));
    CHECK_MEM("popa_skips_esp", r.popped, popped, sizeof(popped));
}

static void test_pushf_popf(void)
{
    uint32_t flags;

    /* Reserved bits 3, 5 and 15 read as 0 and bit 1 as 1 whatever is popped. IF, TF and
       the system flags are left out: setting them here would change how the CPU runs. */
    __asm__ volatile("pushl %1\n\tpopfl\n\tpushfl\n\tpopl %0\n\tcld"
                     : "=r"(flags) : "r"(STATUS_FLAGS | DF | 0x8028) : "cc");
    CHECK_EQ("popf_pushf_all_status_flags", flags, STATUS_FLAGS | DF | EFLAGS_FIXED);
    __asm__ volatile("pushl %1\n\tpopfl\n\tpushfl\n\tpopl %0" : "=r"(flags) : "r"(0) : "cc");
    CHECK_EQ("popf_pushf_none", flags, EFLAGS_FIXED);
}

struct enter_result {
    uint32_t esp_before, ebp_after, esp_after;
    uint32_t frame[4];
    uint32_t ebp_after_leave, esp_after_leave;
};
/* data_asm.S: ENTER $8, $level, then LEAVE. */
void enter_probe_0(struct enter_result *r);
void enter_probe_1(struct enter_result *r);
void enter_probe_3(struct enter_result *r);
extern uint32_t outer_display[2], outer_display_end[];

/*
 * ENTER $size, $level (SDM "ENTER", Operation): push EBP; frame = ESP; copy level-1
 * frame pointers of the enclosing display from [EBP-4], [EBP-8], ...; if level > 0,
 * push frame; EBP = frame; ESP -= size. LEAVE: ESP = EBP; pop EBP.
 */
static void check_enter(const char *name, const char *frame_name,
                        void (*probe)(struct enter_result *), unsigned level)
{
    const uint32_t old_ebp = (uint32_t)outer_display_end;
    uint32_t expected[4] = {0xEEEEEEEE, 0xEEEEEEEE, 0xEEEEEEEE, 0xEEEEEEEE};
    struct enter_result r;
    unsigned pushed = 0;

    probe(&r);
    uint32_t frame = r.esp_before - 4;
    expected[pushed++] = old_ebp;
    for (unsigned i = 1; i < level; i++)
        expected[pushed++] = outer_display[2 - i]; /* [old EBP - 4 * i] */
    if (level > 0)
        expected[pushed++] = frame;
    uint32_t esp = r.esp_before - 4 * pushed - 8;

    test_report(name,
                r.ebp_after == frame && r.esp_after == esp && r.ebp_after_leave == old_ebp &&
                    r.esp_after_leave == r.esp_before,
                TEST_WHERE,
                "expected EBP=%08x ESP=%08x after ENTER, EBP=%08x ESP=%08x after LEAVE; "
                "got %08x %08x, %08x %08x", frame, esp, old_ebp, r.esp_before, r.ebp_after,
                r.esp_after, r.ebp_after_leave, r.esp_after_leave);
    CHECK_MEM(frame_name, r.frame, expected, sizeof(expected));
}

static void test_enter_leave(void)
{
    check_enter("enter_level0", "enter_level0_frame", enter_probe_0, 0);
    check_enter("enter_level1", "enter_level1_frame", enter_probe_1, 1);
    check_enter("enter_level3", "enter_level3_frame", enter_probe_3, 3);
}

/* Sign extension within the accumulator; the 16-bit forms keep the upper halves. */
DEFINE_OP(cbw, "cbtw")
DEFINE_OP(cwde, "cwtl")
DEFINE_OP(sahf_lahf, "sahf\n\tlahf")

static const struct op_case accumulator_cases[] = {
    /* name             op         dst         src  flags in  result      flags                   defined */
    {"cbw",             cbw,       0x12345680, 0,   0,        0x1234FF80, 0,                      STATUS_FLAGS},
    {"cwde",            cwde,      0x12348000, 0,   0,        0xFFFF8000, 0,                      STATUS_FLAGS},
    /* SAHF loads SF ZF AF PF CF from AH (0xD5); LAHF reads them back with bit 1 set. OF stays. */
    {"sahf_lahf",       sahf_lahf, 0x0000D500, 0,   OF,       0x0000D700, SF | ZF | AF | PF | CF | OF, STATUS_FLAGS},
};

static void test_cwd_cdq(void)
{
    uint32_t eax = 0x00008000, edx = 0x12340000;

    __asm__ volatile("cwtd" : "+a"(eax), "+d"(edx));
    CHECK_EQ("cwd", edx, 0x1234FFFF);
    eax = 0x80000000;
    __asm__ volatile("cltd" : "+a"(eax), "=d"(edx));
    CHECK_EQ("cdq_negative", edx, 0xFFFFFFFF);
    eax = 0x7FFFFFFF;
    __asm__ volatile("cltd" : "+a"(eax), "=d"(edx));
    CHECK_EQ("cdq_positive", edx, 0);
}

void test_data(void)
{
    test_mov();
    test_movzx_movsx();
    test_exchange();
    test_lea();
    RUN_CONDITION_CASES(setcc_cases);
    RUN_CONDITION_CASES(cmovcc_cases);
    test_push_pop();
    test_pusha_popa();
    test_pushf_popf();
    test_enter_leave();
    RUN_OP_CASES(accumulator_cases);
    test_cwd_cdq();
}
