/*
 * cpu/vmcs.h - the virtual-machine control structure (Intel SDM Vol. 3C,
 * chapter 24), reduced to the fields glassvm's hypervisor uses.
 *
 * The guest runs in VMX non-root operation.  When it does something the
 * execution controls say the hypervisor must see, the processor records why
 * in the exit-information fields and leaves to root mode: a VM-exit.  The
 * hypervisor's handler reads those fields, does the work, and re-enters the
 * guest, optionally injecting an event (an interrupt or exception) through
 * the VM-entry interruption-information field.
 */
#ifndef CPU_VMCS_H
#define CPU_VMCS_H

#include <stdbool.h>
#include <stdint.h>

/* Basic exit reasons (SDM Vol. 3D, Appendix C). */
enum exit_reason {
	EXIT_EXCEPTION_NMI = 0,
	EXIT_EXTERNAL_INTERRUPT = 1,
	EXIT_TRIPLE_FAULT = 2,
	EXIT_INTERRUPT_WINDOW = 7,
	EXIT_CPUID = 10,
	EXIT_HLT = 12,
	EXIT_INVLPG = 14,
	EXIT_VMCALL = 18,
	EXIT_CR_ACCESS = 28,
	EXIT_IO_INSTRUCTION = 30,
	EXIT_RDMSR = 31,
	EXIT_WRMSR = 32,
	EXIT_EPT_VIOLATION = 48,
	EXIT_EPT_MISCONFIG = 49,
	NR_EXIT_REASONS = 65,
};

/* Short names, as in KVM's exit statistics ("io", "cpuid", ...). */
const char *exit_reason_name(unsigned reason);
/* The reason for NAME (or a number in decimal), or -1. */
int exit_reason_by_name(const char *name);

/* Exit qualification for I/O instructions (SDM Vol. 3C, table 28-5). */
#define IOQ_SIZE(q)     (((q) & 7) + 1)      /* 1, 2 or 4 bytes */
#define IOQ_IN          (1u << 3)
#define IOQ_STRING      (1u << 4)
#define IOQ_REP         (1u << 5)
#define IOQ_IMMEDIATE   (1u << 6)            /* port in the instruction, not DX */
#define IOQ_PORT(q)     (((q) >> 16) & 0xffff)

/* Exit qualification for control-register accesses (table 28-3). */
#define CRQ_CR(q)       ((q) & 0xf)
#define CRQ_TYPE(q)     (((q) >> 4) & 3)     /* 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
#define CRQ_REG(q)      (((q) >> 8) & 0xf)
enum { CR_MOV_TO = 0, CR_MOV_FROM = 1, CR_CLTS = 2, CR_LMSW = 3 };

/* Interruption-information fields: exits (24.9.2) and entries (24.8.3). */
#define INTR_INFO_VECTOR(x)  ((x) & 0xff)
#define INTR_INFO_TYPE(x)    (((x) >> 8) & 7)
#define INTR_INFO_HAS_ERROR  (1u << 11)
#define INTR_INFO_VALID      (1u << 31)
enum intr_type { INTR_EXTERNAL = 0, INTR_NMI = 2, INTR_HW_EXCEPTION = 3, INTR_SW_INTERRUPT = 4,
		 INTR_SW_EXCEPTION = 6 };

struct ept;
struct shadow;

struct vmcs {
	/* VM-execution controls (24.6): which events leave the guest. */
	bool hlt_exiting, invlpg_exiting, cr3_load_exiting;
	bool interrupt_window_exiting;
	bool external_interrupt_exiting;  /* pin-based control */
	uint32_t exception_bitmap;        /* bit n: exception n exits (#PF under shadow paging) */
	struct ept *ept;                  /* the EPT pointer (24.6.11); NULL: no EPT */
	/* Shadow paging: the tables the MMU really walks (the "CR3" the
	 * hypervisor loads), and the CR0/CR4 bits whose change must exit
	 * (guest/host masks, 24.6.6). */
	struct shadow *shadow;
	uint64_t shadow_root;             /* host-physical; HOSTMEM_NO_FRAME: none yet */
	uint32_t cr0_guest_host_mask, cr4_guest_host_mask;

	/* VM-exit information (24.9), written by the processor at each exit. */
	uint32_t exit_reason;
	uint64_t exit_qualification;
	uint32_t guest_linear_address;
	uint64_t guest_physical_address;
	uint32_t exit_interruption_info, exit_interruption_error;
	uint32_t exit_instruction_length;
	/* The event the exit interrupted the delivery of (24.9.3, 27.2.4): the
	 * hypervisor must deliver it again. */
	uint32_t idt_vectoring_info, idt_vectoring_error;
	/* Guest state at the exit (24.4): where the guest stopped. */
	uint16_t guest_cs;
	uint32_t guest_rip;

	/* VM-entry event injection (24.8.3), consumed by the next entry. */
	uint32_t entry_interruption_info, entry_exception_error;
};

#endif
