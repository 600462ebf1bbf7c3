/*
 * mmu/paging.c - the two-level walk of the guest's own page tables, reading
 * them natively or, under EPT, each entry through the EPT (mmu/gpa_access.c).
 * Accessed and dirty bits are set as the processor sets them, and only when
 * the access is allowed.
 */
#include <string.h>

#include "mmu/paging.h"
#include "mmu/gpa_access.h"
#include "cpu/cpu.h"

/* SDM Vol. 3A, 4.6.1: may an access of kind ACC go through entries whose
 * combined U/S and R/W bits are ALLOW? */
static bool access_allowed(const struct paging_regs *pr, uint32_t allow, unsigned acc)
{
	if (acc & ACC_USER) {
		if (!(allow & PTE_U))
			return false;
		return !(acc & ACC_WRITE) || (allow & PTE_W);
	}
	return !(acc & ACC_WRITE) || (allow & PTE_W) || !(pr->cr0 & CR0_WP);
}

static uint32_t fault_code(unsigned acc, uint32_t bits)
{
	return bits | ((acc & ACC_WRITE) ? PF_W : 0) | ((acc & ACC_USER) ? PF_U : 0);
}

/* With 4 MiB pages (CR4.PSE), the PDE is the last step. */
static enum walk_result walk_large(struct gpa_access *ga, const struct paging_regs *pr,
				   uint32_t lin, unsigned acc, uint32_t pde_pa, uint32_t pde,
				   struct walk *w)
{
	/* Without PSE-36, bits 21:13 of a 4 MiB PDE are reserved (SDM 4.3, table 4-4). */
	if (pde & 0x003fe000u) {
		w->pf_error = fault_code(acc, PF_P | PF_RSVD);
		return WALK_PAGE_FAULT;
	}
	if (!access_allowed(pr, pde, acc)) {
		w->pf_error = fault_code(acc, PF_P);
		return WALK_PAGE_FAULT;
	}
	if (!gpa_set_entry_bits(ga, pde_pa, pde, PTE_A | ((acc & ACC_WRITE) ? PTE_D : 0)))
		return WALK_EPT_FAULT;
	w->phys = (pde & 0xffc00000u) | (lin & 0x003fffffu);
	w->write_ok = access_allowed(pr, pde, acc | ACC_WRITE) &&
		      ((pde & PTE_D) || (acc & ACC_WRITE));
	w->global = (pde & PTE_G) && (pr->cr4 & CR4_PGE);
	w->large = true;
	w->user = pde & PTE_U;
	w->table = 0;
	return WALK_OK;
}

enum walk_result paging_walk(struct gpa_access *ga, const struct paging_regs *pr,
			     uint32_t lin, unsigned acc, struct walk *w)
{
	uint32_t pde_pa = (pr->cr3 & PAGE_MASK) + ((lin >> 22) << 2);
	uint32_t pde, pte_pa, pte, allow;

	if (!gpa_read_entry(ga, pde_pa, WALK_GUEST_PDE, 2, &pde))
		return WALK_EPT_FAULT;
	if (!(pde & PTE_P)) {
		w->pf_error = fault_code(acc, 0);
		return WALK_PAGE_FAULT;
	}
	if ((pde & PTE_PS) && (pr->cr4 & CR4_PSE))
		return walk_large(ga, pr, lin, acc, pde_pa, pde, w);
	pte_pa = (pde & PAGE_MASK) + (((lin >> 12) & 0x3ff) << 2);
	if (!gpa_read_entry(ga, pte_pa, WALK_GUEST_PTE, 1, &pte))
		return WALK_EPT_FAULT;
	if (!(pte & PTE_P)) {
		w->pf_error = fault_code(acc, 0);
		return WALK_PAGE_FAULT;
	}
	allow = pde & pte;  /* the more restrictive of the two levels wins */
	if (!access_allowed(pr, allow, acc)) {
		w->pf_error = fault_code(acc, PF_P);
		return WALK_PAGE_FAULT;
	}
	if (!gpa_set_entry_bits(ga, pde_pa, pde, PTE_A) ||
	    !gpa_set_entry_bits(ga, pte_pa, pte, PTE_A | ((acc & ACC_WRITE) ? PTE_D : 0)))
		return WALK_EPT_FAULT;
	w->phys = (pte & PAGE_MASK) | (lin & ~PAGE_MASK);
	w->write_ok = access_allowed(pr, allow, acc | ACC_WRITE) &&
		      ((pte & PTE_D) || (acc & ACC_WRITE));
	w->global = (pte & PTE_G) && (pr->cr4 & CR4_PGE);
	w->large = false;
	w->user = allow & PTE_U;
	w->table = pde & PAGE_MASK;
	return WALK_OK;
}
