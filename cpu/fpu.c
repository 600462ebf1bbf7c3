/*
 * cpu/fpu.c - the x87 FPU's state: registers and tags, the status and
 * control words, the memory formats, exceptions, and the host's x87, which
 * rounds every result (SDM Vol. 1, chapter 8; docs/cpu-x87.md).
 *
 * The instructions themselves are in cpu/ops_fpu.c.
 */
#include <float.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"

/*
 * A guest register is a host long double: the same 80 bits, so loads and
 * stores of 80-bit values are copies, and the host's FPU can compute with
 * them directly.  That is the x87's extended format on x86 hosts only.
 */
_Static_assert(sizeof(long double) >= 10 && LDBL_MANT_DIG == 64,
	       "glassvm's x87 needs the host's long double to be the x87 80-bit format (an x86 host)");

/* ---- reset and FNINIT ---- */

/* After RESET every register holds +0.0 with a "zero" tag (FTW 5555H), and
 * the control word is 0040H: all exceptions unmasked, 24-bit precision. */
void fpu_reset(struct fpu *f)
{
	memset(f, 0, sizeof(*f));
	f->cw = FCW_ONE;
	f->used = 0xff;
}

void fpu_init(struct fpu *f)
{
	f->cw = FCW_INIT;
	f->sw = 0;
	f->used = 0;
	f->fop = 0;
	f->fcs = f->fds = 0;
	f->fip = f->fdp = 0;
	f->ferr = false;
}

/* ---- the register stack ---- */

void fpu_set_st(struct fpu *f, unsigned i, long double v)
{
	unsigned p = fpu_phys(f, i);

	f->r[p] = v;
	f->used |= 1u << p;
}

void fpu_set_top(struct fpu *f, unsigned top)
{
	f->sw = (f->sw & ~FSW_TOP) | (top & 7) << FSW_TOP_SHIFT;
}

void fpu_push(struct fpu *f, long double v)
{
	fpu_set_top(f, fpu_top(f) - 1);
	fpu_set_st(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
	f->used &= ~(1u << fpu_top(f));
	fpu_set_top(f, fpu_top(f) + 1);
}

/* ---- values: the double extended format (SDM Vol. 1, 4.2.2 and 8.2.2) ---- */

/* Significand with its explicit integer bit J (bit 63), then sign and exponent. */
struct f80 {
	uint64_t mant;
	uint16_t se;
};

#define F80_J       (1ull << 63)
#define F80_QUIET   (1ull << 62)  /* the top fraction bit tells a QNaN from an SNaN */
#define F80_EXP_MAX 0x7fff

void fpu_split(long double v, uint64_t *mant, uint16_t *se)
{
	memcpy(mant, &v, 8);
	memcpy(se, (const uint8_t *)&v + 8, 2);
}

long double fpu_join(uint64_t mant, uint16_t se)
{
	long double v = 0;  /* the host's padding bytes stay zero */

	memcpy(&v, &mant, 8);
	memcpy((uint8_t *)&v + 8, &se, 2);
	return v;
}

static struct f80 f80_of(long double v)
{
	struct f80 x;

	fpu_split(v, &x.mant, &x.se);
	return x;
}

static long double f80_value(struct f80 x)
{
	return fpu_join(x.mant, x.se);
}

/*
 * Encodings the 387 and later reject as operands are "unsupported": an
 * exponent that is neither 0 nor all ones with J = 0 (unnormal), and all
 * ones with J = 0 (pseudo-infinity, pseudo-NaN).  J = 1 with exponent 0
 * (pseudo-denormal) is still accepted, as a denormal (SDM Vol. 1, 8.2.2).
 */
enum fpu_class fpu_classify(long double v)
{
	struct f80 x = f80_of(v);
	unsigned exp = x.se & F80_EXP_MAX;

	if (exp == 0)
		return x.mant ? FPC_DENORMAL : FPC_ZERO;
	if (!(x.mant & F80_J))
		return FPC_UNSUPPORTED;
	if (exp == F80_EXP_MAX)
		return (x.mant << 1) ? FPC_NAN : FPC_INFINITY;
	return FPC_NORMAL;
}

bool fpu_sign(long double v)
{
	return f80_of(v).se >> 15;
}

bool fpu_is_nan(long double v)
{
	return fpu_classify(v) == FPC_NAN;
}

bool fpu_is_snan(long double v)
{
	return fpu_is_nan(v) && !(f80_of(v).mant & F80_QUIET);
}

long double fpu_quiet(long double v)
{
	struct f80 x = f80_of(v);

	x.mant |= F80_QUIET;
	return f80_value(x);
}

long double fpu_with_sign(long double v, bool negative)
{
	struct f80 x = f80_of(v);

	x.se = (x.se & F80_EXP_MAX) | (negative ? 0x8000 : 0);
	return f80_value(x);
}

/* Sign 1, exponent all ones, significand 1100...0 (SDM Vol. 1, table 4-3). */
long double fpu_indefinite(void)
{
	return f80_value((struct f80){ F80_J | F80_QUIET, 0xffff });
}

/* ---- the tag word (SDM Vol. 1, 8.1.7) ---- */

enum { TAG_VALID, TAG_ZERO, TAG_SPECIAL, TAG_EMPTY };

static unsigned tag_of(const struct fpu *f, unsigned phys)
{
	if (!(f->used & (1u << phys)))
		return TAG_EMPTY;
	switch (fpu_classify(f->r[phys])) {
	case FPC_NORMAL: return TAG_VALID;
	case FPC_ZERO:   return TAG_ZERO;
	default:         return TAG_SPECIAL;  /* NaN, infinity, denormal, unsupported */
	}
}

uint16_t fpu_tag_word(const struct fpu *f)
{
	uint16_t tw = 0;

	for (unsigned p = 0; p < 8; p++)
		tw |= tag_of(f, p) << (2 * p);
	return tw;
}

void fpu_load_tag_word(struct fpu *f, uint16_t tw)
{
	f->used = 0;
	for (unsigned p = 0; p < 8; p++)
		if (((tw >> (2 * p)) & 3) != TAG_EMPTY)
			f->used |= 1u << p;
}

/* ---- memory formats ---- */

unsigned fpu_format_size(enum fpu_format fmt)
{
	static const uint8_t size[] = {
		[FMT_F32] = 4, [FMT_F64] = 8, [FMT_F80] = 10, [FMT_I16] = 2,
		[FMT_I32] = 4, [FMT_I64] = 8, [FMT_BCD] = 10,
	};

	return size[fmt];
}

/*
 * A single or double NaN widened by hand: a C conversion would run the
 * host's FLD, which quiets a signaling NaN.  The fraction keeps its place
 * below J, so the quiet bit lands on bit 62 and the payload follows it.
 */
static long double widen_nan(bool sign, uint64_t frac, unsigned frac_bits)
{
	return f80_value((struct f80){ F80_J | frac << (63 - frac_bits),
				       (uint16_t)(sign << 15 | F80_EXP_MAX) });
}

static long double load_f32(uint32_t bits, bool *denormal)
{
	uint32_t exp = (bits >> 23) & 0xff, frac = bits & 0x7fffff;
	float f;

	if (exp == 0xff && frac)
		return widen_nan(bits >> 31, frac, 23);
	*denormal = exp == 0 && frac;
	memcpy(&f, &bits, 4);
	return f;  /* exact: every single is a double extended value */
}

static long double load_f64(uint64_t bits, bool *denormal)
{
	uint64_t exp = (bits >> 52) & 0x7ff, frac = bits & ((1ull << 52) - 1);
	double d;

	if (exp == 0x7ff && frac)
		return widen_nan(bits >> 63, frac, 52);
	*denormal = exp == 0 && frac;
	memcpy(&d, &bits, 8);
	return d;
}

/*
 * Packed BCD (SDM Vol. 1, 4.7): 18 digits, two a byte, the least
 * significant first (bytes 0-8, here LO and the low byte of HI), then the
 * sign in bit 7 of byte 9.  Digits above 9 are "undefined"; they are simply
 * weighted like the others, which cannot overflow an int64_t.
 */
static unsigned bcd_digit(uint64_t lo, uint16_t hi, unsigned d)
{
	return (d < 16 ? lo >> (4 * d) : (uint64_t)hi >> (4 * (d - 16))) & 0xf;
}

static long double load_bcd(uint64_t lo, uint16_t hi)
{
	int64_t v = 0;

	for (int d = 17; d >= 0; d--)
		v = v * 10 + bcd_digit(lo, hi, d);
	return (hi & 0x8000) ? -(long double)v : (long double)v;
}

void fpu_bcd_of(long double v, uint64_t *lo, uint16_t *hi)
{
	uint64_t n = fpu_sign(v) ? -v : v;

	*lo = 0;
	*hi = fpu_sign(v) ? 0x8000 : 0;
	for (unsigned d = 0; d < 18; d++, n /= 10) {
		if (d < 16)
			*lo |= (n % 10) << (4 * d);
		else
			*hi |= (n % 10) << (4 * (d - 16));
	}
}

long double fpu_load_format(enum fpu_format fmt, uint64_t lo, uint16_t hi, bool *denormal)
{
	*denormal = false;
	switch (fmt) {
	case FMT_F32: return load_f32(lo, denormal);
	case FMT_F64: return load_f64(lo, denormal);
	case FMT_F80: return fpu_join(lo, hi);
	case FMT_I16: return (int16_t)lo;
	case FMT_I32: return (int32_t)lo;
	case FMT_I64: return (int64_t)lo;
	case FMT_BCD: return load_bcd(lo, hi);
	}
	return 0;
}

/* SDM Vol. 1, tables 4-3 (reals), 4-2 (integers: the most negative one) and
 * 4-4 (BCD: sign and exponent bits all ones, then 11 and zeros). */
void fpu_indefinite_format(enum fpu_format fmt, uint64_t *lo, uint16_t *hi)
{
	static const uint64_t lo_bits[] = {
		[FMT_F32] = 0xffc00000u, [FMT_F64] = 0xfff8000000000000u,
		[FMT_F80] = F80_J | F80_QUIET, [FMT_I16] = 0x8000u, [FMT_I32] = 0x80000000u,
		[FMT_I64] = 1ull << 63, [FMT_BCD] = F80_J | F80_QUIET,
	};

	*lo = lo_bits[fmt];
	*hi = (fmt == FMT_F80 || fmt == FMT_BCD) ? 0xffff : 0;
}

/* ---- the host's x87 ----
 *
 * Each operation is one asm statement that loads the guest's control word
 * into the host's FPU, clears the host's exception flags, runs the very
 * instruction the guest asked for, and reads the host's status word back.
 * The guest's rounding control and precision control are then the host's,
 * and the flags and condition codes it reports (C1 "rounded up" included)
 * are exactly the guest's.
 *
 * IE, ZE and DE are always masked on the host, so the host computes its
 * masked response and never changes its stack depth behind the compiler's
 * back; whether the guest sees that response is fpu_raise()'s business.
 * OE, UE and PE keep the guest's masks: with OE or UE unmasked the host
 * writes the same rescaled result a real x87 would.  FNSTSW and FNCLEX do
 * not wait, so the pending exception this leaves on the host is read and
 * cleared before any instruction could trap on it.
 *
 * The "t" and "u" constraints place operands in the host's ST(0) and ST(1)
 * (GCC manual, "x86 Floating-Point asm Operands").
 */
#define HOST_ASM(insn, ...) \
	asm volatile("fnstcw %[saved]\n\tfldcw %[cw]\n\tfnclex\n\t" insn \
		     "\n\tfnstsw %[sw]\n\tfnclex\n\tfldcw %[saved]" : __VA_ARGS__)
#define HOST_STATE [saved] "=m"(saved), [sw] "=m"(sw)
#define HOST_CW    [cw] "m"(hcw)

#define IN_PLACE(insn)   HOST_ASM(insn, "+t"(*a), HOST_STATE : "u"(*b), HOST_CW)
#define COMPARES(insn)   HOST_ASM(insn, HOST_STATE : "t"(*a), "u"(*b), HOST_CW)
#define UNARY(insn)      HOST_ASM(insn, "+t"(*a), HOST_STATE : HOST_CW)
#define POPS_ONE(insn)   HOST_ASM(insn, "=t"(*a), HOST_STATE : "0"(*a), "u"(*b), HOST_CW : "st(1)")
#define PUSHES_ONE(insn) HOST_ASM(insn, "=t"(*b), "=u"(*a), HOST_STATE : "0"(*a), HOST_CW)
#define LOADS(insn)      HOST_ASM(insn, "=t"(*a), HOST_STATE : HOST_CW)

static uint16_t host_cw(uint16_t guest_cw)
{
	return guest_cw | FSW_IE | FSW_ZE | FSW_DE;
}

uint16_t fpu_host(enum fpu_op op, uint16_t cw, long double *a, long double *b)
{
	uint16_t hcw = host_cw(cw), saved, sw = 0;

	switch (op) {
	case FOP_ADD:    IN_PLACE("fadd %%st(1), %%st"); break;
	case FOP_MUL:    IN_PLACE("fmul %%st(1), %%st"); break;
	case FOP_SUB:    IN_PLACE("fsub %%st(1), %%st"); break;
	case FOP_SUBR:   IN_PLACE("fsubr %%st(1), %%st"); break;
	case FOP_DIV:    IN_PLACE("fdiv %%st(1), %%st"); break;
	case FOP_DIVR:   IN_PLACE("fdivr %%st(1), %%st"); break;
	case FOP_PREM:   IN_PLACE("fprem"); break;
	case FOP_PREM1:  IN_PLACE("fprem1"); break;
	case FOP_SCALE:  IN_PLACE("fscale"); break;
	case FOP_COM:    COMPARES("fcom %%st(1)"); break;
	case FOP_UCOM:   COMPARES("fucom %%st(1)"); break;
	case FOP_SQRT:   UNARY("fsqrt"); break;
	case FOP_RNDINT: UNARY("frndint"); break;
	case FOP_F2XM1:  UNARY("f2xm1"); break;
	case FOP_SIN:    UNARY("fsin"); break;
	case FOP_COS:    UNARY("fcos"); break;
	case FOP_PATAN:  POPS_ONE("fpatan"); break;
	case FOP_YL2X:   POPS_ONE("fyl2x"); break;
	case FOP_YL2XP1: POPS_ONE("fyl2xp1"); break;
	case FOP_PTAN:   PUSHES_ONE("fptan"); break;
	case FOP_SINCOS: PUSHES_ONE("fsincos"); break;
	case FOP_XTRACT: PUSHES_ONE("fxtract"); break;
	case FOP_LD1:    LOADS("fld1"); break;
	case FOP_LDL2T:  LOADS("fldl2t"); break;
	case FOP_LDL2E:  LOADS("fldl2e"); break;
	case FOP_LDPI:   LOADS("fldpi"); break;
	case FOP_LDLG2:  LOADS("fldlg2"); break;
	case FOP_LDLN2:  LOADS("fldln2"); break;
	case FOP_LDZ:    LOADS("fldz"); break;
	}
	return sw;
}

/* Which condition codes each operation sets (SDM Vol. 2, each instruction's
 * "FPU Flags Affected"); C1 is "rounded up" unless said otherwise. */
uint16_t fpu_op_cc(enum fpu_op op)
{
	switch (op) {
	case FOP_PREM: case FOP_PREM1:
		return FSW_CC;          /* C0 C3 C1: quotient bits 2 1 0; C2: incomplete */
	case FOP_COM: case FOP_UCOM:
		return FSW_CC;          /* C3 C2 C0: the relation; C1 cleared */
	case FOP_SIN: case FOP_COS: case FOP_PTAN: case FOP_SINCOS:
		return FSW_C1 | FSW_C2; /* C2: operand out of range */
	default:
		return FSW_C1;
	}
}

#define STORES(insn)     HOST_ASM(insn " %[out]", [out] "=m"(*bits), HOST_STATE : "t"(v), HOST_CW)
#define STORES_POP(insn) HOST_ASM(insn " %[out]", [out] "=m"(*bits), HOST_STATE : "t"(v), HOST_CW : "st")

uint16_t fpu_host_store(enum fpu_format fmt, uint16_t cw, long double v, uint64_t *bits)
{
	uint16_t hcw = host_cw(cw), saved, sw = 0;

	*bits = 0;
	switch (fmt) {
	case FMT_F32: STORES("fsts"); break;
	case FMT_F64: STORES("fstl"); break;
	case FMT_I16: STORES("fists"); break;
	case FMT_I32: STORES("fistl"); break;
	case FMT_I64: STORES_POP("fistpll"); break;  /* there is no FIST m64 */
	default: break;
	}
	return sw;
}

/* ---- exceptions (SDM Vol. 1, 8.4 to 8.7) ---- */

bool fpu_raise(struct cpu *c, uint16_t exc, uint16_t stops)
{
	struct fpu *f = &c->fpu;
	uint16_t unmasked = exc & ~f->cw & FSW_EXC;

	/* An unmasked IE, ZE or DE stops the instruction before it has a
	 * result, so nothing a result would raise (OE, UE, PE) is raised. */
	if (unmasked & FPU_STOPS_REG)
		exc &= ~(FSW_OE | FSW_UE | FSW_PE);
	f->sw |= exc;
	fpu_update_es(c);
	return !(unmasked & stops);
}

void fpu_update_es(struct cpu *c)
{
	struct fpu *f = &c->fpu;
	bool pending = f->sw & ~f->cw & FSW_EXC;

	f->sw = pending ? f->sw | FSW_ES | FSW_B : f->sw & ~(FSW_ES | FSW_B);
	f->ferr = pending && !(c->cr0 & CR0_NE);
}
