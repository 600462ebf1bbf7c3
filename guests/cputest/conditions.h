/*
 * conditions.h - the 16 condition codes shared by Jcc, SETcc and CMOVcc
 * (Intel SDM Vol. 1, Appendix B, Table B-1).
 *
 * CONDITIONS(X) calls X(cc, holds, fails) for each mnemonic suffix cc, with a flag
 * setting where the condition holds and one where it fails. The failing settings raise
 * every status flag the condition does not look at, so a CPU that tests the wrong flag
 * shows up.
 */
#ifndef CPUTEST_CONDITIONS_H
#define CPUTEST_CONDITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eflags.h"

#define ALL STATUS_FLAGS

#define CONDITIONS(X)                                                \
    X(o, OF, ALL & ~OF)                /* overflow */                \
    X(no, ALL & ~OF, OF)                                             \
    X(b, CF, ALL & ~CF)                /* below: unsigned < */       \
    X(ae, ALL & ~CF, CF)                                             \
    X(e, ZF, ALL & ~ZF)                /* equal */                   \
    X(ne, ALL & ~ZF, ZF)                                             \
    X(be, ZF, ALL & ~(CF | ZF))        /* below or equal: CF or ZF */ \
    X(a, ALL & ~(CF | ZF), CF)                                       \
    X(s, SF, ALL & ~SF)                /* sign */                    \
    X(ns, ALL & ~SF, SF)                                             \
    X(p, PF, ALL & ~PF)                /* parity even */             \
    X(np, ALL & ~PF, PF)                                             \
    X(l, ALL & ~OF, ALL)               /* less: SF != OF */          \
    X(ge, ALL, ALL & ~OF)                                            \
    X(le, ZF, ALL & ~ZF)               /* ZF or SF != OF */          \
    X(g, ALL & ~ZF, ALL)

/* One condition as seen by one instruction: did it act (jump, set, move) for flags? */
struct condition_case {
    const char *name;
    bool (*acts)(uint32_t flags);
    uint32_t holds, fails;
};

/* Checks that each instruction acts with the `holds` flags and not with the `fails` ones. */
void run_condition_cases(const struct condition_case *cases, size_t n);

#define RUN_CONDITION_CASES(table) run_condition_cases(table, sizeof(table) / sizeof(table[0]))

#endif
