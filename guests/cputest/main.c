/*
 * main.c - cputest: checks the results of x86 instructions inside the guest.
 *
 * Every expected value was worked out by hand from the Intel SDM's description of the
 * instruction (or is a known constant), never computed by the instruction under test.
 * The output follows the protocol in lib/test.h; the run succeeds iff no check failed.
 */
#include "cputest.h"
#include "multiboot.h"
#include "printf.h"
#include "test.h"

static const struct {
    const char *name;
    void (*run)(void);
} groups[] = {
    {"alu", test_alu},         {"shift", test_shift},     {"muldiv", test_muldiv},
    {"bit", test_bit},         {"data", test_data},       {"string", test_string},
    {"bcd", test_bcd},         {"control", test_control}, {"prefix", test_prefix},
    {"exception", test_exception}, {"fpu", test_fpu},
};

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    (void)magic;
    (void)mbi;
    printf("cputest: checking instruction results\n");
    for (unsigned i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        test_group_begin(groups[i].name);
        groups[i].run();
        test_group_end();
    }
    return test_summary("cputest") != 0;
}
