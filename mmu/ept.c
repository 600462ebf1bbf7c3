/*
 * mmu/ept.c - building the EPT in host frames, and walking it (Intel SDM
 * Vol. 3C, 28.3.2 translation, 28.3.3 violations and misconfigurations).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/ept.h"

#define EPT_LEVELS 4
#define NO_ENTRY   HOSTMEM_NO_FRAME

/* Bits 51:MAXPHYADDR, reserved in every entry (28.3.2). */
#define RESERVED_HIGH  (((1ull << 52) - 1) & ~((1ull << EPT_MAXPHYADDR) - 1))
/* Bits 7:3 of an entry that references a table: reserved.  In a PDPTE bit 7
 * would map a 1 GiB page, which this processor does not support. */
#define RESERVED_TABLE 0xf8ull
/* Bits 20:12 of a PDE that maps a 2 MiB page (table 28-4). */
#define RESERVED_2M    0x1ff000ull
/* Memory types 2, 3 and 7 are reserved (28.3.7). */
#define RESERVED_TYPES ((1u << 2) | (1u << 3) | (1u << 7))

static const enum walk_ref_kind kind_at[EPT_LEVELS + 1] = {
	[4] = WALK_EPT_PML4E, [3] = WALK_EPT_PDPTE, [2] = WALK_EPT_PDE, [1] = WALK_EPT_PTE,
};

/* log2 of what one entry at LEVEL covers: 4 KiB for a PTE, 2 MiB for a
 * PDE...  Each level takes 9 more bits of the GPA. */
static unsigned shift_at(unsigned level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

/* GPA's index in the table at LEVEL. */
static unsigned index_at(uint64_t gpa, unsigned level)
{
	return (gpa >> shift_at(level)) & 511;
}

static uint64_t slot(uint64_t table, uint64_t gpa, unsigned level)
{
	return table + 8 * index_at(gpa, level);
}

/* An entry that points to a table rather than mapping a page. */
static bool is_table(uint64_t entry, unsigned level)
{
	return level > 1 && (entry & EPT_RWX) && !(entry & EPT_PS);
}

/* Nothing answers outside host memory: the bus floats high, and an entry
 * of all ones is misconfigured (reserved bits), as it should be. */
static uint64_t read_entry(struct ept *e, uint64_t hpa)
{
	const uint8_t *p = hostmem_ptr(e->host, hpa);
	uint64_t v = ~0ull;

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

/* Only ever at an HPA inside a table the EPT allocated. */
static void write_entry(struct ept *e, uint64_t hpa, uint64_t v)
{
	memcpy(hostmem_ptr(e->host, hpa), &v, sizeof(v));
}

struct ept *ept_create(struct hostmem *host)
{
	struct ept *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->host = host;
	e->root = hostmem_alloc_frame(host);
	if (e->root == HOSTMEM_NO_FRAME) {
		free(e);
		return NULL;
	}
	return e;
}

static void free_table(struct ept *e, uint64_t table, unsigned level)
{
	for (unsigned i = 0; level > 1 && i < 512; i++) {
		uint64_t entry = read_entry(e, table + 8 * i);

		if (is_table(entry, level))
			free_table(e, entry & EPT_ADDR_MASK, level - 1);
	}
	hostmem_free_frame(e->host, table);
}

void ept_destroy(struct ept *e)
{
	if (!e)
		return;
	free_table(e, e->root, EPT_LEVELS);
	free(e);
}

uint64_t ept_pointer(const struct ept *e)
{
	return e->root | EPTP_WALK_4 | EPTP_WB;
}

/* A fresh table, as an entry that points to it.  Such entries allow
 * everything: the permissions of all levels are ANDed, and the leaf says
 * what the page allows. */
static uint64_t new_table(struct ept *e)
{
	uint64_t frame = hostmem_alloc_frame(e->host);

	return frame == HOSTMEM_NO_FRAME ? NO_ENTRY : frame | EPT_RWX;
}

/*
 * The HPA of GPA's entry in the table at *LEVEL, found from the root.  With
 * CREATE, missing tables are made on the way down.  A 2 MiB page on the way
 * ends the search early, at its PDE, and *LEVEL says so.  NO_ENTRY if a
 * table is missing (or there is no frame left for it).
 */
static uint64_t find_entry(struct ept *e, uint64_t gpa, unsigned *level, bool create)
{
	uint64_t table = e->root;

	for (unsigned l = EPT_LEVELS; l > *level; l--) {
		uint64_t hpa = slot(table, gpa, l), entry = read_entry(e, hpa);

		if (entry & EPT_PS) {
			*level = l;
			return hpa;
		}
		if (!(entry & EPT_RWX)) {
			if (!create || (entry = new_table(e)) == NO_ENTRY)
				return NO_ENTRY;
			write_entry(e, hpa, entry);
		}
		table = entry & EPT_ADDR_MASK;
	}
	return slot(table, gpa, *level);
}

/* Write the leaf that maps GPA at LEVEL.  A page of the other size in the
 * way is refused: a 4 KiB page cannot sit inside a 2 MiB one, and a 2 MiB
 * page would silently hide the page table below it. */
static int set_leaf(struct ept *e, uint64_t gpa, unsigned level, uint64_t value)
{
	unsigned at = level;
	uint64_t hpa = find_entry(e, gpa, &at, true);

	if (hpa == NO_ENTRY || at != level || is_table(read_entry(e, hpa), level))
		return -1;
	write_entry(e, hpa, value);
	return 0;
}

/* Write without read is a misconfiguration (28.3.3.1): only ept_map_mmio
 * makes one, on purpose. */
static bool valid_rwx(unsigned rwx)
{
	return rwx && !(rwx & ~EPT_RWX) && (rwx & (EPT_R | EPT_W)) != EPT_W;
}

/* GPA and HPA aligned to SIZE, and HPA within the physical-address width. */
static bool valid_frame(uint64_t gpa, uint64_t hpa, uint64_t size)
{
	return !((gpa | hpa) & (size - 1)) && !(hpa & ~EPT_ADDR_MASK);
}

int ept_map_4k(struct ept *e, uint64_t gpa, uint64_t hpa, unsigned rwx)
{
	if (!valid_frame(gpa, hpa, PAGE_SIZE) || !valid_rwx(rwx))
		return -1;
	return set_leaf(e, gpa, 1, hpa | EPT_MT_WB | rwx);
}

int ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, unsigned rwx)
{
	if (!valid_frame(gpa, hpa, EPT_2M) || !valid_rwx(rwx))
		return -1;
	return set_leaf(e, gpa, 2, hpa | EPT_PS | EPT_MT_WB | rwx);
}

int ept_map_mmio(struct ept *e, uint64_t gpa)
{
	if (gpa & (PAGE_SIZE - 1))
		return -1;
	return set_leaf(e, gpa, 1, EPT_W);
}

int ept_unmap(struct ept *e, uint64_t gpa)
{
	unsigned level = 1;
	uint64_t hpa = find_entry(e, gpa, &level, false);

	if (hpa == NO_ENTRY || !(read_entry(e, hpa) & EPT_RWX))
		return -1;
	write_entry(e, hpa, 0);
	return 0;
}

/*
 * 28.3.3.1.  This processor supports execute-only pages (as
 * IA32_VMX_EPT_VPID_CAP bit 0 says on current ones), so of the permission
 * patterns only write without read is misconfigured.
 */
static bool misconfigured(uint64_t entry, unsigned level, bool leaf)
{
	uint64_t reserved = RESERVED_HIGH;

	if ((entry & (EPT_R | EPT_W)) == EPT_W)
		return true;
	if (!leaf)
		reserved |= RESERVED_TABLE;
	else if (level == 2)
		reserved |= RESERVED_2M;
	if (entry & reserved)
		return true;
	return leaf && (RESERVED_TYPES & (1u << ((entry >> 3) & 7)));
}

/* Count the failure and say what the exit fields will hold. */
static enum ept_result fail(struct ept *e, enum ept_result why, struct ept_fault *fault,
			    uint64_t gpa, unsigned level, uint64_t qualification)
{
	if (why == EPT_VIOLATION)
		e->violations++;
	else
		e->misconfigs++;
	*fault = (struct ept_fault){ gpa, qualification, level };
	return why;
}

/* Table 28-7, bits 0-5: the access, and the AND of the permissions of the
 * entries read (0 when one of them was not present: its bits 2:0 are 0). */
static uint64_t violation_qualification(unsigned access, uint64_t allowed)
{
	return access | (allowed & EPT_RWX) << 3;
}

/* 28.3.2: one entry per level, from the root down to the leaf. */
enum ept_result ept_translate(struct ept *e, uint64_t gpa, unsigned access, uint64_t *hpa,
			      struct walk_trace *trace, struct ept_fault *fault)
{
	uint64_t table = e->root, allowed = EPT_RWX;

	for (unsigned level = EPT_LEVELS;; level--) {
		uint64_t at = slot(table, gpa, level), entry = read_entry(e, at);
		bool leaf = level == 1 || (level == 2 && (entry & EPT_PS));

		e->refs++;
		walk_trace_add(trace, kind_at[level], level, gpa, at, entry);
		allowed &= entry;
		if (!(entry & EPT_RWX))
			return fail(e, EPT_VIOLATION, fault, gpa, level,
				    violation_qualification(access, allowed));
		if (misconfigured(entry, level, leaf))
			return fail(e, EPT_MISCONFIG, fault, gpa, level, 0);
		if (!leaf) {
			table = entry & EPT_ADDR_MASK;
			continue;
		}
		if (access & ~allowed)
			return fail(e, EPT_VIOLATION, fault, gpa, level,
				    violation_qualification(access, allowed));
		/* The reserved-bit check left no address bits below the page size. */
		*hpa = (entry & EPT_ADDR_MASK) | (gpa & ((1ull << shift_at(level)) - 1));
		return EPT_OK;
	}
}
