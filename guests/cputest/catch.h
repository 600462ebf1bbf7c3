/*
 * catch.h - catching an exception that a test provokes on purpose.
 *
 *     uint32_t at;
 *     catch_arm(VEC_UD);
 *     __asm__ volatile(CATCH_ASM("ud2") : CATCH_OUTPUTS(at));
 *     catch_disarm(VEC_UD);
 *     CHECK_CAUGHT("ud2", VEC_UD, at);
 *
 * CATCH_ASM puts label 0 on the instruction and label 1 after it, stores the address of
 * label 0 in `at` and that of label 1 in catch_resume. A fault (#DE, #UD, #GP) saves
 * the address of the faulting instruction, label 0, and the recorder moves the saved
 * EIP to label 1, skipping it. A trap (INT3, INT n, INTO) saves the address of the next
 * instruction: check it against catch_resume instead.
 */
#ifndef CPUTEST_CATCH_H
#define CPUTEST_CATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "idt.h"
#include "test.h"

struct catch_record {
    uint32_t count; /* how many traps arrived since catch_arm() */
    uint32_t vector, error, eip;
};

extern volatile struct catch_record caught;
extern volatile uint32_t catch_resume;

#define CATCH_ASM(insn) "movl $1f, %[resume]\n\tmovl $0f, %[at]\n0:\t" insn "\n1:"
#define CATCH_OUTPUTS(at) [resume] "=m"(catch_resume), [at] "=&r"(at)

/* Clears `caught` and routes vector to the recorder. */
void catch_arm(uint8_t vector);
/* Routes vector back to the default handler, which fails the run. */
void catch_disarm(uint8_t vector);

/* Checks that exactly one trap arrived, with this vector and this saved EIP. */
bool check_caught(const char *name, uint32_t vector, uint32_t eip, const char *where);
#define CHECK_CAUGHT(name, vector, eip) check_caught(name, vector, eip, TEST_WHERE)

#endif
