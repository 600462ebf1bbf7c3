/*
 * cpu/exec.c - the interpreter's main loop.
 *
 * Find (or decode) the block at CS:EIP, run its handlers one after the
 * other, repeat.  Between blocks, and only there, the loop looks at the
 * world outside the CPU: interrupts, stop requests, HLT, the instruction
 * budget (ARCHITECTURE.md section 4).  A fault anywhere inside lands back here by
 * longjmp (cpu/exception.c).
 */
#include <string.h>

#include "cpu/debug.h"
#include "cpu/decode.h"
#include "cpu/exception.h"
#include "cpu/icache.h"
#include "cpu/interrupt.h"
#include "cpu/mem.h"
#include "cpu/ops.h"
#include "cpu/vmcs.h"
#include "cpu/vmx.h"
#include "mmu/mmu.h"

/* An instruction longer than 15 bytes raises #GP(0) (SDM Vol. 2A, 2.3.11). */
static void insn_too_long(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_GP, 0);
}

static void decode_or_fail(const uint8_t *bytes, unsigned avail, bool code32, struct insn *i,
			   enum decode_result *res, const struct opdesc **d)
{
	*res = decode_insn(bytes, avail, code32, i, d);
	if (*res == DECODE_TOO_LONG) {
		i->fn = insn_too_long;
		i->len = MAX_INSN_LEN;
		*d = NULL;
	}
}

/*
 * The first instruction crosses into the next page (or lies outside RAM):
 * fetch its bytes one at a time through the MMU, which raises #PF exactly
 * when a byte the instruction needs is not mapped.  Such a block is not
 * cached, since a store to the second page would not invalidate it.
 */
static struct block *decode_slow(struct cpu *c, uint32_t lin, struct block *tmp)
{
	uint8_t bytes[MAX_INSN_LEN];
	enum decode_result res = DECODE_NEED_MORE;
	const struct opdesc *d;
	unsigned n = 0;

	/* With all 15 bytes in hand the decoder says OK or TOO_LONG, never NEED_MORE. */
	while (res == DECODE_NEED_MORE && n < MAX_INSN_LEN) {
		bytes[n] = mem_fetch_byte(c, lin + n);
		n++;
		decode_or_fail(bytes, n, c->code32, &tmp->insns[0], &res, &d);
	}
	tmp->n = 1;
	return tmp;
}

/* Decode a block from host memory: up to the page end, a block-ending
 * instruction, or BLOCK_MAX_INSNS. */
static struct block *decode_block(struct cpu *c, uint32_t phys, const uint8_t *host,
				  unsigned avail, uint32_t gen)
{
	struct block *b = icache_alloc(c->icache, BLOCK_MAX_INSNS);
	unsigned pos = 0;

	b->phys = phys;
	b->gen = gen;
	b->code32 = c->code32;
	b->n = 0;
	while (b->n < BLOCK_MAX_INSNS) {
		struct insn *i = &b->insns[b->n];
		const struct opdesc *d;
		enum decode_result res;

		decode_or_fail(host + pos, avail - pos, c->code32, i, &res, &d);
		if (res == DECODE_NEED_MORE)
			break;  /* crosses the page: the next block starts with it */
		pos += i->len;
		b->n++;
		if (!d || (d->flags & D_ENDS_BLOCK) || i->fn == op_ud || pos >= avail)
			break;
	}
	if (b->n == 0)
		return NULL;
	icache_insert(c->icache, b);
	mmu_protect_code(c->mmu, phys, pos);
	return b;
}

static uint32_t fetch_mode(const struct cpu *c)
{
	return c->code32 | (c->cpl == 3) << 1;
}

static struct block *find_block(struct cpu *c, struct block *tmp)
{
	uint32_t lin, phys, gen;
	const struct tlb_entry *e;
	struct physmem *pm = c->mmu->pm;
	struct jcache_entry *j;
	struct block *b;

	if (c->eip > c->seg[S_CS].limit)
		cpu_fault(c, EXC_GP, 0);
	lin = c->seg[S_CS].base + c->eip;
	j = jcache_slot(c->icache, lin);
	if (j->lin == lin && j->b && j->epoch == c->mmu->epoch && j->mode == fetch_mode(c) &&
	    j->b->gen == pm->page_gen[j->b->phys >> PAGE_SHIFT])
		return j->b;
	e = tlb_entry(c->tlb, lin);
	if (e->rtag != (lin & PAGE_MASK)) {
		mem_fetch_byte(c, lin);  /* walk, fill the TLB, or raise #PF */
		if (e->rtag != (lin & PAGE_MASK))
			return decode_slow(c, lin, tmp);  /* not RAM */
	}
	phys = e->phys | (lin & ~PAGE_MASK);
	gen = pm->page_gen[phys >> PAGE_SHIFT];
	b = icache_find(c->icache, phys, c->code32, gen);
	if (!b)
		b = decode_block(c, phys, (const uint8_t *)(e->addend + lin),
				 PAGE_SIZE - (lin & ~PAGE_MASK), gen);
	if (!b)
		return decode_slow(c, lin, tmp);
	*j = (struct jcache_entry){ lin, c->mmu->epoch, fetch_mode(c), b };
	return b;
}

static void run_block(struct cpu *c, const struct block *b)
{
	const struct insn *i = b->insns, *end = i + b->n;

	c->abort_block = false;
	c->block_insns = i;
	do {
		c->cur = i;
		c->eip += i->len;
		i->fn(c, i);
	} while (++i < end && !c->abort_block);
	c->icount += i - b->insns;
	c->cur = NULL;
}

/*
 * One instruction alone: for the TF single-step trap and for instruction
 * breakpoints (SDM Vol. 3A, 17.3.1: a breakpoint is a fault before the
 * instruction, single-step a trap after it), and for the instruction in an
 * interrupt shadow.
 */
static void run_one(struct cpu *c, struct block *tmp)
{
	bool tf = c->eflags & FL_TF, rf = c->eflags & FL_RF;

	if (c->eip > c->seg[S_CS].limit)
		cpu_fault(c, EXC_GP, 0);
	if (c->exec_breakpoints)
		debug_check_exec(c, c->seg[S_CS].base + c->eip);
	c->sw_interrupt = false;
	run_block(c, decode_slow(c, c->seg[S_CS].base + c->eip, tmp));
	if (rf)
		c->eflags &= ~FL_RF;  /* RF lasts one instruction */
	if (tf && !c->sw_interrupt) {
		c->dr[6] |= DR6_BS;
		cpu_raise_event(c, EXC_DB, EV_EXCEPTION, 0);
	}
}

uint64_t cpu_icount(const struct cpu *c)
{
	return c->icount + (c->cur ? (uint64_t)(c->cur - c->block_insns) : 0);
}

void cpu_request_stop(struct cpu *c, enum cpu_stop why)
{
	c->stop = why;
	c->abort_block = true;
}

/*
 * Between blocks: interrupts, then what the last instruction left pending.
 * Returns true if exactly one instruction must run next: the one in the
 * shadow of STI or MOV SS, with an interrupt waiting right after it.
 */
static bool between_blocks(struct cpu *c)
{
	if (c->pending_db) {  /* a data breakpoint: #DB trap after the access */
		c->pending_db = false;
		cpu_raise_event(c, EXC_DB, EV_EXCEPTION, 0);
	}
	if (c->vmcs && vmx_check_interrupts(c))
		return false;
	if (c->inhibit_irq) {
		c->inhibit_irq = false;  /* the shadow covers one instruction */
		return c->intr_line || c->nmi_pending ||
		       (c->vmcs && c->vmcs->interrupt_window_exiting);
	}
	if (c->intr_line || c->nmi_pending)
		cpu_service_interrupts(c);
	return false;
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t max_insns)
{
	/* Room for one uncached instruction (see decode_slow). */
	static _Alignas(16) uint8_t tmp_space[sizeof(struct block) + sizeof(struct insn)];
	struct block *tmp = (struct block *)tmp_space;
	uint64_t limit = c->icount + max_insns;

	c->stop = STOP_NONE;
	switch (setjmp(c->fault_jmp)) {
	case FAULT_JMP_FAULT:
	case FAULT_JMP_VMEXIT:
		/* Instructions before the faulting (or exiting) one did retire. */
		if (c->cur)
			c->icount += c->cur - c->block_insns;
		if (c->stop == STOP_VMEXIT) {
			c->eip = c->vmcs->guest_rip;
			c->cur = NULL;
			return c->stop;
		}
		cpu_handle_fault(c);
		break;
	default:
		if (c->vmcs)
			vmx_inject_pending(c);  /* VM entry (may fault: then as above) */
	}
	while (c->stop == STOP_NONE) {
		bool one = between_blocks(c);
		if (c->stop != STOP_NONE)
			break;
		if (c->halted) {
			/* Nothing woke the CPU: the machine decides what time does next. */
			c->stop = STOP_HALTED;
			break;
		}
		if (c->icount >= limit) {
			c->stop = STOP_BUDGET;
			break;
		}
		if (unlikely(one || (c->eflags & FL_TF) || c->exec_breakpoints)) {
			run_one(c, tmp);
		} else {
			run_block(c, find_block(c, tmp));
			c->eflags &= ~FL_RF;  /* RF lasts until an instruction completes */
		}
		/* The instruction the hypervisor had the CPU run itself opened the
		 * first block after the entry: it is done. */
		c->root_emulating = false;
	}
	return c->stop;
}
