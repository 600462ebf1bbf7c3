/*
 * segments.c - loading segment registers and using segments, in ring 0: the checks of
 * MOV/POP Sreg and LDS/LES/LFS/LSS (Intel SDM Vol. 2, their "Protected Mode Exceptions"),
 * limit and type checks (SDM Vol. 3A, 5.3 and 5.4), the accessed bit, the pointer
 * validation instructions LAR/LSL/VERR/VERW/ARPL (5.10), and the instructions that store
 * and load system registers: SGDT/SIDT/SLDT/STR/SMSW/LMSW (2.8).
 */
#include "desc.h"
#include "eflags.h"
#include "pmtest.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"

#define S SEL_SCRATCH
#define PAST_GDT (PM_GDT_ENTRIES * 8) /* the first selector beyond the GDT limit */

/* Where a load trapped (if it did), and what the segment register held after it. */
struct load_result {
    uint32_t at, got;
};
typedef struct load_result (*load_fn)(uint16_t selector);

/*
 * Defines fn(selector): runs insn, which loads segment register seg with %w[sel], reads
 * the register back, then reloads it with our flat data segment.
 */
#define DEFINE_LOAD(fn, seg, insn)                                                    \
    static struct load_result fn(uint16_t selector)                                   \
    {                                                                                 \
        struct load_result r;                                                         \
        __asm__ volatile(TRAP_ASM(insn) "\n\tmovl %%" seg ", %[got]\n\t"             \
                         "movw %w[flat], %%" seg                                     \
                         : TRAP_OUTPUTS(r.at), [got] "=&r"(r.got)                     \
                         : [sel] "r"((uint32_t)selector), [flat] "r"(SEL_KDATA)       \
                         : "memory");                                                 \
        r.got &= 0xFFFF;                                                              \
        return r;                                                                     \
    }
DEFINE_LOAD(mov_ds, "ds", "movw %w[sel], %%ds")
DEFINE_LOAD(mov_ss, "ss", "movw %w[sel], %%ss")

struct load_case {
    const char *name;
    load_fn load;
    uint16_t selector;
    uint64_t scratch; /* written to SEL_SCRATCH first */
    uint32_t vector, error;
};

/* The checks of MOV to DS and SS, in the order of SDM Vol. 2B, "MOV", Protected Mode
   Exceptions. An error code holds the selector without its RPL (SDM Vol. 3A, 6.13). */
static const struct load_case load_cases[] = {
    /* 3.4.2: a null selector (index 0, TI 0, any RPL) may sit in DS, not in SS. */
    {"mov_ds_null", mov_ds, 0, 0, NO_TRAP, 0},
    {"mov_ds_null_rpl3", mov_ds, 3, 0, NO_TRAP, 0},
    {"mov_ss_null", mov_ss, 0, 0, VEC_GP, 0},
    /* 3.5.1: the index must lie within the GDT limit. */
    {"mov_ds_past_gdt_limit", mov_ds, PAST_GDT, 0, VEC_GP, PAST_GDT},
    {"mov_ss_past_gdt_limit", mov_ss, PAST_GDT, 0, VEC_GP, PAST_GDT},
    /* 3.5.1: TI = 1 indexes the LDT (2 entries here). */
    {"mov_ds_from_ldt", mov_ds, SEL_LDT_UDATA, 0, NO_TRAP, 0},
    {"mov_ds_past_ldt_limit", mov_ds, 2 * 8 | SEL_TI, 0, VEC_GP, 2 * 8 | SEL_TI},
    /* 3.4.5: P = 0 is #NP for DS, #SS for SS. */
    {"mov_ds_not_present", mov_ds, S, DESC(0, FLAT_LIMIT, ACC_DATA_RW & ~ACC_P, FL_FLAT),
     VEC_NP, S},
    {"mov_ss_not_present", mov_ss, S, DESC(0, FLAT_LIMIT, ACC_DATA_RW & ~ACC_P, FL_FLAT),
     VEC_SS, S},
    /* 5.4 "Type Checking": DS takes data or readable code; SS only writable data. */
    {"mov_ds_execute_only_code", mov_ds, S, DESC(0, FLAT_LIMIT, ACC_CODE_XO, FL_FLAT), VEC_GP,
     S},
    {"mov_ds_readable_code", mov_ds, S, DESC(0, FLAT_LIMIT, ACC_CODE_XR, FL_FLAT), NO_TRAP,
     0},
    {"mov_ds_tss", mov_ds, SEL_TSS, 0, VEC_GP, SEL_TSS},
    {"mov_ds_ldt_descriptor", mov_ds, SEL_LDT, 0, VEC_GP, SEL_LDT},
    {"mov_ds_call_gate", mov_ds, SEL_CALL_GATE, 0, VEC_GP, SEL_CALL_GATE},
    {"mov_ss_read_only", mov_ss, S, DESC(0, FLAT_LIMIT, ACC_DATA_RO, FL_FLAT), VEC_GP, S},
    {"mov_ss_code", mov_ss, S, DESC(0, FLAT_LIMIT, ACC_CODE_XR, FL_FLAT), VEC_GP, S},
    /* 5.6: data needs max(CPL, RPL) <= DPL. 5.7: SS needs RPL = CPL = DPL. */
    {"mov_ds_rpl3_dpl0", mov_ds, S | RPL3, DESC(0, FLAT_LIMIT, ACC_DATA_RW, FL_FLAT), VEC_GP,
     S},
    {"mov_ds_dpl3_at_cpl0", mov_ds, S, DESC(0, FLAT_LIMIT, ACC_DATA_RW | ACC_DPL3, FL_FLAT),
     NO_TRAP, 0},
    {"mov_ss_rpl_not_cpl", mov_ss, S | RPL3,
     DESC(0, FLAT_LIMIT, ACC_DATA_RW | ACC_DPL3, FL_FLAT), VEC_GP, S},
    {"mov_ss_dpl_not_cpl", mov_ss, S, DESC(0, FLAT_LIMIT, ACC_DATA_RW | ACC_DPL3, FL_FLAT),
     VEC_GP, S},
    {"mov_ss_writable_data", mov_ss, S, DESC(0, FLAT_LIMIT, ACC_DATA_RW, FL_FLAT), NO_TRAP,
     0},
};

static void test_loads(void)
{
    for (unsigned i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
        const struct load_case *c = &load_cases[i];
        struct load_result r;

        gdt_write(S, c->scratch);
        trap_arm();
        r = c->load(c->selector);
        trap_disarm();
        if (c->vector == NO_TRAP)
            test_report(c->name, trapped.count == 0 && r.got == c->selector, TEST_WHERE,
                        "expected no trap and selector 0x%x; got %u trap(s), vector %u, "
                        "selector 0x%x", c->selector, trapped.count, trapped.vector, r.got);
        else
            CHECK_TRAP(c->name, c->vector, c->error, r.at);
    }
}

/* 3.4.2: loading a null selector into DS is fine, using it is #GP(0). */
static void test_null_ds_access(void)
{
    uint32_t at, value = 0;

    trap_arm();
    __asm__ volatile(TRAP_SETUP "movw %w[null], %%ds\n0:\tmovl %%ds:(%[p]), %[v]\n1:\t"
                     "movw %w[flat], %%ds"
                     : TRAP_OUTPUTS(at), [v] "+r"(value)
                     : [null] "r"(0), [flat] "r"(SEL_KDATA), [p] "r"(&value)
                     : "memory");
    trap_disarm();
    CHECK_TRAP("null_ds_access", VEC_GP, 0, at);
}

/* POP ES: the same checks as MOV; a faulting POP leaves ESP alone (6.5, "Faults"). */
static void pop_es(const char *name, const char *esp_name, uint64_t scratch, uint32_t vector,
                   uint32_t error)
{
    uint32_t at, before, after;

    gdt_write(S, scratch);
    trap_arm();
    __asm__ volatile("movl %%esp, %[before]\n\tpushl %[sel]\n\t" TRAP_ASM("popl %%es")
                     "\n\tmovl %%esp, %[after]\n\tmovl %[before], %%esp\n\t"
                     "movw %w[flat], %%es"
                     : TRAP_OUTPUTS(at), [before] "=&r"(before), [after] "=&r"(after)
                     : [sel] "r"(S), [flat] "r"(SEL_KDATA)
                     : "memory");
    trap_disarm();
    CHECK_TRAP(name, vector, error, vector == NO_TRAP ? 0 : at);
    CHECK_EQ(esp_name, after, vector == NO_TRAP ? before : before - 4);
}

static void test_pop(void)
{
    pop_es("pop_es_not_present", "pop_es_not_present_keeps_esp",
           DESC(0, FLAT_LIMIT, ACC_DATA_RW & ~ACC_P, FL_FLAT), VEC_NP, S);
    pop_es("pop_es_valid", "pop_es_valid_pops", DESC(0, FLAT_LIMIT, ACC_DATA_RW, FL_FLAT),
           NO_TRAP, 0);
}

/* A far pointer (m16:32): offset, then selector. */
struct __attribute__((packed)) far_ptr {
    uint32_t offset;
    uint16_t selector;
};

/* Defines fn(p): EAX = 0xEEEEEEEE, then "insn p, EAX"; returns EAX and the segment. */
#define DEFINE_LOAD_FAR(fn, seg, insn)                                                 \
    static struct load_result fn(const struct far_ptr *p, uint32_t *eax)               \
    {                                                                                  \
        struct load_result r;                                                          \
        __asm__ volatile("movl $0xEEEEEEEE, %%eax\n\t" TRAP_ASM(insn " %[p], %%eax")   \
                         "\n\tmovl %%" seg ", %[got]\n\tmovw %w[flat], %%" seg         \
                         : TRAP_OUTPUTS(r.at), [got] "=&r"(r.got), "=&a"(*eax)         \
                         : [p] "m"(*p), [flat] "r"(SEL_KDATA)                          \
                         : "memory");                                                  \
        r.got &= 0xFFFF;                                                               \
        return r;                                                                      \
    }
DEFINE_LOAD_FAR(lds, "ds", "ldsl")
DEFINE_LOAD_FAR(les, "es", "lesl")
DEFINE_LOAD_FAR(lfs, "fs", "lfsl")

/* LDS/LES/LFS/LSS (SDM Vol. 2A, "LDS/LES/LFS/LGS/LSS"): the segment checks of MOV, and
   the offset register is written only if the load succeeds. */
static void test_load_far(void)
{
    const struct far_ptr valid = {0x12345678, SEL_KDATA}, null = {0x12345678, 0},
                         absent = {0x12345678, S};
    struct load_result r;
    uint32_t eax, at, esp_before, esp_after;

    trap_arm();
    r = lfs(&valid, &eax);
    CHECK_NO_TRAP("lfs_valid");
    CHECK_EQ("lfs_valid_offset", eax, 0x12345678);
    CHECK_EQ("lfs_valid_selector", r.got, SEL_KDATA);

    trap_clear();
    r = lds(&null, &eax);
    CHECK_NO_TRAP("lds_null");
    CHECK_EQ("lds_null_selector", r.got << 16 | (eax >> 16), 0x1234);

    gdt_write(S, DESC(0, FLAT_LIMIT, ACC_DATA_RW & ~ACC_P, FL_FLAT));
    trap_clear();
    r = les(&absent, &eax);
    CHECK_TRAP("les_not_present", VEC_NP, S, r.at);
    CHECK_EQ("les_not_present_keeps_eax", eax, 0xEEEEEEEE);

    /* LSS with a null selector: #GP(0), and ESP is not touched. */
    trap_clear();
    __asm__ volatile("movl %%esp, %[before]\n\t" TRAP_ASM("lssl %[p], %%esp")
                     "\n\tmovl %%esp, %[after]\n\tmovl %[before], %%esp"
                     : TRAP_OUTPUTS(at), [before] "=&r"(esp_before), [after] "=&r"(esp_after)
                     : [p] "m"(null)
                     : "memory");
    trap_disarm();
    CHECK_TRAP("lss_null", VEC_GP, 0, at);
    CHECK_EQ("lss_null_keeps_esp", esp_after, esp_before);
}

typedef uint32_t (*access_fn)(uint32_t offset, uint32_t *value);

/*
 * Defines fn(offset, value): loads segment register seg with SEL_SCRATCH, runs insn on
 * seg:offset (%[off]) with %[val] (in/out: *value), then reloads our flat segment.
 * Returns the address of insn.
 */
#define DEFINE_ACCESS(fn, seg, insn)                                                   \
    static uint32_t fn(uint32_t offset, uint32_t *value)                               \
    {                                                                                  \
        uint32_t at;                                                                   \
        __asm__ volatile(TRAP_SETUP "movw %w[sel], %%" seg "\n0:\t" insn "\n1:\t"      \
                         "movw %w[flat], %%" seg                                       \
                         : TRAP_OUTPUTS(at), [val] "+r"(*value)                        \
                         : [off] "r"(offset), [sel] "r"(S), [flat] "r"(SEL_KDATA)      \
                         : "memory");                                                  \
        return at;                                                                     \
    }
DEFINE_ACCESS(es_read8, "es", "movb %%es:(%[off]), %b[val]")
DEFINE_ACCESS(es_read32, "es", "movl %%es:(%[off]), %[val]")
DEFINE_ACCESS(es_write32, "es", "movl %[val], %%es:(%[off])")
DEFINE_ACCESS(ss_read32, "ss", "movl %%ss:(%[off]), %[val]")

struct access_case {
    const char *name;
    access_fn access;
    uint64_t scratch; /* the segment, based at 0 */
    uint32_t offset;
    uint32_t vector, error;
};

/* A harmless address below 1 MiB that the write checks aim at. */
#define LOW_SCRATCH 0x7000

/* 5.3 "Limit Checking": every byte of the access must lie within the limit: offset <=
   limit for expand-up segments, limit < offset <= 0xFFFF (B = 0) or 0xFFFFFFFF (B = 1)
   for expand-down ones; G = 1 makes the limit (field << 12) | 0xFFF (3.4.5).
   A violation is #GP(0), or #SS(0) through SS. 5.4: no writes to code or read-only data. */
static const struct access_case access_cases[] = {
    {"byte_limit_last_byte", es_read8, DESC(0, 1, ACC_DATA_RW, FL_DB), 1, NO_TRAP, 0},
    {"byte_limit_past_end", es_read8, DESC(0, 1, ACC_DATA_RW, FL_DB), 2, VEC_GP, 0},
    {"page_limit_last_dword", es_read32, DESC(0, 1, ACC_DATA_RW, FL_G | FL_DB), 0x1FFC,
     NO_TRAP, 0},
    {"page_limit_straddling_dword", es_read32, DESC(0, 1, ACC_DATA_RW, FL_G | FL_DB),
     0x1FFD, VEC_GP, 0},
    {"expand_down_lowest_dword", es_read32, DESC(0, 0xFFF, ACC_DATA_RW_DOWN, FL_DB), 0x1000,
     NO_TRAP, 0},
    {"expand_down_below_limit", es_read32, DESC(0, 0xFFF, ACC_DATA_RW_DOWN, FL_DB), 0xFFC,
     VEC_GP, 0},
    {"expand_down_straddling_limit", es_read32, DESC(0, 0xFFF, ACC_DATA_RW_DOWN, FL_DB),
     0xFFE, VEC_GP, 0},
    {"expand_down_16bit_last_dword", es_read32, DESC(0, 0xFFF, ACC_DATA_RW_DOWN, 0), 0xFFFC,
     NO_TRAP, 0},
    {"expand_down_16bit_past_top", es_read32, DESC(0, 0xFFF, ACC_DATA_RW_DOWN, 0), 0xFFFD,
     VEC_GP, 0},
    /* Our stack lies above 1 MiB, inside this expand-down stack segment. */
    {"expand_down_stack_lowest_dword", ss_read32,
     DESC(0, 0xFFFFF, ACC_DATA_RW_DOWN, FL_DB), 0x100000, NO_TRAP, 0},
    {"expand_down_stack_below_limit", ss_read32, DESC(0, 0xFFFFF, ACC_DATA_RW_DOWN, FL_DB),
     0xFFFFC, VEC_SS, 0},
    {"write_read_only_data", es_write32, DESC(0, FLAT_LIMIT, ACC_DATA_RO, FL_FLAT),
     LOW_SCRATCH, VEC_GP, 0},
    {"read_code_segment", es_read32, DESC(0, FLAT_LIMIT, ACC_CODE_XR, FL_FLAT), LOW_SCRATCH,
     NO_TRAP, 0},
    {"write_code_segment", es_write32, DESC(0, FLAT_LIMIT, ACC_CODE_XR, FL_FLAT),
     LOW_SCRATCH, VEC_GP, 0},
};

static void test_limits(void)
{
    for (unsigned i = 0; i < sizeof(access_cases) / sizeof(access_cases[0]); i++) {
        const struct access_case *c = &access_cases[i];
        uint32_t value = 0, at;

        gdt_write(S, c->scratch);
        trap_arm();
        at = c->access(c->offset, &value);
        trap_disarm();
        CHECK_TRAP(c->name, c->vector, c->error, c->vector == NO_TRAP ? 0 : at);
    }
}

/* 3.4.5.1: the CPU sets the accessed bit of a descriptor it loads into a segment
   register. 3.4.3: the register keeps its hidden copy of the descriptor until reloaded. */
static void test_descriptor_cache(void)
{
    static const uint32_t words[2] = {0x11111111, 0x22222222};
    uint32_t value = 0;

    gdt_write(S, DESC((uint32_t)&words[0], 3, ACC_DATA_RW, FL_DB));
    mov_ds(S);
    CHECK_EQ("accessed_bit_set_by_load", gdt_access(S), ACC_DATA_RW | ACC_A);

    /* Move the base while ES holds the selector: reads still see the old base. */
    __asm__ volatile("movw %w[sel], %%es" : : [sel] "r"(S));
    gdt_write(S, DESC((uint32_t)&words[1], 3, ACC_DATA_RW, FL_DB));
    __asm__ volatile("movl %%es:0, %0" : "=r"(value) : "m"(words));
    CHECK_EQ("cached_descriptor_until_reload", value, 0x11111111);
    __asm__ volatile("movw %w[sel], %%es\n\tmovl %%es:0, %0\n\tmovw %w[flat], %%es"
                     : "=&r"(value)
                     : [sel] "r"(S), [flat] "r"(SEL_KDATA), "m"(words));
    CHECK_EQ("reloaded_descriptor", value, 0x22222222);
}

/* The result of LAR/LSL (unchanged if the selector fails: start with this) and ZF. */
#define UNCHANGED 0xDEADBEEF
typedef uint32_t (*rights_fn)(uint16_t selector, uint32_t *zf);

#define DEFINE_RIGHTS(fn, insn)                                                        \
    static uint32_t fn(uint16_t selector, uint32_t *zf)                                \
    {                                                                                  \
        uint32_t result = UNCHANGED;                                                   \
        uint8_t z;                                                                     \
        __asm__ volatile(insn "\n\tsetz %[z]"                                          \
                         : [r] "+r"(result), [z] "=q"(z)                               \
                         : [sel] "r"((uint32_t)selector)                               \
                         : "cc");                                                      \
        *zf = z;                                                                       \
        return result;                                                                 \
    }
DEFINE_RIGHTS(lar, "larl %[sel], %[r]")
DEFINE_RIGHTS(lsl, "lsll %[sel], %[r]")
DEFINE_RIGHTS(verr, "verr %w[sel]")
DEFINE_RIGHTS(verw, "verw %w[sel]")

struct rights_case {
    const char *name;
    rights_fn op;
    uint16_t selector;
    uint64_t scratch;
    uint32_t result, zf; /* VERR/VERW: result UNCHANGED */
};

/* Descriptors with limits below 0x10000: LAR leaves bits 19:16 undefined ("masked by
   00FxFF00H"), and they hold limit bits 19:16. */
#define DATA3 DESC(0x12345678, 0xABCD, ACC_DATA_RW | ACC_DPL3 | ACC_A, FL_G | FL_DB)
#define DATA0 DESC(0x12345678, 0xABCD, ACC_DATA_RW | ACC_A, FL_DB)
#define CODE_XR DESC(0, 0x1234, ACC_CODE_XR | ACC_A, FL_DB)

/* 5.10.1-5.10.3 and SDM Vol. 2A/2B "LAR", "LSL", "VERR/VERW": ZF = 1 iff the selector
   is not null, lies within its table, names a descriptor type the instruction accepts,
   and (unless conforming code) DPL >= max(CPL, RPL). */
static const struct rights_case rights_cases[] = {
    {"lar_data", lar, S, DATA3, 0x00C0F300, 1},
    {"lar_code", lar, S, CODE_XR, 0x00409B00, 1},
    {"lar_busy_tss", lar, SEL_TSS, 0, 0x00008B00, 1},
    {"lar_ldt", lar, SEL_LDT, 0, 0x00008200, 1},
    {"lar_null", lar, 0, 0, UNCHANGED, 0},
    {"lar_past_gdt_limit", lar, PAST_GDT, 0, UNCHANGED, 0},
    {"lar_interrupt_gate", lar, S, DESC(0, 0, ACC_INT_GATE, 0), UNCHANGED, 0},
    {"lar_rpl3_dpl0", lar, S | RPL3, DATA0, UNCHANGED, 0},
    {"lsl_byte_granular", lsl, S, DATA0, 0xABCD, 1},
    {"lsl_page_granular", lsl, S, DATA3, 0x0ABCDFFF, 1},
    {"lsl_tss", lsl, SEL_TSS, 0, sizeof(struct main_task) - 1, 1},
    {"lsl_call_gate", lsl, SEL_CALL_GATE, 0, UNCHANGED, 0},
    {"verr_readable_code", verr, S, CODE_XR, UNCHANGED, 1},
    {"verr_execute_only_code", verr, S, DESC(0, 0x1234, ACC_CODE_XO, FL_DB), UNCHANGED, 0},
    {"verr_conforming_code_rpl3", verr, S | RPL3, DESC(0, 0x1234, ACC_CODE_XR | 0x4, FL_DB),
     UNCHANGED, 1},
    {"verr_data", verr, S, DATA0, UNCHANGED, 1},
    {"verr_rpl3_dpl0", verr, S | RPL3, DATA0, UNCHANGED, 0},
    {"verr_null", verr, 0, 0, UNCHANGED, 0},
    {"verw_writable_data", verw, S, DATA0, UNCHANGED, 1},
    {"verw_read_only_data", verw, S, DESC(0, 0xABCD, ACC_DATA_RO, FL_DB), UNCHANGED, 0},
    {"verw_code", verw, S, CODE_XR, UNCHANGED, 0},
};

static void test_rights(void)
{
    for (unsigned i = 0; i < sizeof(rights_cases) / sizeof(rights_cases[0]); i++) {
        const struct rights_case *c = &rights_cases[i];
        uint32_t zf, result;

        gdt_write(S, c->scratch);
        result = c->op(c->selector, &zf);
        CHECK_RESULT(c->name, result, c->result, zf ? ZF : 0, c->zf ? ZF : 0, ZF);
    }
}

/* ARPL raises the RPL of the destination selector to that of the source: ZF = 1 if it
   did (5.10.4, and SDM Vol. 2A "ARPL"). */
static void test_arpl(void)
{
    uint32_t dst = 0x0010, flags;

    __asm__ volatile("arpl %w2, %w0\n\tpushfl\n\tpopl %1" : "+r"(dst), "=r"(flags)
                     : "r"(0x0023) : "cc");
    CHECK_RESULT("arpl_raises_rpl", dst, 0x0013, flags, ZF, ZF);
    __asm__ volatile("arpl %w2, %w0\n\tpushfl\n\tpopl %1" : "+r"(dst), "=r"(flags)
                     : "r"(0x0021) : "cc");
    CHECK_RESULT("arpl_keeps_higher_rpl", dst, 0x0013, flags, 0, ZF);
}

/* The 6-byte operand of SGDT/SIDT/LGDT/LIDT: limit, then base (SDM Vol. 3A, 2.4.1). */
struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint32_t base;
};

/* 2.4 "Memory-Management Registers", 2.8 "System Instruction Summary". */
static void test_system_registers(void)
{
    struct table_ptr gdtr, idtr, probe = {0x3FF, 0}, back;
    struct __attribute__((packed)) {
        uint16_t msw, guard;
    } m = {0, 0x5A5A};
    uint32_t ldtr, tr, msw, cr0;

    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    CHECK_EQ("sgdt_limit", gdtr.limit, PM_GDT_ENTRIES * 8 - 1);
    CHECK_EQ("sgdt_base", gdtr.base, gdt_address());
    __asm__ volatile("sidt %0" : "=m"(idtr));
    CHECK_EQ("sidt_limit", idtr.limit, 256 * 8 - 1);
    probe.base = idtr.base;
    __asm__ volatile("lidt %1\n\tsidt %0\n\tlidt %2" : "=m"(back) : "m"(probe), "m"(idtr));
    CHECK_EQ("lidt_sidt_round_trip", back.limit, 0x3FF);

    __asm__ volatile("sldt %0" : "=r"(ldtr));
    CHECK_EQ("sldt", ldtr & 0xFFFF, SEL_LDT);
    __asm__ volatile("str %0" : "=r"(tr));
    CHECK_EQ("str", tr & 0xFFFF, SEL_TSS);
    /* 7.2.4: LTR marks the TSS busy (type 9 -> 11). */
    CHECK_EQ("ltr_marks_tss_busy", gdt_access(SEL_TSS), ACC_TSS | TSS_BUSY);

    /* SMSW: CR0 bits 15:0 (to a 32-bit register the upper half is undefined; to memory
       exactly one word is stored). */
    cr0 = read_cr0();
    __asm__ volatile("smsw %0" : "=r"(msw));
    CHECK_EQ("smsw_register", msw & 0xFFFF, cr0 & 0xFFFF);
    __asm__ volatile("smsw %0" : "=m"(m.msw));
    CHECK_EQ("smsw_memory_one_word", (uint32_t)m.guard << 16 | m.msw,
             0x5A5A << 16 | (cr0 & 0xFFFF));
    CHECK("smsw_pe", msw & CR0_PE);

    /* LMSW loads only PE, MP, EM and TS, and cannot clear PE (SDM Vol. 2A, "LMSW"). */
    __asm__ volatile("lmsw %w0" : : "r"((cr0 | CR0_TS) & 0xFFFF));
    CHECK_EQ("lmsw_sets_ts", read_cr0(), cr0 | CR0_TS);
    __asm__ volatile("clts");
    __asm__ volatile("lmsw %w0" : : "r"(cr0 & 0xFFFF & ~CR0_PE));
    CHECK_EQ("lmsw_cannot_clear_pe", read_cr0(), cr0);
    __asm__ volatile("lmsw %w0" : : "r"((cr0 ^ 0xFFF0) & 0xFFFF));
    CHECK_EQ("lmsw_ignores_bits_4_to_15", read_cr0(), cr0);
    write_cr0(cr0);
}

void test_segments(void)
{
    test_system_registers();
    test_loads();
    test_null_ds_access();
    test_pop();
    test_load_far();
    test_limits();
    test_descriptor_cache();
    test_rights();
    test_arpl();
}
