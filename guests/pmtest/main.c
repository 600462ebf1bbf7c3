/*
 * main.c - pmtest: checks the system side of the CPU inside the guest: segment
 * protection, privilege rings, exceptions, paging, hardware tasks and system registers.
 *
 * Like cputest, every expected value comes from the Intel SDM (Vol. 3A unless said
 * otherwise), never from running the instruction under test; each check names its
 * section. The output follows the protocol in lib/test.h; the run succeeds iff no
 * check failed.
 */
#include "desc.h"
#include "multiboot.h"
#include "pmtest.h"
#include "printf.h"
#include "test.h"

static const struct {
    const char *name;
    void (*run)(void);
} groups[] = {
    {"segments", test_segments}, {"rings", test_rings}, {"exceptions", test_exceptions},
    {"paging", test_paging},     {"tasks", test_tasks}, {"misc", test_misc},
};

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    (void)magic;
    (void)mbi;
    printf("pmtest: checking protected-mode system features\n");
    desc_init();
    for (unsigned i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        test_group_begin(groups[i].name);
        groups[i].run();
        test_group_end();
    }
    return test_summary("pmtest") != 0;
}
