/*
 * trap.h - recording the exceptions that pmtest provokes on purpose, in ring 0 or ring 3.
 *
 *     uint32_t at;
 *     trap_arm();
 *     __asm__ volatile(TRAP_ASM("movw %w[sel], %%ds") : TRAP_OUTPUTS(at) : [sel] "r"(s));
 *     trap_disarm();
 *     CHECK_TRAP("mov_ds_past_limit", VEC_GP, s, at);
 *
 * trap_arm() routes all 32 exception vectors to one recorder, so that a wrong exception
 * shows up as a failed check instead of ending the run. TRAP_ASM puts label 0 on the
 * instruction and label 1 after it, stores label 0 in `at` and label 1 in trap_resume:
 * the recorder notes the trap and continues at label 1. A fault saves the address of the
 * faulting instruction (label 0); a trap, that of the next one (label 1) (Intel SDM
 * Vol. 3A, 6.5 "Exception Classifications").
 *
 * TRAP_SETUP alone lets a few instructions come between the setup and label 0, e.g. one
 * that loads DS with a null selector, after which the setup could not store to memory.
 *
 * Ring-3 code may run TRAP_ASM too (the recorder resumes it in ring 3), but it cannot
 * print: it copies `trapped` somewhere and ring 0 checks it afterwards.
 */
#ifndef PMTEST_TRAP_H
#define PMTEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "idt.h"
#include "test.h"

/* The vectors idt.h does not name (SDM Vol. 3A, Table 6-1). */
#define VEC_DB 1
#define VEC_BR 5
#define VEC_NM 7
#define VEC_DF 8
#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_PF 14
#define VEC_AC 17
#define NO_TRAP 0xFFFFFFFF /* the `vector` of a check that expects none */
#define ANY_EIP 0xFFFFFFFF /* the `eip` of a check where the SDM leaves it undefined */

struct trap_record {
    uint32_t count;      /* traps since trap_arm() or trap_clear() */
    uint32_t vector, error, eip, cs, eflags;
    uint32_t esp, ss;    /* the interrupted stack, if the trap came from ring 3 */
    uint32_t cr2, dr6;   /* read by the recorder for #PF and #DB */
};

extern volatile struct trap_record trapped;
extern volatile uint32_t trap_resume;

#define TRAP_SETUP "movl $1f, %[resume]\n\tmovl $0f, %[at]\n\t"
#define TRAP_ASM(insn) TRAP_SETUP "\n0:\t" insn "\n1:"
#define TRAP_OUTPUTS(where) [resume] "=m"(trap_resume), [at] "=&r"(where)

void trap_arm(void);    /* clears `trapped`; routes vectors 0-31 to the recorder */
void trap_disarm(void); /* back to the runtime's default: report and fail the run */
void trap_clear(void);  /* clears `trapped` (any ring) */

/* Checks that exactly one trap arrived, with this vector, error code and saved EIP;
   vector NO_TRAP: that none did. */
bool check_trap(const char *name, const volatile struct trap_record *r, uint32_t vector,
                uint32_t error, uint32_t eip, const char *where);
#define CHECK_TRAP(name, vector, error, eip) \
    check_trap(name, &trapped, vector, error, eip, TEST_WHERE)
#define CHECK_NO_TRAP(name) check_trap(name, &trapped, NO_TRAP, 0, 0, TEST_WHERE)
/* The same for a record copied by ring-3 code. */
#define CHECK_TRAP_IN(name, record, vector, error, eip) \
    check_trap(name, record, vector, error, eip, TEST_WHERE)

/*
 * A probe: one instruction and the trap it must raise (vector NO_TRAP: none), for
 * tables of checks. Probes made with DEFINE_PROBE may use EAX, ECX and EDX; setup runs
 * before the instruction, cleanup after it (or after the trap).
 */
struct probe {
    const char *name;
    uint32_t (*run)(void); /* returns the address of the instruction */
    uint32_t vector, error;
    bool trap; /* FAULT or TRAP: which address the CPU saves */
};
#define FAULT false /* saves the address of the instruction (label 0) */
#define TRAP true   /* saves the address of the next instruction (label 1) */

#define DEFINE_PROBE(fn, setup, insn, cleanup)                                        \
    static uint32_t fn(void)                                                          \
    {                                                                                 \
        uint32_t at;                                                                  \
        __asm__ volatile(setup "\n\t" TRAP_ASM(insn) "\n\t" cleanup                  \
                         : TRAP_OUTPUTS(at)                                           \
                         :                                                            \
                         : "eax", "ecx", "edx", "memory");                            \
        return at;                                                                    \
    }
/* For setup and cleanup strings: a macro's value as text, e.g. "$" TEXT(SEL_KDATA). */
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* What a probe did: the trap record, the instruction's address and label 1. */
struct probe_result {
    struct trap_record trap;
    uint32_t at, next;
};

void probe_run(const struct probe *p, struct probe_result *r); /* any ring; armed */
void probe_check(const struct probe *p, const struct probe_result *r);
/* The name "<probe name>_<what>", for a further check of the same probe; valid until
   the next call. */
const char *probe_subcheck(const struct probe *p, const char *what);
/* Runs a table of probes in ring 0 and checks each. */
void run_probes(const struct probe *probes, unsigned n);
/* The same with another way of running one (user.h: in ring 3). */
typedef void (*probe_runner)(const struct probe *p, struct probe_result *r);
void run_probes_with(probe_runner run, const struct probe *probes, unsigned n);
#define RUN_PROBES(table) run_probes(table, sizeof(table) / sizeof(table[0]))

#endif
