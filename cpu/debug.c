/*
 * cpu/debug.c - DR0-DR3 breakpoints and DR6/DR7 (SDM Vol. 3A, 17.2).
 *
 * Instruction breakpoints are checked before each instruction while any is
 * armed (cpu/exec.c then runs one instruction at a time).  Data breakpoints
 * keep their pages out of the soft TLB, so every access to such a page takes
 * the slow path, which calls debug_check_data().
 */
#include "cpu/cpu.h"
#include "cpu/debug.h"
#include "cpu/exception.h"
#include "mmu/mmu.h"

/* DR7: L/G enable bits 2n and 2n+1; R/W bits 16+4n; LEN bits 18+4n. */
enum bp_kind { BP_EXEC = 0, BP_WRITE = 1, BP_IO = 2, BP_ACCESS = 3 };

static bool bp_enabled(uint32_t dr7, unsigned n)
{
	return (dr7 >> (2 * n)) & 3;
}

static enum bp_kind bp_kind(uint32_t dr7, unsigned n)
{
	return (dr7 >> (16 + 4 * n)) & 3;
}

/* LEN 00, 01, 11 mean 1, 2, 4 bytes; 10 is undefined on a P6: 8, as later parts. */
static unsigned bp_len(uint32_t dr7, unsigned n)
{
	static const unsigned len[4] = { 1, 2, 8, 4 };

	return len[(dr7 >> (18 + 4 * n)) & 3];
}

void debug_update(struct cpu *c)
{
	c->exec_breakpoints = false;
	for (unsigned n = 0; n < 4; n++)
		if (bp_enabled(c->dr[7], n) && bp_kind(c->dr[7], n) == BP_EXEC)
			c->exec_breakpoints = true;
	/* Pages that now hold (or no longer hold) data breakpoints. */
	mmu_flush(c->mmu, false);
	/* The rest of the block was decoded to run without checks: leave it,
	 * so the next instruction is already looked at by the new breakpoints. */
	c->abort_block = true;
}

void debug_check_exec(struct cpu *c, uint32_t lin)
{
	uint32_t hits = 0;

	if (c->eflags & FL_RF)
		return;
	for (unsigned n = 0; n < 4; n++)
		if (bp_enabled(c->dr[7], n) && bp_kind(c->dr[7], n) == BP_EXEC && c->dr[n] == lin)
			hits |= 1u << n;
	if (hits) {
		c->dr[6] = (c->dr[6] & ~0xfu) | hits;
		cpu_fault(c, EXC_DB, 0);
	}
}

static bool is_data_bp(uint32_t dr7, unsigned n)
{
	return bp_enabled(dr7, n) && (bp_kind(dr7, n) == BP_WRITE || bp_kind(dr7, n) == BP_ACCESS);
}

void debug_check_data(struct cpu *c, uint32_t lin, unsigned size, bool write)
{
	for (unsigned n = 0; n < 4; n++) {
		unsigned len = bp_len(c->dr[7], n);
		uint32_t start = c->dr[n] & ~(len - 1);  /* breakpoints are aligned to LEN */

		if (!is_data_bp(c->dr[7], n) || (bp_kind(c->dr[7], n) == BP_WRITE && !write))
			continue;
		if (lin < start + len && start < lin + size) {
			c->dr[6] |= 1u << n;
			c->pending_db = true;
			c->abort_block = true;
		}
	}
}

bool debug_page_watched(const struct cpu *c, uint32_t lin)
{
	for (unsigned n = 0; n < 4; n++)
		if (is_data_bp(c->dr[7], n) && ((c->dr[n] ^ lin) & 0xfffff000u) == 0)
			return true;
	return false;
}
