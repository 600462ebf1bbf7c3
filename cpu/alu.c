/*
 * cpu/alu.c - shifts, rotates, multiplies and divides: the ALU operations
 * with rules too irregular for the lazy-flag record (SDM Vol. 2, the
 * pseudo-code of SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD, MUL, IMUL,
 * DIV, IDIV).
 *
 * Where the SDM leaves a flag undefined, glassvm's choice is: AF = 0 after a
 * shift with a non-zero count; OF computed by the count-1 formula for any
 * count; CF = 0 when a SHL/SHR count exceeds the operand width (all bits
 * shifted out are zeros); SF/ZF/PF from the low half after MUL and IMUL,
 * AF = 0.  DIV and IDIV leave all flags unchanged.  docs/cpu.md lists these.
 */
#include "cpu/alu.h"

static uint32_t width_mask(unsigned bits)
{
	return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

static uint32_t msb(uint32_t v, unsigned bits)
{
	return (v >> (bits - 1)) & 1;
}

/* Flags of a shift: every arithmetic flag is written. */
static uint32_t shift_flags(uint32_t r, unsigned bits, bool cf, bool of)
{
	return zs_flags(r, bits) | parity_flag(r) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

/* Flags of a rotate: only CF and OF change. */
static uint32_t rotate_flags(uint32_t eflags, bool cf, bool of)
{
	return (eflags & FL_ARITH & ~(FL_CF | FL_OF)) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

static uint32_t rotate_through_carry(enum shift_op op, uint32_t a, unsigned n,
				     unsigned bits, uint32_t eflags, uint32_t *nf)
{
	unsigned width = bits + 1, k = bits == 32 ? n : n % width;
	uint64_t wmask = (1ull << width) - 1;
	uint64_t v = ((uint64_t)(eflags & FL_CF) << bits) | a;
	bool of_before = msb(a, bits) ^ (eflags & FL_CF);
	uint32_t r;

	if (k)
		v = op == SH_RCL ? ((v << k) | (v >> (width - k))) & wmask
				 : ((v >> k) | (v << (width - k))) & wmask;
	r = v & width_mask(bits);
	/* RCL's OF uses the result, RCR's the operand before the rotate. */
	*nf = rotate_flags(eflags, (v >> bits) & 1,
			   op == SH_RCL ? msb(r, bits) ^ ((v >> bits) & 1) : of_before);
	return r;
}

uint32_t alu_shift(enum shift_op op, uint32_t a, unsigned count, unsigned bits,
		   uint32_t eflags, uint32_t *nf)
{
	uint32_t mask = width_mask(bits), r;
	unsigned n = count & 31, k;  /* the count is masked to 5 bits (SDM: SAL) */

	a &= mask;
	*nf = eflags & FL_ARITH;
	if (n == 0)
		return a;
	switch (op) {
	case SH_ROL:
		k = n % bits;
		r = k ? ((a << k) | (a >> (bits - k))) & mask : a;
		*nf = rotate_flags(eflags, r & 1, msb(r, bits) ^ (r & 1));
		return r;
	case SH_ROR:
		k = n % bits;
		r = k ? ((a >> k) | (a << (bits - k))) & mask : a;
		*nf = rotate_flags(eflags, msb(r, bits), msb(r, bits) ^ msb(r, bits - 1));
		return r;
	case SH_RCL:
	case SH_RCR:
		return rotate_through_carry(op, a, n, bits, eflags, nf);
	default: { /* SHL, SAL, SHR, SAR */
		struct lazy_flags f;
		r = alu_shift_lazy(&f, op, a, n, bits);
		*nf = lf_eval(&f, 0);
		return r;
	}
	}
}

/*
 * SHLD/SHRD: A and B side by side as one double-width value, shifted left
 * (A high) or right (A low); the result is A's half.  CF is the last bit
 * shifted out of A (or, past the width, of B); OF says whether A's sign
 * changed (defined for a count of 1).
 */
static uint32_t double_shift(bool right, uint32_t a, uint32_t b, unsigned count,
			     unsigned bits, uint32_t eflags, uint32_t *nf)
{
	uint32_t mask = width_mask(bits), r;
	unsigned n = count & 31;
	bool cf;

	a &= mask;
	b &= mask;
	*nf = eflags & FL_ARITH;
	if (n == 0)
		return a;
	if (right) {
		uint64_t v = ((uint64_t)b << bits) | a;
		r = (v >> n) & mask;
		cf = (v >> (n - 1)) & 1;
	} else {
		uint64_t v = ((uint64_t)a << bits) | b;
		r = ((v << n) >> bits) & mask;
		cf = n <= bits ? (a >> (bits - n)) & 1 : (b >> (2 * bits - n)) & 1;
	}
	*nf = shift_flags(r, bits, cf, msb(r, bits) ^ msb(a, bits));
	return r;
}

uint32_t alu_shld(uint32_t a, uint32_t b, unsigned count, unsigned bits,
		  uint32_t eflags, uint32_t *nf)
{
	return double_shift(false, a, b, count, bits, eflags, nf);
}

uint32_t alu_shrd(uint32_t a, uint32_t b, unsigned count, unsigned bits,
		  uint32_t eflags, uint32_t *nf)
{
	return double_shift(true, a, b, count, bits, eflags, nf);
}

static void mul_flags(struct lazy_flags *f, uint32_t low, bool overflow, unsigned bits)
{
	lf_set(f, LF_RESULT, 0, 0, low, bits);
	f->aux = overflow ? (FL_CF | FL_OF) : 0;
}

uint64_t alu_mul(struct lazy_flags *f, uint32_t a, uint32_t b, unsigned bits)
{
	uint64_t p = (uint64_t)(a & width_mask(bits)) * (b & width_mask(bits));

	mul_flags(f, (uint32_t)p, (p >> bits) != 0, bits);
	return p;
}

uint64_t alu_imul(struct lazy_flags *f, uint32_t a, uint32_t b, unsigned bits)
{
	int64_t p = (int64_t)sext(a, bits) * sext(b, bits);

	/* CF = OF = the product does not fit the destination (SDM: IMUL). */
	mul_flags(f, (uint32_t)p, p != sext((uint32_t)p, bits), bits);
	return (uint64_t)p;
}

bool alu_div(uint64_t dividend, uint32_t divisor, unsigned bits, uint32_t *quot, uint32_t *rem)
{
	uint64_t q;

	divisor &= width_mask(bits);
	if (divisor == 0)
		return false;
	q = dividend / divisor;
	if (q > width_mask(bits))
		return false;
	*quot = q;
	*rem = dividend % divisor;
	return true;
}

bool alu_idiv(uint64_t dividend, uint32_t divisor, unsigned bits, uint32_t *quot, uint32_t *rem)
{
	int64_t n = bits == 32 ? (int64_t)dividend : sext(dividend, 2 * bits);
	int64_t d = sext(divisor, bits), q;
	int64_t lim = (int64_t)1 << (bits - 1);

	if (d == 0 || (n == INT64_MIN && d == -1))
		return false;
	q = n / d;  /* C rounds toward zero, as IDIV does */
	if (q >= lim || q < -lim)
		return false;
	*quot = (uint32_t)q & width_mask(bits);
	*rem = (uint32_t)(n % d) & width_mask(bits);
	return true;
}
