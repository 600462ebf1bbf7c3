/*
 * mmu/paging.h - the native 32-bit page walk (SDM Vol. 3A, 4.3 and 4.6):
 * two levels, 4 KiB pages and, with CR4.PSE, 4 MiB pages.
 */
#ifndef MMU_PAGING_H
#define MMU_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/physmem.h"

/* Kinds of access, combinable with ACC_USER. */
#define ACC_READ  0u
#define ACC_WRITE 1u
#define ACC_EXEC  2u
#define ACC_USER  4u

/* #PF error code bits (SDM Vol. 3A, 4.7). */
#define PF_P    0x1u
#define PF_W    0x2u
#define PF_U    0x4u
#define PF_RSVD 0x8u

/* Page-table entry bits. */
#define PTE_P  0x001u
#define PTE_W  0x002u
#define PTE_U  0x004u
#define PTE_A  0x020u
#define PTE_D  0x040u
#define PTE_PS 0x080u
#define PTE_G  0x100u

struct paging_regs {
	uint32_t cr0, cr3, cr4;
};

struct walk {
	uint32_t phys;        /* translated physical address */
	bool write_ok;        /* a later write may skip the walk (allowed, D already set) */
	bool global;
	bool large;           /* a 4 MiB page */
	bool user;            /* U/S set at every level: user accesses allowed */
	uint32_t table;       /* the guest page table used (0 for a 4 MiB page) */
	uint32_t pf_error;    /* valid when the walk faulted */
};

struct gpa_access;

enum walk_result {
	WALK_OK,
	WALK_PAGE_FAULT,   /* the guest's tables say no: #PF with w->pf_error */
	WALK_EPT_FAULT,    /* the EPT stopped a reference: see the gpa_access */
};

enum walk_result paging_walk(struct gpa_access *ga, const struct paging_regs *pr,
			     uint32_t lin, unsigned acc, struct walk *w);

#endif
