/*
 * op_case.c - runs a table of op_cases, one TEST line per case.
 */
#include "op_case.h"

#include "test.h"

void run_op_cases(const struct op_case *cases, size_t n)
{
    for (const struct op_case *c = cases; c < cases + n; c++) {
        uint32_t flags;
        uint32_t result = c->op(c->dst, c->src, c->flags_in, &flags);

        CHECK_RESULT(c->name, result, c->result, flags, c->flags, c->defined);
    }
}
