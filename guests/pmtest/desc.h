/*
 * desc.h - pmtest's descriptor tables: a larger GDT than the runtime's, an LDT, the TSS
 * of the main task, and helpers to build descriptors and to change IDT gates.
 *
 * Layouts: Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors" (Figure 3-8), 5.8.3 "Call
 * Gates" (Figure 5-8), 6.11 "IDT Descriptors" (Figure 6-2), 7.2.1 "Task-State Segment"
 * (Figure 7-2) and 7.2.2 "TSS Descriptor" (Figure 7-3).
 * The selector constants are shared with assembly, hence the __ASSEMBLER__ guard.
 */
#ifndef PMTEST_DESC_H
#define PMTEST_DESC_H

#include "gdt.h"

/* The runtime's four segments keep their selectors (its IDT stubs rely on them). */
#define SEL_KCODE GDT_SEL_CODE /* 0x08 ring-0 code */
#define SEL_KDATA GDT_SEL_DATA /* 0x10 ring-0 data and stack */
/* SYSENTER/SYSEXIT take four selectors in a row from IA32_SYSENTER_CS (SDM Vol. 3A,
   5.8.7): ring-0 code, ring-0 stack, ring-3 code, ring-3 stack. */
#define SEL_SYS_KCODE 0x28
#define SEL_SYS_KDATA 0x30
#define SEL_UCODE 0x38 /* ring-3 code (DPL 3) */
#define SEL_UDATA 0x40 /* ring-3 data and stack (DPL 3) */
#define SEL_TSS 0x48      /* the main task's TSS, loaded with LTR */
#define SEL_LDT 0x50      /* our LDT, loaded with LLDT */
#define SEL_CALL_GATE 0x58 /* DPL 3 call gate to ring-0 code, 2 parameters */
#define SEL_SCRATCH 0x60  /* rewritten by each check that needs a descriptor of its own */
#define SEL_SCRATCH2 0x68
#define SEL_TSS_A 0x70 /* tasks.c: entered with CALL */
#define SEL_TSS_B 0x78 /* tasks.c: entered with JMP */
#define SEL_TSS_DF 0x80 /* tasks.c: the double-fault task */
#define SEL_SCRATCH3 0x88
#define PM_GDT_ENTRIES 18 /* so selector 0x90 and up lie past the limit */

#define RPL3 3       /* the requested privilege level of a ring-3 selector */
#define SEL_TI 4     /* table indicator: the selector indexes the LDT */
#define SEL_LDT_UDATA (1 * 8 | SEL_TI | RPL3) /* LDT entry 1: ring-3 data */
#define LDT_ENTRIES 2

/* Access byte: P, DPL, S and the type (SDM Vol. 3A, Table 3-1 and Table 3-2). */
#define ACC_P 0x80
#define ACC_DPL3 0x60
#define ACC_S 0x10 /* code or data (clear: a system descriptor) */
#define ACC_A 0x01 /* accessed */
#define ACC_DATA_RO (ACC_P | ACC_S | 0x0)
#define ACC_DATA_RW (ACC_P | ACC_S | 0x2)
#define ACC_DATA_RW_DOWN (ACC_P | ACC_S | 0x6) /* expand-down */
#define ACC_CODE_XO (ACC_P | ACC_S | 0x8)       /* execute-only */
#define ACC_CODE_XR (ACC_P | ACC_S | 0xA)       /* execute/read */
#define ACC_LDT (ACC_P | 0x2)
#define ACC_TSS (ACC_P | 0x9)      /* 32-bit TSS, available */
#define TSS_BUSY 0x2               /* type 0x9 -> 0xB */
#define ACC_CALL_GATE (ACC_P | 0xC) /* 32-bit call gate */
#define ACC_TASK_GATE (ACC_P | 0x5)
#define ACC_INT_GATE (ACC_P | 0xE)  /* clears IF */
#define ACC_TRAP_GATE (ACC_P | 0xF) /* leaves IF alone */

/* Flags nibble: G (limit in 4 KiB units) and D/B (32-bit). */
#define FL_G 0x8
#define FL_DB 0x4
#define FL_FLAT (FL_G | FL_DB)
#define FLAT_LIMIT 0xFFFFF /* with G = 1: 4 GiB */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* A code, data or system segment descriptor (limit: the raw 20-bit field); the base
   and limit are scattered over the 8 bytes for 286 compatibility. A constant expression
   when the arguments are. */
#define DESC(base, limit, access, flags)                                                  \
    ((uint64_t)((limit) & 0xFFFF) | (uint64_t)((base) & 0xFFFFFF) << 16 |                 \
     (uint64_t)((access) & 0xFF) << 40 | (uint64_t)(((limit) >> 16) & 0xF) << 48 |        \
     (uint64_t)((flags) & 0xF) << 52 | (uint64_t)(((base) >> 24) & 0xFF) << 56)
/* A gate descriptor: call, interrupt, trap (offset used) or task gate (only the selector). */
uint64_t gate_desc(uint16_t selector, uint32_t offset, uint8_t access, uint8_t params);

void gdt_write(uint16_t selector, uint64_t descriptor);
uint32_t gdt_address(void);
uint64_t gdt_read(uint16_t selector);
/* The access byte (P, DPL, S, type) of a GDT descriptor: byte 5. */
uint8_t gdt_access(uint16_t selector);

/* Reads and writes IDT gates in the runtime's table (found with SIDT). */
uint64_t idt_read(uint8_t vector);
void idt_write(uint8_t vector, uint64_t gate);

/* The 32-bit TSS, Figure 7-2. The upper 16 bits next to each selector are reserved. */
struct tss {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t esp1;
    uint16_t ss1, r2;
    uint32_t esp2;
    uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    uint16_t trap, iomap_base;
};

/*
 * The main task: its TSS (whose ESP0 is the ring-0 stack of every trap from ring 3) and
 * the I/O permission bitmap, one bit per port, 1 = denied (SDM Vol. 1, 19.5.2 "I/O
 * Permission Bit Map"); the byte after the map must be all ones.
 */
struct __attribute__((packed)) main_task {
    struct tss tss;
    uint8_t iomap[65536 / 8];
    uint8_t iomap_end;
};
extern struct main_task main_task;
extern uint8_t ldt_window[16]; /* what LDT entry 1 (SEL_LDT_UDATA) maps */
#define RING0_STACK_SIZE 8192

/* I/O permission bitmap: ring 3 (IOPL 0) may use this port and no other. */
#define PORT_ALLOWED 0x80  /* the POST diagnostic port: harmless */
#define PORT_DENIED 0x81

/* Loads our GDT (reloading every segment register), the LDT and the TSS. */
void desc_init(void);
#endif

#endif
