/*
 * test.h - the test-result protocol that test guests print on the serial line.
 *
 *     TEST <group> <name> ... ok
 *     TEST <group> <name> ... FAIL (<expected vs got> at <file>:<line>)
 *     GROUP <group>: N passed, M failed
 *     <program>: N passed, M failed
 *
 * Scripts on the host grep these lines; the guest exits with success iff nothing failed.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <stdint.h>

void test_group_begin(const char *group);
void test_group_end(void); /* prints the GROUP line */

/* Prints the final line and returns the number of failed checks (0 means success). */
unsigned test_summary(const char *program);

/* Reports one check. detail is a printf format, used only if the check failed. */
bool test_report(const char *name, bool ok, const char *where, const char *detail, ...)
    __attribute__((format(printf, 4, 5)));

bool test_check_eq(const char *name, uint32_t got, uint32_t expected, const char *where);
bool test_check_eq64(const char *name, uint64_t got, uint64_t expected, const char *where);
bool test_check_flags(const char *name, uint32_t got, uint32_t expected, uint32_t mask,
                      const char *where);
bool test_check_result(const char *name, uint32_t got, uint32_t expected, uint32_t got_flags,
                       uint32_t expected_flags, uint32_t mask, const char *where);

/* Compares n bytes of memory; a failure names the first byte that differs. */
bool test_check_memory(const char *name, const void *got, const void *expected, unsigned n,
                       const char *where);

/* Writes the names of the status flags set in flags, e.g. "CF ZF", or "-" for none. */
const char *test_flag_names(uint32_t flags, char buf[static 24]);

/* The macros add where the check is written, so a FAIL line leads to the source. */
#ifndef __FILE_NAME__ /* GCC < 12: the path as given to the compiler */
#define __FILE_NAME__ __FILE__
#endif
#define TEST_STR(x) #x
#define TEST_WHERE_(line) __FILE_NAME__ ":" TEST_STR(line)
#define TEST_WHERE TEST_WHERE_(__LINE__)

#define CHECK(name, cond) test_report(name, (cond), TEST_WHERE, "%s is false", #cond)
#define CHECK_EQ(name, got, expected) test_check_eq(name, got, expected, TEST_WHERE)
#define CHECK_EQ64(name, got, expected) test_check_eq64(name, got, expected, TEST_WHERE)
/* Compares only the flags in mask: the SDM leaves some flags undefined after some instructions. */
#define CHECK_FLAGS(name, got, expected, mask) \
    test_check_flags(name, got, expected, mask, TEST_WHERE)
#define CHECK_MEM(name, got, expected, n) test_check_memory(name, got, expected, n, TEST_WHERE)
/* A value and the flags that came with it, on one line. */
#define CHECK_RESULT(name, got, expected, got_flags, expected_flags, mask) \
    test_check_result(name, got, expected, got_flags, expected_flags, mask, TEST_WHERE)

#endif
