/*
 * cpu/ops_fpu.c - the x87 instructions: the escape opcodes D8-DF, WAIT
 * (9B), FXSAVE and FXRSTOR (0F AE /0 and /1) (SDM Vol. 2; Vol. 1, ch. 8).
 *
 * An escape opcode and its ModRM byte select an entry of the tables at the
 * end of this file: with a memory operand (mod != 3) by ModRM.reg, with a
 * register (mod == 3) by ModRM.reg and, in a few rows, ModRM.rm.  esc()
 * does what every x87 instruction does first (CR0 checks, a pending
 * exception, the FPU instruction pointer) and then runs the entry.
 *
 * Every instruction checks and reads all it needs before it changes
 * anything, so a fault (#PF on an operand, say) leaves the FPU as it was
 * and the instruction can be restarted.
 */
#include "cpu/fpu.h"
#include "cpu/ops.h"
#include "cpu/segment.h"

/* ---- memory operands: several accesses of at most 4 bytes ---- */

/* Offset K of the memory operand, wrapping as the address size does. */
static uint32_t mem_off(struct cpu *c, const struct insn *i, unsigned k)
{
	return (insn_ea(c, i) + k) & i->ea_mask;
}

/* SIZE (at most 8) bytes at offset K. */
static uint64_t mem_get(struct cpu *c, const struct insn *i, unsigned k, unsigned size)
{
	uint64_t v = 0;

	for (unsigned n = 0; n < size; n += 4)
		v |= (uint64_t)vread(c, i->seg, mem_off(c, i, k + n), size - n < 4 ? size - n : 4)
		     << (8 * n);
	return v;
}

static void mem_put(struct cpu *c, const struct insn *i, unsigned k, uint64_t v, unsigned size)
{
	for (unsigned n = 0; n < size; n += 4)
		vwrite(c, i->seg, mem_off(c, i, k + n), v >> (8 * n), size - n < 4 ? size - n : 4);
}

/* A value of up to 10 bytes (an 80-bit real, a BCD number): the first
 * eight in LO, the next two in HI. */
static void mem_get_bits(struct cpu *c, const struct insn *i, unsigned k, unsigned size,
			 uint64_t *lo, uint16_t *hi)
{
	*lo = mem_get(c, i, k, size < 8 ? size : 8);
	*hi = size > 8 ? mem_get(c, i, k + 8, 2) : 0;
}

static void mem_put_bits(struct cpu *c, const struct insn *i, unsigned k, unsigned size,
			 uint64_t lo, uint16_t hi)
{
	mem_put(c, i, k, lo, size < 8 ? size : 8);
	if (size > 8)
		mem_put(c, i, k + 8, hi, 2);
}

/* A register image, for FNSAVE, FRSTOR, FXSAVE, FXRSTOR. */
static long double mem_get_f80(struct cpu *c, const struct insn *i, unsigned k)
{
	uint64_t mant;
	uint16_t se;

	mem_get_bits(c, i, k, 10, &mant, &se);
	return fpu_join(mant, se);
}

static void mem_put_f80(struct cpu *c, const struct insn *i, unsigned k, long double v)
{
	uint64_t mant;
	uint16_t se;

	fpu_split(v, &mant, &se);
	mem_put_bits(c, i, k, 10, mant, se);
}

/* ---- operands ---- */

struct operand {
	long double v;
	uint16_t exc;  /* raised by fetching it: DE for a denormal single or double */
	bool empty;    /* an empty register: using it is a stack underflow */
};

/* +0.0: FTST's implicit operand, and the absent one of one-operand operations. */
static const struct operand plus_zero;

static struct operand st_operand(const struct fpu *f, unsigned i)
{
	return (struct operand){ fpu_st(f, i), 0, fpu_empty(f, i) };
}

static struct operand mem_operand(struct cpu *c, const struct insn *i, enum fpu_format fmt)
{
	uint64_t lo;
	uint16_t hi;
	bool denormal;
	long double v;

	mem_get_bits(c, i, 0, fpu_format_size(fmt), &lo, &hi);
	v = fpu_load_format(fmt, lo, hi, &denormal);
	return (struct operand){ v, denormal ? FSW_DE : 0, false };
}

/* The arithmetic rows' memory operand: D8 single, DA int32, DC double, DE int16. */
static enum fpu_format arith_format(const struct insn *i)
{
	static const enum fpu_format fmt[4] = { FMT_F32, FMT_I32, FMT_F64, FMT_I16 };

	return fmt[(i->op >> 1) & 3];
}

/*
 * The DE of a denormal single or double operand counts only when no NaN
 * operand, invalid operation or division by zero takes precedence (SDM
 * Vol. 1, 4.9.2): the operand reached the host already widened, so the
 * host cannot know.
 */
static uint16_t with_fetch_exc(uint16_t exc, struct operand a, struct operand b)
{
	if ((exc & (FSW_IE | FSW_ZE)) || fpu_is_nan(a.v) || fpu_is_nan(b.v))
		return exc;
	return exc | a.exc | b.exc;
}

/* Stack overflow or underflow (SDM Vol. 1, 8.5.1.1): IE and SF, and C1
 * telling which.  Returns the flags to raise. */
static uint16_t stack_fault(struct fpu *f, bool overflow)
{
	fpu_set_cc(f, FSW_C1, overflow ? FSW_C1 : 0);
	return FSW_IE | FSW_SF;
}

/* ---- arithmetic ---- */

/* Ored into an entry's argument: the instruction pops the stack afterwards. */
#define POP 0x80

/*
 * ST(DST) <- A op B, then pop if POP: the arithmetic instructions, FSQRT,
 * FPREM, FSCALE, F2XM1, FSIN..., and FPATAN, FYL2X, FYL2XP1 into ST(1).
 * An empty operand makes the result the indefinite QNaN.
 */
static void compute(struct cpu *c, enum fpu_op op, unsigned dst,
		    struct operand a, struct operand b, bool pop)
{
	struct fpu *f = &c->fpu;
	uint16_t exc, sw = 0, cc = 0;

	if (a.empty || b.empty) {
		exc = stack_fault(f, false);
		a.v = fpu_indefinite();
	} else {
		struct operand in_a = a, in_b = b;

		sw = fpu_host(op, f->cw, &a.v, &b.v);
		exc = with_fetch_exc(sw & FSW_EXC, in_a, in_b);
		cc = fpu_op_cc(op);
	}
	if (!fpu_raise(c, exc, FPU_STOPS_REG))
		return;
	fpu_set_cc(f, cc, sw);
	fpu_set_st(f, dst, a.v);
	if (pop)
		fpu_pop(f);
}

/* D8, DA, DC, DE with memory: ST(0) <- ST(0) op m. */
static void arith_mem(struct cpu *c, const struct insn *i, unsigned op)
{
	struct operand m = mem_operand(c, i, arith_format(i));

	compute(c, op, 0, st_operand(&c->fpu, 0), m, false);
}

/* D8 with a register: ST(0) <- ST(0) op ST(i). */
static void arith_st0(struct cpu *c, const struct insn *i, unsigned op)
{
	compute(c, op, 0, st_operand(&c->fpu, 0), st_operand(&c->fpu, i->rm), false);
}

/* DC and DE with a register: ST(i) <- ST(i) op ST(0); DE pops. */
static void arith_sti(struct cpu *c, const struct insn *i, unsigned arg)
{
	compute(c, arg & ~POP, i->rm, st_operand(&c->fpu, i->rm), st_operand(&c->fpu, 0), arg & POP);
}

/* FSQRT, FRNDINT, F2XM1, FSIN, FCOS: ST(0) <- f(ST(0)). */
static void unary(struct cpu *c, const struct insn *i, unsigned op)
{
	(void)i;
	compute(c, op, 0, st_operand(&c->fpu, 0), plus_zero, false);
}

/* FPREM, FPREM1, FSCALE: ST(0) <- f(ST(0), ST(1)). */
static void with_st1(struct cpu *c, const struct insn *i, unsigned op)
{
	(void)i;
	compute(c, op, 0, st_operand(&c->fpu, 0), st_operand(&c->fpu, 1), false);
}

/* FPATAN, FYL2X, FYL2XP1: ST(1) <- f(ST(0), ST(1)), then pop. */
static void into_st1(struct cpu *c, const struct insn *i, unsigned op)
{
	(void)i;
	compute(c, op, 1, st_operand(&c->fpu, 0), st_operand(&c->fpu, 1), true);
}

/* FSIN, FCOS, FPTAN and FSINCOS take |x| < 2^63 only: beyond, C2 is set and
 * ST(0) stays as it was (SDM: FPTAN).  An invalid operand is not "beyond". */
static bool trig_out_of_range(long double v)
{
	return fpu_classify(v) == FPC_NORMAL && (v >= 0x1p63L || v <= -0x1p63L);
}

/* FPTAN, FSINCOS, FXTRACT: ST(0) <- one result, then push the other. */
static void two_results(struct cpu *c, const struct insn *i, unsigned op)
{
	struct fpu *f = &c->fpu;
	long double a = fpu_st(f, 0), b = 0;
	uint16_t exc, sw = 0, cc = 0;

	(void)i;
	if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
		exc = stack_fault(f, !fpu_empty(f, 7));
		a = b = fpu_indefinite();
	} else if (op != FOP_XTRACT && trig_out_of_range(a)) {
		fpu_set_cc(f, FSW_C2, FSW_C2);
		return;
	} else {
		sw = fpu_host(op, f->cw, &a, &b);
		exc = sw & FSW_EXC;
		cc = fpu_op_cc(op);
	}
	if (!fpu_raise(c, exc, FPU_STOPS_REG))
		return;
	fpu_set_cc(f, cc, sw);
	fpu_set_st(f, 0, a);
	fpu_push(f, b);
}

/* ---- compares ---- */

/* An entry's argument for a compare. */
#define CMP_QUIET  0x01  /* FUCOM: only a signaling NaN is invalid */
#define CMP_EFLAGS 0x02  /* FCOMI: ZF, PF, CF instead of C3, C2, C0 */
#define CMP_POP2   0x04  /* FCOMPP, FUCOMPP */

/* Compare A with B (SDM: FCOM, FUCOM, FCOMI): C3 C2 C0 = 000 greater,
 * 001 less, 100 equal, 111 unordered. */
static void compare(struct cpu *c, struct operand a, struct operand b, unsigned how)
{
	struct fpu *f = &c->fpu;
	uint16_t exc, cc;

	if (a.empty || b.empty) {
		exc = stack_fault(f, false);
		cc = FSW_C3 | FSW_C2 | FSW_C0;
	} else {
		uint16_t sw = fpu_host((how & CMP_QUIET) ? FOP_UCOM : FOP_COM, f->cw, &a.v, &b.v);

		exc = with_fetch_exc(sw & FSW_EXC, a, b);
		cc = sw & (FSW_C3 | FSW_C2 | FSW_C0);
	}
	if (!fpu_raise(c, exc, FPU_STOPS_REG))
		return;
	if (how & CMP_EFLAGS)
		set_arith_flags(c, (cc & FSW_C3 ? FL_ZF : 0) | (cc & FSW_C2 ? FL_PF : 0) |
				   (cc & FSW_C0 ? FL_CF : 0));
	else
		fpu_set_cc(f, FSW_C3 | FSW_C2 | FSW_C0, cc);
	fpu_set_cc(f, FSW_C1, 0);
	if (how & (POP | CMP_POP2))
		fpu_pop(f);
	if (how & CMP_POP2)
		fpu_pop(f);
}

static void fcom_mem(struct cpu *c, const struct insn *i, unsigned how)
{
	struct operand m = mem_operand(c, i, arith_format(i));

	compare(c, st_operand(&c->fpu, 0), m, how);
}

static void fcom_reg(struct cpu *c, const struct insn *i, unsigned how)
{
	compare(c, st_operand(&c->fpu, 0), st_operand(&c->fpu, i->rm), how);
}

static void ftst(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)i;
	(void)arg;
	compare(c, st_operand(&c->fpu, 0), plus_zero, 0);
}

/* FXAM: the class of ST(0) in C3 C2 C0, its sign in C1, even when empty. */
static void fxam(struct cpu *c, const struct insn *i, unsigned arg)
{
	struct fpu *f = &c->fpu;
	long double v = fpu_st(f, 0);
	enum fpu_class k = fpu_empty(f, 0) ? FPC_EMPTY : fpu_classify(v);

	(void)i;
	(void)arg;
	fpu_set_cc(f, FSW_CC, (k & 4 ? FSW_C3 : 0) | (k & 2 ? FSW_C2 : 0) | (k & 1 ? FSW_C0 : 0) |
		   (fpu_sign(v) ? FSW_C1 : 0));
}

/* ---- loads ---- */

/* Push V: FLD, FILD, FBLD, FLD1...  A full stack is a stack overflow. */
static void load(struct cpu *c, struct operand v)
{
	struct fpu *f = &c->fpu;
	uint16_t exc = v.exc;

	if (!fpu_empty(f, 7) || v.empty) {
		exc = stack_fault(f, !fpu_empty(f, 7));
		v.v = fpu_indefinite();
	} else {
		fpu_set_cc(f, FSW_C1, 0);
	}
	if (fpu_raise(c, exc, FPU_STOPS_REG))
		fpu_push(f, v.v);
}

static void fld_mem(struct cpu *c, const struct insn *i, unsigned fmt)
{
	struct operand v = mem_operand(c, i, fmt);

	/* Widening a signaling NaN is an invalid operation; loading an 80-bit
	 * one is a plain copy (SDM: FLD). */
	if ((fmt == FMT_F32 || fmt == FMT_F64) && fpu_is_snan(v.v)) {
		v.exc |= FSW_IE;
		v.v = fpu_quiet(v.v);
	}
	load(c, v);
}

static void fld_reg(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)arg;
	load(c, st_operand(&c->fpu, i->rm));
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: the host's constants,
 * which since the 387 follow the rounding control (SDM: FLD1...). */
static void fld_const(struct cpu *c, const struct insn *i, unsigned op)
{
	struct operand k = plus_zero;

	(void)i;
	k.exc = fpu_host(op, c->fpu.cw, &k.v, NULL) & FSW_EXC;
	load(c, k);
}

/* ---- stores ---- */

/* FBSTP: round to an integer as the control word says, then 18 digits;
 * anything that does not fit is an invalid operation.  FBSTP raises no DE
 * for a denormal, which FRNDINT does (SDM: FBSTP, "Floating-Point
 * Exceptions"). */
static uint16_t bcd_for_store(struct fpu *f, long double v, uint64_t *lo, uint16_t *hi)
{
	uint16_t sw = fpu_host(FOP_RNDINT, f->cw, &v, NULL);
	enum fpu_class k = fpu_classify(v);

	if ((k != FPC_NORMAL && k != FPC_ZERO) || v >= 1e18L || v <= -1e18L) {
		fpu_indefinite_format(FMT_BCD, lo, hi);
		return FSW_IE;
	}
	fpu_set_cc(f, FSW_C1, sw);
	fpu_bcd_of(v, lo, hi);
	return sw & FSW_EXC & ~FSW_DE;
}

/* ST(0) in format FMT; returns the exceptions that raised. */
static uint16_t for_store(struct fpu *f, enum fpu_format fmt, uint64_t *lo, uint16_t *hi)
{
	long double v = fpu_st(f, 0);
	uint16_t sw;

	if (fpu_empty(f, 0)) {
		fpu_indefinite_format(fmt, lo, hi);
		return stack_fault(f, false);
	}
	if (fmt == FMT_F80) {
		fpu_split(v, lo, hi);
		fpu_set_cc(f, FSW_C1, 0);
		return 0;
	}
	if (fmt == FMT_BCD)
		return bcd_for_store(f, v, lo, hi);
	*hi = 0;
	sw = fpu_host_store(fmt, f->cw, v, lo);
	fpu_set_cc(f, FSW_C1, sw);
	return sw & FSW_EXC;
}

/* FST, FSTP, FIST, FISTP, FBSTP to memory. */
static void fst_mem(struct cpu *c, const struct insn *i, unsigned arg)
{
	struct fpu *f = &c->fpu;
	enum fpu_format fmt = arg & ~POP;
	unsigned size = fpu_format_size(fmt);
	uint64_t lo;
	uint16_t hi;

	vprobe_write(c, i->seg, insn_ea(c, i), size);
	if (!fpu_raise(c, for_store(f, fmt, &lo, &hi), FPU_STOPS_MEM))
		return;
	mem_put_bits(c, i, 0, size, lo, hi);
	if (arg & POP)
		fpu_pop(f);
}

/* A stack underflow whose masked response is the indefinite QNaN in
 * ST(I).  Returns false when IE is unmasked: nothing may change then. */
static bool underflow_into(struct cpu *c, unsigned i)
{
	if (!fpu_raise(c, stack_fault(&c->fpu, false), FPU_STOPS_REG))
		return false;
	fpu_set_st(&c->fpu, i, fpu_indefinite());
	return true;
}

/* FST ST(i), FSTP ST(i): a copy, no conversion (SDM: FST). */
static void fst_reg(struct cpu *c, const struct insn *i, unsigned arg)
{
	struct fpu *f = &c->fpu;

	if (fpu_empty(f, 0)) {
		if (!underflow_into(c, i->rm))
			return;
	} else {
		fpu_set_cc(f, FSW_C1, 0);
		fpu_set_st(f, i->rm, fpu_st(f, 0));
	}
	if (arg & POP)
		fpu_pop(f);
}

/* ---- the stack itself ---- */

/* FXCH: empty registers become the indefinite QNaN first (masked IE). */
static void fxch(struct cpu *c, const struct insn *i, unsigned arg)
{
	struct fpu *f = &c->fpu;
	struct operand a = st_operand(f, 0), b = st_operand(f, i->rm);
	uint16_t exc = 0;

	(void)arg;
	fpu_set_cc(f, FSW_C1, 0);
	if (a.empty || b.empty) {
		exc = stack_fault(f, false);
		a.v = a.empty ? fpu_indefinite() : a.v;
		b.v = b.empty ? fpu_indefinite() : b.v;
	}
	if (!fpu_raise(c, exc, FPU_STOPS_REG))
		return;
	fpu_set_st(f, 0, b.v);
	fpu_set_st(f, i->rm, a.v);
}

/* FCMOVcc: the entry's argument is the condition, +4 for the negated one
 * (DA: B, E, BE, U; DB: NB, NE, NBE, NU), tested on EFLAGS as Jcc does. */
static void fcmov(struct cpu *c, const struct insn *i, unsigned cond)
{
	static const uint32_t flags[4] = { FL_CF, FL_ZF, FL_CF | FL_ZF, FL_PF };
	struct fpu *f = &c->fpu;
	bool holds = (arith_flags(c) & flags[cond & 3]) != 0;

	if (fpu_empty(f, 0) || fpu_empty(f, i->rm))
		underflow_into(c, 0);
	else if (holds != ((cond & 4) != 0))
		fpu_set_st(f, 0, fpu_st(f, i->rm));
}

/* FCHS (ARG 1), FABS (ARG 0): only the sign bit changes, whatever the
 * value: no IE for a signaling NaN (SDM: FCHS, FABS). */
static void change_sign(struct cpu *c, const struct insn *i, unsigned chs)
{
	struct fpu *f = &c->fpu;
	long double v = fpu_st(f, 0);

	(void)i;
	if (fpu_empty(f, 0)) {
		underflow_into(c, 0);
		return;
	}
	fpu_set_cc(f, FSW_C1, 0);
	fpu_set_st(f, 0, fpu_with_sign(v, chs && !fpu_sign(v)));
}

static void ffree(struct cpu *c, const struct insn *i, unsigned arg)
{
	c->fpu.used &= ~(1u << fpu_phys(&c->fpu, i->rm));
	if (arg & POP)
		fpu_pop(&c->fpu);
}

/* FINCSTP (ARG 1), FDECSTP (ARG 7, that is -1 mod 8): TOP moves, the tags
 * stay (SDM: FINCSTP). */
static void fincstp(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)i;
	fpu_set_top(&c->fpu, fpu_top(&c->fpu) + arg);
	fpu_set_cc(&c->fpu, FSW_C1, 0);
}

/* FNOP; and the 8087's FNENI and FNDISI and the 287's FNSETPM, which the
 * 387 and later ignore like the no-wait control instructions they were
 * (SDM Vol. 1, 8.3.13). */
static void fnop(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)c;
	(void)i;
	(void)arg;
}

/* ---- control and status words ---- */

static void fninit(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)i;
	(void)arg;
	fpu_init(&c->fpu);
}

/* FNCLEX: the exception flags, SF, ES and B; FERR# drops with ES. */
static void fnclex(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)i;
	(void)arg;
	c->fpu.sw &= ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
	fpu_update_es(c);
}

static void set_control_word(struct cpu *c, uint16_t cw)
{
	c->fpu.cw = (cw & FCW_WRITABLE) | FCW_ONE;
	fpu_update_es(c);  /* unmasking a raised flag makes it pending */
}

static void fldcw(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)arg;
	set_control_word(c, mem_get(c, i, 0, 2));
}

static void fnstcw(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)arg;
	mem_put(c, i, 0, c->fpu.cw, 2);
}

static void fnstsw_mem(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)arg;
	mem_put(c, i, 0, c->fpu.sw, 2);
}

static void fnstsw_ax(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)i;
	(void)arg;
	*cpu_reg16(c, R_EAX) = c->fpu.sw;
}

/* ---- the environment: FNSTENV, FLDENV, FNSAVE, FRSTOR ----
 *
 * Seven fields, words with a 16-bit operand size (14 bytes), dwords with a
 * 32-bit one (28 bytes).  Protected mode stores selectors and offsets; real
 * and virtual-8086 mode store linear addresses split in two, with the
 * opcode beside the instruction pointer's high bits (SDM Vol. 1, figures
 * 8-9 to 8-12).  The upper halves that hold nothing are stored as ones, as
 * Intel and AMD parts do.
 */
enum { ENV_CW, ENV_SW, ENV_TW, ENV_IP, ENV_CS_OP, ENV_DP, ENV_DS, ENV_FIELDS };

#define ONES_ABOVE 0xffff0000u

static unsigned env_width(const struct insn *i)
{
	return insn_osize(i);
}

static unsigned env_size(const struct insn *i)
{
	return ENV_FIELDS * env_width(i);
}

static void env_fields(struct cpu *c, uint32_t e[ENV_FIELDS])
{
	const struct fpu *f = &c->fpu;

	e[ENV_CW] = ONES_ABOVE | f->cw;
	e[ENV_SW] = ONES_ABOVE | f->sw;
	e[ENV_TW] = ONES_ABOVE | fpu_tag_word(f);
	if (cpu_protected(c)) {
		e[ENV_IP] = f->fip;
		e[ENV_CS_OP] = f->fcs | (uint32_t)f->fop << 16;
		e[ENV_DP] = f->fdp;
		e[ENV_DS] = ONES_ABOVE | f->fds;
	} else {
		uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;

		e[ENV_IP] = ONES_ABOVE | (ip & 0xffff);
		e[ENV_CS_OP] = (ip >> 16) << 12 | f->fop;
		e[ENV_DP] = ONES_ABOVE | (dp & 0xffff);
		e[ENV_DS] = (dp >> 16) << 12;
	}
}

static void put_env(struct cpu *c, const struct insn *i)
{
	uint32_t e[ENV_FIELDS];

	env_fields(c, e);
	for (unsigned k = 0; k < ENV_FIELDS; k++)
		mem_put(c, i, k * env_width(i), e[k], env_width(i));
}

static void get_env(struct cpu *c, const struct insn *i, uint32_t e[ENV_FIELDS])
{
	for (unsigned k = 0; k < ENV_FIELDS; k++)
		e[k] = mem_get(c, i, k * env_width(i), env_width(i));
}

/* Install fields read by get_env(); the 16-bit protected format has no opcode. */
static void apply_env(struct cpu *c, const struct insn *i, const uint32_t e[ENV_FIELDS])
{
	struct fpu *f = &c->fpu;

	f->sw = e[ENV_SW];
	fpu_load_tag_word(f, e[ENV_TW]);
	if (cpu_protected(c)) {
		f->fip = env_width(i) == 4 ? e[ENV_IP] : e[ENV_IP] & 0xffff;
		f->fcs = e[ENV_CS_OP];
		f->fop = env_width(i) == 4 ? (e[ENV_CS_OP] >> 16) & 0x7ff : 0;
		f->fdp = env_width(i) == 4 ? e[ENV_DP] : e[ENV_DP] & 0xffff;
		f->fds = e[ENV_DS];
	} else {
		f->fip = (e[ENV_IP] & 0xffff) | ((e[ENV_CS_OP] >> 12) & 0xffff) << 16;
		f->fop = e[ENV_CS_OP] & 0x7ff;
		f->fdp = (e[ENV_DP] & 0xffff) | ((e[ENV_DS] >> 12) & 0xffff) << 16;
		f->fcs = f->fds = 0;
	}
	set_control_word(c, e[ENV_CW]);
}

/* FNSTENV masks every exception once the environment is stored (SDM: FSTENV). */
static void fnstenv(struct cpu *c, const struct insn *i, unsigned arg)
{
	(void)arg;
	vprobe_write(c, i->seg, insn_ea(c, i), env_size(i));
	put_env(c, i);
	set_control_word(c, c->fpu.cw | FSW_EXC);
}

static void fldenv(struct cpu *c, const struct insn *i, unsigned arg)
{
	uint32_t e[ENV_FIELDS];

	(void)arg;
	get_env(c, i, e);
	apply_env(c, i, e);
}

/* FNSAVE: the environment, ST(0)-ST(7), then FNINIT (SDM: FSAVE). */
static void fnsave(struct cpu *c, const struct insn *i, unsigned arg)
{
	unsigned regs = env_size(i);

	(void)arg;
	vprobe_write(c, i->seg, insn_ea(c, i), regs + 80);
	put_env(c, i);
	for (unsigned k = 0; k < 8; k++)
		mem_put_f80(c, i, regs + 10 * k, fpu_st(&c->fpu, k));
	fpu_init(&c->fpu);
}

static void frstor(struct cpu *c, const struct insn *i, unsigned arg)
{
	unsigned regs = env_size(i);
	uint32_t e[ENV_FIELDS];
	long double st[8];

	(void)arg;
	get_env(c, i, e);
	for (unsigned k = 0; k < 8; k++)
		st[k] = mem_get_f80(c, i, regs + 10 * k);
	apply_env(c, i, e);
	for (unsigned k = 0; k < 8; k++)
		c->fpu.r[fpu_phys(&c->fpu, k)] = st[k];
}

/* ---- the table of escape instructions ---- */

/* fpu_insn.kind */
#define K_CONTROL 0x01  /* leaves FIP, FOP, FDP alone (the list of SDM Vol. 1, 8.1.8) */
#define K_NOWAIT  0x02  /* does not check for a pending exception first (8.3.11) */

struct fpu_insn {
	const char *name;  /* the mnemonic GNU objdump prints (AT&T) */
	void (*run)(struct cpu *c, const struct insn *i, unsigned arg);
	uint8_t arg;       /* an operation, a format, a condition... for run() */
	uint8_t kind;
	const struct fpu_insn *by_rm;  /* a register form told apart by ModRM.rm */
};

#define X(nm, fn, a)     { .name = nm, .run = fn, .arg = (a) }
#define CTL(nm, fn)      { .name = nm, .run = fn, .kind = K_CONTROL }
#define NOWAIT(nm, fn)   { .name = nm, .run = fn, .kind = K_CONTROL | K_NOWAIT }
#define BY_RM(t)         { .by_rm = t }
#define BAD              { .name = "(bad)" }
/* Defined, but not on this processor: SSE3's FISTTP, the 287XL's FRSTPM. */
#define UNIMPLEMENTED(nm) { .name = nm }

/* The arithmetic of D8 /0-/7: add mul com comp sub subr div divr. */
#define ARITH_MEM(add, mul, com, comp, sub, subr, div, divr) { \
	X(add, arith_mem, FOP_ADD), X(mul, arith_mem, FOP_MUL), \
	X(com, fcom_mem, 0), X(comp, fcom_mem, POP), \
	X(sub, arith_mem, FOP_SUB), X(subr, arith_mem, FOP_SUBR), \
	X(div, arith_mem, FOP_DIV), X(divr, arith_mem, FOP_DIVR) }

/* With a memory operand: [opcode - D8][ModRM.reg]. */
static const struct fpu_insn mem_forms[8][8] = {
	/* D8 */ ARITH_MEM("fadds", "fmuls", "fcoms", "fcomps", "fsubs", "fsubrs", "fdivs", "fdivrs"),
	/* D9 */ { X("flds", fld_mem, FMT_F32), BAD,
		   X("fsts", fst_mem, FMT_F32), X("fstps", fst_mem, FMT_F32 | POP),
		   CTL("fldenv", fldenv), CTL("fldcw", fldcw),
		   NOWAIT("fnstenv", fnstenv), NOWAIT("fnstcw", fnstcw) },
	/* DA */ ARITH_MEM("fiaddl", "fimull", "ficoml", "ficompl", "fisubl", "fisubrl", "fidivl", "fidivrl"),
	/* DB */ { X("fildl", fld_mem, FMT_I32), UNIMPLEMENTED("fisttpl"),
		   X("fistl", fst_mem, FMT_I32), X("fistpl", fst_mem, FMT_I32 | POP),
		   BAD, X("fldt", fld_mem, FMT_F80), BAD, X("fstpt", fst_mem, FMT_F80 | POP) },
	/* DC */ ARITH_MEM("faddl", "fmull", "fcoml", "fcompl", "fsubl", "fsubrl", "fdivl", "fdivrl"),
	/* DD */ { X("fldl", fld_mem, FMT_F64), UNIMPLEMENTED("fisttpll"),
		   X("fstl", fst_mem, FMT_F64), X("fstpl", fst_mem, FMT_F64 | POP),
		   CTL("frstor", frstor), BAD, NOWAIT("fnsave", fnsave), NOWAIT("fnstsw", fnstsw_mem) },
	/* DE */ ARITH_MEM("fiadds", "fimuls", "ficoms", "ficomps", "fisubs", "fisubrs", "fidivs", "fidivrs"),
	/* DF */ { X("filds", fld_mem, FMT_I16), UNIMPLEMENTED("fisttps"),
		   X("fists", fst_mem, FMT_I16), X("fistps", fst_mem, FMT_I16 | POP),
		   X("fbld", fld_mem, FMT_BCD), X("fildll", fld_mem, FMT_I64),
		   X("fbstp", fst_mem, FMT_BCD | POP), X("fistpll", fst_mem, FMT_I64 | POP) },
};

/* Register forms chosen by ModRM.rm. */
static const struct fpu_insn d9_fnop[8] = { X("fnop", fnop, 0), BAD, BAD, BAD, BAD, BAD, BAD, BAD };
static const struct fpu_insn d9_sign[8] = {
	X("fchs", change_sign, 1), X("fabs", change_sign, 0), BAD, BAD,
	X("ftst", ftst, 0), X("fxam", fxam, 0), BAD, BAD,
};
static const struct fpu_insn d9_const[8] = {
	X("fld1", fld_const, FOP_LD1), X("fldl2t", fld_const, FOP_LDL2T),
	X("fldl2e", fld_const, FOP_LDL2E), X("fldpi", fld_const, FOP_LDPI),
	X("fldlg2", fld_const, FOP_LDLG2), X("fldln2", fld_const, FOP_LDLN2),
	X("fldz", fld_const, FOP_LDZ), BAD,
};
static const struct fpu_insn d9_math1[8] = {
	X("f2xm1", unary, FOP_F2XM1), X("fyl2x", into_st1, FOP_YL2X),
	X("fptan", two_results, FOP_PTAN), X("fpatan", into_st1, FOP_PATAN),
	X("fxtract", two_results, FOP_XTRACT), X("fprem1", with_st1, FOP_PREM1),
	X("fdecstp", fincstp, 7), X("fincstp", fincstp, 1),
};
static const struct fpu_insn d9_math2[8] = {
	X("fprem", with_st1, FOP_PREM), X("fyl2xp1", into_st1, FOP_YL2XP1),
	X("fsqrt", unary, FOP_SQRT), X("fsincos", two_results, FOP_SINCOS),
	X("frndint", unary, FOP_RNDINT), X("fscale", with_st1, FOP_SCALE),
	X("fsin", unary, FOP_SIN), X("fcos", unary, FOP_COS),
};
static const struct fpu_insn da_fucompp[8] = {
	BAD, X("fucompp", fcom_reg, CMP_QUIET | CMP_POP2), BAD, BAD, BAD, BAD, BAD, BAD,
};
static const struct fpu_insn db_control[8] = {
	NOWAIT("fneni(8087 only)", fnop), NOWAIT("fndisi(8087 only)", fnop),
	NOWAIT("fnclex", fnclex), NOWAIT("fninit", fninit),
	NOWAIT("fnsetpm(287 only)", fnop), UNIMPLEMENTED("frstpm(287 only)"), BAD, BAD,
};
static const struct fpu_insn de_fcompp[8] = {
	BAD, X("fcompp", fcom_reg, CMP_POP2), BAD, BAD, BAD, BAD, BAD, BAD,
};
static const struct fpu_insn df_fnstsw[8] = {
	NOWAIT("fnstsw", fnstsw_ax), BAD, BAD, BAD, BAD, BAD, BAD, BAD,
};

/*
 * With a register operand: [opcode - D8][ModRM.reg].  In the DC and DE rows
 * (destination ST(i)) the Intel mnemonics of /4-/7 are FSUBR FSUB FDIVR
 * FDIV; AT&T, and so objdump, keeps the D8 row's names for them: the well
 * known "fsub/fsubr swap" of the System V assembler.  The entry's
 * operation is Intel's.
 */
static const struct fpu_insn reg_forms[8][8] = {
	/* D8 */ { X("fadd", arith_st0, FOP_ADD), X("fmul", arith_st0, FOP_MUL),
		   X("fcom", fcom_reg, 0), X("fcomp", fcom_reg, POP),
		   X("fsub", arith_st0, FOP_SUB), X("fsubr", arith_st0, FOP_SUBR),
		   X("fdiv", arith_st0, FOP_DIV), X("fdivr", arith_st0, FOP_DIVR) },
	/* D9 */ { X("fld", fld_reg, 0), X("fxch", fxch, 0), BY_RM(d9_fnop), BAD,
		   BY_RM(d9_sign), BY_RM(d9_const), BY_RM(d9_math1), BY_RM(d9_math2) },
	/* DA */ { X("fcmovb", fcmov, 0), X("fcmove", fcmov, 1), X("fcmovbe", fcmov, 2),
		   X("fcmovu", fcmov, 3), BAD, BY_RM(da_fucompp), BAD, BAD },
	/* DB */ { X("fcmovnb", fcmov, 4), X("fcmovne", fcmov, 5), X("fcmovnbe", fcmov, 6),
		   X("fcmovnu", fcmov, 7), BY_RM(db_control),
		   X("fucomi", fcom_reg, CMP_QUIET | CMP_EFLAGS), X("fcomi", fcom_reg, CMP_EFLAGS), BAD },
	/* DC */ { X("fadd", arith_sti, FOP_ADD), X("fmul", arith_sti, FOP_MUL), BAD, BAD,
		   X("fsub", arith_sti, FOP_SUBR), X("fsubr", arith_sti, FOP_SUB),
		   X("fdiv", arith_sti, FOP_DIVR), X("fdivr", arith_sti, FOP_DIV) },
	/* DD */ { X("ffree", ffree, 0), BAD, X("fst", fst_reg, 0), X("fstp", fst_reg, POP),
		   X("fucom", fcom_reg, CMP_QUIET), X("fucomp", fcom_reg, CMP_QUIET | POP), BAD, BAD },
	/* DE */ { X("faddp", arith_sti, FOP_ADD | POP), X("fmulp", arith_sti, FOP_MUL | POP),
		   BAD, BY_RM(de_fcompp),
		   X("fsubp", arith_sti, FOP_SUBR | POP), X("fsubrp", arith_sti, FOP_SUB | POP),
		   X("fdivp", arith_sti, FOP_DIVR | POP), X("fdivrp", arith_sti, FOP_DIV | POP) },
	/* DF: FFREEP is undocumented by Intel, yet runs on every P6; AMD documents it. */
	/* DF */ { X("ffreep", ffree, POP), BAD, BAD, BAD, BY_RM(df_fnstsw),
		   X("fucomip", fcom_reg, CMP_QUIET | CMP_EFLAGS | POP),
		   X("fcomip", fcom_reg, CMP_EFLAGS | POP), BAD },
};

static const struct fpu_insn *lookup(uint8_t op, bool mem, unsigned reg, unsigned rm)
{
	const struct fpu_insn *x = mem ? &mem_forms[op & 7][reg] : &reg_forms[op & 7][reg];

	return x->by_rm ? &x->by_rm[rm] : x;
}

const char *fpu_mnemonic(uint8_t op, uint8_t modrm)
{
	if (op < 0xd8 || op > 0xdf)
		return "(bad)";
	return lookup(op, modrm < 0xc0, (modrm >> 3) & 7, modrm & 7)->name;
}

/* ---- what every x87 instruction does first ---- */

/* #NM when CR0.EM (no FPU: emulate it) or CR0.TS (the FPU holds another
 * task's state) is set (SDM Vol. 3A, 2.5 and table 2-2). */
static void check_available(struct cpu *c)
{
	if (c->cr0 & (CR0_EM | CR0_TS))
		cpu_fault(c, EXC_NM, 0);
}

/*
 * A waiting instruction first reports a pending unmasked exception (SDM
 * Vol. 1, 8.6 and 8.7): as #MF with CR0.NE = 1.  With CR0.NE = 0 the
 * processor instead freezes before the instruction, FERR# asserted, until
 * an interrupt (IRQ 13 from FERR#) arrives; the handler clears the
 * exception and the instruction runs again (appendix D.2).  Freezing is
 * HLT at the instruction.  Returns false when frozen.
 */
static bool wait_for_fpu(struct cpu *c, const struct insn *i)
{
	if (!(c->fpu.sw & FSW_ES))
		return true;
	if (c->cr0 & CR0_NE)
		cpu_fault(c, EXC_MF, 0);
	c->fpu.ferr = true;  /* already, unless CR0.NE was set when the exception came */
	c->eip -= i->len;
	c->halted = true;
	c->abort_block = true;
	return false;
}

/*
 * The ModRM byte, for FOP.  The decoded instruction keeps reg and rm but
 * not mod, so with a memory operand the byte is read again from the code,
 * after the prefixes (the opcode is the first byte in D8-DF).
 */
static uint8_t modrm_byte(struct cpu *c, const struct insn *i, uint32_t ip)
{
	uint32_t lin = c->seg[S_CS].base + ip;
	unsigned k = 0;

	if (!(i->flags & IF_MEM))
		return 0xc0 | i->reg << 3 | i->rm;
	while (k < i->len && (lin_read(c, c->tlb, lin + k, 1) & 0xf8) != 0xd8)
		k++;
	return lin_read(c, c->tlb, lin + k + 1, 1);
}

/* FIP, FCS, FOP and, with a memory operand, FDP and FDS: where the last
 * non-control instruction was and what it used (SDM Vol. 1, 8.1.8, 8.1.9). */
static void note_insn(struct cpu *c, const struct insn *i)
{
	struct fpu *f = &c->fpu;
	uint32_t ip = c->eip - i->len;  /* EIP has moved past the instruction */

	f->fop = (i->op & 7) << 8 | modrm_byte(c, i, ip);
	f->fip = ip;
	f->fcs = c->seg[S_CS].sel;
	if (i->flags & IF_MEM) {
		f->fdp = insn_ea(c, i);
		f->fds = c->seg[i->seg].sel;
	}
}

static void esc(struct cpu *c, const struct insn *i)
{
	const struct fpu_insn *x = lookup(i->op, i->flags & IF_MEM, i->reg, i->rm);

	check_available(c);
	if (!x->run)
		cpu_fault(c, EXC_UD, 0);
	if (!(x->kind & K_NOWAIT) && !wait_for_fpu(c, i))
		return;
	if (!(x->kind & K_CONTROL))
		note_insn(c, i);
	x->run(c, i, x->arg);
}

/* WAIT/FWAIT: #NM only when both MP and TS are set (SDM Vol. 3A, table 2-2). */
static void fwait(struct cpu *c, const struct insn *i)
{
	if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		cpu_fault(c, EXC_NM, 0);
	wait_for_fpu(c, i);
}

FAMILY_ONE(esc_, esc);
FAMILY_ONE(fwait_, fwait);

/* ---- FXSAVE and FXRSTOR (0F AE /0 /1): the 512-byte image ----
 *
 * SDM Vol. 2A, FXSAVE, the non-64-bit-mode layout: FCW, FSW, the abridged tag word (one
 * bit a register, set when not empty), FOP, FIP, FCS, FDP, FDS, MXCSR and
 * its mask at 24 and 28, then ST(0)-ST(7) in 16-byte slots from 32.  This
 * processor has no SSE: MXCSR and its mask are stored as 0 and the XMM area
 * is left as it is.  Neither instruction waits, and both leave the
 * pointers alone.
 */
#define FX_SIZE 512
#define FX_REGS 32

static void fx_check(struct cpu *c, const struct insn *i)
{
	check_available(c);
	if ((c->seg[i->seg].base + insn_ea(c, i)) & 15)
		cpu_fault(c, EXC_GP, 0);
}

INLINE void fxsave(struct cpu *c, const struct insn *i, unsigned size)
{
	const struct fpu *f = &c->fpu;

	(void)size;
	fx_check(c, i);
	vprobe_write(c, i->seg, insn_ea(c, i), FX_SIZE);
	mem_put(c, i, 0, f->cw | (uint32_t)f->sw << 16, 4);
	mem_put(c, i, 4, f->used | (uint32_t)f->fop << 16, 4);
	mem_put(c, i, 8, f->fip, 4);
	mem_put(c, i, 12, f->fcs, 4);
	mem_put(c, i, 16, f->fdp, 4);
	mem_put(c, i, 20, f->fds, 4);
	mem_put(c, i, 24, 0, 8);
	for (unsigned k = 0; k < 8; k++) {
		mem_put_f80(c, i, FX_REGS + 16 * k, fpu_st(f, k));
		mem_put(c, i, FX_REGS + 16 * k + 10, 0, 6);
	}
}

INLINE void fxrstor(struct cpu *c, const struct insn *i, unsigned size)
{
	struct fpu *f = &c->fpu;
	uint64_t head;
	uint32_t fip, fcs, fdp, fds;
	long double st[8];

	(void)size;
	fx_check(c, i);
	head = mem_get(c, i, 0, 8);
	fip = mem_get(c, i, 8, 4);
	fcs = mem_get(c, i, 12, 2);
	fdp = mem_get(c, i, 16, 4);
	fds = mem_get(c, i, 20, 2);
	for (unsigned k = 0; k < 8; k++)
		st[k] = mem_get_f80(c, i, FX_REGS + 16 * k);
	f->sw = head >> 16;
	f->used = head >> 32;
	f->fop = (head >> 48) & 0x7ff;
	f->fip = fip;
	f->fcs = fcs;
	f->fdp = fdp;
	f->fds = fds;
	for (unsigned k = 0; k < 8; k++)
		f->r[fpu_phys(f, k)] = st[k];
	set_control_word(c, head);
}

FAMILY_MEMONLY(fxsave_M, fxsave);
FAMILY_MEMONLY(fxrstor_M, fxrstor);
