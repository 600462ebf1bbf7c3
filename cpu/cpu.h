/*
 * cpu/cpu.h - the architectural state of one IA-32 processor.
 *
 * Everything a guest can observe lives here: the eight general registers,
 * EIP, EFLAGS (partly in lazy form, see cpu/flags.h), the segment registers
 * with their hidden descriptor caches, the control registers and the
 * descriptor-table registers (Intel SDM Vol. 3A, chapter 2).
 */
#ifndef CPU_CPU_H
#define CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/flags.h"
#include "cpu/fpu.h"
#include "cpu/msr.h"

/* General registers in ModRM encoding order (SDM Vol. 2A, table 2-2). */
enum gpr { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
	   /* Always zero: lets effective addresses be computed without branches. */
	   R_NONE };

/* Segment registers in the order of the sreg field of MOV Sreg. */
enum sreg { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, NR_SREGS };

/* EFLAGS bits (SDM Vol. 1, 3.4.3). */
#define FL_FIXED 0x00000002u /* bit 1 always reads as 1 */
#define FL_TF   0x00000100u
#define FL_IF   0x00000200u
#define FL_DF   0x00000400u
#define FL_IOPL 0x00003000u
#define FL_NT   0x00004000u
#define FL_RF   0x00010000u
#define FL_VM   0x00020000u
#define FL_AC   0x00040000u
#define FL_VIF  0x00080000u
#define FL_VIP  0x00100000u
#define FL_ID   0x00200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* CR0 bits (SDM Vol. 3A, 2.5). */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_PG 0x80000000u

#define CR4_PSE 0x00000010u
#define CR4_PGE 0x00000080u

/*
 * A segment register: the visible selector plus the descriptor cache the
 * processor loads with it (SDM Vol. 3A, 3.4.3).  The limit checks on every
 * access are folded into two bounds so the fast path is two compares:
 * an access of SIZE bytes at OFF is allowed when
 *     OFF >= lo  and  OFF + SIZE - 1 <= rhi (reads) / whi (writes).
 * A bound of -1 makes every access take the slow path, which raises the
 * right fault (null selector, read-only segment, execute-only segment).
 */
struct segment {
	uint16_t sel;
	uint32_t base;
	uint32_t limit;  /* effective (byte-granular) limit */
	uint32_t attr;   /* descriptor bits 8..23 of the high dword: type, S, DPL, P, AVL, D/B, G */
	uint32_t lo;
	int64_t rhi, whi;
};

/* Descriptor attribute bits, relative to struct segment.attr. */
#define SEG_TYPE_ACCESSED 0x0001u
#define SEG_TYPE_RW       0x0002u /* data: writable; code: readable */
#define SEG_TYPE_DC       0x0004u /* data: expand-down; code: conforming */
#define SEG_TYPE_CODE     0x0008u
#define SEG_S             0x0010u /* code/data (1) or system (0) */
#define SEG_DPL_SHIFT     5
#define SEG_P             0x0080u
#define SEG_DB            0x4000u
#define SEG_G             0x8000u

struct dtr {
	uint32_t base;
	uint16_t limit;
};

struct cpu;
struct insn;

/* How the CPU reaches the platform's I/O ports (hw/ioport.c). */
struct io_bus {
	uint32_t (*in)(void *opaque, uint16_t port, unsigned size);
	void (*out)(void *opaque, uint16_t port, uint32_t value, unsigned size);
	void *opaque;
};

/* Why cpu_run() returned. */
enum cpu_stop {
	STOP_NONE,
	STOP_REQUESTED,   /* a device asked to end the run (isa-debug-exit) */
	STOP_HALTED,      /* HLT with nothing that could ever wake the CPU */
	STOP_SHUTDOWN,    /* triple fault */
	STOP_BUDGET,      /* the instruction budget given to cpu_run() ran out */
	STOP_VMEXIT,      /* the guest left to the hypervisor: see cpu->vmcs */
};

/* What cpu->fault_jmp's setjmp returns after a longjmp. */
enum { FAULT_JMP_FAULT = 1, FAULT_JMP_VMEXIT = 2 };

struct vmcs;

struct cpu {
	uint32_t regs[R_NONE + 1];
	uint32_t eip;
	struct lazy_flags lf;
	uint32_t eflags;         /* authoritative except for FL_ARITH while lf.op != LF_NONE */

	struct segment seg[NR_SREGS];
	struct segment ldtr, tr;
	struct dtr gdtr, idtr;
	uint32_t cr0, cr2, cr3, cr4;
	struct fpu fpu;           /* the x87 (cpu/fpu.h) */
	uint32_t dr[8];
	uint64_t tsc_offset;     /* TSC = instructions retired + tsc_offset */
	struct msrs msr;
	unsigned cpl;
	bool code32;             /* CS.D: default operand and address size 32 */
	bool stack32;            /* SS.B: ESP (not SP) is the stack pointer */

	struct vmcs *vmcs;       /* non-NULL: a guest in VMX non-root operation */
	bool root_emulating;     /* the hypervisor has the CPU run the instruction at
				  * root_emulate_eip itself, in root mode */
	uint32_t root_emulate_eip;
	struct mmu *mmu;
	struct tlb *tlb;         /* supervisor_tlb at CPL 0-2, user_tlb at CPL 3 */
	struct tlb *supervisor_tlb, *user_tlb;
	struct io_bus io;

	uint64_t icount;         /* instructions retired: the virtual clock */
	const struct insn *cur;  /* instruction being executed (for fault EIP) */
	const struct insn *block_insns; /* first instruction of the running block */
	bool halted;             /* HLT: waiting for an interrupt */
	bool exec_breakpoints;   /* an instruction breakpoint is armed in DR7 */
	bool pending_db;         /* a data breakpoint hit: #DB after this instruction */
	bool sw_interrupt;       /* the instruction was INT n/INT3/INTO: no TF trap after it */
	/* Interrupt pins (cpu/interrupt.c). */
	bool intr_line, nmi_pending, nmi_blocked;
	unsigned (*intr_ack)(void *opaque);
	void *intr_opaque;
	bool abort_block;        /* the rest of the current block must not run */
	bool inhibit_irq;        /* STI / MOV SS shadow (SDM Vol. 3A, 6.8.3) */
	enum cpu_stop stop;
	int exit_status;         /* for STOP_REQUESTED */
	/* A fault unwinds the instruction by longjmp to cpu_run() (cpu/exception.c). */
	jmp_buf fault_jmp;
	unsigned fault_vector;
	uint32_t fault_error;
	int delivering;          /* vector being delivered, or -1: for #DF (SDM 6.15) */
	unsigned delivering_kind;     /* its enum event_kind, and error code */
	uint32_t delivering_error;
	/* The stack and privilege before an inner-ring switch, restored if the
	 * switch faults part-way (cpu/segment.c: stack_switch_begin). */
	struct {
		bool valid;
		struct segment ss;
		uint32_t esp;
		unsigned cpl;
	} rollback;
	struct icache *icache;
};

/* 8/16-bit views of the general registers (little-endian host). */
static inline uint8_t *cpu_reg8(struct cpu *c, unsigned r)
{
	return (uint8_t *)&c->regs[r & 3] + (r >> 2);
}

static inline uint16_t *cpu_reg16(struct cpu *c, unsigned r)
{
	return (uint16_t *)&c->regs[r];
}

struct cpu *cpu_create(struct mmu *mmu, struct io_bus io);
void cpu_destroy(struct cpu *c);
void cpu_reset(struct cpu *c);
/* Enter 32-bit protected mode with flat segments, as a Multiboot loader must. */
void cpu_enter_flat32(struct cpu *c, uint32_t eip);
/* Run until something stops the CPU or MAX_INSNS instructions have retired. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t max_insns);
/* The privilege level, and with it the TLB that data accesses go through. */
static inline void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
	c->cpl = cpl;
	c->tlb = cpl == 3 ? c->user_tlb : c->supervisor_tlb;
}

/* MOV to CR0 (cpu/ops_system.c): checks, then flushes the TLB when paging changes. */
void cpu_write_cr0(struct cpu *c, uint32_t v);
/* Instructions retired so far, exact even in the middle of a block. */
uint64_t cpu_icount(const struct cpu *c);
/* Ask the running CPU to stop at the end of the current instruction. */
void cpu_request_stop(struct cpu *c, enum cpu_stop why);

#endif
