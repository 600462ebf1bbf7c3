/*
 * mmu/gpa_access.h - how a page walk reaches guest-physical memory.
 *
 * Natively (and for the guest-physical view of devices) a guest-physical
 * address is used as it is.  Under EPT every guest-physical address the
 * walk touches - each guest page-directory and page-table entry, and the
 * final page - is first translated through the EPT: the two-dimensional
 * walk of ARCHITECTURE.md section 2, (2+1) x (4+1) - 1 = 14 memory
 * references for one 4 KiB TLB miss.  Every reference is counted, and
 * recorded when a trace is given.
 */
#ifndef MMU_GPA_ACCESS_H
#define MMU_GPA_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/ept.h"
#include "mmu/physmem.h"
#include "mmu/walk_trace.h"

struct gpa_access {
	struct physmem *pm;
	struct ept *ept;             /* NULL: guest-physical addresses are used directly */
	struct walk_trace *trace;    /* NULL: references are only counted */
	uint64_t refs;               /* memory references made so far */
	/* When an EPT translation stopped the walk: */
	enum ept_result ept_result;
	struct ept_fault ept_fault;
};

/* Read or update (OR in BITS) the 32-bit paging entry at guest-physical GPA;
 * false if the EPT did not allow it (see ept_result/ept_fault). */
bool gpa_read_entry(struct gpa_access *ga, uint64_t gpa, enum walk_ref_kind kind,
		    unsigned level, uint32_t *value);
bool gpa_set_entry_bits(struct gpa_access *ga, uint64_t gpa, uint32_t old, uint32_t bits);

/* The host address of guest-physical GPA for an access of kind EPT_R/W/X:
 * NULL with ept_result set if the EPT stops it, NULL with EPT_OK if there is
 * no RAM there. */
uint8_t *gpa_host_ptr(struct gpa_access *ga, uint64_t gpa, unsigned ept_access);

#endif
