/*
 * cpu/ops_system.c - flag control, port I/O, software interrupts, segment
 * register loads, descriptor-table registers, control and debug registers,
 * HLT, CPUID, RDTSC, RDMSR/WRMSR.
 *
 * Privileged instructions check CPL = 0 first (#GP(0) otherwise); IOPL-
 * sensitive ones (CLI, STI, IN, OUT...) check CPL <= IOPL (SDM Vol. 1, 18.2).
 */
#include "cpu/cpuid.h"
#include "cpu/debug.h"
#include "cpu/ops.h"
#include "cpu/segment.h"
#include "cpu/vmx.h"
#include "mmu/mmu.h"

static void require_cpl0(struct cpu *c)
{
	if (cpu_protected(c) && c->cpl != 0)
		cpu_fault(c, EXC_GP, 0);
}

/* ---- flags ---- */

static void clc(struct cpu *c, const struct insn *i) { (void)i; set_arith_flags(c, arith_flags(c) & ~FL_CF); }
static void stc(struct cpu *c, const struct insn *i) { (void)i; set_arith_flags(c, arith_flags(c) | FL_CF); }
static void cmc(struct cpu *c, const struct insn *i) { (void)i; set_arith_flags(c, arith_flags(c) ^ FL_CF); }
static void clear_df(struct cpu *c, const struct insn *i) { (void)i; c->eflags &= ~FL_DF; }
static void set_df(struct cpu *c, const struct insn *i) { (void)i; c->eflags |= FL_DF; }

FAMILY_ONE(clc_, clc);
FAMILY_ONE(stc_, stc);
FAMILY_ONE(cmc_, cmc);
FAMILY_ONE(cld_, clear_df);
FAMILY_ONE(std_, set_df);

static void require_iopl(struct cpu *c)
{
	if (cpu_protected(c) && c->cpl > ((c->eflags & FL_IOPL) >> 12))
		cpu_fault(c, EXC_GP, 0);
}

static void cli(struct cpu *c, const struct insn *i)
{
	(void)i;
	require_iopl(c);
	c->eflags &= ~FL_IF;
}

/* STI delays interrupts until after the next instruction (SDM: STI). */
static void sti(struct cpu *c, const struct insn *i)
{
	(void)i;
	require_iopl(c);
	if (!(c->eflags & FL_IF))
		c->inhibit_irq = true;
	c->eflags |= FL_IF;
}

FAMILY_ONE(cli_, cli);
FAMILY_ONE(sti_, sti);

/* ---- HLT ---- */

static void hlt(struct cpu *c, const struct insn *i)
{
	(void)i;
	require_cpl0(c);
	if (cpu_in_guest(c) && c->vmcs->hlt_exiting)
		vmexit_instruction(c, EXIT_HLT, 0);
	c->halted = true;
	c->abort_block = true;
}

FAMILY_ONE(hlt_, hlt);

/* ---- port I/O: E4-E7 (port in imm8), EC-EF (port in DX) ---- */

INLINE uint16_t io_port(struct cpu *c, const struct insn *i)
{
	return (i->op & 8) ? *cpu_reg16(c, R_EDX) : (uint16_t)i->imm;
}

INLINE unsigned io_form(const struct insn *i)
{
	return (i->op & 8) ? 0 : IOQ_IMMEDIATE;
}

INLINE void in_acc(struct cpu *c, const struct insn *i, unsigned size)
{
	reg_set(c, R_EAX, port_in(c, io_port(c, i), size, IOQ_IN | io_form(i)), size);
}

INLINE void out_acc(struct cpu *c, const struct insn *i, unsigned size)
{
	port_out(c, io_port(c, i), reg_get(c, R_EAX, size), size, io_form(i));
}

FAMILY_SIZE8(in_b, in_acc);
FAMILY_SIZE(in_v, in_acc);
FAMILY_SIZE8(out_b, out_acc);
FAMILY_SIZE(out_v, out_acc);

/* ---- software interrupts: traps, so they return past the instruction ---- */

static void int3(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_deliver(c, EXC_BP, EV_SOFTWARE, 0, c->eip);
}

static void int_n(struct cpu *c, const struct insn *i)
{
	cpu_deliver(c, i->imm & 0xff, EV_SOFTWARE, 0, c->eip);
}

static void into(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (lf_of(&c->lf, c->eflags))
		cpu_deliver(c, EXC_OF, EV_SOFTWARE, 0, c->eip);
}

/* F1 (INT1, "ICEBP"): a debug trap delivered like a hardware exception. */
static void int1(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_deliver(c, EXC_DB, EV_EXCEPTION, 0, c->eip);
}

FAMILY_ONE(int3_, int3);
FAMILY_ONE(int_Ib, int_n);
FAMILY_ONE(into_, into);
FAMILY_ONE(int1_, int1);

INLINE void iret(struct cpu *c, const struct insn *i, unsigned size)
{
	(void)i;
	interrupt_return(c, size);
}

FAMILY_SIZE(iret_, iret);

/* BOUND Gv, Ma: #BR unless lower <= index <= upper (signed). */
INLINE void bound(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t off = insn_ea(c, i);
	int32_t lower = sext(vread(c, i->seg, off, size), size * 8);
	int32_t upper = sext(vread(c, i->seg, (off + size) & i->ea_mask, size), size * 8);
	int32_t index = sext(reg_get(c, i->reg, size), size * 8);

	if (index < lower || index > upper)
		cpu_fault(c, EXC_BR, 0);
}

FAMILY_MEMONLY(bound_GvMa, bound);

/* ---- segment registers ---- */

/* 8C: MOV Ev, Sreg.  A register destination with 32-bit operand size gets
 * the selector zero-extended (P6 and later); memory always gets 16 bits. */
INLINE void mov_e_sreg(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	if (i->reg >= NR_SREGS)
		cpu_fault(c, EXC_UD, 0);
	e_set(c, i, c->seg[i->reg].sel, mem ? 2 : size, mem);
}

/* 8E: MOV Sreg, Ew.  CS cannot be loaded this way; SS holds off interrupts. */
INLINE void mov_sreg_e(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint16_t sel = e_get(c, i, 2, mem);

	(void)size;
	if (i->reg >= NR_SREGS || i->reg == S_CS)
		cpu_fault(c, EXC_UD, 0);
	seg_load(c, i->reg, sel);
	if (i->reg == S_SS)
		c->inhibit_irq = true;
}

FAMILY(mov_EwSw, mov_e_sreg);
FAMILY(mov_SwEw, mov_sreg_e);

/* PUSH/POP Sreg: 06/07 ES, 0E CS, 16/17 SS, 1E/1F DS, 0F A0/A1 FS, 0F A8/A9 GS. */
static unsigned sreg_of_opcode(const struct insn *i)
{
	return i->op >= 0xa0 ? ((i->op & 8) ? S_GS : S_FS) : (i->op >> 3) & 3;
}

INLINE void push_sreg(struct cpu *c, const struct insn *i, unsigned size)
{
	push(c, c->seg[sreg_of_opcode(i)].sel, size);
}

INLINE void pop_sreg(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t sp = c->regs[R_ESP] & sp_mask(c);
	unsigned s = sreg_of_opcode(i);

	seg_load(c, s, vread(c, S_SS, sp, size));
	set_sp(c, sp + size);
	if (s == S_SS)
		c->inhibit_irq = true;
}

FAMILY_SIZE(push_sreg_, push_sreg);
FAMILY_SIZE(pop_sreg_, pop_sreg);

/* LDS, LES (C5, C4), LSS, LFS, LGS (0F B2, B4, B5): offset, then selector. */
static unsigned sreg_of_far_load(const struct insn *i)
{
	switch (i->op) {
	case 0xc4: return S_ES;
	case 0xc5: return S_DS;
	case 0xb2: return S_SS;
	case 0xb4: return S_FS;
	default:   return S_GS;
	}
}

INLINE void load_far_pointer(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t off = insn_ea(c, i);
	uint32_t v = vread(c, i->seg, off, size);
	uint16_t sel = vread(c, i->seg, (off + size) & i->ea_mask, 2);

	seg_load(c, sreg_of_far_load(i), sel);
	reg_set(c, i->reg, v, size);
}

FAMILY_MEMONLY(lxs_GvMp, load_far_pointer);

/* ---- descriptor-table registers (group 7: 0F 01) ---- */

INLINE void store_dtr(struct cpu *c, const struct insn *i, const struct dtr *t)
{
	uint32_t off = insn_ea(c, i);

	vprobe_write(c, i->seg, off, 6);
	vwrite(c, i->seg, off, t->limit, 2);
	vwrite(c, i->seg, (off + 2) & i->ea_mask, t->base, 4);
}

/* With a 16-bit operand size only 24 bits of the base are loaded. */
INLINE void load_dtr(struct cpu *c, const struct insn *i, unsigned size, struct dtr *t)
{
	uint32_t off = insn_ea(c, i);
	uint16_t limit;
	uint32_t base;

	require_cpl0(c);
	limit = vread(c, i->seg, off, 2);
	base = vread(c, i->seg, (off + 2) & i->ea_mask, 4);
	t->limit = limit;
	t->base = size == 2 ? base & 0x00ffffffu : base;
}

INLINE void sgdt(struct cpu *c, const struct insn *i, unsigned size) { (void)size; store_dtr(c, i, &c->gdtr); }
INLINE void sidt(struct cpu *c, const struct insn *i, unsigned size) { (void)size; store_dtr(c, i, &c->idtr); }
INLINE void lgdt(struct cpu *c, const struct insn *i, unsigned size) { load_dtr(c, i, size, &c->gdtr); }
INLINE void lidt(struct cpu *c, const struct insn *i, unsigned size) { load_dtr(c, i, size, &c->idtr); }

FAMILY_MEMONLY(sgdt_Ms, sgdt);
FAMILY_MEMONLY(sidt_Ms, sidt);
FAMILY_MEMONLY(lgdt_Ms, lgdt);
FAMILY_MEMONLY(lidt_Ms, lidt);

/* SMSW: a register gets all of CR0 with a 32-bit operand size. */
INLINE void smsw(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	e_set(c, i, c->cr0, mem ? 2 : size, mem);
}

/* LMSW: only PE, MP, EM, TS, and PE cannot be cleared this way. */
INLINE void lmsw(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint32_t v = e_get(c, i, 2, mem);

	(void)size;
	require_cpl0(c);
	cpu_write_cr0(c, (c->cr0 & ~0xeu) | (v & 0xf) | (c->cr0 & CR0_PE));
}

FAMILY(smsw_Ew, smsw);
FAMILY(lmsw_Ew, lmsw);

INLINE void invlpg(struct cpu *c, const struct insn *i, unsigned size)
{
	uint32_t lin = c->seg[i->seg].base + insn_ea(c, i);

	(void)size;
	require_cpl0(c);
	if (cpu_in_guest(c) && c->vmcs->invlpg_exiting)
		vmexit_instruction(c, EXIT_INVLPG, lin);  /* qualification: the address */
	mmu_flush_page(c->mmu, lin);
}

FAMILY_MEMONLY(invlpg_M, invlpg);

/* ---- LDTR and TR (group 6: 0F 00) ---- */

INLINE void sldt_str(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	const struct segment *s = i->reg == 0 ? &c->ldtr : &c->tr;

	if (!cpu_protected(c))
		cpu_fault(c, EXC_UD, 0);
	e_set(c, i, s->sel, mem ? 2 : size, mem);
}

/* LLDT: a null selector leaves LDTR unusable; otherwise an LDT descriptor
 * (system type 2) from the GDT. */
INLINE void lldt(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint16_t sel = e_get(c, i, 2, mem);
	struct descriptor d;

	(void)size;
	if (!cpu_protected(c))
		cpu_fault(c, EXC_UD, 0);
	require_cpl0(c);
	if ((sel & ~3u) == 0) {
		c->ldtr = (struct segment){ .sel = sel };
		return;
	}
	if (sel & 4)
		cpu_fault(c, EXC_GP, sel & 0xfffc);
	d = seg_read_descriptor(c, sel, EXC_GP);
	if ((desc_attr(d) & (SEG_S | 0xf)) != 0x2)
		cpu_fault(c, EXC_GP, sel & 0xfffc);
	if (!(desc_attr(d) & SEG_P))
		cpu_fault(c, EXC_NP, sel & 0xfffc);
	c->ldtr = (struct segment){ .sel = sel, .base = desc_base(d),
				    .limit = desc_limit(d), .attr = desc_attr(d) };
}

/* LTR: an available TSS (type 1 or 9) from the GDT, which becomes busy. */
INLINE void ltr(struct cpu *c, const struct insn *i, unsigned size, bool mem)
{
	uint16_t sel = e_get(c, i, 2, mem);
	struct descriptor d;
	uint32_t type;

	(void)size;
	if (!cpu_protected(c))
		cpu_fault(c, EXC_UD, 0);
	require_cpl0(c);
	if ((sel & ~3u) == 0 || (sel & 4))
		cpu_fault(c, EXC_GP, sel & 0xfffc);
	d = seg_read_descriptor(c, sel, EXC_GP);
	type = desc_attr(d) & (SEG_S | 0xf);
	if (type != 0x1 && type != 0x9)
		cpu_fault(c, EXC_GP, sel & 0xfffc);
	if (!(desc_attr(d) & SEG_P))
		cpu_fault(c, EXC_NP, sel & 0xfffc);
	d.hi |= 0x200;  /* busy */
	lin_write(c, &c->mmu->tlb[TLB_SUPERVISOR], c->gdtr.base + (sel & ~7u) + 4, d.hi, 4);
	c->tr = (struct segment){ .sel = sel, .base = desc_base(d),
				  .limit = desc_limit(d), .attr = desc_attr(d) };
}

FAMILY(sldt_str_Ew, sldt_str);
FAMILY(lldt_Ew, lldt);
FAMILY(ltr_Ew, ltr);

/* ---- control and debug registers (0F 20-23; the ModRM mod bits are ignored) ---- */

/* CR4 bits glassvm implements: DE, PSE, PGE, PCE, TSD, and OSFXSR, which
 * only tells that the OS saves state with FXSAVE (SDM Vol. 3A, 2.5). */
#define CR4_SUPPORTED 0x0000039cu

void cpu_write_cr0(struct cpu *c, uint32_t v)
{
	v = (v & 0xe005003fu) | CR0_ET;  /* reserved bits are ignored; ET is hard-wired */
	if ((v & CR0_PG) && !(v & CR0_PE))
		cpu_fault(c, EXC_GP, 0);
	/* AM too: while alignment checking is on, user accesses bypass the TLB. */
	if ((v ^ c->cr0) & (CR0_PG | CR0_WP | CR0_PE | CR0_AM))
		mmu_flush(c->mmu, false);
	c->cr0 = v;
}

/*
 * Does this MOV to CR0, CR3 or CR4 leave the guest?  CR3 loads when the
 * controls say so; CR0 and CR4 when the write changes a bit the hypervisor
 * owns (the guest/host masks, SDM Vol. 3C, 24.6.6 and 25.1.3).  Not when the
 * hypervisor has the CPU perform the write itself, in root mode.
 */
static bool cr_write_exits(struct cpu *c, const struct insn *i, uint32_t v)
{
	const struct vmcs *vmcs = c->vmcs;

	if (!vmcs || vmx_root_emulating(c, c->eip - i->len))
		return false;
	switch (i->reg) {
	case 0:  return (v ^ c->cr0) & vmcs->cr0_guest_host_mask;
	case 3:  return vmcs->cr3_load_exiting;
	case 4:  return (v ^ c->cr4) & vmcs->cr4_guest_host_mask;
	default: return false;
	}
}

static void mov_cr_r(struct cpu *c, const struct insn *i)
{
	uint32_t v = c->regs[i->rm];

	require_cpl0(c);
	if (cr_write_exits(c, i, v))
		vmexit_instruction(c, EXIT_CR_ACCESS, i->reg | (CR_MOV_TO << 4) | (i->rm << 8));
	switch (i->reg) {
	case 0: cpu_write_cr0(c, v); break;
	case 2: c->cr2 = v; break;
	case 3:
		c->cr3 = v;
		mmu_flush(c->mmu, true);  /* global pages survive (SDM 4.10.4.1) */
		break;
	case 4:
		if (v & ~CR4_SUPPORTED)
			cpu_fault(c, EXC_GP, 0);
		if ((v ^ c->cr4) & (CR4_PSE | CR4_PGE))
			mmu_flush(c->mmu, false);
		c->cr4 = v;
		break;
	default:
		cpu_fault(c, EXC_UD, 0);
	}
}

static void mov_r_cr(struct cpu *c, const struct insn *i)
{
	const uint32_t *cr[] = { &c->cr0, NULL, &c->cr2, &c->cr3, &c->cr4 };

	require_cpl0(c);
	if (i->reg > 4 || !cr[i->reg])
		cpu_fault(c, EXC_UD, 0);
	c->regs[i->rm] = *cr[i->reg];
}

/* DR4/DR5 are DR6/DR7 unless CR4.DE makes them undefined (#UD). */
static unsigned debug_reg(struct cpu *c, unsigned r)
{
	require_cpl0(c);
	if (r == 4 || r == 5) {
		if (c->cr4 & 0x8)
			cpu_fault(c, EXC_UD, 0);
		r += 2;
	}
	return r;
}

/* DR6 and DR7 have bits that always read as 1 (SDM Vol. 3A, 17.2.3-4);
 * DR0-3 and DR7 decide which breakpoints are armed. */
static void mov_dr_r(struct cpu *c, const struct insn *i)
{
	unsigned r = debug_reg(c, i->reg);
	uint32_t v = c->regs[i->rm];

	if (r == 6)
		v = (v & ~DR6_RESERVED_ONES & 0x0000e00fu) | DR6_RESERVED_ONES;
	else if (r == 7)
		v = (v & 0xffff2bffu) | 0x400;
	c->dr[r] = v;
	if (r != 6)
		debug_update(c);
}

static void mov_r_dr(struct cpu *c, const struct insn *i)
{
	c->regs[i->rm] = c->dr[debug_reg(c, i->reg)];
}

FAMILY_ONE(mov_Cd_Rd, mov_cr_r);
FAMILY_ONE(mov_Rd_Cd, mov_r_cr);
FAMILY_ONE(mov_Dd_Rd, mov_dr_r);
FAMILY_ONE(mov_Rd_Dd, mov_r_dr);

static void clts(struct cpu *c, const struct insn *i)
{
	(void)i;
	require_cpl0(c);
	c->cr0 &= ~CR0_TS;
}

/* INVD/WBINVD: there are no caches to write back. */
static void invd(struct cpu *c, const struct insn *i)
{
	(void)i;
	require_cpl0(c);
}

FAMILY_ONE(clts_, clts);
FAMILY_ONE(invd_, invd);

/* ---- identification and time ---- */

/* CPUID: a guest always exits (SDM Vol. 3C, 25.1.2); the hypervisor answers. */
static void cpuid(struct cpu *c, const struct insn *i)
{
	struct cpuid_regs r;

	(void)i;
	if (cpu_in_guest(c))
		vmexit_instruction(c, EXIT_CPUID, 0);
	r = cpuid_query(c->regs[R_EAX], c->regs[R_ECX]);
	c->regs[R_EAX] = r.eax;
	c->regs[R_EBX] = r.ebx;
	c->regs[R_ECX] = r.ecx;
	c->regs[R_EDX] = r.edx;
}

static void rdtsc(struct cpu *c, const struct insn *i)
{
	uint64_t t;

	(void)i;
	if ((c->cr4 & 0x4) && c->cpl != 0 && cpu_protected(c))  /* CR4.TSD */
		cpu_fault(c, EXC_GP, 0);
	msr_read(c, MSR_TSC, &t);  /* the TSC counts retired instructions: virtual time */
	c->regs[R_EAX] = (uint32_t)t;
	c->regs[R_EDX] = (uint32_t)(t >> 32);
}

/* RDMSR/WRMSR: EDX:EAX and the MSR numbered by ECX (cpu/msr.c). */
static void rdmsr(struct cpu *c, const struct insn *i)
{
	uint64_t v;

	(void)i;
	require_cpl0(c);
	if (cpu_in_guest(c))  /* no MSR bitmaps: every RDMSR exits */
		vmexit_instruction(c, EXIT_RDMSR, 0);
	if (!msr_read(c, c->regs[R_ECX], &v))
		cpu_fault(c, EXC_GP, 0);
	c->regs[R_EAX] = (uint32_t)v;
	c->regs[R_EDX] = (uint32_t)(v >> 32);
}

static void wrmsr(struct cpu *c, const struct insn *i)
{
	uint64_t v = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];

	(void)i;
	require_cpl0(c);
	if (cpu_in_guest(c))
		vmexit_instruction(c, EXIT_WRMSR, 0);
	if (!msr_write(c, c->regs[R_ECX], v))
		cpu_fault(c, EXC_GP, 0);
}

/*
 * SYSENTER and SYSEXIT (SDM Vol. 2B): fast system calls into and out of
 * ring 0.  The segments are not read from the GDT: they are fixed flat
 * segments whose selectors derive from SYSENTER_CS.
 */
static void sysenter(struct cpu *c, const struct insn *i)
{
	uint16_t cs = c->msr.sysenter_cs & 0xfffc;

	(void)i;
	if (!(c->cr0 & CR0_PE) || cs == 0)
		cpu_fault(c, EXC_GP, 0);
	cpu_set_eflags(c, 0, FL_VM | FL_IF | FL_RF);
	seg_enter_flat(c, cs, cs + 8, 0, c->msr.sysenter_eip, c->msr.sysenter_esp);
}

static void sysexit(struct cpu *c, const struct insn *i)
{
	uint16_t cs = c->msr.sysenter_cs & 0xfffc;

	(void)i;
	if (!cpu_protected(c) || c->cpl != 0 || cs == 0)
		cpu_fault(c, EXC_GP, 0);
	seg_enter_flat(c, (cs + 16) | 3, (cs + 24) | 3, 3, c->regs[R_EDX], c->regs[R_ECX]);
}

/* VMCALL (0F 01 C1): a guest's call to its hypervisor (exit 18); outside
 * VMX non-root operation it is #UD, as on a processor not running VMX. */
static void vmcall(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (!cpu_in_guest(c))
		cpu_fault(c, EXC_UD, 0);
	vmexit_instruction(c, EXIT_VMCALL, 0);
}

FAMILY_ONE(vmcall_, vmcall);
FAMILY_ONE(sysenter_, sysenter);
FAMILY_ONE(sysexit_, sysexit);
FAMILY_ONE(cpuid_, cpuid);
FAMILY_ONE(rdtsc_, rdtsc);
FAMILY_ONE(rdmsr_, rdmsr);
FAMILY_ONE(wrmsr_, wrmsr);

void op_ud(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_UD, 0);
}
