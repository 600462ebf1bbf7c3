/*
 * mmu/gpa_access.c - guest-physical memory as a walk sees it: directly, or
 * through the EPT reference by reference (see mmu/gpa_access.h).
 */
#include <string.h>

#include "mmu/gpa_access.h"

/*
 * The host address of GPA (and its host-physical address in *HPA),
 * translating through the EPT if there is one.  A new reference adds the
 * EPT's references to the walk's (and to its trace); a REUSE does not: it
 * only checks the permission of the translation the walk already made.
 */
static uint8_t *locate(struct gpa_access *ga, uint64_t gpa, unsigned ept_access, uint64_t *hpa,
		       bool reuse)
{
	uint64_t before;

	ga->ept_result = EPT_OK;
	if (!ga->ept) {
		*hpa = gpa;
		return physmem_ptr(ga->pm, gpa);
	}
	/* The A20 gate masks the address the guest puts on its "bus", before
	 * the EPT sees it, as physmem does natively. */
	gpa = physmem_bus_addr(ga->pm, gpa);
	before = ga->ept->refs;
	ga->ept_result = ept_translate(ga->ept, gpa, ept_access, hpa, reuse ? NULL : ga->trace,
				       &ga->ept_fault);
	if (reuse)
		ga->ept->refs = before;
	else
		ga->refs += ga->ept->refs - before;
	return ga->ept_result == EPT_OK ? hostmem_ptr(ga->pm->host, *hpa) : NULL;
}

bool gpa_read_entry(struct gpa_access *ga, uint64_t gpa, enum walk_ref_kind kind,
		    unsigned level, uint32_t *value)
{
	uint64_t hpa;
	uint8_t *p = locate(ga, gpa, EPT_R, &hpa, false);

	if (ga->ept_result != EPT_OK)
		return false;
	*value = 0;  /* no memory there: reads as a not-present entry */
	if (p)
		memcpy(value, p, 4);
	ga->refs++;
	walk_trace_add(ga->trace, kind, level, gpa, hpa, *value);
	return true;
}

/* The processor sets accessed and dirty bits with a locked write to the
 * entry it has just read (SDM Vol. 3A, 4.8): no new reference, but under
 * EPT that write needs write permission on the page. */
bool gpa_set_entry_bits(struct gpa_access *ga, uint64_t gpa, uint32_t old, uint32_t bits)
{
	uint32_t v = old | bits;
	uint64_t hpa;
	uint8_t *p;

	if (v == old)
		return true;
	p = locate(ga, gpa, EPT_W, &hpa, true);
	if (ga->ept_result != EPT_OK)
		return false;
	if (p) {
		physmem_code_written(ga->pm, gpa, 4);
		memcpy(p, &v, 4);
	}
	return true;
}

uint8_t *gpa_host_ptr(struct gpa_access *ga, uint64_t gpa, unsigned ept_access)
{
	uint64_t hpa;

	return locate(ga, gpa, ept_access, &hpa, false);
}
