/*
 * trap.c - the recorder behind trap.h.
 */
#include "trap.h"

#include "desc.h"
#include "eflags.h"
#include "sysreg.h"

volatile struct trap_record trapped;
volatile uint32_t trap_resume;

/* What the CPU pushes above struct trap_frame when the trap came from ring 3: the
   interrupted SS:ESP (SDM Vol. 3A, 6.12.1, Figure 6-4). */
struct ring3_frame {
    struct trap_frame f;
    uint32_t esp, ss;
};

static void record(struct trap_frame *frame)
{
    trapped.count++;
    trapped.vector = frame->vector;
    trapped.error = frame->error;
    trapped.eip = frame->eip;
    trapped.cs = frame->cs & 0xFFFF;
    trapped.eflags = frame->eflags;
    if (frame->cs & 3) {
        const struct ring3_frame *r3 = (const struct ring3_frame *)frame;

        trapped.esp = r3->esp;
        trapped.ss = r3->ss & 0xFFFF;
    }
    if (frame->vector == VEC_PF)
        trapped.cr2 = read_cr2();
    if (frame->vector == VEC_DB) {
        /* The CPU never clears DR6: the handler must (SDM Vol. 3A, 17.2.3). */
        trapped.dr6 = read_dr6();
        write_dr6(0);
    }
    if (frame->vector == VEC_DF) {
        /* The saved CS:EIP of a double fault are undefined (SDM Vol. 3A, 6.15,
           "Interrupt 8"): resume in our own code segment, at the known label. */
        frame->cs = SEL_KCODE;
    }
    /* Stop single-stepping, and continue wherever the check said. */
    frame->eflags &= ~TF;
    frame->eip = trap_resume;
}

void trap_clear(void)
{
    trapped = (struct trap_record){0};
}

void trap_arm(void)
{
    trap_clear();
    for (uint8_t v = 0; v < 32; v++)
        idt_set_handler(v, record);
}

void trap_disarm(void)
{
    for (uint8_t v = 0; v < 32; v++)
        idt_set_handler(v, 0);
}

bool check_trap(const char *name, const volatile struct trap_record *r, uint32_t vector,
                uint32_t error, uint32_t eip, const char *where)
{
    if (vector == NO_TRAP)
        return test_report(name, r->count == 0, where,
                           "expected no trap, got %u, last vector %u (error 0x%x) at 0x%08x",
                           r->count, r->vector, r->error, r->eip);
    return test_report(name,
                       r->count == 1 && r->vector == vector && r->error == error &&
                           (r->eip == eip || eip == ANY_EIP),
                       where,
                       "expected one trap, vector %u error 0x%x at 0x%08x; got %u, last "
                       "vector %u error 0x%x at 0x%08x",
                       vector, error, eip, r->count, r->vector, r->error, r->eip);
}

void probe_run(const struct probe *p, struct probe_result *r)
{
    trap_clear();
    r->at = p->run();
    r->next = trap_resume;
    r->trap = trapped;
}

void probe_check(const struct probe *p, const struct probe_result *r)
{
    uint32_t eip = p->trap ? r->next : r->at;

    check_trap(p->name, &r->trap, p->vector, p->error, p->vector == NO_TRAP ? 0 : eip,
               p->name); /* the table entry's name says where */
}

const char *probe_subcheck(const struct probe *p, const char *what)
{
    static char name[64];
    unsigned n = 0;

    for (const char *s = p->name; *s && n < sizeof(name) - 2; s++)
        name[n++] = *s;
    name[n++] = '_';
    for (const char *s = what; *s && n < sizeof(name) - 1; s++)
        name[n++] = *s;
    name[n] = '\0';
    return name;
}

void run_probes_with(probe_runner run, const struct probe *probes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct probe_result r;

        trap_arm();
        run(&probes[i], &r);
        trap_disarm();
        probe_check(&probes[i], &r);
    }
}

void run_probes(const struct probe *probes, unsigned n)
{
    run_probes_with(probe_run, probes, n);
}
