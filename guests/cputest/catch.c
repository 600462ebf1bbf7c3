/*
 * catch.c - the recorder behind catch.h.
 */
#include "catch.h"

volatile struct catch_record caught;
volatile uint32_t catch_resume;

static void record(struct trap_frame *frame)
{
    caught.count++;
    caught.vector = frame->vector;
    caught.error = frame->error;
    caught.eip = frame->eip;
    /* IRET continues wherever the saved EIP points: past the faulting instruction. */
    frame->eip = catch_resume;
}

void catch_arm(uint8_t vector)
{
    caught = (struct catch_record){0};
    idt_set_handler(vector, record);
}

void catch_disarm(uint8_t vector)
{
    idt_set_handler(vector, 0);
}

bool check_caught(const char *name, uint32_t vector, uint32_t eip, const char *where)
{
    return test_report(name, caught.count == 1 && caught.vector == vector && caught.eip == eip,
                       where, "expected one trap, vector %u at 0x%08x; got %u, last vector %u "
                       "at 0x%08x", vector, eip, caught.count, caught.vector, caught.eip);
}
