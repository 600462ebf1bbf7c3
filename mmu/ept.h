/*
 * mmu/ept.h - extended page tables (Intel SDM Vol. 3C, 28.3): the second
 * dimension of address translation, GPA -> HPA, built by the VMM.
 *
 * Four levels of 512 eight-byte entries, each table one frame of host
 * memory (mmu/hostmem.h): PML4 (GPA bits 47:39), PDPT (38:30), PD (29:21)
 * and page table (20:12).  A PDE may map a 2 MiB page itself (bit 7), and
 * then the walk stops a level early.  The walk reads the real entries from
 * host memory, so what the monitor dumps is what the walk used.
 *
 * What the walk finds is one of three things (28.3.3):
 *   - a translation that allows the access;
 *   - an EPT violation (exit reason 48): an entry not present, or the
 *     permissions ANDed over all levels do not allow the access;
 *   - an EPT misconfiguration (exit reason 49): an entry holds a value no
 *     processor accepts, such as write without read.  KVM marks MMIO pages
 *     this way on purpose (ept_map_mmio): a misconfiguration can only mean
 *     "device here", so its handler goes straight to the device model.
 */
#ifndef MMU_EPT_H
#define MMU_EPT_H

#include <stdint.h>

#include "mmu/hostmem.h"
#include "mmu/walk_trace.h"

/* Entry bits (28.3.2, tables 28-1 to 28-6).  R, W and X are also the access
 * kinds of ept_translate and bits 0-2 of the exit qualification. */
#define EPT_R       0x1ull
#define EPT_W       0x2ull
#define EPT_X       0x4ull
#define EPT_RWX     (EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB   (6ull << 3)    /* bits 5:3 of a leaf: memory type write-back */
#define EPT_PS      0x80ull        /* in a PDE: maps a 2 MiB page */

/* The host's physical-address width (CPUID 80000008H:EAX[7:0]), as on a
 * recent desktop processor: entry bits 51:39 are reserved. */
#define EPT_MAXPHYADDR 39
#define EPT_ADDR_MASK  (((1ull << EPT_MAXPHYADDR) - 1) & ~(uint64_t)(PAGE_SIZE - 1))

#define EPT_2M (1ull << 21)

/* The EPT pointer, a VM-execution control (24.6.11): root HPA, bits 5:3 the
 * walk length minus one, bits 2:0 the memory type of the tables. */
#define EPTP_WALK_4  (3ull << 3)
#define EPTP_WB      6ull

/* Exit qualification of an EPT violation (table 28-7). */
#define EPTQ_ACCESS(q)   ((q) & 7)          /* bits 0-2: the access, EPT_R/W/X */
#define EPTQ_ALLOWED(q)  (((q) >> 3) & 7)   /* bits 3-5: what the translation allowed */
#define EPTQ_GLA_VALID   (1ull << 7)        /* guest-linear-address field valid */
#define EPTQ_FINAL       (1ull << 8)        /* with bit 7: to the linear address's
					       translation, not a guest paging entry */

struct ept {
	struct hostmem *host;
	uint64_t root;          /* HPA of the PML4 table */
	uint64_t refs;          /* entries read by ept_translate */
	uint64_t violations, misconfigs;
};

enum ept_result { EPT_OK, EPT_VIOLATION, EPT_MISCONFIG };

/* Why a translation failed: what the VMCS exit fields will say. */
struct ept_fault {
	uint64_t gpa;           /* the guest-physical-address field (24.9.1) */
	uint64_t qualification; /* violation: bits 0-5 only; misconfiguration: 0 */
	unsigned level;         /* of the entry that stopped the walk: 4 = PML4E ... 1 = PTE */
};

/* An empty EPT (its PML4 table allocated in HOST), or NULL. */
struct ept *ept_create(struct hostmem *host);
/* Frees the EPT and every table frame it allocated. */
void ept_destroy(struct ept *e);
uint64_t ept_pointer(const struct ept *e);

/*
 * Map GPA to HPA, both aligned to the page size, allowing RWX (a non-empty
 * set of EPT_R/W/X, never W without R: see ept_map_mmio).  Tables are
 * allocated as needed.  Returns -1 on a bad argument, when host memory is
 * full, or where a page of the other size is in the way.  Replacing a
 * mapping (or unmapping it) does not flush translations cached from it:
 * that is INVEPT's job, the caller's.
 */
int ept_map_4k(struct ept *e, uint64_t gpa, uint64_t hpa, unsigned rwx);
int ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, unsigned rwx);
/* Mark the 4 KiB page at GPA as MMIO: every access is a misconfiguration. */
int ept_map_mmio(struct ept *e, uint64_t gpa);
/* Remove the page (of either size) that maps GPA; -1 if none does.  Its
 * tables stay, ready for the next mapping. */
int ept_unmap(struct ept *e, uint64_t gpa);

/*
 * Translate GPA for an access of kind ACCESS (EPT_R, EPT_W or EPT_X),
 * reading the entries from host memory, counting each in e->refs and
 * recording it in TRACE (which may be NULL).  On EPT_OK, *HPA is the
 * translation; otherwise *FAULT says why.  A violation's qualification
 * holds bits 0-5; bits 7 and 8 depend on what the access was for (a guest
 * paging-structure entry, or the final address), which only the caller
 * knows: it ORs in EPTQ_GLA_VALID and EPTQ_FINAL.
 */
enum ept_result ept_translate(struct ept *e, uint64_t gpa, unsigned access, uint64_t *hpa,
			      struct walk_trace *trace, struct ept_fault *fault);

#endif
