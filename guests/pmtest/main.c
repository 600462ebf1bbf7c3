/*
 * main.c - pmtest: checks the system side of the CPU inside the guest: segment
 * protection, privilege rings, exceptions, paging, hardware tasks and system registers.
 *
 * Like cputest, every expected value comes from the Intel SDM (Vol. 3A unless said
 * otherwise), never from running the instruction under test; each check names its
 * section. The numbers are those of the editions up to 2023; later ones renumber some
 * chapters (task management became chapter 8), so most citations also give the title.
 * The output follows the protocol in lib/test.h; the run succeeds iff no check failed.
 *
 * Validation: QEMU's TCG does not model everything checked here. Segment limit and
 * type checks on memory accesses (and so the faulting PUSH and REP MOVSB that rely on
 * them), #AC, LOCK on MOV, the EXT bit of an error code, #GP on unknown MSRs and writes
 * to the TSC fail under it; Bochs (2.7, with ignore_bad_msrs=0) passes every check.
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
