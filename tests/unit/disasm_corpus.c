/*
 * tests/unit/disasm_corpus.c - the disassembler against GNU objdump on
 * real code: every instruction objdump -d -w finds is disassembled by
 * glassvm from the same bytes, at the same address, and the length and the
 * text must be the same.
 *
 * The corpus: the 32-bit C library (gcc-multilib's /usr/lib32/libc.so.6),
 * the teaching guests of the build directory (guests/NAME.elf) and Debian's
 * static i386 busybox, which tests/fetch-corpus.sh puts in the build
 * directory (tests/corpus/busybox).  A missing file is skipped with a note.
 * The C library is also read as 16-bit code (objdump -M i8086): nonsense as
 * a program, but every 16-bit form and 66/67 prefix the other way round.
 *
 * Not compared, and counted:
 *   - what objdump itself calls "(bad)" or ".byte", or a lone prefix;
 *   - what glassvm runs as #UD (SSE, MMX, VEX... and forms an instruction
 *     cannot have, such as segment registers 6 and 7, which objdump shows
 *     as "%?"): glassvm shows "(bad)" for most, and its length means
 *     nothing, since the instruction never completes.
 * Compared by length only, and counted: instructions whose prefix selects
 * an extension glassvm does not have (TZCNT and LZCNT are F3 + BSF/BSR,
 * XACQUIRE/XRELEASE are F2/F3 before a locked instruction); glassvm runs
 * them as a processor without the extension does, and says so.
 *
 * objdump's text is normalized by two rules, each for a stated reason:
 *   - a branch target "8049000 <sym+0x4>" becomes "0x8049000": objdump
 *     names it from the ELF symbol table, glassvm's disasm() has none;
 *   - a branch target is cut to 16 bits with a 16-bit operand size, as the
 *     processor cuts EIP (SDM: Jcc, JMP, CALL "Operation"); objdump shows
 *     the address in the file, which need not be below 64K;
 * and FWAIT, which objdump folds into the x87 instruction after it (naming
 * FNSTSW as FSTSW, and so on), is split off: glassvm runs it as an
 * instruction of its own (SDM: WAIT/FWAIT).
 */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"
#include "cpu/ops.h"

#define LIBC32  "/usr/lib32/libc.so.6"
#define BUSYBOX "tests/corpus/busybox"

enum verdict { CHECKED, NOT_AN_INSN, UD_IN_GLASSVM, LENGTH_ONLY, NR_VERDICTS };

static const char *const verdict_names[NR_VERDICTS] = {
	"checked", "not an instruction to objdump", "#UD in glassvm (SSE, MMX...)",
	"length only (TZCNT, LZCNT, XACQUIRE, XRELEASE)",
};

struct run {
	bool code32;
	enum disasm_syntax syntax;
	unsigned long n[NR_VERDICTS];
	unsigned long mismatches;
};

static bool all_prefixes(const uint8_t *b, unsigned len)
{
	static const uint8_t prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67,
					    0xf0, 0xf2, 0xf3 };

	for (unsigned k = 0; k < len; k++)
		if (!memchr(prefixes, b[k], sizeof(prefixes)))
			return false;
	return true;
}

/* An extension that a prefix selects, which glassvm does not have. */
static bool extension_prefix(const char *text)
{
	static const char *const words[] = { "tzcnt", "lzcnt", "xacquire", "xrelease" };

	for (unsigned k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strstr(text, words[k]))
			return true;
	return false;
}

/* The branch-target rules of the header comment, for a relative branch. */
static void normalize_target(char *text, size_t cap, const struct insn *i)
{
	char *sym = strstr(text, " <");
	char *end = sym ? sym : text + strlen(text);
	char *start = end;
	unsigned long target;

	while (start > text && start[-1] != ' ' && start[-1] != ',')
		start--;
	target = strtoul(start, NULL, 16);
	if (insn_osize(i) == 2)
		target &= 0xffff;
	snprintf(start, cap - (start - text), "0x%lx", target);
}

/* FNSTSW and its kin, as objdump names them when it folds an FWAIT in. */
static void unfold_fwait_name(char *text, size_t cap)
{
	static const char *const waiting[] = { "fstsw", "fstcw", "fclex", "finit", "fstenv", "fsave" };
	char name[16], rest[128] = "";
	int n;

	if (sscanf(text, "%15s %127[^\n]", name, rest) < 1)
		return;
	for (unsigned k = 0; k < sizeof(waiting) / sizeof(waiting[0]); k++) {
		if (strcmp(name, waiting[k]) != 0)
			continue;
		n = snprintf(text, cap, "fn%s", name + 1);
		if (rest[0])  /* objdump pads the mnemonic to 6 */
			snprintf(text + n, cap - n, "%*s%s", n < 6 ? 7 - n : 1, "", rest);
	}
}

static void mismatch(struct run *r, uint32_t addr, const uint8_t *b, unsigned len,
		     const char *want, int got_len, const char *got)
{
	char hex[3 * 16 + 1] = "";

	if (r->mismatches++ >= 20)
		return;
	for (unsigned k = 0; k < len && k < 16; k++)
		sprintf(hex + 3 * k, "%02x ", b[k]);
	cr_log_error("%s %s at %#x: %s: objdump %u \"%s\", glassvm %d \"%s\"",
		     r->code32 ? "32-bit" : "16-bit", r->syntax == DISASM_ATT ? "AT&T" : "Intel",
		     addr, hex, len, want, got_len, got);
}

/* One instruction as objdump printed it: its address, bytes and text. */
static void check_insn(struct run *r, uint32_t addr, const uint8_t *b, unsigned len, char *want,
		       size_t cap)
{
	const struct opdesc *d;
	struct insn i;
	char got[160];
	int got_len;

	if (strstr(want, "(bad)") || strstr(want, ".byte") || all_prefixes(b, len)) {
		r->n[NOT_AN_INSN]++;
		return;
	}
	if ((decode_insn(b, len, r->code32, &i, &d) == DECODE_OK && i.fn == op_ud) ||
	    strchr(want, '?')) {
		r->n[UD_IN_GLASSVM]++;
		return;
	}
	got_len = disasm(b, len, r->code32, addr, r->syntax, got, sizeof(got));
	if (extension_prefix(want)) {
		r->n[LENGTH_ONLY]++;
		if (got_len != (int)len)
			mismatch(r, addr, b, len, want, got_len, got);
		return;
	}
	if (d->operands && d->operands[0] == 'J')
		normalize_target(want, cap, &i);
	r->n[CHECKED]++;
	if (got_len != (int)len || strcmp(got, want) != 0)
		mismatch(r, addr, b, len, want, got_len, got);
}

/* "  8049000:\t55 89 e5 \tpush   %ebp", in a buffer of CAP bytes */
static void check_line(struct run *r, char *line, size_t cap)
{
	char *bytes, *text, *end;
	unsigned long addr = strtoul(line, &end, 16);
	uint8_t b[16];
	unsigned len = 0;

	if (end == line || strncmp(end, ":\t", 2) != 0 || !(text = strchr(end + 2, '\t')))
		return;
	for (bytes = end + 2; len < sizeof(b); b[len++] = strtoul(bytes, &bytes, 16)) {
		while (*bytes == ' ')
			bytes++;
		if (!isxdigit((unsigned char)*bytes))
			break;
	}
	text++;
	for (end = text + strlen(text); end > text && isspace((unsigned char)end[-1]);)
		*--end = '\0';
	if (len > 1 && b[0] == 0x9b) {
		char fwait[] = "fwait";

		check_insn(r, addr, b, 1, fwait, sizeof(fwait));
		unfold_fwait_name(text, cap - (text - line));
		check_insn(r, addr + 1, b + 1, len - 1, text, cap - (text - line));
		return;
	}
	check_insn(r, addr, b, len, text, cap - (text - line));
}

static void check_file(struct run *r, const char *file)
{
	char cmd[512], line[512];
	unsigned long before = r->n[CHECKED];
	FILE *f;

	if (access(file, R_OK) != 0) {
		cr_log_info("%s: not there, skipped%s", file, strcmp(file, BUSYBOX) == 0
			    ? " (tests/fetch-corpus.sh fetches it)" : "");
		return;
	}
	snprintf(cmd, sizeof(cmd), "LC_ALL=C objdump -d -w -M %s%s '%s' 2>/dev/null",
		 r->code32 ? "i386" : "i8086", r->syntax == DISASM_INTEL ? ",intel" : "", file);
	f = popen(cmd, "r");
	cr_assert_not_null(f, "cannot run objdump (binutils)");
	while (fgets(line, sizeof(line), f))
		check_line(r, line, sizeof(line));
	cr_expect_eq(pclose(f), 0, "objdump -d %s failed", file);
	cr_log_info("  %s: %lu instructions checked", file, r->n[CHECKED] - before);
}

static void report(const struct run *r, const char *what, unsigned long min_checked)
{
	char skipped[256] = "";

	for (unsigned k = CHECKED + 1; k < NR_VERDICTS; k++)
		snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%lu %s",
			 k > CHECKED + 1 ? ", " : "", r->n[k], verdict_names[k]);
	cr_log_info("%s: %lu instructions checked, %lu differ; skipped: %s", what, r->n[CHECKED],
		    r->mismatches, skipped);
	/* A corpus that failed to load must not pass by checking nothing. */
	cr_expect_gt(r->n[CHECKED], min_checked, "%s: only %lu instructions checked", what,
		     r->n[CHECKED]);
	cr_expect_eq(r->mismatches, 0, "%s: %lu instructions differ from objdump", what,
		     r->mismatches);
}

/* The whole corpus, 32-bit code. */
static void run_32bit(enum disasm_syntax syntax, const char *what)
{
	struct run r = { .code32 = true, .syntax = syntax };
	glob_t g;

	check_file(&r, LIBC32);
	check_file(&r, BUSYBOX);
	if (glob("guests/*.elf", 0, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++)
			check_file(&r, g.gl_pathv[k]);
		globfree(&g);
	}
	report(&r, what, 20000);
}

Test(disasm_corpus, att_32bit) { run_32bit(DISASM_ATT, "AT&T, 32-bit code"); }
Test(disasm_corpus, intel_32bit) { run_32bit(DISASM_INTEL, "Intel, 32-bit code"); }

Test(disasm_corpus, att_16bit)
{
	struct run r = { .code32 = false, .syntax = DISASM_ATT };

	check_file(&r, LIBC32);
	report(&r, "AT&T, " LIBC32 " as 16-bit code", 20000);
}
