/*
 * tests/unit/fpu_vs_host.c - glassvm's x87 against the host's x87.
 *
 * The oracle is the processor the test runs on: an x86-64 host executes
 * x87 instructions in 64-bit mode exactly as an IA-32 processor does, and
 * the encodings used here (memory operands addressed through EBX, no REX
 * prefix) mean the same in both modes.  So every case is one instruction,
 * as bytes, wrapped in the same few instructions on both sides:
 *
 *     frstor  IMAGE(%ebx)       the state before: control word, TOP, tags, registers
 *     mov     $EAX_IN, %eax
 *     mov     FLAGS(%ebx), %ah  the arithmetic flags before, for FCMOVcc
 *     sahf
 *     <the instruction>         a memory operand is at OPERAND(%ebx)
 *     fnsave  RESULT(%ebx)      the state after
 *     setb, sete, setp          CF, ZF, PF after (FCOMI)
 *     mov     %eax, EAX_OUT(%ebx)
 *
 * The host runs it from an executable page with RBX pointing at a buffer;
 * glassvm runs it from guest memory with EBX = DATA.  Then the buffers are
 * compared: the state after, the flags, EAX and the memory operand (what a
 * store wrote).  The FPU instruction and operand pointers are compared
 * relative to where the code and the data are; the selectors beside them
 * cannot be (the host's CS is a 64-bit one).
 *
 * Operands: the values that make floating point hard (signed zeros,
 * denormals, pseudo-denormals, unnormals, infinities, quiet and signaling
 * NaNs, the largest and smallest numbers), crossed with each other and
 * with the four rounding modes where rounding matters.  The host is never
 * given an unmasked exception (it would take SIGFPE); those are tested
 * against the SDM in fpu_exceptions.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/fpu.h"
#include "mmu/physmem.h"
#include "tests/unit/machine_harness.h"

/* The data block, at DATA in the guest. */
#define D_IMAGE    0x000  /* FRSTOR image, 108 bytes */
#define D_RESULT   0x200  /* FNSAVE image */
#define D_FLAGS    0x300  /* in: AH for SAHF; out: CF, ZF, PF at +1, +2, +3 */
#define D_EAX      0x308  /* EAX after (FNSTSW AX) */
#define D_OPERAND  0x400  /* the memory operand: up to FXSAVE's 512 bytes */
#define D_SIZE     0x800

#define EAX_IN 0x5a5a5a5au

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* FNSAVE image fields, 32-bit protected-mode format (SDM Vol. 1, figure 8-9). */
#define IMG_CW  0
#define IMG_SW  4
#define IMG_TW  8
#define IMG_FIP 12
#define IMG_FOP 18
#define IMG_FDP 20
#define IMG_REGS 28
#define IMG_SIZE 108

TestSuite(fpu_vs_host, .init = machine_setup, .fini = machine_teardown);

/* ---- running a case on both sides ---- */

struct code {
	uint8_t b[64];
	size_t n;
};

static void emit(struct code *c, const uint8_t *b, size_t n)
{
	cr_assert_leq(c->n + n, sizeof(c->b));
	memcpy(c->b + c->n, b, n);
	c->n += n;
}

#define LE32(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

static struct code wrap(const uint8_t *insn, size_t len)
{
	static const uint8_t head[] = {
		0xdd, 0xa3, LE32(D_IMAGE),        /* frstor D_IMAGE(%ebx) */
		0xb8, LE32(EAX_IN),               /* mov $EAX_IN, %eax */
		0x8a, 0xa3, LE32(D_FLAGS),        /* mov D_FLAGS(%ebx), %ah */
		0x9e,                             /* sahf */
	};
	static const uint8_t tail[] = {
		0xdd, 0xb3, LE32(D_RESULT),       /* fnsave D_RESULT(%ebx) */
		0x0f, 0x92, 0x83, LE32(D_FLAGS + 1),  /* setb */
		0x0f, 0x94, 0x83, LE32(D_FLAGS + 2),  /* sete */
		0x0f, 0x9a, 0x83, LE32(D_FLAGS + 3),  /* setp */
		0x89, 0x83, LE32(D_EAX),          /* mov %eax, D_EAX(%ebx) */
	};
	struct code c = { .n = 0 };

	emit(&c, head, sizeof(head));
	emit(&c, insn, len);
	emit(&c, tail, sizeof(tail));
	return c;
}

static uint8_t *host_page;

static void host_run(const struct code *c, uint8_t *data)
{
	if (!host_page) {
		host_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		cr_assert_neq(host_page, MAP_FAILED, "no executable page for the host's side");
	}
	memcpy(host_page, c->b, c->n);
	host_page[c->n] = 0xc3;  /* ret */
	/* Below the red zone first: CALL pushes where the compiler may keep locals. */
	asm volatile("lea -128(%%rsp), %%rsp\n\tcall *%[fn]\n\tlea 128(%%rsp), %%rsp"
		     : : [fn] "r"(host_page), "b"(data) : "rax", "memory", "cc");
}

static void guest_run(const struct code *c, uint8_t *data, const char *name)
{
	static const uint8_t hlt = 0xf4;
	int vector;

	put_bytes(CODE, c->b, c->n);
	put_bytes(CODE + c->n, &hlt, 1);
	put_bytes(DATA, data, D_SIZE);
	cpu->regs[R_EBX] = DATA;
	cpu->regs[R_ESP] = KSTACK;
	cpu->eip = CODE;
	vector = run_to_handler();
	cr_assert_eq(vector, -1, "%s: glassvm raised vector %d at %#x", name, vector,
		     stack_dword(vector == 8 || (vector >= 10 && vector <= 14) ? 1 : 0));
	physmem_read(pm, DATA, data, D_SIZE);
}

/* ---- comparing ---- */

static unsigned failures;

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* A pointer the FPU saved, as an offset from where it points into. */
static bool same_pointer(uint32_t host, uint32_t host_base, uint32_t guest, uint32_t guest_base)
{
	return host == guest || host - host_base == guest - guest_base;
}

static void report(const char *name, const char *desc, const char *what, unsigned at,
		   const uint8_t *h, const uint8_t *g, size_t n)
{
	char hs[64] = "", gs[64] = "";

	for (size_t k = 0; k < n && k < 16; k++) {
		sprintf(hs + 2 * k, "%02x", h[n - 1 - k]);
		sprintf(gs + 2 * k, "%02x", g[n - 1 - k]);
	}
	if (++failures <= 30)
		cr_log_error("%s [%s]: %s (+%#x) host %s glassvm %s", name, desc, what, at, hs, gs);
}

static void compare_bytes(const char *name, const char *desc, const char *what, unsigned at,
			  const uint8_t *h, const uint8_t *g, size_t n)
{
	if (memcmp(h + at, g + at, n))
		report(name, desc, what, at, h + at, g + at, n);
}

/* Bytes [AT, AT + N) of an FNSAVE image named WHAT, field FIELD. */
static void compare_field(const char *name, const char *desc, const char *what, const char *field,
			  unsigned at, const uint8_t *h, const uint8_t *g, size_t n)
{
	char label[64];

	snprintf(label, sizeof(label), "%s %s", what, field);
	compare_bytes(name, desc, label, at, h, g, n);
}

static void compare_pointers(const char *name, const char *desc, const char *what, unsigned at,
			     const uint8_t *h, const uint8_t *g)
{
	uint32_t code_h = (uint32_t)(uintptr_t)host_page, data_h = (uint32_t)(uintptr_t)h;

	compare_field(name, desc, what, "FOP", at + IMG_FOP, h, g, 2);
	if (!same_pointer(rd32(h + at + IMG_FIP), code_h, rd32(g + at + IMG_FIP), CODE))
		report(name, desc, "FIP", at + IMG_FIP, h + at + IMG_FIP, g + at + IMG_FIP, 4);
	if (!same_pointer(rd32(h + at + IMG_FDP), data_h, rd32(g + at + IMG_FDP), DATA))
		report(name, desc, "FDP", at + IMG_FDP, h + at + IMG_FDP, g + at + IMG_FDP, 4);
}

/*
 * Everything but the selectors of the FNSAVE image, under SW_IGNORE for the
 * condition codes the SDM leaves undefined after the instruction.
 */
static void compare_image(const char *name, const char *desc, const char *what, unsigned at,
			  const uint8_t *h, const uint8_t *g, uint16_t sw_ignore)
{
	uint16_t hsw = rd16(h + at + IMG_SW) & ~sw_ignore, gsw = rd16(g + at + IMG_SW) & ~sw_ignore;

	compare_field(name, desc, what, "control word", at + IMG_CW, h, g, 2);
	if (hsw != gsw)
		report(name, desc, "status word", at + IMG_SW, (uint8_t *)&hsw, (uint8_t *)&gsw, 2);
	compare_field(name, desc, what, "tag word", at + IMG_TW, h, g, 2);
	/* An AMD host's FXSAVE and XSAVE keep FOP, FIP and FDP only with an
	 * exception pending: when the kernel switched tasks in the middle of
	 * the case, they come back as zeros.  Not glassvm's business. */
	if (rd16(h + at + IMG_FOP) || rd32(h + at + IMG_FIP))
		compare_pointers(name, desc, what, at, h, g);
	for (unsigned k = 0; k < 8; k++)
		compare_field(name, desc, what, "register", at + IMG_REGS + 10 * k, h, g, 10);
}

/* ---- the states a case starts from ---- */

/* An 80-bit value: significand (with J), then sign and exponent. */
struct x80 {
	uint64_t m;
	uint16_t se;
};

static const struct x80 values[] = {
	{ 0, 0 }, { 0, 0x8000 },                                   /* +0, -0 */
	{ 1, 0 }, { 0x4000000000000000, 0x8000 },                  /* denormals */
	{ 0x8000000000000000, 0 },                                 /* pseudo-denormal */
	{ 0x8000000000000000, 0x0001 },                            /* smallest normal */
	{ 0x8000000000000000, 0x3fff }, { 0x8000000000000000, 0xbfff },  /* +1, -1 */
	{ 0xc000000000000000, 0x3fff },                            /* 1.5 */
	{ 0xc90fdaa22168c235, 0x4000 },                            /* pi */
	{ 0xeccccccccccccccd, 0xc000 },                            /* -3.7 */
	{ 0x8000000000000000, 0x3ffd },                            /* 0.25 */
	{ 0xa000000000000000, 0x4002 },                            /* 10 */
	{ 0xfedcba9876543210, 0x401d },                            /* a 2^30 with many bits */
	{ 0x8000000000000000, 0x403e },                            /* 2^63 */
	{ 0xffffffffffffffff, 0x7ffe }, { 0xffffffffffffffff, 0xfffe },  /* largest */
	{ 0x8000000000000000, 0x3c01 },                            /* 2^-1022: tiny */
	{ 0x8000000000000000, 0x7fff }, { 0x8000000000000000, 0xffff },  /* +inf, -inf */
	{ 0xc000000000000001, 0x7fff },                            /* QNaN */
	{ 0x8000000000000001, 0xffff },                            /* SNaN */
	{ 0xc000000000000000, 0xffff },                            /* the indefinite */
	{ 0x4000000000000000, 0x3fff },                            /* unnormal */
	{ 0x0000000000000001, 0x7fff },                            /* pseudo-NaN */
};

#define NVALUES COUNT(values)

struct state {
	uint16_t cw;
	unsigned top;
	uint8_t full;          /* ST(k) is not empty for k < full */
	struct x80 st[8];
	uint8_t flags;         /* AH for SAHF: CF 0x01, PF 0x04, ZF 0x40 */
};

/* ST(0) = A, ST(1) = B, ST(2).. = 1.5, 10, -1, pi...; FULL registers in use. */
static struct state state2(struct x80 a, struct x80 b, unsigned full, uint16_t cw)
{
	struct state s = { .cw = cw, .top = 5, .full = full, .flags = 0 };

	s.st[0] = a;
	s.st[1] = b;
	for (unsigned k = 2; k < 8; k++)
		s.st[k] = values[(6 + 3 * k) % NVALUES];
	return s;
}

static void put_state(uint8_t *data, const struct state *s)
{
	uint8_t *img = data + D_IMAGE;
	uint16_t tw = 0;

	memset(img, 0, IMG_SIZE);
	for (unsigned k = 0; k < 8; k++) {
		if (k >= s->full)
			tw |= 3 << (2 * ((s->top + k) & 7));
		memcpy(img + IMG_REGS + 10 * k, &s->st[k].m, 8);
		memcpy(img + IMG_REGS + 10 * k + 8, &s->st[k].se, 2);
	}
	memcpy(img + IMG_CW, &s->cw, 2);
	img[IMG_SW + 1] = s->top << 3;
	memcpy(img + IMG_TW, &tw, 2);
	data[D_FLAGS] = s->flags | 0x02;
}

static void describe(char *buf, size_t n, const struct state *s, const uint8_t *mem, size_t len)
{
	int k = snprintf(buf, n, "cw %04x, %u full, st0 %04x:%016llx st1 %04x:%016llx, flags %02x",
			 s->cw, s->full, s->st[0].se, (unsigned long long)s->st[0].m,
			 s->st[1].se, (unsigned long long)s->st[1].m, s->flags);

	for (size_t b = 0; b < len && b < 16; b++)
		k += snprintf(buf + k, n - k, "%s%02x", b ? "" : ", operand ", mem[len - 1 - b]);
}

/*
 * Run INSN from state S with MEM (LEN bytes) as the memory operand on both
 * sides and compare.  UNDEFINED: the condition codes the SDM leaves
 * undefined after this instruction.
 */
static void check(const char *name, const uint8_t *insn, size_t len, const struct state *s,
		  const void *mem, size_t mem_len, uint16_t undefined)
{
	static _Alignas(64) uint8_t host[D_SIZE], guest[D_SIZE];
	struct code c = wrap(insn, len);
	char desc[192];

	memset(host, 0xa5, D_SIZE);
	put_state(host, s);
	if (mem_len)
		memcpy(host + D_OPERAND, mem, mem_len);
	memcpy(guest, host, D_SIZE);
	describe(desc, sizeof(desc), s, mem, mem_len);
	host_run(&c, host);
	guest_run(&c, guest, name);
	compare_image(name, desc, "state", D_RESULT, host, guest, undefined);
	compare_bytes(name, desc, "CF ZF PF", D_FLAGS + 1, host, guest, 3);
	compare_bytes(name, desc, "EAX", D_EAX, host, guest, 4);
	compare_bytes(name, desc, "memory", D_OPERAND, host, guest, 16);
}

static void expect_no_failures(const char *what, unsigned cases)
{
	cr_log_info("%s: %u cases, %u differences", what, cases, failures);
	cr_expect_eq(failures, 0, "%s: %u differences from the host in %u cases (first ones above)",
		     what, failures, cases);
}

/* The control word with every exception masked, 64-bit precision, RC. */
static uint16_t cw_rc(unsigned rc)
{
	return 0x037f | rc << 10;
}

/* The undefined condition codes of arithmetic: C0, C2, C3. */
#define CC_ARITH (FSW_C0 | FSW_C2 | FSW_C3)

/* ---- register forms ---- */

struct reg_insn {
	const char *name;
	uint8_t op, modrm;
	uint16_t undefined;
};

/* Every rounding mode with 64-bit precision, and a few with 24 and 53. */
static const uint16_t all_rc[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x0e7f, 0x027f, 0x0c7f };

/*
 * Every instruction of INSNS from every state2(A, B, FULL, CW): CW from
 * CWS, FULL from FULLS, A from values[], and B from values[] too when
 * PAIRS (otherwise B = A).  Returns the number of cases.
 */
static unsigned register_cases(const struct reg_insn *insns, size_t ninsns, const uint16_t *cws,
			       size_t ncws, const uint8_t *fulls, size_t nfulls, bool pairs)
{
	unsigned cases = 0;

	for (size_t n = 0; n < ninsns; n++)
		for (size_t c = 0; c < ncws; c++)
			for (size_t f = 0; f < nfulls; f++)
				for (size_t a = 0; a < NVALUES; a++)
					for (size_t b = pairs ? 0 : a; b < (pairs ? NVALUES : a + 1); b++) {
						struct state s = state2(values[a], values[b], fulls[f], cws[c]);

						check(insns[n].name, &insns[n].op, 2, &s, NULL, 0,
						      insns[n].undefined);
						cases++;
					}
	return cases;
}

/* Every pair of operands through two-operand register forms. */
Test(fpu_vs_host, two_register_operands)
{
	static const struct reg_insn insns[] = {
		{ "fadd st,st1", 0xd8, 0xc1, CC_ARITH }, { "fmul st,st1", 0xd8, 0xc9, CC_ARITH },
		{ "fsub st,st1", 0xd8, 0xe1, CC_ARITH }, { "fsubr st,st1", 0xd8, 0xe9, CC_ARITH },
		{ "fdiv st,st1", 0xd8, 0xf1, CC_ARITH }, { "fdivr st,st1", 0xd8, 0xf9, CC_ARITH },
		{ "fadd st1,st", 0xdc, 0xc1, CC_ARITH }, { "fsubr st1,st", 0xdc, 0xe1, CC_ARITH },
		{ "fsub st1,st", 0xdc, 0xe9, CC_ARITH }, { "fdivr st1,st", 0xdc, 0xf1, CC_ARITH },
		{ "fdiv st1,st", 0xdc, 0xf9, CC_ARITH }, { "fmulp st1,st", 0xde, 0xc9, CC_ARITH },
		{ "fsubrp st1,st", 0xde, 0xe1, CC_ARITH }, { "fdivp st1,st", 0xde, 0xf9, CC_ARITH },
		{ "fprem", 0xd9, 0xf8, 0 }, { "fprem1", 0xd9, 0xf5, 0 },
		{ "fscale", 0xd9, 0xfd, CC_ARITH }, { "fpatan", 0xd9, 0xf3, CC_ARITH },
		{ "fyl2x", 0xd9, 0xf1, CC_ARITH }, { "fyl2xp1", 0xd9, 0xf9, CC_ARITH },
	};
	static const uint8_t three[] = { 3 };

	expect_no_failures("two register operands",
			   register_cases(insns, COUNT(insns), all_rc, COUNT(all_rc), three, 1, true));
}

/* One operand, ST(0): every value, every rounding mode; with an empty ST(0)
 * too, and with a full stack for the instructions that push. */
Test(fpu_vs_host, one_register_operand)
{
	static const struct reg_insn insns[] = {
		{ "fsqrt", 0xd9, 0xfa, CC_ARITH }, { "frndint", 0xd9, 0xfc, CC_ARITH },
		{ "f2xm1", 0xd9, 0xf0, CC_ARITH }, { "fsin", 0xd9, 0xfe, FSW_C0 | FSW_C3 },
		{ "fcos", 0xd9, 0xff, FSW_C0 | FSW_C3 }, { "fptan", 0xd9, 0xf2, FSW_C0 | FSW_C3 },
		{ "fsincos", 0xd9, 0xfb, FSW_C0 | FSW_C3 }, { "fxtract", 0xd9, 0xf4, CC_ARITH },
		{ "fchs", 0xd9, 0xe0, CC_ARITH }, { "fabs", 0xd9, 0xe1, CC_ARITH },
		{ "ftst", 0xd9, 0xe4, 0 }, { "fxam", 0xd9, 0xe5, 0 },
	};
	static const uint8_t fulls[] = { 0, 1, 8 };

	expect_no_failures("one register operand",
			   register_cases(insns, COUNT(insns), all_rc, COUNT(all_rc), fulls,
					  COUNT(fulls), false));
}

/* The compares, register forms: C3 C2 C0, or ZF PF CF, and the pops. */
Test(fpu_vs_host, register_compares)
{
	static const struct reg_insn insns[] = {
		{ "fcom st1", 0xd8, 0xd1, 0 }, { "fcomp st1", 0xd8, 0xd9, 0 },
		{ "fucom st1", 0xdd, 0xe1, 0 }, { "fucomp st1", 0xdd, 0xe9, 0 },
		{ "fcompp", 0xde, 0xd9, 0 }, { "fucompp", 0xda, 0xe9, 0 },
		{ "fcomi st1", 0xdb, 0xf1, 0 }, { "fucomi st1", 0xdb, 0xe9, 0 },
		{ "fcomip st1", 0xdf, 0xf1, 0 }, { "fucomip st1", 0xdf, 0xe9, 0 },
		{ "fcom st2", 0xd8, 0xd2, 0 }, { "fucomi st7", 0xdb, 0xef, 0 },
	};
	static const uint8_t fulls[] = { 1, 3 };

	expect_no_failures("register compares",
			   register_cases(insns, COUNT(insns), all_rc, 1, fulls, COUNT(fulls), true));
}

/* Register forms of every ST(i), over stacks from empty to full: FLD,
 * FXCH, FST, FSTP, FFREE, FFREEP, FCMOVcc (under every flag combination),
 * the arithmetic into ST(i), FINCSTP, FDECSTP, FNOP. */
Test(fpu_vs_host, every_register)
{
	static const struct reg_insn rows[] = {
		{ "fld st(i)", 0xd9, 0xc0, 0 }, { "fxch st(i)", 0xd9, 0xc8, 0 },
		{ "fst st(i)", 0xdd, 0xd0, 0 }, { "fstp st(i)", 0xdd, 0xd8, 0 },
		{ "ffree st(i)", 0xdd, 0xc0, 0 }, { "ffreep st(i)", 0xdf, 0xc0, 0 },
		{ "fcmovb", 0xda, 0xc0, 0 }, { "fcmove", 0xda, 0xc8, 0 },
		{ "fcmovbe", 0xda, 0xd0, 0 }, { "fcmovu", 0xda, 0xd8, 0 },
		{ "fcmovnb", 0xdb, 0xc0, 0 }, { "fcmovne", 0xdb, 0xc8, 0 },
		{ "fcmovnbe", 0xdb, 0xd0, 0 }, { "fcmovnu", 0xdb, 0xd8, 0 },
		{ "fadd st(i),st", 0xdc, 0xc0, CC_ARITH }, { "faddp st(i),st", 0xde, 0xc0, CC_ARITH },
		{ "fmul st,st(i)", 0xd8, 0xc8, CC_ARITH }, { "fcom st(i)", 0xd8, 0xd0, 0 },
	};
	static const uint8_t flag_sets[] = { 0x00, 0x01, 0x04, 0x40, 0x45 };
	static const struct reg_insn others[] = {
		{ "fincstp", 0xd9, 0xf7, CC_ARITH }, { "fdecstp", 0xd9, 0xf6, CC_ARITH },
		{ "fnop", 0xd9, 0xd0, 0 },
	};
	unsigned cases = 0;

	for (unsigned full = 0; full <= 8; full++) {
		for (size_t n = 0; n < COUNT(rows); n++)
			for (unsigned i = 0; i < 8; i++)
				for (size_t f = 0; f < sizeof(flag_sets); f++) {
					struct state s = state2(values[9], values[10], full, cw_rc(0));
					uint8_t insn[2] = { rows[n].op, rows[n].modrm + i };

					s.flags = flag_sets[f];
					check(rows[n].name, insn, 2, &s, NULL, 0, rows[n].undefined);
					cases++;
				}
		for (size_t n = 0; n < COUNT(others); n++) {
			struct state s = state2(values[9], values[10], full, cw_rc(0));

			check(others[n].name, &others[n].op, 2, &s, NULL, 0, others[n].undefined);
			cases++;
		}
	}
	expect_no_failures("every register", cases);
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: rounded by RC since the
 * 387; and onto a full stack. */
Test(fpu_vs_host, constants)
{
	static const uint8_t full[] = { 0, 7, 8 };
	unsigned cases = 0;

	for (uint8_t modrm = 0xe8; modrm <= 0xee; modrm++)
		for (unsigned rc = 0; rc < 4; rc++)
			for (size_t f = 0; f < sizeof(full); f++) {
				struct state s = state2(values[6], values[7], full[f], cw_rc(rc));
				uint8_t insn[2] = { 0xd9, modrm };

				check("fld constant", insn, 2, &s, NULL, 0, CC_ARITH);
				cases++;
			}
	expect_no_failures("constants", cases);
}

/* ---- memory forms ---- */

/* OP /REG with its memory operand at D_OPERAND(%ebx), a 32-bit displacement;
 * LEAD, when not 0, goes first: a prefix, or 0F of a two-byte opcode. */
static size_t mem_insn(uint8_t *insn, uint8_t lead, uint8_t op, unsigned reg)
{
	size_t n = 0;

	if (lead)
		insn[n++] = lead;
	insn[n++] = op;
	insn[n++] = 0x83 | reg << 3;
	insn[n++] = D_OPERAND & 0xff;
	insn[n++] = D_OPERAND >> 8;
	insn[n++] = 0;
	insn[n++] = 0;
	return n;
}

static const uint32_t f32s[] = {
	0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x3f800000, 0xbfc00000, 0x40490fdb,
	0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00001, 0x7f800001, 0xffffffff, 0xffc00000,
};
static const uint64_t f64s[] = {
	0, 1ull << 63, 1, 0x800fffffffffffffull, 0x0010000000000000ull, 0x3ff0000000000000ull,
	0xbff8000000000000ull, 0x400921fb54442d18ull, 0x7fefffffffffffffull,
	0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000001ull,
	0x7ff0000000000001ull, 0x7ff7ffffffffffffull, 0xfff8000000000000ull,
};
static const uint16_t i16s[] = { 0, 1, 0xffff, 0x7fff, 0x8000, 1234 };
static const uint32_t i32s[] = { 0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 123456789 };
static const uint64_t i64s[] = {
	0, 1, ~0ull, 0x7fffffffffffffffull, 1ull << 63, 0x0123456789abcdefull, 1ull << 53 | 1,
};
/* Packed BCD: 0, -0, 999..9 (18 nines), -123, and a digit that is not one. */
static const uint8_t bcds[][10] = {
	{ 0 }, { [9] = 0x80 },
	{ 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0 },
	{ 0x23, 0x01, [9] = 0x80 },
	{ 0x4a, 0x12, [9] = 0 },
};

/* A memory operand of a format, as bytes. */
struct mem_value {
	uint8_t b[10];
	size_t len;
};

#define NMEMVALUES 16

static size_t mem_values(enum fpu_format fmt, struct mem_value out[NMEMVALUES])
{
	size_t n = 0;

#define COLLECT(array, size)                                                            \
	for (size_t k = 0; k < COUNT(array) && n < NMEMVALUES; k++) { \
		memset(out[n].b, 0, 10);                                                \
		memcpy(out[n].b, &array[k], size);                                     \
		out[n++].len = size;                                                    \
	}
	switch (fmt) {
	case FMT_F32: COLLECT(f32s, 4); break;
	case FMT_F64: COLLECT(f64s, 8); break;
	case FMT_I16: COLLECT(i16s, 2); break;
	case FMT_I32: COLLECT(i32s, 4); break;
	case FMT_I64: COLLECT(i64s, 8); break;
	case FMT_BCD: COLLECT(bcds, 10); break;
	case FMT_F80:
		for (size_t k = 0; k < NVALUES && n < NMEMVALUES; k++, n++) {
			memcpy(out[n].b, &values[k].m, 8);
			memcpy(out[n].b + 8, &values[k].se, 2);
			out[n].len = 10;
		}
		break;
	}
#undef COLLECT
	return n;
}

/* D8, DA, DC, DE /0-/7 with memory: ST(0) op m32real, m32int, m64real, m16int. */
Test(fpu_vs_host, memory_arithmetic)
{
	static const struct { uint8_t op; enum fpu_format fmt; } rows[] = {
		{ 0xd8, FMT_F32 }, { 0xda, FMT_I32 }, { 0xdc, FMT_F64 }, { 0xde, FMT_I16 },
	};
	static const char *const names[8] = { "fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr",
					      "fdiv", "fdivr" };
	struct mem_value m[NMEMVALUES];
	unsigned cases = 0;

	for (size_t r = 0; r < 4; r++) {
		size_t nm = mem_values(rows[r].fmt, m);

		for (unsigned reg = 0; reg < 8; reg++)
			for (unsigned rc = 0; rc < 4; rc += 3)
				for (size_t a = 0; a < NVALUES; a++)
					for (size_t k = 0; k < nm; k++) {
						struct state s = state2(values[a], values[0], 1 + (k & 1), cw_rc(rc));
						uint8_t insn[8];
						size_t len = mem_insn(insn, 0, rows[r].op, reg);

						check(names[reg], insn, len, &s, m[k].b, m[k].len,
						      reg == 2 || reg == 3 ? 0 : CC_ARITH);
						cases++;
					}
	}
	expect_no_failures("memory arithmetic", cases);
}

/* FLD, FILD, FBLD of every format, onto a stack with room and onto a full one. */
Test(fpu_vs_host, loads)
{
	static const struct { const char *name; uint8_t op, reg; enum fpu_format fmt; } insns[] = {
		{ "flds", 0xd9, 0, FMT_F32 }, { "fldl", 0xdd, 0, FMT_F64 }, { "fldt", 0xdb, 5, FMT_F80 },
		{ "filds", 0xdf, 0, FMT_I16 }, { "fildl", 0xdb, 0, FMT_I32 }, { "fildll", 0xdf, 5, FMT_I64 },
		{ "fbld", 0xdf, 4, FMT_BCD },
	};
	static const uint8_t full[] = { 0, 7, 8 };
	struct mem_value m[NMEMVALUES];
	unsigned cases = 0;

	for (size_t n = 0; n < COUNT(insns); n++) {
		size_t nm = mem_values(insns[n].fmt, m);

		for (size_t f = 0; f < sizeof(full); f++)
			for (size_t k = 0; k < nm; k++) {
				struct state s = state2(values[6], values[7], full[f], cw_rc(0));
				uint8_t insn[8];
				size_t len = mem_insn(insn, 0, insns[n].op, insns[n].reg);

				check(insns[n].name, insn, len, &s, m[k].b, m[k].len, CC_ARITH);
				cases++;
			}
	}
	expect_no_failures("loads", cases);
}

/* FST, FSTP, FIST, FISTP, FBSTP of every value, in every rounding mode and
 * precision control, and from an empty stack. */
Test(fpu_vs_host, stores)
{
	static const struct { const char *name; uint8_t op, reg; } insns[] = {
		{ "fsts", 0xd9, 2 }, { "fstps", 0xd9, 3 }, { "fstl", 0xdd, 2 }, { "fstpl", 0xdd, 3 },
		{ "fstpt", 0xdb, 7 }, { "fists", 0xdf, 2 }, { "fistps", 0xdf, 3 },
		{ "fistl", 0xdb, 2 }, { "fistpl", 0xdb, 3 }, { "fistpll", 0xdf, 7 },
		{ "fbstp", 0xdf, 6 },
	};
	static const struct x80 more[] = {
		{ 0xc000000000000000, 0x4000 },  /* 3: 1.5 * 2 */
		{ 0xa000000000000000, 0x4000 },  /* 2.5: ties go to even */
		{ 0xfffffffffffffffe, 0x403f },  /* just below 2^64 */
		{ 0xde0b6b3a763ffffe, 0x403a },  /* 10^18 - 1 with a fraction: BCD's edge */
		{ 0xde0b6b3a76400000, 0x403a },  /* 10^18 */
		{ 0xfffe000000000000, 0x400d },  /* 32767.0 */
		{ 0x8000800000000000, 0x400e },  /* 32768.5 */
		{ 0x8000000000000001, 0xc01e },  /* -2^31 - a little */
		{ 0xffffff8000000000, 0x407e },  /* largest single */
		{ 0xffffffc000000000, 0x407e },  /* rounds to infinity in a single */
		{ 0x8000000000000000, 0x3f6a },  /* a single's smallest denormal */
	};
	unsigned cases = 0;

	for (size_t n = 0; n < COUNT(insns); n++)
		for (size_t c = 0; c < COUNT(all_rc); c++)
			for (size_t a = 0; a < NVALUES + COUNT(more); a++)
				for (unsigned full = 0; full <= 1; full++) {
					struct x80 v = a < NVALUES ? values[a] : more[a - NVALUES];
					struct state s = state2(v, values[6], full, all_rc[c]);
					uint8_t insn[8];
					size_t len = mem_insn(insn, 0, insns[n].op, insns[n].reg);

					check(insns[n].name, insn, len, &s, NULL, 0, CC_ARITH);
					cases++;
				}
	expect_no_failures("stores", cases);
}

/* ---- control instructions and the saved images ---- */

/*
 * An environment image of field width W (2: 14 bytes, 4: 28 bytes) at AT,
 * then, for FNSAVE, the registers: the pointers relative to the code and
 * the data, the selectors not at all.  A pointer the host left 0 is not
 * compared either: AMD's FXSAVE stores them only with an exception pending.
 */
static void compare_pointer(const char *name, const char *desc, const char *what, unsigned at,
			    const uint8_t *h, const uint8_t *g, unsigned w, uint32_t host_base,
			    uint32_t guest_base)
{
	uint32_t mask = w == 4 ? ~0u : 0xffff, hp = rd32(h + at) & mask, gp = rd32(g + at) & mask;

	if (hp && ((hp - host_base) & mask) != ((gp - guest_base) & mask))
		report(name, desc, what, at, h + at, g + at, w);
}

static void compare_env(const char *name, const char *desc, unsigned at, const uint8_t *h,
			const uint8_t *g, unsigned w, unsigned regs)
{
	compare_bytes(name, desc, "saved FCW FSW FTW", at, h, g, 3 * w);
	compare_pointer(name, desc, "saved FIP", at + 3 * w, h, g, w,
			(uint32_t)(uintptr_t)host_page, CODE);
	if (w == 4)
		compare_bytes(name, desc, "saved FOP", at + 18, h, g, 2);
	compare_pointer(name, desc, "saved FDP", at + 5 * w, h, g, w, (uint32_t)(uintptr_t)h, DATA);
	for (unsigned k = 0; k < regs; k++)
		compare_bytes(name, desc, "saved register", at + 7 * w + 10 * k, h, g, 10);
}

/* Run INSN after an instruction with a memory operand (so FIP, FOP and FDP
 * hold something), from state S, with IMAGE as the memory operand. */
static void check_control(const char *name, const uint8_t *insn, size_t len, const struct state *s,
			  const uint8_t *image, size_t image_len, unsigned env_width, unsigned regs)
{
	static _Alignas(64) uint8_t host[D_SIZE], guest[D_SIZE];
	uint8_t both[32];
	struct code c;
	char desc[192];

	/* fsts D_OPERAND+0x1f0(%ebx), so that the pointers point somewhere */
	both[0] = 0xd9;
	both[1] = 0x93;
	both[2] = (D_OPERAND + 0x1f0) & 0xff;
	both[3] = (D_OPERAND + 0x1f0) >> 8;
	both[4] = both[5] = 0;
	memcpy(both + 6, insn, len);
	c = wrap(both, 6 + len);
	memset(host, 0xa5, D_SIZE);
	put_state(host, s);
	if (image_len)
		memcpy(host + D_OPERAND, image, image_len);
	memcpy(guest, host, D_SIZE);
	describe(desc, sizeof(desc), s, image, image_len < 16 ? image_len : 16);
	host_run(&c, host);
	guest_run(&c, guest, name);
	compare_image(name, desc, "state", D_RESULT, host, guest, 0);
	compare_bytes(name, desc, "EAX", D_EAX, host, guest, 4);
	if (env_width)
		compare_env(name, desc, D_OPERAND, host, guest, env_width, regs);
	else
		compare_bytes(name, desc, "memory", D_OPERAND, host, guest, image_len);
}

/* A state with some flags raised (masked) and registers of every class. */
static struct state busy_state(uint16_t cw, unsigned full)
{
	struct state s = state2(values[9], values[18], full, cw);

	s.st[2] = values[2];
	s.st[3] = values[21];
	s.st[4] = values[23];
	s.st[5] = values[0];
	return s;
}

Test(fpu_vs_host, control_words)
{
	static const uint16_t cws[] = { 0x037f, 0x0000, 0xffff, 0x1e7f, 0x0c72, 0x037e };
	static const uint8_t fnstsw_ax[] = { 0xdf, 0xe0 }, fnclex[] = { 0xdb, 0xe2 },
		fninit[] = { 0xdb, 0xe3 }, feni[] = { 0xdb, 0xe0 }, fdisi[] = { 0xdb, 0xe1 },
		fsetpm[] = { 0xdb, 0xe4 };
	unsigned cases = 0;

	for (unsigned full = 0; full <= 8; full += 4) {
		/* Every flag raised and masked; FLDCW may unmask some: pending, not taken. */
		struct state s = busy_state(0x037f, full);
		uint8_t insn[8];
		size_t len;

		check_control("fnstsw ax", fnstsw_ax, 2, &s, NULL, 0, 0, 0);
		check_control("fnclex", fnclex, 2, &s, NULL, 0, 0, 0);
		check_control("fninit", fninit, 2, &s, NULL, 0, 0, 0);
		check_control("feni", feni, 2, &s, NULL, 0, 0, 0);
		check_control("fdisi", fdisi, 2, &s, NULL, 0, 0, 0);
		check_control("fsetpm", fsetpm, 2, &s, NULL, 0, 0, 0);
		len = mem_insn(insn, 0, 0xdd, 7);
		check_control("fnstsw m16", insn, len, &s, NULL, 0, 0, 0);
		len = mem_insn(insn, 0, 0xd9, 7);
		check_control("fnstcw", insn, len, &s, NULL, 0, 0, 0);
		cases += 8;
		for (size_t k = 0; k < COUNT(cws); k++) {
			len = mem_insn(insn, 0, 0xd9, 5);
			check_control("fldcw", insn, len, &s, (const uint8_t *)&cws[k], 2, 0, 0);
			cases++;
		}
	}
	expect_no_failures("control words", cases);
}

/* What the host's FNSAVE, or FXSAVE with LEAD 0F, stores from state S. */
static void host_saved_image(const struct state *s, uint8_t lead, uint8_t *out, size_t len)
{
	static _Alignas(64) uint8_t data[D_SIZE];
	uint8_t insn[8];
	struct code c;

	memset(data, 0, D_SIZE);
	put_state(data, s);
	c = wrap(insn, mem_insn(insn, lead, lead == 0x0f ? 0xae : 0xdd, lead == 0x0f ? 0 : 6));
	host_run(&c, data);
	memcpy(out, data + D_OPERAND, len);
}

/* Tags other than "empty" replaced by others: only empty or not counts when
 * a tag word is loaded (SDM Vol. 1, 8.1.7). */
static void scramble_tags(uint8_t *tw)
{
	uint16_t t = tw[0] | tw[1] << 8;

	for (unsigned p = 0; p < 8; p++)
		if (((t >> (2 * p)) & 3) != 3)
			t = (t & ~(3u << (2 * p))) | (p % 3) << (2 * p);
	tw[0] = t;
	tw[1] = t >> 8;
}

Test(fpu_vs_host, environment_and_state)
{
	/* 66: a 16-bit operand size, the 14-byte environment (SDM Vol. 1, 8.1.10). */
	static const struct { const char *store, *load; uint8_t prefix, op; unsigned width, regs; } insns[] = {
		{ "fnstenv", "fldenv", 0, 0xd9, 4, 0 }, { "fnstenv16", "fldenv16", 0x66, 0xd9, 2, 0 },
		{ "fnsave", "frstor", 0, 0xdd, 4, 8 }, { "fnsave16", "frstor16", 0x66, 0xdd, 2, 8 },
	};
	unsigned cases = 0;

	for (unsigned full = 0; full <= 8; full += 2)
		for (size_t n = 0; n < COUNT(insns); n++) {
			struct state s = busy_state(0x0b7f ^ full, full), other = busy_state(0x037f, 8 - full);
			unsigned w = insns[n].width;
			size_t size = 7 * w + 10 * insns[n].regs;
			uint8_t insn[8], image[108];
			size_t len = mem_insn(insn, insns[n].prefix, insns[n].op, 6);

			check_control(insns[n].store, insn, len, &s, NULL, 0, w, insns[n].regs);
			host_saved_image(&other, insns[n].prefix, image, size);
			scramble_tags(image + 2 * w);
			len = mem_insn(insn, insns[n].prefix, insns[n].op, 4);
			check_control(insns[n].load, insn, len, &s, image, size, 0, 0);
			cases += 2;
		}
	expect_no_failures("environment and state", cases);
}

/* The FXSAVE image: pointers relative, the SSE part (MXCSR at 24, XMM from
 * 160) not at all: this processor has none. */
static void compare_fxsave(const char *name, const char *desc, const uint8_t *h, const uint8_t *g)
{
	unsigned at = D_OPERAND;

	compare_bytes(name, desc, "FCW FSW FTW", at, h, g, 6);
	if (rd16(h + at + 6))
		compare_bytes(name, desc, "FOP", at + 6, h, g, 2);
	compare_pointer(name, desc, "FIP", at + 8, h, g, 4, (uint32_t)(uintptr_t)host_page, CODE);
	compare_pointer(name, desc, "FDP", at + 16, h, g, 4, (uint32_t)(uintptr_t)h, DATA);
	compare_bytes(name, desc, "registers", at + 32, h, g, 128);
}

Test(fpu_vs_host, fxsave_and_fxrstor)
{
	static _Alignas(64) uint8_t host[D_SIZE], guest[D_SIZE];
	unsigned cases = 0;

	for (unsigned full = 0; full <= 8; full++) {
		struct state s = busy_state(0x077f, full), other = busy_state(0x0f7f, 8 - full);
		uint8_t insn[8], image[512];
		size_t len = mem_insn(insn, 0x0f, 0xae, 0);
		struct code c = wrap(insn, len);
		char desc[192];

		memset(host, 0xa5, D_SIZE);
		put_state(host, &s);
		memcpy(guest, host, D_SIZE);
		describe(desc, sizeof(desc), &s, NULL, 0);
		host_run(&c, host);
		guest_run(&c, guest, "fxsave");
		compare_image("fxsave", desc, "state", D_RESULT, host, guest, 0);
		compare_fxsave("fxsave", desc, host, guest);

		host_saved_image(&other, 0x0f, image, sizeof(image));
		image[4] ^= full * 0x11;  /* the abridged tags: one bit a register */
		len = mem_insn(insn, 0x0f, 0xae, 1);
		check_control("fxrstor", insn, len, &s, image, sizeof(image), 0, 0);
		cases += 2;
	}
	expect_no_failures("fxsave and fxrstor", cases);
}
