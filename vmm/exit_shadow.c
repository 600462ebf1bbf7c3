/*
 * vmm/exit_shadow.c - the shadow MMU's exits: #PF (exit 0), CR access
 * (exit 28) and INVLPG (exit 14).  With shadow paging the processor walks
 * the hypervisor's tables; these handlers keep them in step with the
 * guest's (mmu/shadow.c holds the tables themselves).
 *
 * A #PF exit is one of three things:
 *  - a hidden fault: the guest's tables allow the access, the shadow just
 *    lacks it: walk the guest's tables (setting their accessed and dirty
 *    bits as the processor would), fill the shadow entry, retry;
 *  - a write to a guest page table the shadow mirrors: the entries derived
 *    from it are dropped and the CPU performs the write in root mode;
 *  - a true fault: reflect it to the guest, with its own error code and CR2.
 * A page the guest has not yet written (dirty bit clear) is mapped read-only
 * first, so that its first write exits and sets the dirty bit exactly.
 */
#include "cpu/vmx.h"
#include "mmu/gpa_access.h"
#include "mmu/mmu.h"
#include "mmu/paging.h"
#include "mmu/shadow.h"
#include "vmm/vmm.h"

#define EXC_PF 14

/* The root for guest CR3, made the one the MMU walks. */
static int use_root(struct vmm *v, uint32_t cr3)
{
	int root = shadow_root_for(v->shadow, cr3);

	v->vmcs.shadow_root = root == SHADOW_NONE ? HOSTMEM_NO_FRAME : v->shadow->roots[root].hpa;
	return root;
}

static int current_root(struct vmm *v)
{
	return use_root(v, v->cpu->cr3);
}

static void flush_if_stale(struct vmm *v)
{
	if (v->shadow->tlb_stale) {
		v->shadow->tlb_stale = false;
		mmu_flush(v->cpu->mmu, false);
	}
}

static void fill_shadow(struct vmm *v, int root, uint32_t lin, const struct walk *w, uint64_t hpa)
{
	/* Writable only once the guest's dirty bit is set (so the first write
	 * exits and sets it); shadow_install keeps guest tables read-only. */
	uint32_t bits = (w->write_ok ? SPTE_W : 0) | (w->user ? SPTE_U : 0) |
			(w->global ? SPTE_G : 0);

	if (shadow_install(v->shadow, root, lin, w->table, hpa & PAGE_MASK, bits) < 0) {
		/* Out of shadow tables: start over, as KVM zaps when it runs short. */
		shadow_flush_all(v->shadow);
		mmu_flush(v->cpu->mmu, false);
		root = current_root(v);
		if (root != SHADOW_NONE)
			shadow_install(v->shadow, root, lin, w->table, hpa & PAGE_MASK, bits);
	}
	v->shadow_fills++;
	flush_if_stale(v);
}

static void shadow_page_fault(struct vmm *v, uint32_t lin, uint32_t error)
{
	struct cpu *c = v->cpu;
	struct paging_regs pr = { c->cr0, c->cr3, c->cr4 };
	struct gpa_access ga = { .pm = v->pm };
	unsigned acc = ((error & 2) ? ACC_WRITE : ACC_READ) | ((error & 4) ? ACC_USER : 0);
	struct walk w = { 0 };
	enum walk_result r = paging_walk(&ga, &pr, lin, acc, &w);
	int root = current_root(v);
	uint64_t hpa;

	c->mmu->walk_refs += ga.refs;  /* the hypervisor's walk of the guest's tables */
	if (r != WALK_OK) {
		c->cr2 = lin;
		vmm_inject(v, EXC_PF, INTR_HW_EXCEPTION, true, w.pf_error);
		v->shadow_true_faults++;
		return;
	}
	hpa = physmem_hpa(v->pm, w.phys & PAGE_MASK);
	if (root == SHADOW_NONE || hpa == HOSTMEM_NO_FRAME || physmem_rom_at(v->pm, w.phys)) {
		vmx_emulate_in_root(c);  /* ROM, or nothing: the CPU does it in root mode */
		return;
	}
	if ((acc & ACC_WRITE) && shadow_protects(v->shadow, w.phys)) {
		shadow_guest_wrote(v->shadow, w.phys);
		mmu_flush(c->mmu, false);
		v->shadow_table_writes++;
		vmx_emulate_in_root(c);
		return;
	}
	fill_shadow(v, root, lin, &w, hpa);
}

void exit_exception(struct vmm *v)
{
	uint32_t info = v->vmcs.exit_interruption_info;

	if (INTR_INFO_VECTOR(info) == EXC_PF)
		shadow_page_fault(v, v->vmcs.exit_qualification, v->vmcs.exit_interruption_error);
	else  /* an exception the hypervisor only watches: give it to the guest */
		vmm_inject(v, INTR_INFO_VECTOR(info), INTR_HW_EXCEPTION,
			   info & INTR_INFO_HAS_ERROR, v->vmcs.exit_interruption_error);
}

/*
 * A new CR3: switch to (or build) its shadow root.  CR0 and CR4 bits that
 * change how the guest's tables read (PG, WP, PSE, PGE): every shadow goes.
 * Either way the CPU then performs the MOV itself, in root mode, with the
 * checks and TLB flush the instruction has.
 */
void exit_cr_access(struct vmm *v)
{
	uint64_t q = v->vmcs.exit_qualification;
	struct cpu *c = v->cpu;

	if (CRQ_CR(q) == 3) {
		use_root(v, c->regs[CRQ_REG(q)]);
		flush_if_stale(v);
	} else {
		shadow_flush_all(v->shadow);
		v->vmcs.shadow_root = HOSTMEM_NO_FRAME;
	}
	vmx_emulate_in_root(c);
}

/* INVLPG: the shadow entry for the address goes, then the TLB entry. */
void exit_invlpg(struct vmm *v)
{
	int root = current_root(v);
	uint32_t lin = v->vmcs.exit_qualification;

	if (root != SHADOW_NONE)
		shadow_invlpg(v->shadow, root, lin);
	mmu_flush_page(v->cpu->mmu, lin);
	vmx_skip_instruction(v->cpu);
}
