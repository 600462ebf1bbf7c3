/*
 * tests/unit/ept.c - the EPT against the Intel SDM Vol. 3C: entry formats
 * (28.3.2, tables 28-1 to 28-6), the walk and its references, violations
 * with their exit qualification (table 28-7), misconfigurations (28.3.3.1)
 * and the EPTP (24.6.11).  The expected entries are computed by hand from
 * the tables: a fresh host memory hands out frames in address order, so
 * the EPT's tables land at known HPAs.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "mmu/ept.h"
#include "mmu/physmem.h"

#define FRAMES 32u

static struct hostmem *hm;
static struct ept *e;
static struct walk_trace trace;
static struct ept_fault fault;
static uint64_t hpa;

static void setup(void)
{
	hm = hostmem_create(FRAMES * PAGE_SIZE);
	cr_assert_not_null(hm);
	e = ept_create(hm);
	cr_assert_not_null(e);
	cr_assert_eq(e->root, 0, "the PML4 is the first frame");
	memset(&trace, 0, sizeof(trace));
}

static void teardown(void)
{
	ept_destroy(e);
	hostmem_destroy(hm);
}

TestSuite(ept, .init = setup, .fini = teardown);

static uint64_t peek(uint64_t at)
{
	uint64_t v;

	memcpy(&v, hostmem_ptr(hm, at), sizeof(v));
	return v;
}

static void poke(uint64_t at, uint64_t v)
{
	memcpy(hostmem_ptr(hm, at), &v, sizeof(v));
}

static enum ept_result translate(uint64_t gpa, unsigned access)
{
	return ept_translate(e, gpa, access, &hpa, &trace, &fault);
}

static void expect_trace(const struct walk_ref *want, unsigned n)
{
	cr_assert_eq(trace.n, n);
	for (unsigned i = 0; i < n; i++) {
		cr_expect_eq(trace.ref[i].kind, want[i].kind, "ref %u", i);
		cr_expect_eq(trace.ref[i].level, want[i].level, "ref %u", i);
		cr_expect_eq(trace.ref[i].gpa, want[i].gpa, "ref %u", i);
		cr_expect_eq(trace.ref[i].hpa, want[i].hpa, "ref %u: %#llx", i,
			     (unsigned long long)trace.ref[i].hpa);
		cr_expect_eq(trace.ref[i].value, want[i].value, "ref %u: %#llx", i,
			     (unsigned long long)trace.ref[i].value);
	}
}

Test(ept, eptp_is_root_walk_length_and_memory_type)
{
	struct ept *other;

	hostmem_alloc_frame(hm);
	other = ept_create(hm);
	cr_assert_not_null(other);
	cr_expect_eq(other->root, 2 * PAGE_SIZE);
	/* bits 2:0 = 6 (write-back), bits 5:3 = 3 (a 4-level walk) */
	cr_expect_eq(ept_pointer(other), 0x201e);
	ept_destroy(other);
}

/* GPA 0x80_4020_1000 uses index 1 at every level (bits 39, 30, 21, 12). */
Test(ept, a_4k_page_is_four_references)
{
	uint64_t gpa = 0x8040201000ull;
	const struct walk_ref want[] = {
		/* tables in frames 1, 2, 3; non-leaf entries allow RWX */
		{ WALK_EPT_PML4E, 4, gpa + 0xabc, 0x0008, 0x1007 },
		{ WALK_EPT_PDPTE, 3, gpa + 0xabc, 0x1008, 0x2007 },
		{ WALK_EPT_PDE,   2, gpa + 0xabc, 0x2008, 0x3007 },
		/* frame 0x1f000, memory type 6 in bits 5:3, R and W */
		{ WALK_EPT_PTE,   1, gpa + 0xabc, 0x3008, 0x1f033 },
	};

	cr_assert_eq(ept_map_4k(e, gpa, 0x1f000, EPT_R | EPT_W), 0);
	cr_expect_eq(hm->vmm_frames, 4);
	cr_assert_eq(translate(gpa + 0xabc, EPT_W), EPT_OK);
	cr_expect_eq(hpa, 0x1fabc);
	cr_expect_eq(e->refs, 4);
	expect_trace(want, 4);
}

/* GPA 1 GiB: PML4 index 0, PDPT index 1, PD index 0. */
Test(ept, a_2m_page_stops_at_the_pde)
{
	const struct walk_ref want[] = {
		{ WALK_EPT_PML4E, 4, 0x40012345, 0x0000, 0x1007 },
		{ WALK_EPT_PDPTE, 3, 0x40012345, 0x1008, 0x2007 },
		/* bit 7: a 2 MiB page; memory type 6; R, W, X */
		{ WALK_EPT_PDE,   2, 0x40012345, 0x2000, 0x2000b7 },
	};

	cr_assert_eq(ept_map_2m(e, 0x40000000, 0x200000, EPT_RWX), 0);
	cr_assert_eq(translate(0x40012345, EPT_X), EPT_OK);
	cr_expect_eq(hpa, 0x212345);
	cr_expect_eq(e->refs, 3);
	expect_trace(want, 3);
}

Test(ept, refs_are_counted_without_a_trace)
{
	cr_assert_eq(ept_map_4k(e, 0x5000, 0x6000, EPT_R), 0);
	cr_assert_eq(ept_translate(e, 0x5000, EPT_R, &hpa, NULL, &fault), EPT_OK);
	cr_assert_eq(ept_translate(e, 0x5000, EPT_R, &hpa, NULL, &fault), EPT_OK);
	cr_expect_eq(e->refs, 8);
}

/*
 * Table 28-7: bits 0-2 the access (R, W, X), bits 3-5 the AND of bits 0-2
 * of the entries used.  Through a not-present entry that AND is 0.
 */
Test(ept, violation_qualifications)
{
	static const struct {
		unsigned page;          /* 0x1000 * page: RO, RX, X-only, not mapped */
		unsigned access;
		uint64_t qualification; /* 0: allowed */
	} cases[] = {
		{ 1, EPT_R, 0 },
		{ 1, EPT_W, 0x0a },     /* write;   readable */
		{ 1, EPT_X, 0x0c },     /* execute; readable */
		{ 2, EPT_R, 0 },
		{ 2, EPT_W, 0x2a },     /* write;   readable, executable */
		{ 2, EPT_X, 0 },
		{ 3, EPT_R, 0x21 },     /* read;    executable */
		{ 3, EPT_X, 0 },
		{ 4, EPT_R, 0x01 },     /* read;    nothing */
		{ 4, EPT_W, 0x02 },
		{ 4, EPT_X, 0x04 },
	};
	unsigned violations = 0;

	cr_assert_eq(ept_map_4k(e, 0x1000, 0x11000, EPT_R), 0);
	cr_assert_eq(ept_map_4k(e, 0x2000, 0x12000, EPT_R | EPT_X), 0);
	cr_assert_eq(ept_map_4k(e, 0x3000, 0x13000, EPT_X), 0);
	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint64_t gpa = cases[k].page * 0x1000 + 0x10;
		enum ept_result r = translate(gpa, cases[k].access);

		if (!cases[k].qualification) {
			cr_expect_eq(r, EPT_OK, "case %u", k);
			continue;
		}
		violations++;
		cr_expect_eq(r, EPT_VIOLATION, "case %u", k);
		cr_expect_eq(fault.qualification, cases[k].qualification, "case %u: %#llx", k,
			     (unsigned long long)fault.qualification);
		cr_expect_eq(EPTQ_ACCESS(fault.qualification), cases[k].access, "case %u", k);
		cr_expect_eq(EPTQ_ALLOWED(fault.qualification), cases[k].qualification >> 3);
		cr_expect_eq(fault.gpa, gpa, "case %u", k);
		cr_expect_eq(fault.level, 1, "case %u", k);
	}
	cr_expect_eq(e->violations, violations);
	cr_expect_eq(e->misconfigs, 0);
}

Test(ept, a_missing_table_stops_the_walk)
{
	cr_assert_eq(translate(0x8000000000ull, EPT_W), EPT_VIOLATION);
	cr_expect_eq(fault.level, 4);
	cr_expect_eq(fault.qualification, 0x02);
	cr_expect_eq(e->refs, 1);
	cr_expect_eq(trace.n, 1);
}

Test(ept, mmio_is_a_misconfiguration_for_every_access)
{
	cr_assert_eq(ept_map_mmio(e, 0xfebc0000), 0);
	cr_expect_eq(peek(0x3000 + 8 * 0x1c0), EPT_W, "write without read");
	for (unsigned access = EPT_R; access <= EPT_X; access <<= 1) {
		cr_assert_eq(translate(0xfebc0008, access), EPT_MISCONFIG);
		cr_expect_eq(fault.gpa, 0xfebc0008);
		cr_expect_eq(fault.level, 1);
		cr_expect_eq(fault.qualification, 0);
	}
	cr_expect_eq(e->misconfigs, 3);
	cr_expect_eq(e->violations, 0);
}

/* Set BITS in the entry at AT, then expect a misconfiguration at LEVEL. */
static void expect_misconfig(uint64_t gpa, uint64_t at, uint64_t bits, unsigned level)
{
	uint64_t old = peek(at);

	poke(at, old | bits);
	cr_expect_eq(translate(gpa, EPT_R), EPT_MISCONFIG, "bits %#llx at %#llx",
		     (unsigned long long)bits, (unsigned long long)at);
	cr_expect_eq(fault.level, level, "bits %#llx", (unsigned long long)bits);
	poke(at, old);
	cr_expect_eq(translate(gpa, EPT_R), EPT_OK, "restored");
}

/* Page 0x5000: PML4E at 0x0, PDPTE at 0x1000, PDE at 0x2000, PTE at 0x3028. */
Test(ept, reserved_bits_are_misconfigurations)
{
	cr_assert_eq(ept_map_4k(e, 0x5000, 0x6000, EPT_R), 0);
	expect_misconfig(0x5000, 0x3028, 1ull << 45, 1);     /* beyond MAXPHYADDR */
	expect_misconfig(0x5000, 0x3028, 0x08, 1);           /* memory type 6 -> 7 */
	expect_misconfig(0x5000, 0x2000, 0x8, 2);            /* bits 7:3 of a non-leaf PDE */
	expect_misconfig(0x5000, 0x1000, 0x80, 3);           /* a 1 GiB page */
	expect_misconfig(0x5000, 0x0000, 0x80, 4);           /* bit 7 of a PML4E */
}

Test(ept, reserved_bits_of_a_2m_page)
{
	cr_assert_eq(ept_map_2m(e, 0x200000, 0x400000, EPT_R), 0);
	expect_misconfig(0x200000, 0x2008, 0x1000, 2);       /* bit 12: bits 20:12 reserved */
}

Test(ept, write_without_read_in_a_table_entry)
{
	cr_assert_eq(ept_map_4k(e, 0x5000, 0x6000, EPT_RWX), 0);
	poke(0x2000, (peek(0x2000) & ~EPT_RWX) | EPT_W);
	cr_expect_eq(translate(0x5000, EPT_R), EPT_MISCONFIG);
	cr_expect_eq(fault.level, 2);
}

Test(ept, bad_mappings_are_refused)
{
	cr_expect_eq(ept_map_4k(e, 0x1000, 0x2000, EPT_W), -1, "write without read");
	cr_expect_eq(ept_map_4k(e, 0x1000, 0x2000, 0), -1, "no permission at all");
	cr_expect_eq(ept_map_4k(e, 0x1000, 0x2000, 8), -1, "not a permission");
	cr_expect_eq(ept_map_4k(e, 0x1008, 0x2000, EPT_R), -1, "GPA not aligned");
	cr_expect_eq(ept_map_4k(e, 0x1000, 0x2008, EPT_R), -1, "HPA not aligned");
	cr_expect_eq(ept_map_4k(e, 0x1000, 1ull << 39, EPT_R), -1, "beyond MAXPHYADDR");
	cr_expect_eq(ept_map_2m(e, 0x1000, 0x200000, EPT_R), -1, "GPA not 2 MiB aligned");
	cr_expect_eq(ept_map_mmio(e, 0x1001), -1);
	cr_expect_eq(hm->vmm_frames, 1, "nothing was built");
}

Test(ept, pages_of_two_sizes_do_not_overlap)
{
	cr_assert_eq(ept_map_2m(e, 0x200000, 0x400000, EPT_R), 0);
	cr_expect_eq(ept_map_4k(e, 0x201000, 0x6000, EPT_R), -1, "inside a 2 MiB page");
	cr_assert_eq(ept_map_4k(e, 0x400000, 0x6000, EPT_R), 0);
	cr_expect_eq(ept_map_2m(e, 0x400000, 0x400000, EPT_R), -1, "over a page table");
	cr_expect_eq(ept_map_2m(e, 0x200000, 0x600000, EPT_RWX), 0, "remapping is fine");
	cr_assert_eq(translate(0x200000, EPT_W), EPT_OK);
	cr_expect_eq(hpa, 0x600000);
}

Test(ept, unmap_either_size)
{
	cr_assert_eq(ept_map_2m(e, 0x200000, 0x400000, EPT_R), 0);
	cr_assert_eq(ept_map_4k(e, 0x5000, 0x6000, EPT_R), 0);
	cr_expect_eq(ept_unmap(e, 0x3ff000), 0, "any address in the page");
	cr_expect_eq(ept_unmap(e, 0x5000), 0);
	cr_expect_eq(ept_unmap(e, 0x5000), -1, "already gone");
	cr_expect_eq(ept_unmap(e, 0x8000000000ull), -1, "never mapped");
	cr_expect_eq(translate(0x200000, EPT_R), EPT_VIOLATION);
	cr_expect_eq(fault.level, 2);
	cr_expect_eq(translate(0x5000, EPT_R), EPT_VIOLATION);
	cr_expect_eq(fault.level, 1);
}

Test(ept, destroy_gives_every_frame_back)
{
	cr_assert_eq(ept_map_4k(e, 0x5000, 0x6000, EPT_R), 0);
	cr_assert_eq(ept_map_4k(e, 0x8040201000ull, 0x6000, EPT_R), 0);
	cr_assert_eq(ept_map_2m(e, 0x40000000, 0x400000, EPT_R), 0);
	cr_expect_eq(hm->vmm_frames, 8);
	ept_destroy(e);
	e = NULL;
	cr_expect_eq(hm->vmm_frames, 0);
}

Test(ept, a_full_host_memory_refuses_tables)
{
	struct hostmem *small = hostmem_create(2 * PAGE_SIZE);
	struct ept *s = small ? ept_create(small) : NULL;

	cr_assert_not_null(s);
	cr_expect_eq(ept_map_4k(s, 0x5000, 0x6000, EPT_R), -1);
	ept_destroy(s);
	cr_expect_eq(small->vmm_frames, 0);
	hostmem_destroy(small);
}

/* What a VMM does at start-up: scatter guest RAM, map every page through
 * the EPT, and find the guest's bytes where the walk says. */
Test(ept_ram, maps_scattered_ram_through_the_p2m)
{
	struct hostmem *host = hostmem_create(64 * PAGE_SIZE);
	struct physmem *pm = host ? physmem_create_in(host, 16 * PAGE_SIZE, true) : NULL;
	struct ept *ram = pm ? ept_create(host) : NULL;
	struct ept_fault f;

	cr_assert_not_null(ram);
	for (uint64_t gpa = 0; gpa < pm->size; gpa += PAGE_SIZE) {
		cr_assert_eq(ept_map_4k(ram, gpa, physmem_hpa(pm, gpa), EPT_RWX), 0);
		cr_assert(physmem_write(pm, gpa + 0x10, &gpa, sizeof(gpa)));
	}
	for (uint64_t gpa = 0; gpa < pm->size; gpa += PAGE_SIZE) {
		uint64_t at, v;

		cr_assert_eq(ept_translate(ram, gpa + 0x10, EPT_R, &at, NULL, &f), EPT_OK);
		cr_expect_eq(at, physmem_hpa(pm, gpa + 0x10));
		memcpy(&v, hostmem_ptr(host, at), sizeof(v));
		cr_expect_eq(v, gpa);
	}
	ept_destroy(ram);
	physmem_destroy(pm);
	hostmem_destroy(host);
}
