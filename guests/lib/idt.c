/*
 * idt.c - the Interrupt Descriptor Table and the dispatch of traps to C handlers.
 * Gate layout: Intel SDM Vol. 3, 6.11 "IDT Descriptors", Figure 6-2.
 */
#include "idt.h"

#include <stddef.h>

#include "exit.h"
#include "gdt.h"
#include "printf.h"

#define IDT_VECTORS 256
/* Present, ring 0, 32-bit interrupt gate (type 0xE): the CPU clears IF on entry. */
#define GATE_INTERRUPT32 0x8E

struct __attribute__((packed)) gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
};

/* The stub table built by the ISR macro in isr.S. */
struct isr_entry {
    uint32_t vector;
    void (*stub)(void);
};
extern const struct isr_entry isr_table[];
extern const uint32_t isr_count;

/* Vectors without a stub stay not-present: using one raises #NP, which has a stub. */
static struct gate idt[IDT_VECTORS];
static trap_handler handlers[IDT_VECTORS];

/* Mnemonics of the architecturally defined exceptions, SDM Vol. 3, Table 6-1. */
static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "reserved", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void idt_init(void)
{
    const struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } pointer = {sizeof(idt) - 1, (uint32_t)idt};

    for (uint32_t i = 0; i < isr_count; i++) {
        const struct isr_entry *e = &isr_table[i];
        uint32_t offset = (uint32_t)e->stub;

        idt[e->vector] = (struct gate){
            .offset_low = offset & 0xFFFF,
            .selector = GDT_SEL_CODE,
            .type_attr = GATE_INTERRUPT32,
            .offset_high = offset >> 16,
        };
    }
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

void idt_set_handler(uint8_t vector, trap_handler handler)
{
    handlers[vector] = handler;
}

/* Nobody expected this trap: say where it happened and fail the run. */
static _Noreturn void unexpected_trap(const struct trap_frame *f)
{
    const char *name = f->vector < 32 ? exception_names[f->vector] : NULL;

    printf("\nunexpected trap %s (vector %u) at %04x:%08x, error code 0x%x\n",
           name ? name : "?", f->vector, f->cs & 0xFFFF, f->eip, f->error);
    printf("eax=%08x ebx=%08x ecx=%08x edx=%08x\n", f->eax, f->ebx, f->ecx, f->edx);
    printf("esi=%08x edi=%08x ebp=%08x eflags=%08x\n", f->esi, f->edi, f->ebp, f->eflags);
    guest_exit(false);
}

/* Called by isr_common in isr.S with the saved state. */
void idt_dispatch(struct trap_frame *frame);
void idt_dispatch(struct trap_frame *frame)
{
    trap_handler handler = handlers[frame->vector];

    if (handler)
        handler(frame);
    else
        unexpected_trap(frame);
}
