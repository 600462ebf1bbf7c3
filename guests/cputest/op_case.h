/*
 * op_case.h - table-driven checks of one instruction (or a short sequence) at a time.
 *
 * A case gives the inputs (destination, source, EFLAGS before), the expected result
 * and flags, and which flags the SDM defines for that case: after many instructions
 * some flags are "undefined", and a correct CPU may leave anything there.
 */
#ifndef CPUTEST_OP_CASE_H
#define CPUTEST_OP_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "eflags.h"

typedef uint32_t (*op_fn)(uint32_t dst, uint32_t src, uint32_t flags_in, uint32_t *flags_out);

/*
 * Defines an op_fn that loads EFLAGS from flags_in (POPF), runs insn, and saves
 * EFLAGS into *flags_out (PUSHF). In insn, %[dst] is EAX and %[src] is ECX, so
 * %b[dst] is AL, %w[dst] is AX, and %b[src] is CL, the shift-count register.
 * insn may read %[src] but must not change it.
 */
#define DEFINE_OP(fn, insn)                                                                \
    static uint32_t fn(uint32_t dst, uint32_t src, uint32_t flags_in, uint32_t *flags_out) \
    {                                                                                      \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %[fout]"     \
                         : [dst] "+a"(dst), [fout] "=&r"(*flags_out)                       \
                         : [src] "c"(src), [fin] "r"(flags_in)                             \
                         : "cc", "memory");                                                \
        return dst;                                                                        \
    }

struct op_case {
    const char *name;
    op_fn op;
    uint32_t dst, src, flags_in;
    uint32_t result, flags; /* expected */
    uint32_t defined;       /* the flags to compare */
};

void run_op_cases(const struct op_case *cases, size_t n);

#define RUN_OP_CASES(table) run_op_cases(table, sizeof(table) / sizeof(table[0]))

#endif
