/*
 * tests/unit/decode_length.c - instruction lengths from decode_insn()
 * against GNU objdump, and against a table of encodings from the SDM.
 *
 * Corpus: the 32-bit C library (gcc-multilib's /usr/lib32/libc.so.6) and
 * the teaching guests of the build directory when they exist.  objdump
 * disassembles them; every instruction it reports is decoded by glassvm
 * from the same bytes, and the two lengths must agree.  The same bytes are
 * also disassembled as 16-bit code (objdump -M i8086), which exercises the
 * 16-bit ModRM forms and the 66/67 prefixes the other way round.
 *
 * Skipped, and counted (see skip_reason()):
 *   - lines objdump itself calls "(bad)";
 *   - 0F xx opcodes glassvm's map does not have at all (no handler, no
 *     ModRM: SSE/MMX, 0F 38/0F 3A, SYSENTER...): glassvm decodes those as a
 *     2-byte #UD, whatever their real length;
 *   - VEX (C4/C5), EVEX (62) and XOP (8F) encodings, which in 32-bit code
 *     hide behind LES, LDS, BOUND and POP Ev with a register operand;
 *     glassvm runs them as those (or as #UD), not as vector instructions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/decode.h"

#define LIBC32 "/usr/lib32/libc.so.6"

/* One instruction as objdump printed it. */
struct dis_insn {
	uint32_t addr;
	uint32_t off;     /* of its first byte in corpus.bytes */
	uint32_t run_end; /* end of the contiguous bytes it belongs to */
	uint8_t len;
	bool bad;         /* objdump said "(bad)" */
};

struct corpus {
	uint8_t *bytes;
	size_t nbytes, cap_bytes;
	struct dis_insn *insns;
	size_t ninsns, cap_insns;
};

static void add_byte(struct corpus *c, uint8_t b)
{
	if (c->nbytes == c->cap_bytes) {
		c->cap_bytes = c->cap_bytes ? 2 * c->cap_bytes : 1 << 20;
		c->bytes = realloc(c->bytes, c->cap_bytes);
		cr_assert_not_null(c->bytes);
	}
	c->bytes[c->nbytes++] = b;
}

static struct dis_insn *add_insn(struct corpus *c)
{
	if (c->ninsns == c->cap_insns) {
		c->cap_insns = c->cap_insns ? 2 * c->cap_insns : 1 << 16;
		c->insns = realloc(c->insns, c->cap_insns * sizeof(*c->insns));
		cr_assert_not_null(c->insns);
	}
	return &c->insns[c->ninsns++];
}

/* Close the current run of contiguous bytes: its instructions may look
 * ahead up to its end, not into the next run. */
static void end_run(struct corpus *c, size_t first)
{
	for (size_t k = first; k < c->ninsns; k++)
		c->insns[k].run_end = c->nbytes;
}

/* Parse "  addr:\tbytes\tmnemonic operands" lines.  Without -w objdump
 * wraps a long instruction onto lines with an address and bytes only:
 * those continue the previous instruction. */
static void parse_objdump(FILE *f, struct corpus *c)
{
	char line[4096];
	size_t run_start = c->ninsns;
	uint32_t next_addr = 0;
	bool in_run = false;

	while (fgets(line, sizeof(line), f)) {
		char *p = line, *tab1, *tab2;
		unsigned long addr;
		struct dis_insn *in;
		bool cont;

		while (*p == ' ')
			p++;
		addr = strtoul(p, &tab1, 16);
		if (tab1 == p || tab1[0] != ':' || tab1[1] != '\t') {
			/* A section or symbol header, "...", a blank line. */
			if (strstr(line, "...") || strncmp(line, "Disassembly", 11) == 0) {
				end_run(c, run_start);
				run_start = c->ninsns;
				in_run = false;
			}
			continue;
		}
		if (in_run && addr != next_addr) {
			end_run(c, run_start);
			run_start = c->ninsns;
		}
		tab1 += 2;
		tab2 = strchr(tab1, '\t');
		cont = tab2 == NULL && c->ninsns > run_start;
		if (cont) {
			in = &c->insns[c->ninsns - 1];
		} else {
			in = add_insn(c);
			*in = (struct dis_insn){ .addr = addr, .off = c->nbytes };
			/* "(bad)", or ".byte" where an instruction would
			 * run into the next symbol: not an instruction. */
			in->bad = tab2 && (strstr(tab2, "(bad)") || strstr(tab2, ".byte"));
		}
		for (char *b = tab1; b && *b && b != tab2;) {
			char *e;
			unsigned long v = strtoul(b, &e, 16);

			if (e == b)
				break;
			add_byte(c, v);
			in->len++;
			b = e;
			while (*b == ' ')
				b++;
		}
		next_addr = in->addr + in->len;
		in_run = true;
		/* FWAIT (9B) is an instruction of its own (SDM: WAIT/FWAIT), but
		 * objdump sometimes prints it together with the x87 instruction
		 * that follows: split them. */
		if (tab2 && in->len > 1 && c->bytes[in->off] == 0x9b) {
			struct dis_insn *rest = add_insn(c);

			in = rest - 1;  /* add_insn() may have moved the array */
			*rest = (struct dis_insn){ .addr = in->addr + 1, .off = in->off + 1,
						   .len = in->len - 1, .bad = in->bad };
			in->len = 1;
			in->bad = false;
		}
	}
	end_run(c, run_start);
}

static bool load_corpus(const char *file, bool code32, struct corpus *c)
{
	char cmd[512];
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "LC_ALL=C objdump -d -w -M %s '%s' 2>/dev/null",
		 code32 ? "i386" : "i8086", file);
	f = popen(cmd, "r");
	if (!f)
		return false;
	parse_objdump(f, c);
	st = pclose(f);
	return st == 0;
}

enum skip { SKIP_NONE, SKIP_BAD, SKIP_UNMAPPED_0F, SKIP_VEX, SKIP_NO_HANDLER, NR_SKIPS };

static const char *const skip_names[NR_SKIPS] = {
	"checked", "not an instruction for objdump", "0F xx not in glassvm's map",
	"VEX/EVEX/XOP", "other #UD in glassvm",
};

static bool is_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
	       b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

/* Why an instruction is not compared (see the header comment). */
static enum skip skip_reason(const uint8_t *p, unsigned len, bool bad)
{
	unsigned k = 0;

	if (bad)
		return SKIP_BAD;
	while (k < len && is_prefix(p[k]))
		k++;
	/* A lone prefix: objdump prints one when what follows it would cross
	 * into the next symbol (and then prints that as ".byte"). */
	if (k == len)
		return SKIP_BAD;
	if (k + 1 >= len)
		return SKIP_NONE;
	if (p[k] == 0x0f) {
		const struct opdesc *d = &opcode_map2[p[k + 1]];

		if (!d->fns && !d->group && !(d->fmt & F_MODRM))
			return SKIP_UNMAPPED_0F;
	}
	/* A "register" operand of LES/LDS/BOUND makes a VEX/EVEX prefix;
	 * 8F with ModRM.reg != 0 is XOP. */
	if ((p[k] == 0xc4 || p[k] == 0xc5 || p[k] == 0x62) && (p[k + 1] >> 6) == 3)
		return SKIP_VEX;
	if (p[k] == 0x8f && ((p[k + 1] >> 3) & 7) != 0)
		return SKIP_VEX;
	return SKIP_NONE;
}

struct tally {
	unsigned long n[NR_SKIPS];
	unsigned long mismatches;
};

static void check_corpus(const struct corpus *c, bool code32, struct tally *t)
{
	for (size_t k = 0; k < c->ninsns; k++) {
		const struct dis_insn *in = &c->insns[k];
		const uint8_t *p = c->bytes + in->off;
		enum skip why = skip_reason(p, in->len, in->bad);
		const struct opdesc *d = NULL;
		enum decode_result res;
		struct insn i;

		if (why != SKIP_NONE) {
			t->n[why]++;
			continue;
		}
		/* glassvm may read as far as the bytes go on; objdump's
		 * instruction must end where glassvm's does. */
		res = decode_insn(p, in->run_end - in->off, code32, &i, &d);
		/* An opcode glassvm has no handler for raises #UD before its
		 * length is used: the fault reports its first byte, and a block
		 * ends at it.  (XBEGIN/XABORT, C7/C6 /7, are the ones in libc.) */
		if (res == DECODE_OK && d && !d->fns) {
			t->n[SKIP_NO_HANDLER]++;
			continue;
		}
		t->n[SKIP_NONE]++;
		if (res != DECODE_OK || i.len != in->len) {
			if (t->mismatches++ < 20) {
				char hex[3 * 16 + 1] = "";
				for (unsigned b = 0; b < in->len && b < 16; b++)
					sprintf(hex + 3 * b, "%02x ", p[b]);
				cr_log_error("%s-bit code at %#x: %s: objdump %u bytes, glassvm %s %u",
					     code32 ? "32" : "16", in->addr, hex, in->len,
					     res == DECODE_OK ? "" : res == DECODE_NEED_MORE
						     ? "NEED_MORE" : "TOO_LONG",
					     res == DECODE_OK ? i.len : 0);
			}
		}
	}
}

static void report(const struct tally *t, const char *what)
{
	char skipped[256] = "";

	for (unsigned k = 1; k < NR_SKIPS; k++)
		snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%lu %s",
			 k > 1 ? ", " : "", t->n[k], skip_names[k]);
	cr_log_info("%s: %lu instructions checked, %lu mismatches; skipped: %s", what,
		    t->n[SKIP_NONE], t->mismatches, skipped);
	/* A corpus that failed to parse must not pass by checking nothing. */
	cr_expect_gt(t->n[SKIP_NONE], 10000, "%s: only %lu instructions checked", what,
		     t->n[SKIP_NONE]);
	cr_expect_eq(t->mismatches, 0, "%s: %lu instruction lengths differ from objdump's",
		     what, t->mismatches);
}

static void run_corpus_test(bool code32)
{
	struct tally t = { { 0 }, 0 };
	struct corpus c = { 0 };
	glob_t g;
	char what[64];

	cr_assert(load_corpus(LIBC32, code32, &c),
		  "objdump -d %s failed (binutils and gcc-multilib are needed)", LIBC32);
	check_corpus(&c, code32, &t);
	/* The guests, when a build made them (the tests run in the build directory). */
	if (glob("guests/*.elf", 0, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct corpus gc = { 0 };

			if (load_corpus(g.gl_pathv[k], code32, &gc))
				check_corpus(&gc, code32, &t);
			free(gc.bytes);
			free(gc.insns);
		}
		globfree(&g);
	}
	snprintf(what, sizeof(what), "%s-bit decode of %s%s", code32 ? "32" : "16", LIBC32,
		 " (+ guests/*.elf)");
	report(&t, what);
	free(c.bytes);
	free(c.insns);
}

Test(decode_length, objdump_corpus_32bit) { run_corpus_test(true); }
Test(decode_length, objdump_corpus_16bit) { run_corpus_test(false); }

/* ------------------------------------------------------------------------
 * Hand-picked encodings; the lengths follow from SDM Vol. 2A, chapter 2
 * (tables 2-1 to 2-3, "instruction format") and the opcode tables of the
 * instructions named.
 */
struct sdm_case {
	bool code32;
	uint8_t len;
	uint8_t nbytes;
	uint8_t bytes[16];
	const char *what;
};

#define C32(n, what, ...) { true, n, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, what }
#define C16(n, what, ...) { false, n, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, what }

static const struct sdm_case sdm_cases[] = {
	/* Operand size: imm16 vs imm32. */
	C32(5, "mov eax, imm32", 0xb8, 0x78, 0x56, 0x34, 0x12),
	C32(4, "66: mov ax, imm16", 0x66, 0xb8, 0x34, 0x12),
	C16(3, "16-bit: mov ax, imm16", 0xb8, 0x34, 0x12),
	C16(6, "16-bit 66: mov eax, imm32", 0x66, 0xb8, 0x78, 0x56, 0x34, 0x12),
	C32(6, "imul eax, eax, imm32", 0x69, 0xc0, 0x78, 0x56, 0x34, 0x12),
	C32(5, "66: imul ax, ax, imm16", 0x66, 0x69, 0xc0, 0x34, 0x12),
	C32(3, "imul eax, eax, imm8", 0x6b, 0xc0, 0x12),
	C32(4, "66: push imm16", 0x66, 0x68, 0x34, 0x12),
	C32(2, "push imm8", 0x6a, 0x12),
	C32(3, "add al, imm8 via 82 (table A-2)", 0x82, 0xc0, 0x05),
	/* Group 3: only TEST (/0) has an immediate. */
	C32(3, "test al, imm8", 0xf6, 0xc0, 0x12),
	C32(6, "test eax, imm32", 0xf7, 0xc0, 0x78, 0x56, 0x34, 0x12),
	C32(5, "66: test ax, imm16", 0x66, 0xf7, 0xc0, 0x34, 0x12),
	C32(2, "not eax", 0xf7, 0xd0),
	C32(2, "div ecx", 0xf7, 0xf1),
	/* Immediates that do not follow the operand size. */
	C32(3, "ret imm16", 0xc2, 0x08, 0x00),
	C32(4, "66: ret imm16", 0x66, 0xc2, 0x08, 0x00),
	C32(4, "enter imm16, imm8", 0xc8, 0x10, 0x00, 0x01),
	C32(4, "bt eax, imm8 (0F BA /4)", 0x0f, 0xba, 0xe0, 0x05),
	C32(4, "shld edx, eax, imm8", 0x0f, 0xa4, 0xc2, 0x05),
	C32(3, "shl al, imm8", 0xc0, 0xe0, 0x05),
	C32(2, "shl eax, 1", 0xd1, 0xe0),
	C32(2, "int 0x80", 0xcd, 0x80),
	C32(2, "in al, imm8", 0xe4, 0x60),
	C32(2, "aam imm8", 0xd4, 0x0a),
	C32(2, "aad imm8", 0xd5, 0x0a),
	/* Relative and far branches. */
	C32(5, "call rel32", 0xe8, 0x78, 0x56, 0x34, 0x12),
	C32(4, "66: call rel16", 0x66, 0xe8, 0x34, 0x12),
	C32(6, "je rel32", 0x0f, 0x84, 0x78, 0x56, 0x34, 0x12),
	C32(5, "66: je rel16", 0x66, 0x0f, 0x84, 0x34, 0x12),
	C32(2, "jecxz rel8", 0xe3, 0x05),
	C32(3, "67: jcxz rel8", 0x67, 0xe3, 0x05),
	C32(7, "jmp ptr16:32", 0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	C32(6, "66: jmp ptr16:16", 0x66, 0xea, 0x34, 0x12, 0x08, 0x00),
	C32(7, "call ptr16:32", 0x9a, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	C16(5, "16-bit: jmp ptr16:16", 0xea, 0x34, 0x12, 0x00, 0xf0),
	C16(8, "16-bit 66: jmp ptr16:32", 0x66, 0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	C16(3, "16-bit: call rel16", 0xe8, 0x34, 0x12),
	/* 32-bit ModRM and SIB (tables 2-2, 2-3). */
	C32(6, "mov eax, [disp32] (mod 00 r/m 101)", 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12),
	C32(7, "mov eax, [disp32] (SIB, no base, no index)", 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12),
	C32(7, "mov eax, [ecx*4 + disp32] (SIB, no base)", 0x8b, 0x04, 0x8d, 0x78, 0x56, 0x34, 0x12),
	C32(4, "mov eax, [ebp + ecx*4 + disp8]", 0x8b, 0x44, 0x8d, 0x12),
	C32(3, "mov eax, [esp] (SIB)", 0x8b, 0x04, 0x24),
	C32(7, "mov eax, [esp + disp32]", 0x8b, 0x84, 0x24, 0x78, 0x56, 0x34, 0x12),
	C32(3, "mov eax, [ebp + disp8]", 0x8b, 0x45, 0x00),
	C32(10, "mov dword [disp32], imm32", 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4),
	C32(11, "mov dword [eax*2 + disp32], imm32", 0xc7, 0x04, 0x45, 0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4),
	/* 16-bit ModRM (table 2-1), by default or with 67. */
	C32(3, "67: mov eax, [bx]", 0x67, 0x8b, 0x07),
	C32(5, "67: mov eax, [disp16] (mod 00 r/m 110)", 0x67, 0x8b, 0x06, 0x34, 0x12),
	C32(4, "67: mov eax, [bp + disp8]", 0x67, 0x8b, 0x46, 0x12),
	C32(5, "67: mov eax, [bx + disp16]", 0x67, 0x8b, 0x87, 0x34, 0x12),
	C32(3, "67: mov eax, [si] (r/m 100 is no SIB)", 0x67, 0x8b, 0x04),
	C16(3, "16-bit: mov ax, [bp + disp8]", 0x8b, 0x46, 0x02),
	C16(4, "16-bit: mov ax, [disp16]", 0x8b, 0x06, 0x34, 0x12),
	C16(4, "16-bit: mov ax, [bx + si + disp16]", 0x8b, 0x80, 0x34, 0x12),
	C16(6, "16-bit: mov word [disp16], imm16", 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56),
	C16(5, "16-bit 67: mov ax, [esp + disp8] (SIB)", 0x67, 0x8b, 0x44, 0x24, 0x04),
	C16(7, "16-bit 67: mov ax, [disp32]", 0x67, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12),
	/* moffs: the address size decides (MOV A0-A3). */
	C32(5, "mov eax, moffs32", 0xa1, 0x78, 0x56, 0x34, 0x12),
	C32(4, "67: mov eax, moffs16", 0x67, 0xa1, 0x34, 0x12),
	C32(5, "66 67: mov moffs16, ax", 0x66, 0x67, 0xa3, 0x34, 0x12),
	C16(3, "16-bit: mov ax, moffs16", 0xa1, 0x34, 0x12),
	C16(6, "16-bit 67: mov ax, moffs32", 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12),
	C32(5, "mov al, moffs32 (the operand size does not matter)", 0xa0, 0x78, 0x56, 0x34, 0x12),
	/* MOV to/from control and debug registers: "the 2 bits in the mod
	 * field are ignored" (SDM: MOV--Move to/from Control Registers). */
	C32(3, "mov eax, cr0", 0x0f, 0x20, 0xc0),
	C32(3, "mov eax, cr0 with mod 01 (ignored)", 0x0f, 0x20, 0x40),
	C32(3, "mov cr0, eax with mod 10 (ignored)", 0x0f, 0x22, 0x80),
	C32(3, "mov eax, dr0 with mod 00 (ignored)", 0x0f, 0x21, 0x00),
	C32(3, "mov dr7, edi with mod 01 (ignored)", 0x0f, 0x23, 0x7f),
	/* Assorted 0F opcodes. */
	C32(2, "ud2", 0x0f, 0x0b),
	C32(2, "bswap eax", 0x0f, 0xc8),
	C32(3, "ltr ax", 0x0f, 0x00, 0xd8),
	C32(3, "xgetbv (0F 01 D0)", 0x0f, 0x01, 0xd0),
	C32(3, "movzx eax, word [esi]", 0x0f, 0xb7, 0x06),
	C32(4, "lock cmpxchg8b [esi]", 0xf0, 0x0f, 0xc7, 0x0e),
	C32(7, "nop dword [eax + eax + disp32] (0F 1F /0)", 0x0f, 0x1f, 0x80, 0, 0, 0, 0),
	/* x87 escapes take a ModRM operand. */
	C32(2, "fld1", 0xd9, 0xe8),
	C32(6, "fld qword [disp32]", 0xdd, 0x05, 0x78, 0x56, 0x34, 0x12),
	C32(1, "fwait (before fnstsw ax: two instructions)", 0x9b, 0xdf, 0xe0),
	/* Prefixes, at most 15 bytes in all (SDM 2.3.11). */
	C32(2, "rep movsd", 0xf3, 0xa5),
	C32(5, "es 66 67 rep movsw", 0x26, 0x66, 0x67, 0xf3, 0xa5),
	C32(15, "14 prefixes and nop", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90),
};

Test(decode_length, sdm_encodings)
{
	unsigned failed = 0;

	for (size_t k = 0; k < sizeof(sdm_cases) / sizeof(sdm_cases[0]); k++) {
		const struct sdm_case *sc = &sdm_cases[k];
		const struct opdesc *d;
		struct insn i;
		uint8_t buf[32];
		enum decode_result res;

		/* NOPs after the instruction, so that a decoder reading too far
		 * shows a wrong length rather than running out of bytes. */
		memset(buf, 0x90, sizeof(buf));
		memcpy(buf, sc->bytes, sc->nbytes);
		res = decode_insn(buf, sizeof(buf), sc->code32, &i, &d);
		if (res != DECODE_OK || i.len != sc->len) {
			failed++;
			if (res == DECODE_OK)
				cr_log_error("%s: want %u bytes, glassvm decodes %u", sc->what,
					     sc->len, i.len);
			else
				cr_log_error("%s: want %u bytes, glassvm fails (%s)", sc->what,
					     sc->len, res == DECODE_TOO_LONG ? "too long" : "need more");
		}
	}
	cr_expect_eq(failed, 0, "%u of %zu SDM encodings decode to the wrong length", failed,
		     sizeof(sdm_cases) / sizeof(sdm_cases[0]));
}

/* An instruction longer than 15 bytes is an error (SDM Vol. 2A, 2.3.11),
 * and a truncated one asks for more bytes. */
Test(decode_length, limits)
{
	uint8_t b[20];
	struct insn i;

	memset(b, 0x66, sizeof(b));
	b[15] = 0x90;  /* 15 prefixes, then the opcode: 16 bytes */
	cr_expect_eq(decode_insn(b, sizeof(b), true, &i, NULL), DECODE_TOO_LONG);
	/* mov eax, imm32 cut after 3 bytes */
	cr_expect_eq(decode_insn((const uint8_t[]){ 0xb8, 1, 2 }, 3, true, &i, NULL),
		     DECODE_NEED_MORE);
	/* a SIB byte that is not there yet */
	cr_expect_eq(decode_insn((const uint8_t[]){ 0x8b, 0x04 }, 2, true, &i, NULL),
		     DECODE_NEED_MORE);
}
