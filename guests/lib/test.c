/*
 * test.c - counting and printing check results (the protocol is described in test.h).
 */
#include "test.h"

#include <stdarg.h>

#include "eflags.h"
#include "printf.h"

static const char *current_group = "?";
static unsigned group_passed, group_failed;
static unsigned total_passed, total_failed;

void test_group_begin(const char *group)
{
    current_group = group;
    group_passed = group_failed = 0;
}

void test_group_end(void)
{
    printf("GROUP %s: %u passed, %u failed\n", current_group, group_passed, group_failed);
    total_passed += group_passed;
    total_failed += group_failed;
}

unsigned test_summary(const char *program)
{
    printf("%s: %u passed, %u failed\n", program, total_passed, total_failed);
    return total_failed;
}

bool test_report(const char *name, bool ok, const char *where, const char *detail, ...)
{
    va_list ap;

    printf("TEST %s %s ... ", current_group, name);
    if (ok) {
        group_passed++;
        printf("ok\n");
        return true;
    }
    group_failed++;
    printf("FAIL (");
    va_start(ap, detail);
    vprintf(detail, ap);
    va_end(ap);
    printf(" at %s)\n", where);
    return false;
}

bool test_check_eq(const char *name, uint32_t got, uint32_t expected, const char *where)
{
    return test_report(name, got == expected, where, "expected 0x%08x, got 0x%08x", expected,
                       got);
}

bool test_check_eq64(const char *name, uint64_t got, uint64_t expected, const char *where)
{
    return test_report(name, got == expected, where, "expected 0x%016llx, got 0x%016llx",
                       expected, got);
}

bool test_check_memory(const char *name, const void *got, const void *expected, unsigned n,
                       const char *where)
{
    const uint8_t *g = got, *e = expected;
    unsigned i = 0;

    while (i < n && g[i] == e[i])
        i++;
    return test_report(name, i == n, where, "byte %u: expected 0x%02x, got 0x%02x", i,
                       i < n ? e[i] : 0, i < n ? g[i] : 0);
}

const char *test_flag_names(uint32_t flags, char buf[static 24])
{
    static const struct {
        uint32_t bit;
        char name[3];
    } names[] = {{CF, "CF"}, {PF, "PF"}, {AF, "AF"}, {ZF, "ZF"},
                 {SF, "SF"}, {DF, "DF"}, {OF, "OF"}};
    char *p = buf;

    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(flags & names[i].bit))
            continue;
        if (p != buf)
            *p++ = ' ';
        *p++ = names[i].name[0];
        *p++ = names[i].name[1];
    }
    if (p == buf)
        *p++ = '-';
    *p = '\0';
    return buf;
}

bool test_check_flags(const char *name, uint32_t got, uint32_t expected, uint32_t mask,
                      const char *where)
{
    char want[24], have[24];

    return test_report(name, (got & mask) == (expected & mask), where,
                       "expected flags [%s], got [%s]", test_flag_names(expected & mask, want),
                       test_flag_names(got & mask, have));
}

bool test_check_result(const char *name, uint32_t got, uint32_t expected, uint32_t got_flags,
                       uint32_t expected_flags, uint32_t mask, const char *where)
{
    char want[24], have[24];
    bool ok = got == expected && (got_flags & mask) == (expected_flags & mask);

    return test_report(name, ok, where, "expected 0x%08x [%s], got 0x%08x [%s]", expected,
                       test_flag_names(expected_flags & mask, want), got,
                       test_flag_names(got_flags & mask, have));
}
