/*
 * mmu/shadow.h - shadow page tables: the hypervisor's own copies of the
 * guest's page tables, which map guest-linear addresses straight to
 * host-physical frames (ARCHITECTURE.md section 2, "shadow").
 *
 * The MMU walks the shadow tables, never the guest's.  The hypervisor
 * fills them lazily, one hidden page fault at a time; it keeps a shadow
 * root per guest CR3 (cached, the least recently used one reclaimed); and
 * it write-protects every guest page that holds a page directory or page
 * table it shadows, so that the guest's edits exit and the shadow follows.
 */
#ifndef MMU_SHADOW_H
#define MMU_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/hostmem.h"
#include "mmu/physmem.h"

#define SHADOW_MAX_ROOTS  64
#define SHADOW_MAX_TABLES 4096
#define SHADOW_NONE       (-1)

/* Bits of a shadow entry (the 32-bit paging format, SDM Vol. 3A, 4.3). */
#define SPTE_P 0x001u
#define SPTE_W 0x002u
#define SPTE_U 0x004u
#define SPTE_G 0x100u
#define SPTE_LARGE 0x200u  /* (an available bit) a piece of a guest 4 MiB page */

/* A shadow page table: the shadow of one guest page table (or of one guest
 * 4 MiB page, split into 4 KiB pieces), under one root. */
struct shadow_table {
	uint64_t hpa;              /* its frame */
	uint32_t guest_table;      /* guest-physical page of the guest table; 0 for a 4 MiB page */
	int root;                  /* the root it hangs under */
	unsigned pd_index;         /* its slot in the root's page directory */
	int next_same_guest;       /* the next shadow of the same guest page, or SHADOW_NONE */
	bool in_use;
};

/* A shadow root: the shadow page directory for one guest CR3. */
struct shadow_root {
	uint32_t guest_cr3;        /* the guest page directory's guest-physical page */
	uint64_t hpa;              /* the shadow page directory's frame */
	uint64_t last_used;
	int tables[1024];          /* the shadow table in each slot, or SHADOW_NONE */
	bool in_use;
};

struct shadow {
	struct hostmem *host;
	struct physmem *pm;
	struct shadow_root roots[SHADOW_MAX_ROOTS];
	struct shadow_table tables[SHADOW_MAX_TABLES];
	int *shadows_of;           /* per guest page: the first shadow table of it */
	uint32_t *gpa_of;          /* per host frame of guest RAM: its guest-physical page */
	uint64_t clock;            /* for least-recently-used reclaim */
	bool tlb_stale;            /* entries lost their W bit: the TLB must be flushed */
	uint64_t roots_created, roots_reclaimed, zaps;
};

struct shadow *shadow_create(struct hostmem *host, struct physmem *pm);
void shadow_destroy(struct shadow *s);

/* The shadow root for guest CR3, made (reclaiming the oldest) if need be. */
int shadow_root_for(struct shadow *s, uint32_t guest_cr3);
/* Drop every shadow (the guest changed how its tables are read: PSE, PG...). */
void shadow_flush_all(struct shadow *s);

/* Map LIN under ROOT to host frame HPA with the given SPTE_* bits, less W if
 * HPA holds a shadowed guest table; the guest page table it came from is
 * GUEST_TABLE (0 for a 4 MiB page).  Returns -1 when out of shadow tables
 * or frames. */
int shadow_install(struct shadow *s, int root, uint32_t lin, uint32_t guest_table,
		   uint64_t hpa, uint32_t bits);
/* Does guest page GPA hold a guest paging structure that is shadowed? */
bool shadow_protects(const struct shadow *s, uint32_t gpa);
/* The guest wrote to guest page GPA: forget every shadow derived from it. */
void shadow_guest_wrote(struct shadow *s, uint32_t gpa);
/* INVLPG LIN under ROOT: drop its shadow entry (all of it for a 4 MiB page). */
void shadow_invlpg(struct shadow *s, int root, uint32_t lin);

/* The walk the MMU makes (2 references): false with a #PF error code in
 * *ERROR when the shadow has nothing, or not enough, for this access
 * (ACC: bit 0 write, bit 2 user, as ACC_WRITE/ACC_USER). */
bool shadow_walk(struct shadow *s, uint64_t root_hpa, uint32_t lin, unsigned acc,
		 uint64_t *hpa, uint32_t *bits, uint32_t *error);
/* The guest-physical address of host-physical HPA in guest RAM. */
uint32_t shadow_gpa_of(const struct shadow *s, uint64_t hpa);

#endif
