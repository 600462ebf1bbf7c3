/*
 * string.c - MOVS STOS LODS CMPS SCAS in byte, word and dword sizes, with REP, REPE
 * and REPNE, walking up (DF = 0) and down (DF = 1).
 *
 * Each iteration moves ESI/EDI by the element size, up or down per DF. REP repeats
 * while ECX != 0 (decrementing it); REPE/REPNE additionally stop after an iteration
 * that leaves ZF = 0 / ZF = 1 (Intel SDM Vol. 2, "REP/REPE/REPZ/REPNE/REPNZ").
 */
#include "cputest.h"
#include "eflags.h"
#include "test.h"

/* The registers a string instruction reads and leaves behind. */
struct string_regs {
    uint32_t esi, edi, ecx, eax;
    uint32_t flags; /* in: only DF matters; out: EFLAGS after */
};

/* Defines fn(r) running insn with the registers from r, then storing them back. */
#define DEFINE_STRING_OP(fn, insn)                                              \
    static void fn(struct string_regs *r)                                       \
    {                                                                           \
        uint32_t flags;                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn "\n\t"                \
                         "pushfl\n\tpopl %[fout]\n\tcld"                        \
                         : "+S"(r->esi), "+D"(r->edi), "+c"(r->ecx), "+a"(r->eax), \
                           [fout] "=&r"(flags)                                  \
                         : [fin] "r"(r->flags)                                  \
                         : "cc", "memory");                                     \
        r->flags = flags;                                                       \
    }

DEFINE_STRING_OP(rep_movsb, "rep movsb")
DEFINE_STRING_OP(rep_movsw, "rep movsw")
DEFINE_STRING_OP(rep_movsl, "rep movsl")
DEFINE_STRING_OP(rep_stosb, "rep stosb")
DEFINE_STRING_OP(rep_stosw, "rep stosw")
DEFINE_STRING_OP(rep_stosl, "rep stosl")
DEFINE_STRING_OP(lodsb, "lodsb")
DEFINE_STRING_OP(lodsw, "lodsw")
DEFINE_STRING_OP(lodsl, "lodsl")
DEFINE_STRING_OP(cmpsb, "cmpsb")
DEFINE_STRING_OP(repe_cmpsb, "repe cmpsb")
DEFINE_STRING_OP(repe_cmpsl, "repe cmpsl")
DEFINE_STRING_OP(scasl, "scasl")
DEFINE_STRING_OP(repne_scasb, "repne scasb")
DEFINE_STRING_OP(repe_scasw, "repe scasw")

#define U32(p) ((uint32_t)(p))

/* One line for the pointer and count registers a string instruction leaves. */
static void check_regs(const char *name, const struct string_regs *r, uint32_t esi,
                       uint32_t edi, uint32_t ecx)
{
    test_report(name, r->esi == esi && r->edi == edi && r->ecx == ecx, TEST_WHERE,
                "expected ESI=%08x EDI=%08x ECX=%u, got ESI=%08x EDI=%08x ECX=%u", esi, edi,
                ecx, r->esi, r->edi, r->ecx);
}

static void test_movs(void)
{
    static const char src[8] = "ABCDEFG";
    static const uint16_t wsrc[3] = {0x1111, 0x2222, 0x3333};
    static const uint32_t dsrc[4] = {1, 2, 3, 4};
    char dst[8] = {0};
    uint16_t wdst[4] = {0};
    uint32_t ddst[4] = {0};
    struct string_regs r;

    r = (struct string_regs){U32(src), U32(dst), 7, 0, 0};
    rep_movsb(&r);
    check_regs("rep_movsb", &r, U32(src + 7), U32(dst + 7), 0);
    CHECK_MEM("rep_movsb_data", dst, "ABCDEFG", 8); /* dst[7] untouched: still 0 */

    /* Backwards: start at the last element; the pointers end one element below the first. */
    r = (struct string_regs){U32(&wsrc[2]), U32(&wdst[3]), 3, 0, DF};
    rep_movsw(&r);
    check_regs("rep_movsw_backward", &r, U32(wsrc) - 2, U32(&wdst[0]), 0);
    CHECK_MEM("rep_movsw_backward_data", wdst,
              ((uint16_t[4]){0, 0x1111, 0x2222, 0x3333}), sizeof(wdst));

    r = (struct string_regs){U32(dsrc), U32(ddst), 4, 0, 0};
    rep_movsl(&r);
    check_regs("rep_movsd", &r, U32(dsrc + 4), U32(ddst + 4), 0);
    CHECK_MEM("rep_movsd_data", ddst, dsrc, sizeof(ddst));

    /* ECX = 0: no iteration at all, nothing moves. */
    r = (struct string_regs){U32(src), U32(dst), 0, 0, 0};
    rep_movsb(&r);
    check_regs("rep_movsb_count_0", &r, U32(src), U32(dst), 0);
}

static void test_stos(void)
{
    uint8_t b[6] = {0};
    uint16_t w[4] = {0};
    uint32_t d[4] = {0};
    struct string_regs r;

    r = (struct string_regs){0, U32(b), 5, 0x12345678, 0};
    rep_stosb(&r);
    check_regs("rep_stosb", &r, 0, U32(b + 5), 0);
    CHECK_MEM("rep_stosb_data", b, ((uint8_t[6]){0x78, 0x78, 0x78, 0x78, 0x78, 0}), 6);

    r = (struct string_regs){0, U32(&w[3]), 3, 0xBEEF, DF};
    rep_stosw(&r);
    check_regs("rep_stosw_backward", &r, 0, U32(&w[0]), 0);
    CHECK_MEM("rep_stosw_backward_data", w, ((uint16_t[4]){0, 0xBEEF, 0xBEEF, 0xBEEF}),
              sizeof(w));

    r = (struct string_regs){0, U32(d), 3, 0xDEADBEEF, 0};
    rep_stosl(&r);
    check_regs("rep_stosd", &r, 0, U32(d + 3), 0);
    CHECK_MEM("rep_stosd_data", d, ((uint32_t[4]){0xDEADBEEF, 0xDEADBEEF, 0xDEADBEEF, 0}),
              sizeof(d));
}

static void test_lods(void)
{
    static const uint8_t data[4] = {0x5A, 0x11, 0x22, 0x33};
    struct string_regs r;

    r = (struct string_regs){U32(data), 0, 0, 0x12345600, 0};
    lodsb(&r);
    CHECK_EQ("lodsb", r.eax, 0x1234565A);
    CHECK_EQ("lodsb_esi", r.esi, U32(data + 1));
    r = (struct string_regs){U32(data + 1), 0, 0, 0xFFFFFFFF, 0};
    lodsw(&r);
    CHECK_EQ("lodsw", r.eax, 0xFFFF2211);
    r = (struct string_regs){U32(data), 0, 0, 0, DF};
    lodsl(&r);
    CHECK_EQ("lodsd_backward", r.eax, 0x3322115A);
    CHECK_EQ("lodsd_backward_esi", r.esi, U32(data) - 4);
}

static void test_cmps(void)
{
    static const char a[] = "hello", b[] = "help!";
    static const uint32_t x[3] = {7, 8, 9}, y[3] = {7, 8, 9};
    struct string_regs r;

    r = (struct string_regs){U32(a), U32(a), 0, 0, 0};
    cmpsb(&r);
    CHECK_FLAGS("cmpsb_equal", r.flags, ZF | PF, STATUS_FLAGS);

    /* 'l' (0x6C) - 'p' (0x70) = 0xFC after 4 iterations: CF SF PF, ECX = 5 - 4. */
    r = (struct string_regs){U32(a), U32(b), 5, 0, 0};
    repe_cmpsb(&r);
    check_regs("repe_cmpsb_mismatch", &r, U32(a + 4), U32(b + 4), 1);
    CHECK_FLAGS("repe_cmpsb_mismatch_flags", r.flags, CF | SF | PF, STATUS_FLAGS);

    r = (struct string_regs){U32(x), U32(y), 3, 0, 0};
    repe_cmpsl(&r);
    check_regs("repe_cmpsd_equal", &r, U32(x + 3), U32(y + 3), 0);
    CHECK_FLAGS("repe_cmpsd_equal_flags", r.flags, ZF, ZF);
}

static void test_scas(void)
{
    static const char text[] = "hello world";
    static const uint16_t words[4] = {9, 7, 7, 7};
    static const uint32_t dword = 0x12345678;
    struct string_regs r;

    r = (struct string_regs){0, U32(&dword), 0, 0x12345678, 0};
    scasl(&r);
    CHECK_FLAGS("scasd_equal", r.flags, ZF, ZF);

    /* Finds 'o' at index 4: stops with EDI just past it, ECX = 11 - 5. */
    r = (struct string_regs){0, U32(text), 11, 'o', 0};
    repne_scasb(&r);
    check_regs("repne_scasb_found", &r, 0, U32(text + 5), 6);
    CHECK_FLAGS("repne_scasb_found_zf", r.flags, ZF, ZF);

    r = (struct string_regs){0, U32(text), 11, 'z', 0};
    repne_scasb(&r);
    check_regs("repne_scasb_not_found", &r, 0, U32(text + 11), 0);
    CHECK_FLAGS("repne_scasb_not_found_zf", r.flags, 0, ZF);

    /* Backwards over 7, 7, 7, then 9 differs: the last iteration ends it, ECX = 0, ZF = 0. */
    r = (struct string_regs){0, U32(&words[3]), 4, 7, DF};
    repe_scasw(&r);
    check_regs("repe_scasw_backward", &r, 0, U32(words) - 2, 0);
    CHECK_FLAGS("repe_scasw_backward_zf", r.flags, 0, ZF);
}

void test_string(void)
{
    test_movs();
    test_stos();
    test_lods();
    test_cmps();
    test_scas();
}
