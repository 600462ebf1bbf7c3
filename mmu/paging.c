/*
 * mmu/paging.c - the native two-level walk of the guest's own page tables.
 * Accessed and dirty bits are set as the processor sets them, and only when
 * the access is allowed.
 */
#include <string.h>

#include "mmu/paging.h"
#include "cpu/cpu.h"

static uint32_t read_entry(struct physmem *pm, uint32_t pa)
{
	uint32_t v = 0;

	physmem_read(pm, pa, &v, 4);  /* outside RAM reads as not present */
	return v;
}

static void set_entry_bits(struct physmem *pm, uint32_t pa, uint32_t old, uint32_t bits)
{
	uint32_t v = old | bits;

	if (v != old)
		physmem_write(pm, pa, &v, 4);
}

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

bool paging_walk(struct physmem *pm, const struct paging_regs *pr,
		 uint32_t lin, unsigned acc, struct walk *w)
{
	uint32_t pde_pa = (pr->cr3 & PAGE_MASK) + ((lin >> 22) << 2);
	uint32_t pde = read_entry(pm, pde_pa);
	uint32_t pte_pa, pte, allow;
	bool big = (pde & PTE_PS) && (pr->cr4 & CR4_PSE);

	if (!(pde & PTE_P)) {
		w->pf_error = fault_code(acc, 0);
		return false;
	}
	/* Without PSE-36, bits 21:13 of a 4 MiB PDE are reserved (SDM 4.3, table 4-4). */
	if (big && (pde & 0x003fe000u)) {
		w->pf_error = fault_code(acc, PF_P | PF_RSVD);
		return false;
	}
	if (big) {
		if (!access_allowed(pr, pde, acc)) {
			w->pf_error = fault_code(acc, PF_P);
			return false;
		}
		set_entry_bits(pm, pde_pa, pde, PTE_A | ((acc & ACC_WRITE) ? PTE_D : 0));
		w->phys = (pde & 0xffc00000u) | (lin & 0x003fffffu);
		w->write_ok = access_allowed(pr, pde, acc | ACC_WRITE) &&
			      ((pde & PTE_D) || (acc & ACC_WRITE));
		w->global = (pde & PTE_G) && (pr->cr4 & CR4_PGE);
		w->large = true;
		return true;
	}
	pte_pa = (pde & PAGE_MASK) + (((lin >> 12) & 0x3ff) << 2);
	pte = read_entry(pm, pte_pa);
	if (!(pte & PTE_P)) {
		w->pf_error = fault_code(acc, 0);
		return false;
	}
	allow = pde & pte;  /* the more restrictive of the two levels wins */
	if (!access_allowed(pr, allow, acc)) {
		w->pf_error = fault_code(acc, PF_P);
		return false;
	}
	set_entry_bits(pm, pde_pa, pde, PTE_A);
	set_entry_bits(pm, pte_pa, pte, PTE_A | ((acc & ACC_WRITE) ? PTE_D : 0));
	w->phys = (pte & PAGE_MASK) | (lin & ~PAGE_MASK);
	w->write_ok = access_allowed(pr, allow, acc | ACC_WRITE) &&
		      ((pte & PTE_D) || (acc & ACC_WRITE));
	w->global = (pte & PTE_G) && (pr->cr4 & CR4_PGE);
	w->large = false;
	return true;
}
