/*
 * cpu/mem.c - the slow path of memory accesses: segment faults, TLB misses,
 * accesses that cross a page, stores to pages that hold decoded code.
 */
#include "cpu/mem.h"
#include "cpu/debug.h"
#include "cpu/exception.h"
#include "cpu/insn.h"
#include "cpu/vmx.h"
#include "mmu/gpa_access.h"
#include "mmu/shadow.h"
#include "mmu/mmu.h"

/* SDM Vol. 3A, 5.3: a limit violation is #SS for the stack segment, #GP(0)
 * otherwise; so is an access through a null or unusable selector. */
_Noreturn void seg_fault(struct cpu *c, unsigned s, bool write)
{
	(void)write;
	/* While switching to a new stack (a call gate, an interrupt to an inner
	 * ring), running off it is #SS(its selector) (SDM Vol. 2A, CALL). */
	if (s == S_SS && c->rollback.valid)
		cpu_fault(c, EXC_SS, c->seg[S_SS].sel & 0xfffc);
	cpu_fault(c, s == S_SS ? EXC_SS : EXC_GP, 0);
}

/* Alignment checking (SDM Vol. 3A, 6.15, #AC): CR0.AM, EFLAGS.AC, CPL 3. */
static bool alignment_checked(const struct cpu *c, const struct tlb *t)
{
	return (c->cr0 & CR0_AM) && (c->eflags & FL_AC) && t == &c->mmu->tlb[TLB_USER];
}

/*
 * Accesses that must keep coming to the slow path are never entered in the
 * TLB: those to a page holding a data breakpoint, and every user access while
 * alignment checking is on (cpu_set_eflags and MOV CR0 flush the TLB when it
 * turns on).
 */
static bool cacheable(const struct cpu *c, const struct tlb *t, uint32_t lin)
{
	return !alignment_checked(c, t) && !debug_page_watched(c, lin);
}

/* What the slow path checks on every access it makes for an instruction. */
static void check_access(struct cpu *c, struct tlb *t, uint32_t lin, unsigned size, bool write)
{
	if (alignment_checked(c, t) && (lin & (size - 1)))
		cpu_fault(c, EXC_AC, 0);
	if (c->dr[7] & 0xff)
		debug_check_data(c, lin, size, write);
}

static unsigned access_kind(struct cpu *c, struct tlb *t, unsigned kind)
{
	return kind | (t == &c->mmu->tlb[TLB_USER] ? ACC_USER : 0);
}

/* Is this access made by an instruction the hypervisor runs itself, in
 * root mode, past the EPT or the shadow tables? */
static bool in_root_emulation(const struct cpu *c)
{
	return c->root_emulating &&
	       vmx_root_emulating(c, c->cur ? c->eip - c->cur->len : c->eip);
}

/* The EPT this access goes through: none natively, nor in root emulation. */
static struct ept *current_ept(const struct cpu *c)
{
	return c->vmcs && c->vmcs->ept && !in_root_emulation(c) ? c->vmcs->ept : NULL;
}

/*
 * Enter a translation of LIN (to guest-physical GPA, at host address HOST)
 * in the TLB, unless its accesses must keep coming to the slow path, or it
 * was made in root mode past the EPT or the shadow: not for the guest's TLB.
 */
static void refill(struct cpu *c, struct tlb *t, uint32_t lin, uint32_t gpa, uint8_t *host,
		   unsigned flags)
{
	if (!cacheable(c, t, lin) || in_root_emulation(c))
		return;
	tlb_fill(t, lin, gpa & PAGE_MASK, host,
		 flags | (physmem_page_has_code(c->mmu->pm, gpa) ? TLB_HAS_CODE : 0));
}

/*
 * Shadow paging: the MMU walks the hypervisor's shadow tables, which map
 * linear addresses to host frames (2 references).  Anything they lack is a
 * #PF that exits (exception bitmap bit 14) with the linear address as the
 * qualification; the hypervisor fills the shadow or hands the fault to the
 * guest.  Returns the guest-physical address.
 */
static uint32_t shadow_translate(struct cpu *c, struct tlb *t, uint32_t lin, unsigned kind)
{
	struct vmcs *v = c->vmcs;
	uint32_t bits = 0, error, gpa;
	uint64_t hpa;
	bool ok = shadow_walk(v->shadow, v->shadow_root, lin, access_kind(c, t, kind), &hpa, &bits,
			      &error);

	c->mmu->walk_refs += 2;
	if (!ok) {
		v->exit_interruption_info = INTR_INFO_VALID | (INTR_HW_EXCEPTION << 8) |
					    INTR_INFO_HAS_ERROR | EXC_PF;
		v->exit_interruption_error = error;
		v->guest_linear_address = lin;
		vmexit_instruction(c, EXIT_EXCEPTION_NMI, lin);
	}
	gpa = shadow_gpa_of(v->shadow, hpa);
	refill(c, t, lin, gpa, hostmem_ptr(c->mmu->pm->host, hpa & PAGE_MASK),
	       ((bits & SPTE_W) ? TLB_WRITABLE : 0) | ((bits & SPTE_G) ? TLB_GLOBAL : 0) |
	       ((bits & SPTE_LARGE) ? TLB_LARGE : 0));
	return gpa;
}

static bool shadow_paging(const struct cpu *c)
{
	return c->vmcs && c->vmcs->shadow && (c->cr0 & CR0_PG) && !in_root_emulation(c);
}

/*
 * An EPT translation stopped the access: exit 49 for a misconfigured entry
 * (MMIO, as KVM marks it), else exit 48 with the qualification of SDM
 * table 28-7: bit 8 says whether the final translation (FINAL) or a guest
 * paging-structure entry was being accessed.
 */
_Noreturn static void ept_exit(struct cpu *c, const struct gpa_access *ga, uint32_t lin, bool final)
{
	c->vmcs->guest_physical_address = ga->ept_fault.gpa;
	c->vmcs->guest_linear_address = lin;
	if (ga->ept_result == EPT_MISCONFIG)
		vmexit_instruction(c, EXIT_EPT_MISCONFIG, 0);
	vmexit_instruction(c, EXIT_EPT_VIOLATION,
			   ga->ept_fault.qualification | EPTQ_GLA_VALID | (final ? EPTQ_FINAL : 0));
}

/*
 * Translate LIN for an access of KIND (ACC_READ, ACC_WRITE, ACC_EXEC),
 * raising #PF on failure, and refill the TLB entry.  Returns the guest-
 * physical address.  Under EPT the guest's walk and the final address go
 * through the EPT (mmu/gpa_access.c): the two-dimensional walk.  A page
 * outside RAM is left out of the TLB so every access to it comes back here.
 */
static uint32_t translate(struct cpu *c, struct tlb *t, uint32_t lin, unsigned kind)
{
	struct physmem *pm = c->mmu->pm;
	struct paging_regs pr = { c->cr0, c->cr3, c->cr4 };
	struct walk w = { .phys = lin, .write_ok = true };
	struct gpa_access ga = { .pm = pm, .ept = current_ept(c) };
	enum walk_result r = WALK_OK;
	uint8_t *host;

	c->mmu->tlb_misses++;
	if (shadow_paging(c))
		return shadow_translate(c, t, lin, kind);
	if (c->cr0 & CR0_PG)
		r = paging_walk(&ga, &pr, lin, access_kind(c, t, kind), &w);
	host = r == WALK_OK ? gpa_host_ptr(&ga, w.phys & PAGE_MASK,
					   kind == ACC_WRITE ? EPT_W : kind == ACC_EXEC ? EPT_X : EPT_R)
			    : NULL;
	c->mmu->walk_refs += ga.refs;
	if (r == WALK_PAGE_FAULT) {
		c->cr2 = lin;
		cpu_fault(c, EXC_PF, w.pf_error);
	}
	if (ga.ept_result != EPT_OK)
		ept_exit(c, &ga, lin, r == WALK_OK);
	if (host)
		refill(c, t, lin, w.phys, host, (w.write_ok ? TLB_WRITABLE : 0) |
		       (w.global ? TLB_GLOBAL : 0) | (w.large ? TLB_LARGE : 0));
	return w.phys;
}

static uint32_t phys_read(struct cpu *c, uint32_t pa, unsigned size)
{
	uint8_t *p = physmem_ptr(c->mmu->pm, pa);

	/* Nothing decodes addresses beyond RAM yet: the bus floats high. */
	return p ? load_host((uintptr_t)p, size) : (size == 4 ? ~0u : (1u << (8 * size)) - 1);
}

static void phys_write(struct cpu *c, uint32_t pa, uint32_t v, unsigned size)
{
	uint8_t *p = physmem_writable_ptr(c->mmu->pm, pa);  /* ROM ignores stores */

	if (!p)
		return;
	if (physmem_code_written(c->mmu->pm, pa, size))
		c->abort_block = true;  /* the running block may be the code just changed */
	store_host((uintptr_t)p, v, size);
}

/* Instruction fetch: translated like a read, but neither data breakpoints
 * nor alignment checks apply to it. */
uint8_t mem_fetch_byte(struct cpu *c, uint32_t lin)
{
	const struct tlb_entry *e = tlb_entry(c->tlb, lin);

	if (tlb_hit(e->rtag, lin, 1))
		return load_host(e->addend + lin, 1);
	return phys_read(c, translate(c, c->tlb, lin, ACC_EXEC), 1);
}

uint32_t mem_read_slow(struct cpu *c, struct tlb *t, uint32_t lin, unsigned size)
{
	uint32_t v = 0;

	check_access(c, t, lin, size, false);
	if ((lin & ~PAGE_MASK) + size <= PAGE_SIZE)
		return phys_read(c, translate(c, t, lin, ACC_READ), size);
	for (unsigned i = 0; i < size; i++)
		v |= phys_read(c, translate(c, t, lin + i, ACC_READ), 1) << (8 * i);
	return v;
}

void mem_write_slow(struct cpu *c, struct tlb *t, uint32_t lin, uint32_t v, unsigned size)
{
	const struct tlb_entry *e = tlb_entry(t, lin);
	uint32_t pa[4];

	check_access(c, t, lin, size, true);
	/* A page with code on it: mapped and writable, only the stores need watching. */
	if (e->writable && tlb_hit(e->rtag, lin, size)) {
		phys_write(c, e->phys | (lin & ~PAGE_MASK), v, size);
		return;
	}
	/* Translate every byte before storing any, so a #PF on the second page
	 * leaves the first one untouched: the fault is restartable. */
	for (unsigned i = 0; i < size; i++)
		pa[i] = (i == 0 || ((lin + i) & ~PAGE_MASK) == 0)
			? translate(c, t, lin + i, ACC_WRITE) : pa[i - 1] + 1;
	if ((lin & ~PAGE_MASK) + size <= PAGE_SIZE) {
		phys_write(c, pa[0], v, size);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		phys_write(c, pa[i], v >> (8 * i), 1);
}

void vprobe_write(struct cpu *c, unsigned s, uint32_t off, unsigned size)
{
	uint32_t lin = seg_linear(c, s, off, size, true);
	const struct tlb_entry *e = tlb_entry(c->tlb, lin);

	if (!tlb_hit(e->wtag, lin, size)) {
		translate(c, c->tlb, lin, ACC_WRITE);
		translate(c, c->tlb, lin + size - 1, ACC_WRITE);
	}
}
