/*
 * mmu/walk_trace.h - the memory references of one page walk, in order, as
 * the monitor shows them and the counters count them.
 *
 * Under EPT the walk is two-dimensional: every guest paging-structure entry
 * sits at a guest-physical address that must itself go through the EPT
 * (4 references) before it can be read (1), and so must the final GPA.  A
 * 4 KiB page of a two-level 32-bit guest costs (2+1) x (4+1) - 1 = 14
 * references (the final data access is not part of the walk); a four-level
 * guest would cost (4+1) x (4+1) - 1 = 24, the most a trace has to hold.
 */
#ifndef MMU_WALK_TRACE_H
#define MMU_WALK_TRACE_H

#include <stdint.h>

#define WALK_TRACE_MAX 24

enum walk_ref_kind {
	WALK_GUEST_PDE, WALK_GUEST_PTE,
	WALK_EPT_PML4E, WALK_EPT_PDPTE, WALK_EPT_PDE, WALK_EPT_PTE,
};

struct walk_ref {
	enum walk_ref_kind kind;
	unsigned level;         /* of the table read: 4 = PML4 ... 1 = page table */
	uint64_t gpa;           /* EPT: the address being translated; guest: the entry's own */
	uint64_t hpa;           /* where the entry was read */
	uint64_t value;         /* what was read */
};

struct walk_trace {
	unsigned n;
	struct walk_ref ref[WALK_TRACE_MAX];
};

/* Record one reference.  T may be NULL: the walk is not being traced. */
static inline void walk_trace_add(struct walk_trace *t, enum walk_ref_kind kind,
				  unsigned level, uint64_t gpa, uint64_t hpa, uint64_t value)
{
	if (!t || t->n == WALK_TRACE_MAX)
		return;
	t->ref[t->n++] = (struct walk_ref){ kind, level, gpa, hpa, value };
}

#endif
