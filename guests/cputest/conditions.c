/*
 * conditions.c - runs a condition table, one TEST line per instruction.
 */
#include "conditions.h"

#include "test.h"

void run_condition_cases(const struct condition_case *cases, size_t n)
{
    for (const struct condition_case *c = cases; c < cases + n; c++) {
        bool acted_holds = c->acts(c->holds), acted_fails = c->acts(c->fails);
        char holds[24], fails[24];

        test_report(c->name, acted_holds && !acted_fails, TEST_WHERE,
                    "with [%s] it should act and %s, with [%s] it should not and %s",
                    test_flag_names(c->holds, holds), acted_holds ? "did" : "did not",
                    test_flag_names(c->fails, fails), acted_fails ? "did" : "did not");
    }
}
