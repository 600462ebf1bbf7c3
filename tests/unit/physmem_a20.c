/*
 * tests/unit/physmem_a20.c - the A20 gate: with it closed, address bit 20
 * reads as 0 for every access to guest-physical memory (Intel SDM Vol. 3A,
 * 20.1.1: FFFF:0010 and beyond wrap to 0 as on the 8086), and everything
 * keyed by physical address (TLB entries, decoded-code bookkeeping) sees
 * the address after the gate.  hw/port92.c, the gate's switch, is tested
 * here too.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "hw/port92.h"
#include "mmu/mmu.h"

#define RAM_SIZE (4u << 20)

static struct physmem *pm;
static struct mmu *mmu;

static void setup(void)
{
	pm = physmem_create(RAM_SIZE);
	mmu = pm ? mmu_create(pm) : NULL;
	cr_assert_not_null(mmu);
}

static void teardown(void)
{
	mmu_destroy(mmu);
	physmem_destroy(pm);
}

TestSuite(physmem_a20, .init = setup, .fini = teardown);

static uint8_t byte_at(uint64_t pa)
{
	uint8_t v = 0;

	cr_assert(physmem_read(pm, pa, &v, 1));
	return v;
}

static void put_byte(uint64_t pa, uint8_t v)
{
	cr_assert(physmem_write(pm, pa, &v, 1));
}

Test(physmem_a20, the_gate_starts_open)
{
	cr_expect(physmem_a20_enabled(pm));
	put_byte(0x000600, 0x11);
	put_byte(0x100600, 0x22);
	cr_expect_eq(byte_at(0x000600), 0x11);
	cr_expect_eq(byte_at(0x100600), 0x22);
}

Test(physmem_a20, closed_it_wraps_1m_to_0)
{
	put_byte(0x000600, 0x11);
	put_byte(0x100600, 0x22);
	put_byte(0x200600, 0x44);
	mmu_set_a20(mmu, false);
	cr_expect_eq(byte_at(0x100600), 0x11, "FFFF:0610 is 0000:0600");
	cr_expect_eq(byte_at(0x300600), 0x44, "bit 20 only: 3 MiB is 2 MiB");
	put_byte(0x100600, 0x33);
	mmu_set_a20(mmu, true);
	cr_expect_eq(byte_at(0x000600), 0x33);
	cr_expect_eq(byte_at(0x100600), 0x22, "1 MiB was never touched");
}

Test(physmem_a20, an_access_across_1m_wraps_in_the_middle)
{
	uint8_t in[4] = { 1, 2, 3, 4 }, out[4];

	mmu_set_a20(mmu, false);
	cr_assert(physmem_write(pm, 0xffffe, in, 4));
	cr_expect_eq(byte_at(0x0), 3);
	cr_expect_eq(byte_at(0x1), 4);
	cr_assert(physmem_read(pm, 0xffffe, out, 4));
	cr_expect_arr_eq(out, in, 4);
}

Test(physmem_a20, toggling_flushes_the_tlbs_and_their_users)
{
	struct tlb *t = &mmu->tlb[TLB_SUPERVISOR];
	uint32_t epoch;

	tlb_fill(t, 0x100000, 0x100000, physmem_ptr(pm, 0x100000), TLB_WRITABLE);
	epoch = mmu->epoch;
	mmu_set_a20(mmu, true);
	cr_expect_eq(mmu->epoch, epoch, "no change, no flush");
	cr_expect_eq(tlb_entry(t, 0x100000)->rtag, 0x100000);
	mmu_set_a20(mmu, false);
	cr_expect_neq(mmu->epoch, epoch, "the jump cache must look again");
	cr_expect_eq(tlb_entry(t, 0x100000)->rtag, TLB_INVALID);
}

/* Decoded code is keyed by physical address: the two names of one byte
 * must be one key, or a store through one name would miss code decoded
 * through the other. */
Test(physmem_a20, code_is_keyed_by_the_address_after_the_gate)
{
	struct tlb *t = &mmu->tlb[TLB_SUPERVISOR];
	uint32_t gen = pm->page_gen[0];

	mmu_set_a20(mmu, false);
	tlb_fill(t, 0x100000, 0x100000, physmem_ptr(pm, 0x100000), TLB_WRITABLE);
	cr_expect_eq(tlb_entry(t, 0x100000)->phys, 0, "the TLB holds the wrapped address");
	mmu_protect_code(mmu, 0x100040, 16);
	cr_expect(physmem_page_has_code(pm, 0x40));
	cr_expect_eq(tlb_entry(t, 0x100000)->wtag, TLB_INVALID, "stores to it are watched");
	cr_expect(physmem_code_written(pm, 0x48, 1));
	cr_expect_eq(pm->page_gen[0], gen + 1);
}

/* --- port 0x92, System Control Port A --- */

static unsigned resets;

static void count_reset(void *opaque)
{
	(void)opaque;
	resets++;
}

static struct port92 port;
static struct ioport_bus bus;

static void port_setup(void)
{
	setup();
	memset(&bus, 0, sizeof(bus));
	resets = 0;
	cr_assert_eq(port92_init(&port, &bus, mmu, count_reset, NULL), 0);
}

TestSuite(port92, .init = port_setup, .fini = teardown);

Test(port92, bit_1_is_the_gate)
{
	cr_expect_eq(ioport_read(&bus, 0x92, 1) & PORT92_A20, PORT92_A20, "open after reset");
	ioport_write(&bus, 0x92, 0x00, 1);
	cr_expect_not(physmem_a20_enabled(pm));
	cr_expect_eq(ioport_read(&bus, 0x92, 1) & PORT92_A20, 0);
	ioport_write(&bus, 0x92, PORT92_A20, 1);
	cr_expect(physmem_a20_enabled(pm));
	cr_expect_eq(ioport_read(&bus, 0x92, 1) & PORT92_A20, PORT92_A20);
	cr_expect_eq(resets, 0);
}

Test(port92, bit_0_resets_on_its_rising_edge)
{
	ioport_write(&bus, 0x92, PORT92_A20 | PORT92_RESET, 1);
	cr_expect_eq(resets, 1);
	cr_expect_eq(ioport_read(&bus, 0x92, 1) & PORT92_RESET, PORT92_RESET);
	ioport_write(&bus, 0x92, PORT92_A20 | PORT92_RESET, 1);
	cr_expect_eq(resets, 1, "still set: no second reset");
	port92_reset(&port);
	cr_expect_eq(ioport_read(&bus, 0x92, 1) & PORT92_RESET, 0, "the reset clears it");
	ioport_write(&bus, 0x92, PORT92_A20 | PORT92_RESET, 1);
	cr_expect_eq(resets, 2);
}
