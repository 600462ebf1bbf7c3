/*
 * walk2d.c - the two-dimensional walk: under EPT, each guest paging-
 * structure reference and the final guest-physical address are themselves
 * translated through a 4-level EPT, so one 4 KiB TLB miss costs
 * (2 + 1) x (4 + 1) - 1 = 14 memory references, a 4 MiB page
 * (1 + 1) x (4 + 1) - 1 = 9; natively 2 and 1 (ARCHITECTURE.md section 2,
 * Intel SDM Vol. 3C 28.3.2).
 */
#include <criterion/criterion.h>

#include "cpu/cpu.h"
#include "mmu/ept.h"
#include "mmu/gpa_access.h"
#include "mmu/hostmem.h"
#include "mmu/paging.h"

#define RAM      (8u << 20)
#define PD       0x10000u
#define PT       0x11000u
#define PAGE_GPA 0x200000u   /* where linear 0x00400000 maps (4 KiB) */
#define LIN_4K   0x00400000u
#define LIN_4M   0x00800000u /* a 4 MiB page at physical 4 MiB */

static struct hostmem *host;
static struct physmem *pm;
static struct ept *ept;

static void put32(uint32_t gpa, uint32_t v)
{
	cr_assert(physmem_write(pm, gpa, &v, 4));
}

static void setup(void)
{
	host = hostmem_create(RAM + (4u << 20));
	cr_assert_not_null(host);
	pm = physmem_create_in(host, RAM, true);
	cr_assert_not_null(pm);
	ept = ept_create(host);
	cr_assert_not_null(ept);
	for (uint32_t gpa = 0; gpa < RAM; gpa += PAGE_SIZE)
		cr_assert_eq(ept_map_4k(ept, gpa, physmem_hpa(pm, gpa), EPT_RWX), 0);
	/* PDE 1 -> a page table, whose entry 0 maps PAGE_GPA; PDE 2 maps 4 MiB. */
	put32(PD + 4 * (LIN_4K >> 22), PT | PTE_P | PTE_W);
	put32(PT, PAGE_GPA | PTE_P | PTE_W);
	put32(PD + 4 * (LIN_4M >> 22), 0x400000u | PTE_PS | PTE_P | PTE_W);
}

static void teardown(void)
{
	ept_destroy(ept);
	physmem_destroy(pm);
	hostmem_destroy(host);
}

TestSuite(walk2d, .init = setup, .fini = teardown);

/* One TLB miss: the guest walk, then the final address, as cpu/mem.c does. */
static uint64_t miss(struct ept *e, uint32_t lin, uint32_t cr4, struct walk_trace *trace)
{
	struct paging_regs pr = { CR0_PE | CR0_PG, PD, cr4 };
	struct gpa_access ga = { .pm = pm, .ept = e, .trace = trace };
	struct walk w = { 0 };

	cr_assert_eq(paging_walk(&ga, &pr, lin, ACC_READ, &w), WALK_OK);
	cr_assert_not_null(gpa_host_ptr(&ga, w.phys & PAGE_MASK, EPT_R));
	return ga.refs;
}

Test(walk2d, fourteen_references_for_a_4kib_page)
{
	struct walk_trace t = { 0 };
	static const enum walk_ref_kind order[14] = {
		WALK_EPT_PML4E, WALK_EPT_PDPTE, WALK_EPT_PDE, WALK_EPT_PTE, WALK_GUEST_PDE,
		WALK_EPT_PML4E, WALK_EPT_PDPTE, WALK_EPT_PDE, WALK_EPT_PTE, WALK_GUEST_PTE,
		WALK_EPT_PML4E, WALK_EPT_PDPTE, WALK_EPT_PDE, WALK_EPT_PTE,
	};

	cr_expect_eq(miss(ept, LIN_4K, 0, &t), 14);
	cr_assert_eq(t.n, 14);
	for (unsigned k = 0; k < 14; k++)
		cr_expect_eq(t.ref[k].kind, order[k], "reference %u is of kind %d, expected %d",
			     k + 1, t.ref[k].kind, order[k]);
	/* The guest entries are read where the EPT put them: scattered frames. */
	cr_expect_eq(t.ref[4].gpa, PD + 4 * (LIN_4K >> 22));
	cr_expect_eq(t.ref[4].hpa, physmem_hpa(pm, PD) + 4 * (LIN_4K >> 22));
	cr_expect_eq(t.ref[9].value & PAGE_MASK, PAGE_GPA);
	cr_expect_neq(physmem_hpa(pm, PD), PD, "RAM should be scattered");
}

Test(walk2d, nine_references_for_a_4mib_page)
{
	cr_expect_eq(miss(ept, LIN_4M + 0x1234, CR4_PSE, NULL), 9);
}

Test(walk2d, native_walks_two_and_one)
{
	cr_expect_eq(miss(NULL, LIN_4K, 0, NULL), 2);
	cr_expect_eq(miss(NULL, LIN_4M, CR4_PSE, NULL), 1);
}

/* Paging off: only the final address, through the EPT's four levels. */
Test(walk2d, four_references_without_guest_paging)
{
	struct gpa_access ga = { .pm = pm, .ept = ept };

	cr_assert_not_null(gpa_host_ptr(&ga, PAGE_GPA, EPT_R));
	cr_expect_eq(ga.refs, 4);
}

/* A guest page-table page the EPT does not map stops the walk at that
 * reference, with the guest-physical address of the entry. */
Test(walk2d, ept_violation_on_a_guest_table)
{
	struct paging_regs pr = { CR0_PE | CR0_PG, PD, 0 };
	struct gpa_access ga = { .pm = pm, .ept = ept };
	struct walk w = { 0 };

	cr_assert_eq(ept_unmap(ept, PT), 0);
	cr_assert_eq(paging_walk(&ga, &pr, LIN_4K, ACC_READ, &w), WALK_EPT_FAULT);
	cr_expect_eq(ga.ept_result, EPT_VIOLATION);
	cr_expect_eq(ga.ept_fault.gpa, PT);
	cr_expect_eq(ga.refs, 4 + 1 + 4, "refs %lu", (unsigned long)ga.refs);
}
