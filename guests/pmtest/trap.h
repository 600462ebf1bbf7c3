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

#endif
