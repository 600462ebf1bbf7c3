/*
 * vmm/exit_ept.c - exits 48 (EPT violation) and 49 (EPT misconfiguration).
 *
 * Guest RAM is mapped in the EPT lazily: the first touch of each page is an
 * EPT violation, and the hypervisor maps the page's host frame there, 4 KiB
 * at a time, and lets the guest retry (SDM Vol. 3C, 28.3.3.2).  A violation
 * outside RAM (a ROM window, or nothing at all) and a misconfiguration (the
 * mark of MMIO, as KVM uses it) are served by having the CPU run that one
 * instruction itself in root mode, where ROM is read-only and empty
 * addresses float.  ROM pages are mapped read-only (see map_rom_page).
 */
#include <string.h>

#include "cpu/vmx.h"
#include "mmu/ept.h"
#include "mmu/physmem.h"
#include "vmm/vmm.h"

#define SIZE_2M (2ull << 20)

/* A whole 2 MiB of RAM, with no ROM in it, can be one EPT page (28.3.2:
 * a PDE with bit 7), which the host placed contiguously for us. */
static bool map_2m(struct vmm *v, uint64_t gpa)
{
	uint64_t base = gpa & ~(SIZE_2M - 1);

	if (base + SIZE_2M > v->pm->size)
		return false;
	for (uint64_t a = base; a < base + SIZE_2M; a += PAGE_SIZE)
		if (physmem_rom_at(v->pm, a))
			return false;
	if (ept_map_2m(v->vmcs.ept, base, physmem_hpa(v->pm, base), EPT_RWX))
		return false;
	v->ept_pages_mapped += SIZE_2M / PAGE_SIZE;
	return true;
}

/*
 * A ROM page (the BIOS) gets a host frame holding a copy of it, mapped
 * read and execute only, as KVM maps ROM as a read-only memory slot: reads
 * and fetches then need no exit, and a write is an EPT violation the
 * hypervisor serves in root mode, where ROM ignores it.
 */
static bool map_rom_page(struct vmm *v, uint64_t gpa)
{
	uint64_t frame;

	if (EPTQ_ACCESS(v->vmcs.exit_qualification) & EPT_W)
		return false;
	frame = hostmem_alloc_frame(v->pm->host);
	if (frame == HOSTMEM_NO_FRAME)
		return false;
	memcpy(hostmem_ptr(v->pm->host, frame), physmem_ptr(v->pm, gpa), PAGE_SIZE);
	if (ept_map_4k(v->vmcs.ept, gpa, frame, EPT_R | EPT_X)) {
		hostmem_free_frame(v->pm->host, frame);
		return false;
	}
	return true;
}

void exit_ept_violation(struct vmm *v)
{
	uint64_t gpa = v->vmcs.guest_physical_address & PAGE_MASK;
	uint64_t hpa = physmem_hpa(v->pm, gpa);

	if (v->ept_2m && map_2m(v, gpa))
		return;
	/* RAM a ROM window covers (the BIOS at F0000) is not the guest's to see. */
	if (physmem_rom_at(v->pm, gpa)) {
		if (map_rom_page(v, gpa))
			return;
		hpa = HOSTMEM_NO_FRAME;
	}
	if (hpa != HOSTMEM_NO_FRAME && ept_map_4k(v->vmcs.ept, gpa, hpa, EPT_RWX) == 0) {
		v->ept_pages_mapped++;
		return;  /* the guest retries the access, which now translates */
	}
	vmx_emulate_in_root(v->cpu);
}

void exit_ept_misconfig(struct vmm *v)
{
	vmx_emulate_in_root(v->cpu);
}
