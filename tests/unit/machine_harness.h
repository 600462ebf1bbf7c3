/*
 * tests/unit/machine_harness.h - a small protected-mode PC for the unit
 * tests that run guest code on a real glassvm CPU (decoder, interpreter,
 * soft MMU), the way a kernel would set it up:
 *
 *   - flat 32-bit protected mode, paging off (identity page tables on request);
 *   - a GDT with kernel and user code and data segments and a TSS, and free
 *     slots from SEL_FREE on for a test's own descriptors;
 *   - an IDT whose every vector V enters a HLT stub at HANDLER(V) through a
 *     DPL 0 interrupt gate, so a test can tell from EIP which vector was
 *     delivered; VEC_DONE's gate has DPL 3, for ring-3 code to say "done";
 *   - ring 3 entered by IRET, as an operating system does it;
 *   - guest code assembled at test time by the host's GNU as (AT&T syntax,
 *     .code32), with the constants below predefined as assembler symbols.
 *
 * Physical addresses equal linear ones (segment bases 0, identity paging),
 * so a test reads guest stacks and tables with get32().
 */
#ifndef TESTS_UNIT_MACHINE_HARNESS_H
#define TESTS_UNIT_MACHINE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/segment.h"

/* ---- memory layout (physical = linear) ---- */
#define RAM_SIZE    (2u << 20)
#define GDT_BASE    0x1000u
#define GDT_LIMIT   0x1ffu    /* 64 descriptors */
#define LDT_BASE    0x1800u   /* room for a test's LDT */
#define IDT_BASE    0x2000u   /* 256 gates */
#define TSS_BASE    0x3000u
#define HANDLERS    0x4000u
#define HANDLER(v)  (HANDLERS + 16u * (v))
#define STUB        0x5000u   /* the harness's own code (enter_ring3) */
#define TSS_ESP0    0x8000u   /* ring-0 stack after a switch from ring 3 */
#define KSTACK      0x9000u   /* ring-0 stack of the kernel code */
#define USER_STACK  0xc000u
#define CODE        0x10000u  /* kernel code */
#define USER_CODE   0x11000u
#define DATA        0x18000u  /* scratch data, readable and writable from ring 3 */
#define PAGE_DIR    0x20000u
#define PAGE_TABLE  0x21000u
#define HOLE_PAGE   0x30000u  /* left out of the page tables by paging_identity() */

/* ---- selectors of the GDT built by machine_setup() ---- */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define SEL_TSS   0x28
#define SEL_FREE  0x30        /* first slot a test may fill */

#define VEC_DONE  0x7f        /* DPL 3 interrupt gate to a HLT stub */

/* ---- descriptor attributes, in the layout of struct segment.attr ---- */
#define DPL(n)    ((unsigned)(n) << SEG_DPL_SHIFT)
#define A_DATA    (SEG_P | SEG_S | SEG_TYPE_RW)                  /* read/write data */
#define A_CODE    (SEG_P | SEG_S | SEG_TYPE_CODE | SEG_TYPE_RW)  /* execute/read code */
#define A_FLAT    (SEG_DB | SEG_G)                               /* 32-bit, 4 KiB units */

#define GDT_ENTRY(sel) (GDT_BASE + ((sel) & ~7u))
#define IDT_ENTRY(v)   (IDT_BASE + 8u * (v))

extern struct physmem *pm;
extern struct mmu *mmu;
extern struct cpu *cpu;

/* The case a parameterized test is running, named in the harness's failure
 * messages ("" unless the test sets it). */
extern const char *test_case;

/* Called for every OUT the guest makes, when set (machine_setup clears it). */
extern void (*port_out_hook)(uint16_t port, uint32_t value);

void machine_setup(void);
void machine_teardown(void);

void put32(uint32_t pa, uint32_t v);
uint32_t get32(uint32_t pa);
void put_bytes(uint32_t pa, const uint8_t *b, size_t n);

/* A segment or system descriptor at ADDR (SDM Vol. 3A, figure 3-8): LIMIT
 * is the 20-bit field, ATTR as in struct segment.attr (type, S, DPL, P in
 * bits 0-7; AVL, D/B, G in bits 12-15). */
void put_desc(uint32_t addr, uint32_t base, uint32_t limit, uint32_t attr);
/* A call, interrupt, trap or task gate at ADDR (SDM Vol. 3A, figures 5-8
 * and 6-2); ATTR holds the type, DPL and P; PARAMS is a call gate's count. */
void put_gate(uint32_t addr, uint16_t sel, uint32_t offset, uint32_t attr, unsigned params);
/* A DPL 0 32-bit interrupt gate to SEL_KCODE:OFFSET. */
void idt_gate(unsigned vector, uint32_t offset);
/* The type and S bit (as in struct segment.attr) of the GDT's descriptor
 * for SEL, as the CPU left them (accessed, busy). */
unsigned gdt_type(unsigned sel);

/* Identity-map all RAM through PAGE_DIR/PAGE_TABLE, present, writable and
 * user-accessible, except HOLE (0: none), which is left not present. */
void paging_identity(uint32_t hole);
/* The page-table entry of the page at PA (identity map). */
void set_pte(uint32_t pa, uint32_t flags);

/*
 * Assemble SRC (GNU as, AT&T syntax, 32-bit code) for address ADDR and put
 * the bytes there; returns their number.  The constants above (SEL_KCODE,
 * DATA, HANDLERS, ...) are predefined symbols; labels are kept for
 * asm_label().
 */
size_t asm_at(uint32_t addr, const char *src);
/* The address of LABEL in the code assembled so far by this test. */
uint32_t asm_label(const char *label);

/* Load TR with SEL_TSS if it is not yet, then IRET to SEL_UCODE:EIP with
 * SEL_UDATA:ESP and SEL_UDATA in DS, ES, FS, GS; returns in ring 3. */
void enter_ring3(uint32_t eip, uint32_t esp);

/* Run until the CPU halts; returns the vector whose HLT stub stopped it,
 * or -1 if it stopped at any other HLT. */
int run_to_handler(void);
/* Run to the handler of VECTOR and check the frame of a fault with an
 * error code: ERROR, then the EIP of the faulting instruction. */
void expect_fault(unsigned vector, uint32_t error, uint32_t eip);

/* The K-th dword on the current stack. */
uint32_t stack_dword(unsigned k);

#endif
