/*
 * tests/unit/alu_flags.c - the ALU (cpu/alu.h, cpu/alu.c, cpu/flags.c)
 * against the host CPU.
 *
 * The oracle is the processor this test runs on: every operation is also
 * executed by the host (x86-64, which runs the 8/16/32-bit forms of these
 * instructions exactly as an IA-32 processor does) through inline assembly,
 * and the result and the six arithmetic flags are compared.  Nothing here
 * re-derives the flag formulas, so a shared misreading of the SDM cannot
 * make both sides agree.
 *
 * Flags the SDM leaves undefined are masked out for exactly the cases where
 * they are undefined (see docs/cpu-flags.md): the host may do anything there.
 *
 * Operands: edge values crossed with each other, plus random values from a
 * fixed-seed PRNG, so a failure always reproduces.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/alu.h"

/* ------------------------------------------------------------------------
 * The host oracle.
 *
 * EFLAGS goes in with PUSH; POPF and comes out with PUSHF; POP.  The stack
 * pointer is first moved below the red zone: the x86-64 ABI lets the
 * compiler keep locals in the 128 bytes under RSP, which a PUSH inside asm
 * would overwrite.  LEA moves RSP without touching the flags.  Operands are
 * registers only ("r"/"q"), never "m", so no operand is addressed relative
 * to the RSP we move.
 */
#define FLAGS_IN  "lea -128(%%rsp), %%rsp\n\tpush %[fi]\n\tpopfq\n\t"
#define FLAGS_OUT "\n\tpushfq\n\tpop %[fo]\n\tlea 128(%%rsp), %%rsp"

/* The value given to POPF: bit 1 is always 1, IF as user mode has it;
 * TF, DF and AC stay clear. */
static uint64_t host_flags_in(uint32_t arith)
{
	return 0x202u | (arith & FL_ARITH);
}

/* A binary ALU instruction "insn src, dst" in each operand size. */
#define HOST_BINARY(insn, DST, SRC, FI, FO, BITS)                                       \
	do {                                                                            \
		switch (BITS) {                                                         \
		case 8: {                                                               \
			uint8_t x8 = DST, y8 = SRC;                                     \
			asm volatile(FLAGS_IN insn "b %[y], %[x]" FLAGS_OUT             \
				     : [x] "+q"(x8), [fo] "=&r"(FO)                     \
				     : [y] "q"(y8), [fi] "r"(FI) : "cc");               \
			DST = x8;                                                       \
			break;                                                          \
		}                                                                       \
		case 16: {                                                              \
			uint16_t x16 = DST, y16 = SRC;                                  \
			asm volatile(FLAGS_IN insn "w %[y], %[x]" FLAGS_OUT             \
				     : [x] "+r"(x16), [fo] "=&r"(FO)                    \
				     : [y] "r"(y16), [fi] "r"(FI) : "cc");              \
			DST = x16;                                                      \
			break;                                                          \
		}                                                                       \
		default:                                                                \
			asm volatile(FLAGS_IN insn "l %[y], %[x]" FLAGS_OUT             \
				     : [x] "+r"(DST), [fo] "=&r"(FO)                    \
				     : [y] "r"(SRC), [fi] "r"(FI) : "cc");              \
		}                                                                       \
	} while (0)

/* A one-operand instruction "insn dst" (INC, DEC, NEG). */
#define HOST_UNARY(insn, DST, FI, FO, BITS)                                             \
	do {                                                                            \
		switch (BITS) {                                                         \
		case 8: {                                                               \
			uint8_t x8 = DST;                                               \
			asm volatile(FLAGS_IN insn "b %[x]" FLAGS_OUT                   \
				     : [x] "+q"(x8), [fo] "=&r"(FO) : [fi] "r"(FI) : "cc"); \
			DST = x8;                                                       \
			break;                                                          \
		}                                                                       \
		case 16: {                                                              \
			uint16_t x16 = DST;                                             \
			asm volatile(FLAGS_IN insn "w %[x]" FLAGS_OUT                   \
				     : [x] "+r"(x16), [fo] "=&r"(FO) : [fi] "r"(FI) : "cc"); \
			DST = x16;                                                      \
			break;                                                          \
		}                                                                       \
		default:                                                                \
			asm volatile(FLAGS_IN insn "l %[x]" FLAGS_OUT                   \
				     : [x] "+r"(DST), [fo] "=&r"(FO) : [fi] "r"(FI) : "cc"); \
		}                                                                       \
	} while (0)

/* A shift or rotate "insn %cl, dst". */
#define HOST_SHIFT(insn, DST, CNT, FI, FO, BITS)                                        \
	do {                                                                            \
		uint8_t cl = CNT;                                                       \
		switch (BITS) {                                                         \
		case 8: {                                                               \
			uint8_t x8 = DST;                                               \
			asm volatile(FLAGS_IN insn "b %%cl, %[x]" FLAGS_OUT             \
				     : [x] "+q"(x8), [fo] "=&r"(FO)                     \
				     : "c"(cl), [fi] "r"(FI) : "cc");                   \
			DST = x8;                                                       \
			break;                                                          \
		}                                                                       \
		case 16: {                                                              \
			uint16_t x16 = DST;                                             \
			asm volatile(FLAGS_IN insn "w %%cl, %[x]" FLAGS_OUT             \
				     : [x] "+r"(x16), [fo] "=&r"(FO)                    \
				     : "c"(cl), [fi] "r"(FI) : "cc");                   \
			DST = x16;                                                      \
			break;                                                          \
		}                                                                       \
		default:                                                                \
			asm volatile(FLAGS_IN insn "l %%cl, %[x]" FLAGS_OUT             \
				     : [x] "+r"(DST), [fo] "=&r"(FO)                    \
				     : "c"(cl), [fi] "r"(FI) : "cc");                   \
		}                                                                       \
	} while (0)

enum binop { B_ADD, B_OR, B_ADC, B_SBB, B_AND, B_SUB, B_XOR, B_CMP, B_TEST, NR_BINOPS };
static const char *const binop_name[NR_BINOPS] = {
	"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test",
};

/* Runs OP on the host with the arithmetic flags FLAGS_IN; returns the
 * destination afterwards (unchanged for CMP and TEST). */
static uint32_t host_binop(enum binop op, uint32_t a, uint32_t b, uint32_t flags_in,
			   unsigned bits, uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(flags_in), fo = 0;

	switch (op) {
	case B_ADD:  HOST_BINARY("add", a, b, fi, fo, bits); break;
	case B_OR:   HOST_BINARY("or", a, b, fi, fo, bits); break;
	case B_ADC:  HOST_BINARY("adc", a, b, fi, fo, bits); break;
	case B_SBB:  HOST_BINARY("sbb", a, b, fi, fo, bits); break;
	case B_AND:  HOST_BINARY("and", a, b, fi, fo, bits); break;
	case B_SUB:  HOST_BINARY("sub", a, b, fi, fo, bits); break;
	case B_XOR:  HOST_BINARY("xor", a, b, fi, fo, bits); break;
	case B_CMP:  HOST_BINARY("cmp", a, b, fi, fo, bits); break;
	default:     HOST_BINARY("test", a, b, fi, fo, bits); break;
	}
	*flags_out = fo & FL_ARITH;
	return a;
}

enum unop { U_INC, U_DEC, U_NEG, NR_UNOPS };
static const char *const unop_name[NR_UNOPS] = { "inc", "dec", "neg" };

static uint32_t host_unop(enum unop op, uint32_t a, uint32_t flags_in, unsigned bits,
			  uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(flags_in), fo = 0;

	switch (op) {
	case U_INC: HOST_UNARY("inc", a, fi, fo, bits); break;
	case U_DEC: HOST_UNARY("dec", a, fi, fo, bits); break;
	default:    HOST_UNARY("neg", a, fi, fo, bits); break;
	}
	*flags_out = fo & FL_ARITH;
	return a;
}

static const char *const shift_name[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };

/*
 * SAL is the assembler's other name for SHL (/4); the encoding /6 that
 * glassvm decodes as SH_SAL has no mnemonic, so it is written out as bytes
 * with the operand fixed in AL/AX/EAX: D2 F0 is "/6 AL, CL" (ModRM 11 110 000).
 */
static uint32_t host_sal6(uint32_t a, uint8_t cl, uint64_t fi, uint64_t *fo, unsigned bits)
{
	switch (bits) {
	case 8: {
		uint8_t x = a;
		asm volatile(FLAGS_IN ".byte 0xd2, 0xf0" FLAGS_OUT
			     : "+a"(x), [fo] "=&r"(*fo) : "c"(cl), [fi] "r"(fi) : "cc");
		return x;
	}
	case 16: {
		uint16_t x = a;
		asm volatile(FLAGS_IN ".byte 0x66, 0xd3, 0xf0" FLAGS_OUT
			     : "+a"(x), [fo] "=&r"(*fo) : "c"(cl), [fi] "r"(fi) : "cc");
		return x;
	}
	default:
		asm volatile(FLAGS_IN ".byte 0xd3, 0xf0" FLAGS_OUT
			     : "+a"(a), [fo] "=&r"(*fo) : "c"(cl), [fi] "r"(fi) : "cc");
		return a;
	}
}

static uint32_t host_shift(enum shift_op op, uint32_t a, unsigned count, uint32_t flags_in,
			   unsigned bits, uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(flags_in), fo = 0;

	switch (op) {
	case SH_ROL: HOST_SHIFT("rol", a, count, fi, fo, bits); break;
	case SH_ROR: HOST_SHIFT("ror", a, count, fi, fo, bits); break;
	case SH_RCL: HOST_SHIFT("rcl", a, count, fi, fo, bits); break;
	case SH_RCR: HOST_SHIFT("rcr", a, count, fi, fo, bits); break;
	case SH_SHL: HOST_SHIFT("shl", a, count, fi, fo, bits); break;
	case SH_SHR: HOST_SHIFT("shr", a, count, fi, fo, bits); break;
	case SH_SAL: a = host_sal6(a, count, fi, &fo, bits); break;
	default:     HOST_SHIFT("sar", a, count, fi, fo, bits); break;
	}
	*flags_out = fo & FL_ARITH;
	return a;
}

/* SHLD/SHRD dst, src, CL (there is no 8-bit form). */
static uint32_t host_double_shift(bool right, uint32_t a, uint32_t b, unsigned count,
				  uint32_t flags_in, unsigned bits, uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(flags_in), fo = 0;
	uint8_t cl = count;

	if (bits == 16) {
		uint16_t x = a, y = b;
		if (right)
			asm volatile(FLAGS_IN "shrdw %%cl, %[y], %[x]" FLAGS_OUT
				     : [x] "+r"(x), [fo] "=&r"(fo)
				     : [y] "r"(y), "c"(cl), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "shldw %%cl, %[y], %[x]" FLAGS_OUT
				     : [x] "+r"(x), [fo] "=&r"(fo)
				     : [y] "r"(y), "c"(cl), [fi] "r"(fi) : "cc");
		a = x;
	} else if (right) {
		asm volatile(FLAGS_IN "shrdl %%cl, %[y], %[x]" FLAGS_OUT
			     : [x] "+r"(a), [fo] "=&r"(fo)
			     : [y] "r"(b), "c"(cl), [fi] "r"(fi) : "cc");
	} else {
		asm volatile(FLAGS_IN "shldl %%cl, %[y], %[x]" FLAGS_OUT
			     : [x] "+r"(a), [fo] "=&r"(fo)
			     : [y] "r"(b), "c"(cl), [fi] "r"(fi) : "cc");
	}
	*flags_out = fo & FL_ARITH;
	return a;
}

/* One-operand MUL/IMUL: AX = AL * src, DX:AX = AX * src, EDX:EAX = EAX * src. */
static uint64_t host_mul(bool sign, uint32_t a, uint32_t b, unsigned bits, uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(0), fo = 0, p;

	if (bits == 8) {
		uint16_t ax = (uint8_t)a;
		uint8_t y = b;
		if (sign)
			asm volatile(FLAGS_IN "imulb %[y]" FLAGS_OUT
				     : "+a"(ax), [fo] "=&r"(fo) : [y] "q"(y), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "mulb %[y]" FLAGS_OUT
				     : "+a"(ax), [fo] "=&r"(fo) : [y] "q"(y), [fi] "r"(fi) : "cc");
		p = ax;
	} else if (bits == 16) {
		uint16_t ax = a, dx, y = b;
		if (sign)
			asm volatile(FLAGS_IN "imulw %[y]" FLAGS_OUT
				     : "+a"(ax), "=&d"(dx), [fo] "=&r"(fo)
				     : [y] "r"(y), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "mulw %[y]" FLAGS_OUT
				     : "+a"(ax), "=&d"(dx), [fo] "=&r"(fo)
				     : [y] "r"(y), [fi] "r"(fi) : "cc");
		p = ((uint32_t)dx << 16) | ax;
	} else {
		uint32_t eax = a, edx;
		if (sign)
			asm volatile(FLAGS_IN "imull %[y]" FLAGS_OUT
				     : "+a"(eax), "=&d"(edx), [fo] "=&r"(fo)
				     : [y] "r"(b), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "mull %[y]" FLAGS_OUT
				     : "+a"(eax), "=&d"(edx), [fo] "=&r"(fo)
				     : [y] "r"(b), [fi] "r"(fi) : "cc");
		p = ((uint64_t)edx << 32) | eax;
	}
	*flags_out = fo & FL_ARITH;
	return p;
}

/* Two-operand IMUL r, r/m (0F AF): the product truncated to the operand size. */
static uint32_t host_imul2(uint32_t a, uint32_t b, unsigned bits, uint32_t *flags_out)
{
	uint64_t fi = host_flags_in(0), fo = 0;

	if (bits == 16) {
		uint16_t x = a, y = b;
		asm volatile(FLAGS_IN "imulw %[y], %[x]" FLAGS_OUT
			     : [x] "+r"(x), [fo] "=&r"(fo) : [y] "r"(y), [fi] "r"(fi) : "cc");
		a = x;
	} else {
		asm volatile(FLAGS_IN "imull %[y], %[x]" FLAGS_OUT
			     : [x] "+r"(a), [fo] "=&r"(fo) : [y] "r"(b), [fi] "r"(fi) : "cc");
	}
	*flags_out = fo & FL_ARITH;
	return a;
}

/*
 * DIV/IDIV of the double-width accumulator.  Only ever called for inputs
 * that div_valid()/idiv_valid() accept: a #DE here would kill the test.
 */
static void host_div(bool sign, uint64_t n, uint32_t d, unsigned bits, uint32_t *q, uint32_t *r)
{
	if (bits == 8) {
		uint16_t ax = n;
		uint8_t y = d;
		if (sign)
			asm volatile("idivb %[y]" : "+a"(ax) : [y] "q"(y) : "cc");
		else
			asm volatile("divb %[y]" : "+a"(ax) : [y] "q"(y) : "cc");
		*q = ax & 0xff;
		*r = ax >> 8;
	} else if (bits == 16) {
		uint16_t ax = n, dx = n >> 16, y = d;
		if (sign)
			asm volatile("idivw %[y]" : "+a"(ax), "+d"(dx) : [y] "r"(y) : "cc");
		else
			asm volatile("divw %[y]" : "+a"(ax), "+d"(dx) : [y] "r"(y) : "cc");
		*q = ax;
		*r = dx;
	} else {
		uint32_t eax = n, edx = n >> 32;
		if (sign)
			asm volatile("idivl %[y]" : "+a"(eax), "+d"(edx) : [y] "r"(d) : "cc");
		else
			asm volatile("divl %[y]" : "+a"(eax), "+d"(edx) : [y] "r"(d) : "cc");
		*q = eax;
		*r = edx;
	}
}

/* SETcc for all 16 condition codes (0F 90+cc) with EFLAGS = FLAGS. */
static void host_setcc(uint32_t flags, uint8_t out[16])
{
	uint64_t fi = host_flags_in(flags);

	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fi]\n\tpopfq\n\t"
		     "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"
		     "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"
		     "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"
		     "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])\n\t"
		     "lea 128(%%rsp), %%rsp"
		     : : [fi] "r"(fi), [p] "r"(out) : "cc", "memory");
}

/* ------------------------------------------------------------------------
 * Operands.
 */

/* splitmix64: a fixed seed makes every run test the same values. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd32(void)
{
	return (uint32_t)rng_next();
}

static uint32_t mask_of(unsigned bits)
{
	return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

/* Values where carries, borrows, overflows and parity change. */
static const uint32_t edge_values[] = {
	0, 1, 2, 3, 0x0f, 0x10, 0x55, 0x7e, 0x7f, 0x80, 0x81, 0xaa, 0xfe, 0xff,
	0x100, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x10000,
	0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
	0x12345678, 0xdeadbeef,
};

#define MAX_VALUES 64

/* The edge values as BITS-bit operands, without duplicates. */
static unsigned edges_for(unsigned bits, uint32_t *out)
{
	unsigned n = 0;

	for (unsigned k = 0; k < sizeof(edge_values) / sizeof(edge_values[0]); k++) {
		uint32_t v = edge_values[k] & mask_of(bits);
		bool dup = false;

		for (unsigned j = 0; j < n; j++)
			dup |= out[j] == v;
		if (!dup && n < MAX_VALUES)
			out[n++] = v;
	}
	return n;
}

/* Every operand pair a test runs: edges x edges, then NRAND random pairs. */
#define NRAND 4000

struct pairs {
	unsigned bits, n_edges, k;
	uint32_t edges[MAX_VALUES];
};

static void pairs_start(struct pairs *p, unsigned bits, uint64_t seed)
{
	p->bits = bits;
	p->n_edges = edges_for(bits, p->edges);
	p->k = 0;
	rng_state = seed;
}

static bool pairs_next(struct pairs *p, uint32_t *a, uint32_t *b)
{
	unsigned ne = p->n_edges * p->n_edges;

	if (p->k < ne) {
		*a = p->edges[p->k / p->n_edges];
		*b = p->edges[p->k % p->n_edges];
	} else if (p->k < ne + NRAND) {
		*a = rnd32() & mask_of(p->bits);
		*b = rnd32() & mask_of(p->bits);
	} else {
		return false;
	}
	p->k++;
	return true;
}

static const unsigned widths[] = { 8, 16, 32 };

/* ------------------------------------------------------------------------
 * Reporting: every mismatch is counted, the first few are printed with
 * their inputs, and a test fails if any was found or if it checked
 * suspiciously little.
 */
struct tally {
	unsigned long checked, failed;
};

#define MAX_REPORTS 12

static void fmt_flags(uint32_t f, char *buf)
{
	sprintf(buf, "%s%s%s%s%s%s", f & FL_CF ? "C" : "-", f & FL_PF ? "P" : "-",
		f & FL_AF ? "A" : "-", f & FL_ZF ? "Z" : "-", f & FL_SF ? "S" : "-",
		f & FL_OF ? "O" : "-");
}

/* Compare a result and the defined flags; MASK selects the defined ones. */
static void check(struct tally *t, const char *what, uint64_t want_r, uint64_t got_r,
		  uint32_t want_f, uint32_t got_f, uint32_t mask)
{
	t->checked++;
	if (want_r == got_r && ((want_f ^ got_f) & mask) == 0)
		return;
	if (t->failed++ < MAX_REPORTS) {
		char wf[8], gf[8], mf[8];
		fmt_flags(want_f, wf);
		fmt_flags(got_f, gf);
		fmt_flags(mask, mf);
		cr_log_error("%s: host %#llx %s, glassvm %#llx %s (compared flags %s)", what,
			     (unsigned long long)want_r, wf, (unsigned long long)got_r, gf, mf);
	}
}

static void finish(const struct tally *t, const char *name, unsigned long min_checked)
{
	cr_log_info("%s: %lu cases checked, %lu mismatches", name, t->checked, t->failed);
	cr_expect_geq(t->checked, min_checked, "%s: only %lu cases checked", name, t->checked);
	cr_expect_eq(t->failed, 0, "%s: %lu of %lu cases differ from the host CPU",
		     name, t->failed, t->checked);
}

/* The flags each condition code reads (SDM Vol. 1, table B-1), by cc >> 1. */
static const uint32_t cc_reads[8] = {
	FL_OF, FL_CF, FL_ZF, FL_CF | FL_ZF, FL_SF, FL_PF, FL_SF | FL_OF, FL_ZF | FL_SF | FL_OF,
};

/*
 * lf_cond() for every condition code against the host's SETcc on the flags
 * the host produced for the same instruction, skipping conditions that read
 * an undefined flag.  EFLAGS is what glassvm passes alongside the record;
 * for a lazy record it must not matter.
 */
static void check_conds(struct tally *t, const char *what, const struct lazy_flags *lf,
			uint32_t eflags, uint32_t host_flags, uint32_t defined)
{
	uint8_t want[16];

	host_setcc(host_flags, want);
	for (unsigned cc = 0; cc < 16; cc++) {
		if (cc_reads[cc >> 1] & ~defined)
			continue;
		t->checked++;
		if (lf_cond(lf, eflags, cc) != want[cc] && t->failed++ < MAX_REPORTS)
			cr_log_error("%s: cc %u: host SETcc %u, lf_cond %u", what, cc, want[cc], !want[cc]);
	}
}

/* ------------------------------------------------------------------------
 * The harness itself: known answers from the SDM, so that a broken oracle
 * (flags read back as 0, say) cannot go unnoticed.
 */
Test(alu_oracle, host_harness_known_answers)
{
	uint32_t f, r;

	/* 7F + 01 = 80: signed overflow, half-carry, sign; odd parity. */
	r = host_binop(B_ADD, 0x7f, 0x01, 0, 8, &f);
	cr_assert_eq(r, 0x80);
	cr_assert_eq(f, FL_OF | FL_SF | FL_AF);
	/* FFFF + 1 = 0 with carry; an even (empty) parity. */
	r = host_binop(B_ADD, 0xffff, 1, 0, 16, &f);
	cr_assert_eq(r, 0);
	cr_assert_eq(f, FL_CF | FL_ZF | FL_AF | FL_PF);
	/* ADC sees the CF we load. */
	r = host_binop(B_ADC, 1, 1, FL_CF, 32, &f);
	cr_assert_eq(r, 3);
	/* INC keeps the CF we load. */
	host_unop(U_INC, 5, FL_CF, 32, &f);
	cr_assert(f & FL_CF);
	host_unop(U_INC, 5, 0, 32, &f);
	cr_assert(!(f & FL_CF));
}

/* ------------------------------------------------------------------------
 * ADD OR ADC SBB AND SUB XOR CMP TEST, through alu_binary() (what the
 * handlers call) and the direct functions.
 */
static uint32_t emu_binop(enum binop op, uint32_t a, uint32_t b, bool cf, unsigned bits,
			  struct lazy_flags *f)
{
	struct lazy_flags g;
	uint32_t r, r2;

	if (op == B_TEST)
		return alu_logic(f, a & b, bits);
	r = alu_binary(f, (enum alu_op)op, a, b, cf, bits);
	/* The direct functions must agree with the dispatcher. */
	switch (op) {
	case B_ADD: r2 = alu_add(&g, a, b, false, bits); break;
	case B_ADC: r2 = alu_add(&g, a, b, cf, bits); break;
	case B_SUB:
	case B_CMP: r2 = alu_sub(&g, a, b, false, bits); break;
	case B_SBB: r2 = alu_sub(&g, a, b, cf, bits); break;
	case B_AND: r2 = alu_logic(&g, a & b, bits); break;
	case B_OR:  r2 = alu_logic(&g, a | b, bits); break;
	default:    r2 = alu_logic(&g, a ^ b, bits); break;
	}
	cr_assert_eq(r, r2, "alu_binary and the direct function differ for %s", binop_name[op]);
	cr_assert_eq(lf_eval(f, 0), lf_eval(&g, 0));
	return r;
}

static void test_binop(enum binop op)
{
	struct tally t = { 0, 0 }, tc = { 0, 0 };
	bool logic = op == B_AND || op == B_OR || op == B_XOR || op == B_TEST;
	bool writes = op != B_CMP && op != B_TEST;
	/* AF after AND, OR, XOR, TEST is undefined (SDM Vol. 2, AND etc.). */
	uint32_t defined = logic ? FL_ARITH & ~FL_AF : FL_ARITH;
	char what[96];

	for (unsigned w = 0; w < 3; w++) {
		unsigned bits = widths[w];
		struct pairs p;
		uint32_t a, b;

		pairs_start(&p, bits, 0x1000 + op * 16 + bits);
		while (pairs_next(&p, &a, &b)) {
			/* Carry in 0 and 1; the other input flags are noise that
			 * must not leak into the result. */
			for (unsigned cin = 0; cin < 2; cin++) {
				uint32_t fin = (rnd32() & FL_ARITH & ~FL_CF) | (cin ? FL_CF : 0);
				uint32_t hf, gf, hr, gr;
				struct lazy_flags lf;

				hr = host_binop(op, a, b, fin, bits, &hf);
				gr = emu_binop(op, a, b, cin, bits, &lf);
				gf = lf_eval(&lf, fin ^ FL_ARITH);
				snprintf(what, sizeof(what), "%s%u %#x, %#x (CF in %u)",
					 binop_name[op], bits, a, b, cin);
				check(&t, what, hr, writes ? gr : a, hf, gf, defined);
				check_conds(&tc, what, &lf, fin ^ FL_ARITH, hf, defined);
				if (op != B_ADC && op != B_SBB)
					break;  /* the carry in does not matter */
			}
		}
	}
	finish(&t, binop_name[op], 3 * NRAND);
	snprintf(what, sizeof(what), "%s: lf_cond", binop_name[op]);
	finish(&tc, what, 3 * NRAND);
}

Test(alu, add)  { test_binop(B_ADD); }
Test(alu, or)   { test_binop(B_OR); }
Test(alu, adc)  { test_binop(B_ADC); }
Test(alu, sbb)  { test_binop(B_SBB); }
Test(alu, and)  { test_binop(B_AND); }
Test(alu, sub)  { test_binop(B_SUB); }
Test(alu, xor)  { test_binop(B_XOR); }
Test(alu, cmp)  { test_binop(B_CMP); }
Test(alu, test) { test_binop(B_TEST); }

/* ------------------------------------------------------------------------
 * INC, DEC (CF preserved) and NEG (= 0 - a).
 */
static void test_unop(enum unop op)
{
	struct tally t = { 0, 0 }, tc = { 0, 0 };
	char what[96];

	for (unsigned w = 0; w < 3; w++) {
		unsigned bits = widths[w];
		struct pairs p;
		uint32_t a, unused;

		pairs_start(&p, bits, 0x2000 + op * 16 + bits);
		while (pairs_next(&p, &a, &unused)) {
			for (unsigned cin = 0; cin < 2; cin++) {
				uint32_t fin = (rnd32() & FL_ARITH & ~FL_CF) | (cin ? FL_CF : 0);
				uint32_t hf, gf, hr, gr;
				struct lazy_flags lf;

				hr = host_unop(op, a, fin, bits, &hf);
				if (op == U_INC)
					gr = alu_inc(&lf, a, cin, bits);
				else if (op == U_DEC)
					gr = alu_dec(&lf, a, cin, bits);
				else
					gr = alu_sub(&lf, 0, a, false, bits);
				gf = lf_eval(&lf, fin ^ FL_ARITH);
				snprintf(what, sizeof(what), "%s%u %#x (CF in %u)",
					 unop_name[op], bits, a, cin);
				check(&t, what, hr, gr, hf, gf, FL_ARITH);
				check_conds(&tc, what, &lf, fin ^ FL_ARITH, hf, FL_ARITH);
			}
		}
	}
	finish(&t, unop_name[op], 3 * NRAND);
	snprintf(what, sizeof(what), "%s: lf_cond", unop_name[op]);
	finish(&tc, what, 3 * NRAND);
}

Test(alu, inc) { test_unop(U_INC); }
Test(alu, dec) { test_unop(U_DEC); }
Test(alu, neg) { test_unop(U_NEG); }

/* lf_cond() on explicit flags (LF_NONE), every combination of the six. */
Test(alu, lf_cond_explicit_flags)
{
	struct tally t = { 0, 0 };
	struct lazy_flags lf = { .op = LF_NONE };
	static const uint32_t bit[6] = { FL_CF, FL_PF, FL_AF, FL_ZF, FL_SF, FL_OF };
	char what[64];

	for (unsigned combo = 0; combo < 64; combo++) {
		uint32_t fl = 0;

		for (unsigned k = 0; k < 6; k++)
			if (combo & (1u << k))
				fl |= bit[k];
		snprintf(what, sizeof(what), "flags %#x", fl);
		check_conds(&t, what, &lf, fl | FL_FIXED | FL_IF, fl, FL_ARITH);
		/* lf_eval() of an explicit record is the flags themselves. */
		check(&t, what, 0, 0, fl, lf_eval(&lf, fl | FL_FIXED), FL_ARITH);
	}
	finish(&t, "lf_cond/LF_NONE", 64 * 16);
}

/* ------------------------------------------------------------------------
 * Shifts and rotates.
 */

/* Counts: 0, 1, 2..width+1, and around the 5-bit mask (CL is 8 bits). */
static unsigned counts_for(unsigned bits, unsigned *out)
{
	static const unsigned extra[] = { 31, 32, 33, 63, 64, 65, 0x80, 0xff };
	unsigned n = 0;

	for (unsigned k = 0; k <= bits + 1; k++)
		out[n++] = k;
	for (unsigned k = 0; k < sizeof(extra) / sizeof(extra[0]); k++)
		if (extra[k] > bits + 1)
			out[n++] = extra[k];
	return n;
}

/* The flags the SDM defines after a shift or rotate by COUNT. */
static uint32_t shift_defined(enum shift_op op, unsigned count, unsigned bits)
{
	unsigned m = count & 31;
	uint32_t d = FL_ARITH;

	if (m == 0)
		return d;  /* no flag is affected: all must be unchanged */
	if (m != 1)
		d &= ~FL_OF;  /* OF is defined for 1-bit shifts only */
	if (op >= SH_SHL) {
		d &= ~FL_AF;  /* "AF: undefined for a non-zero count" */
		/* "CF is undefined for SHL and SHR where the count is >= the
		 * operand size" (SAL is SHL; SAR's CF stays defined). */
		if (op != SH_SAR && m >= bits)
			d &= ~FL_CF;
	}
	return d;
}

/* Values for the shifts: the edges plus this many random ones. */
#define NRAND_SHIFT 250

static void test_shift(enum shift_op op)
{
	struct tally t = { 0, 0 };
	unsigned counts[64];
	char what[128];

	rng_state = 0x3000 + op;
	for (unsigned w = 0; w < 3; w++) {
		unsigned bits = widths[w], nc = counts_for(bits, counts);
		uint32_t vals[MAX_VALUES + NRAND_SHIFT];
		unsigned nv = edges_for(bits, vals);

		for (unsigned k = 0; k < NRAND_SHIFT; k++)
			vals[nv++] = rnd32() & mask_of(bits);
		for (unsigned ci = 0; ci < nc; ci++) {
			for (unsigned vi = 0; vi < nv; vi++) {
				/* All flags clear, all set, random: rotates must keep
				 * SF/ZF/AF/PF, RCL/RCR read CF. */
				uint32_t fins[3] = { 0, FL_ARITH, rnd32() & FL_ARITH };

				for (unsigned fk = 0; fk < 3; fk++) {
					uint32_t a = vals[vi], hf, gf, hr, gr;

					hr = host_shift(op, a, counts[ci], fins[fk], bits, &hf);
					/* Non-arithmetic EFLAGS bits ride along and must
					 * not appear in the new flags. */
					gr = alu_shift(op, a, counts[ci], bits,
						       fins[fk] | FL_FIXED | FL_IF | FL_DF, &gf);
					snprintf(what, sizeof(what), "%s%u %#x, cl=%u (flags in %#x)",
						 shift_name[op], bits, a, counts[ci], fins[fk]);
					check(&t, what, hr, gr, hf, gf,
					      shift_defined(op, counts[ci], bits));
					if (gf & ~FL_ARITH && t.failed++ < MAX_REPORTS)
						cr_log_error("%s: new flags %#x hold non-arithmetic bits",
							     what, gf);
					/* SHL/SHR/SAL/SAR handlers use the lazy form, which
					 * takes the count already masked and not zero. */
					if (op >= SH_SHL && (counts[ci] & 31)) {
						struct lazy_flags lf;

						gr = alu_shift_lazy(&lf, op, a, counts[ci] & 31, bits);
						gf = lf_eval(&lf, fins[fk] ^ FL_ARITH);
						strcat(what, " (lazy)");
						check(&t, what, hr, gr, hf, gf,
						      shift_defined(op, counts[ci], bits));
						check_conds(&t, what, &lf, fins[fk] ^ FL_ARITH, hf,
							    shift_defined(op, counts[ci], bits));
					}
				}
			}
		}
	}
	finish(&t, shift_name[op], 3 * 30 * 250);
}

Test(alu_shift, rol) { test_shift(SH_ROL); }
Test(alu_shift, ror) { test_shift(SH_ROR); }
Test(alu_shift, rcl) { test_shift(SH_RCL); }
Test(alu_shift, rcr) { test_shift(SH_RCR); }
Test(alu_shift, shl) { test_shift(SH_SHL); }
Test(alu_shift, shr) { test_shift(SH_SHR); }
Test(alu_shift, sal) { test_shift(SH_SAL); }
Test(alu_shift, sar) { test_shift(SH_SAR); }

static void test_double_shift(bool right)
{
	const char *name = right ? "shrd" : "shld";
	struct tally t = { 0, 0 };
	unsigned counts[64];
	char what[96];

	for (unsigned w = 1; w < 3; w++) {
		unsigned bits = widths[w], nc = counts_for(bits, counts);
		struct pairs p;
		uint32_t a, b;

		pairs_start(&p, bits, 0x4000 + right * 16 + bits);
		while (pairs_next(&p, &a, &b)) {
			if (p.k % 4)  /* a quarter of the pairs, every count */
				continue;
			for (unsigned ci = 0; ci < nc; ci++) {
				unsigned m = counts[ci] & 31;
				uint32_t fin = rnd32() & FL_ARITH, hf, gf, hr, gr;
				uint32_t defined = FL_ARITH;

				/* A 16-bit count above 16 leaves the result undefined. */
				if (bits == 16 && m > 16)
					continue;
				if (m != 0)
					defined &= ~FL_AF;
				if (m > 1)
					defined &= ~FL_OF;
				hr = host_double_shift(right, a, b, counts[ci], fin, bits, &hf);
				gr = right ? alu_shrd(a, b, counts[ci], bits, fin | FL_FIXED, &gf)
					   : alu_shld(a, b, counts[ci], bits, fin | FL_FIXED, &gf);
				snprintf(what, sizeof(what), "%s%u %#x, %#x, cl=%u (flags in %#x)",
					 name, bits, a, b, counts[ci], fin);
				check(&t, what, hr, gr, hf, gf, defined);
			}
		}
	}
	finish(&t, name, 2 * 1000 * 18);
}

Test(alu_shift, shld) { test_double_shift(false); }
Test(alu_shift, shrd) { test_double_shift(true); }

/* ------------------------------------------------------------------------
 * MUL and IMUL: the whole double-width product; CF and OF.  SF, ZF, AF and
 * PF are undefined after a multiply.
 */
static void test_mul(bool sign)
{
	const char *name = sign ? "imul" : "mul";
	struct tally t = { 0, 0 }, tc = { 0, 0 };
	char what[96];

	for (unsigned w = 0; w < 3; w++) {
		unsigned bits = widths[w];
		struct pairs p;
		uint32_t a, b;

		pairs_start(&p, bits, 0x5000 + sign * 16 + bits);
		while (pairs_next(&p, &a, &b)) {
			struct lazy_flags lf;
			uint32_t hf, gf;
			uint64_t hp, gp;

			hp = host_mul(sign, a, b, bits, &hf);
			gp = sign ? alu_imul(&lf, a, b, bits) : alu_mul(&lf, a, b, bits);
			/* The handler stores the low 2*BITS bits. */
			if (bits < 32)
				gp &= (1ull << (2 * bits)) - 1;
			gf = lf_eval(&lf, 0);
			snprintf(what, sizeof(what), "%s%u %#x, %#x", name, bits, a, b);
			check(&t, what, hp, gp, hf, gf, FL_CF | FL_OF);
			check_conds(&tc, what, &lf, 0, hf, FL_CF | FL_OF);

			/* IMUL r, r/m: the truncated product, same CF/OF rule. */
			if (sign && bits > 8) {
				uint32_t hr = host_imul2(a, b, bits, &hf);
				uint32_t gr = (uint32_t)alu_imul(&lf, a, b, bits) & mask_of(bits);

				snprintf(what, sizeof(what), "imul%u r, r/m %#x, %#x", bits, a, b);
				check(&t, what, hr, gr, hf, lf_eval(&lf, 0), FL_CF | FL_OF);
			}
		}
	}
	finish(&t, name, 3 * NRAND);
	snprintf(what, sizeof(what), "%s: lf_cond", name);
	finish(&tc, what, 3 * NRAND);
}

Test(alu_muldiv, mul)  { test_mul(false); }
Test(alu_muldiv, imul) { test_mul(true); }

/* ------------------------------------------------------------------------
 * DIV and IDIV.  Whether a division faults is decided here by a rule of
 * our own (SDM: DIV/IDIV, "#DE: if the source operand is 0, or the quotient
 * is too large for the designated register"), computed a different way
 * from glassvm's: unsigned, the high half of the dividend must be below the
 * divisor; signed, the exact quotient (128-bit arithmetic) must fit.
 * Valid divisions are compared with the host; the flags are all undefined.
 */
static bool div_valid(uint64_t n, uint32_t d, unsigned bits)
{
	return d != 0 && (n >> bits) < d;
}

static bool idiv_valid(uint64_t n, uint32_t d, unsigned bits)
{
	__int128 num, den, q, lim = (__int128)1 << (bits - 1);

	/* The dividend is 2*BITS bits wide, signed. */
	num = bits == 32 ? (__int128)(int64_t)n
			 : (__int128)((int64_t)(n << (64 - 2 * bits)) >> (64 - 2 * bits));
	den = (__int128)((int64_t)((uint64_t)d << (64 - bits)) >> (64 - bits));
	if (den == 0)
		return false;
	q = num / den;  /* truncates toward zero, as IDIV does */
	return q >= -lim && q < lim;
}

static void test_div(bool sign)
{
	const char *name = sign ? "idiv" : "div";
	struct tally t = { 0, 0 };
	unsigned long faults = 0, valid = 0;
	char what[112];

	for (unsigned w = 0; w < 3; w++) {
		unsigned bits = widths[w];
		uint32_t m = mask_of(bits);
		struct pairs p;
		uint32_t hi, lo;

		pairs_start(&p, bits, 0x6000 + sign * 16 + bits);
		while (pairs_next(&p, &hi, &lo)) {
			/* Divisors: every edge value, one random, and one chosen so
			 * that the quotient lands near the limit. */
			for (unsigned di = 0; di < p.n_edges + 2; di++) {
				uint64_t n = ((uint64_t)hi << bits) | lo;
				uint32_t d = di < p.n_edges ? p.edges[di]
					   : di == p.n_edges ? rnd32() & m
					   : (uint32_t)((hi + 1 + (rnd32() & 3)) & m);
				uint32_t gq = 0xdead, gr = 0xbeef, hq, hr;
				bool ok, want;

				if (p.k > p.n_edges * p.n_edges && di < p.n_edges && di % 4)
					continue;  /* random dividends: a quarter of the edges */
				want = sign ? idiv_valid(n, d, bits) : div_valid(n, d, bits);
				ok = sign ? alu_idiv(n, d, bits, &gq, &gr) : alu_div(n, d, bits, &gq, &gr);
				snprintf(what, sizeof(what), "%s%u %#llx / %#x", name, bits,
					 (unsigned long long)n, d);
				if (!want || !ok) {
					/* Results are compared as "faults or not". */
					faults += !want;
					check(&t, what, !want, !ok, 0, 0, 0);
					if (ok != want && t.failed <= MAX_REPORTS)
						cr_log_error("%s: the rule says %s, glassvm %s", what,
							     want ? "no #DE" : "#DE", ok ? "no #DE" : "#DE");
					continue;
				}
				valid++;
				host_div(sign, n, d, bits, &hq, &hr);
				check(&t, what, ((uint64_t)hr << 32) | hq,
				      ((uint64_t)gr << 32) | gq, 0, 0, 0);
			}
		}
	}
	cr_log_info("%s: %lu valid divisions compared with the host, %lu #DE cases", name,
		    valid, faults);
	cr_expect_geq(valid, 10000);
	cr_expect_geq(faults, 1000);
	finish(&t, name, 20000);
}

Test(alu_muldiv, div)  { test_div(false); }
Test(alu_muldiv, idiv) { test_div(true); }

/* The boundaries of IDIV spelled out (SDM: IDIV, "the quotient ... -128 to
 * +127"): the most negative quotient is allowed, one beyond is #DE. */
Test(alu_muldiv, idiv_limits)
{
	uint32_t q, r;

	cr_assert(alu_idiv(0xff80, 1, 8, &q, &r), "-128 / 1 fits AL");
	cr_assert_eq(q, 0x80);
	cr_assert(!alu_idiv(0x0080, 1, 8, &q, &r), "128 / 1 does not fit AL");
	cr_assert(!alu_idiv(0xff80, 0xff, 8, &q, &r), "-128 / -1 = 128 does not fit AL");
	cr_assert(!alu_idiv(0x8000000000000000ull, 0xffffffff, 32, &q, &r), "INT64_MIN / -1");
	cr_assert(alu_idiv(0xffffffff80000000ull, 1, 32, &q, &r));
	cr_assert_eq(q, 0x80000000);
	cr_assert(!alu_idiv(5, 0, 16, &q, &r), "division by zero");
	cr_assert(!alu_div(5, 0, 32, &q, &r), "division by zero");
	/* The remainder has the sign of the dividend: -7 / 2 = -3 rem -1. */
	cr_assert(alu_idiv(0xfff9, 2, 8, &q, &r));
	cr_assert_eq(q, 0xfd);
	cr_assert_eq(r, 0xff);
}
