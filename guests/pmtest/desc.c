/*
 * desc.c - the GDT, LDT and TSS that pmtest runs on (see desc.h).
 */
#include "desc.h"

#include "user.h"

static uint64_t gdt[PM_GDT_ENTRIES];
static uint64_t ldt[LDT_ENTRIES];
uint8_t ldt_window[16];

struct main_task main_task __attribute__((aligned(128)));

static uint8_t ring0_stack[RING0_STACK_SIZE] __attribute__((aligned(16)));

uint64_t gate_desc(uint16_t selector, uint32_t offset, uint8_t access, uint8_t params)
{
    return (uint64_t)(offset & 0xFFFF) | (uint64_t)selector << 16 |
           (uint64_t)(params & 0x1F) << 32 | (uint64_t)access << 40 |
           (uint64_t)(offset >> 16) << 48;
}

void gdt_write(uint16_t selector, uint64_t descriptor)
{
    gdt[selector / 8] = descriptor;
}

uint32_t gdt_address(void)
{
    return (uint32_t)gdt;
}

uint64_t gdt_read(uint16_t selector)
{
    return gdt[selector / 8];
}

uint8_t gdt_access(uint16_t selector)
{
    return gdt[selector / 8] >> 40;
}

static volatile uint64_t *idt_base(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } idtr;

    __asm__ volatile("sidt %0" : "=m"(idtr));
    return (volatile uint64_t *)idtr.base;
}

uint64_t idt_read(uint8_t vector)
{
    return idt_base()[vector];
}

void idt_write(uint8_t vector, uint64_t gate)
{
    idt_base()[vector] = gate;
}

/* The call gate's target, in rings_asm.S. */
void call_gate_target(void);

void desc_init(void)
{
    const struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } gdtr = {sizeof(gdt) - 1, (uint32_t)gdt};

    /* Every descriptor starts out accessed, as most kernels set them up: the CPU then
       never writes the table on a load, except where a check clears the bit. */
    gdt[SEL_KCODE / 8] = DESC(0, FLAT_LIMIT, ACC_CODE_XR | ACC_A, FL_FLAT);
    gdt[SEL_KDATA / 8] = DESC(0, FLAT_LIMIT, ACC_DATA_RW | ACC_A, FL_FLAT);
    gdt[GDT_SEL_SPARE1 / 8] = gdt[SEL_KDATA / 8];
    gdt[GDT_SEL_SPARE2 / 8] = gdt[SEL_KDATA / 8];
    gdt[SEL_SYS_KCODE / 8] = gdt[SEL_KCODE / 8];
    gdt[SEL_SYS_KDATA / 8] = gdt[SEL_KDATA / 8];
    gdt[SEL_UCODE / 8] = DESC(0, FLAT_LIMIT, ACC_CODE_XR | ACC_DPL3 | ACC_A, FL_FLAT);
    gdt[SEL_UDATA / 8] = DESC(0, FLAT_LIMIT, ACC_DATA_RW | ACC_DPL3 | ACC_A, FL_FLAT);
    gdt[SEL_TSS / 8] = DESC((uint32_t)&main_task, sizeof(main_task) - 1, ACC_TSS, 0);
    gdt[SEL_LDT / 8] = DESC((uint32_t)ldt, sizeof(ldt) - 1, ACC_LDT, 0);
    gdt[SEL_CALL_GATE / 8] =
        gate_desc(SEL_KCODE, (uint32_t)call_gate_target, ACC_CALL_GATE | ACC_DPL3, 2);
    ldt[SEL_LDT_UDATA / 8] = DESC((uint32_t)ldt_window, sizeof(ldt_window) - 1,
                                      ACC_DATA_RW | ACC_DPL3 | ACC_A, FL_DB);

    main_task.tss.ss0 = SEL_KDATA;
    main_task.tss.esp0 = (uint32_t)ring0_stack + sizeof(ring0_stack);
    main_task.tss.ldt = SEL_LDT; /* reloaded from here when a task switch comes back to us */
    main_task.tss.iomap_base = sizeof(struct tss);
    for (unsigned i = 0; i < sizeof(main_task.iomap); i++)
        main_task.iomap[i] = 0xFF;
    main_task.iomap[PORT_ALLOWED / 8] &= ~(1u << (PORT_ALLOWED % 8));
    main_task.iomap_end = 0xFF;

    /* The way back from ring 3 (user.h): an interrupt gate that ring 3 may use. */
    idt_write(VEC_USER_EXIT,
              gate_desc(SEL_KCODE, (uint32_t)user_exit, ACC_INT_GATE | ACC_DPL3, 0));

    /* The hidden parts of the segment registers still hold the runtime's flat segments;
       reload them all from the new table (SDM Vol. 3A, 3.4.3). */
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\tmovw %w2, %%ds\n\tmovw %w2, %%es\n\tmovw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\tmovw %w2, %%ss\n\t"
                     "lldt %w3\n\t"
                     "ltr %w4"
                     :
                     : "m"(gdtr), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_LDT), "r"(SEL_TSS)
                     : "memory");
}
