/*
 * tests/unit/fpu_mnemonic.c - fpu_mnemonic() against GNU objdump.
 *
 * Every escape opcode D8-DF with every register ModRM byte (C0-FF), and
 * with every ModRM.reg for a memory operand, is written to a file, which
 * objdump disassembles as 32-bit code; the mnemonic it prints must be
 * fpu_mnemonic()'s.  "(bad)" included: objdump's name for the reserved
 * encodings, which glassvm runs as #UD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/fpu.h"

/* The register forms, then the memory forms as "op reg<<3|5, disp32". */
#define NREG (8 * 64)
#define NMEM (8 * 8)

static size_t write_encodings(FILE *f, uint8_t op[], uint8_t modrm[])
{
	size_t n = 0;

	for (unsigned o = 0xd8; o <= 0xdf; o++)
		for (unsigned m = 0xc0; m <= 0xff; m++, n++) {
			op[n] = o;
			modrm[n] = m;
			fputc(o, f);
			fputc(m, f);
		}
	for (unsigned o = 0xd8; o <= 0xdf; o++)
		for (unsigned reg = 0; reg < 8; reg++, n++) {
			op[n] = o;
			modrm[n] = reg << 3 | 5;
			fputc(o, f);
			fputc(modrm[n], f);
			for (unsigned k = 0; k < 4; k++)
				fputc(0, f);
		}
	return n;
}

/* The mnemonic of an objdump line "  addr:\tbytes\tmnemonic operands": the
 * first word, except for the 8087's and 287's "fneni(8087 only)". */
static void mnemonic_of(const char *line, char *out, size_t size)
{
	const char *text = strchr(line, '\t');
	size_t len;

	text = text ? strchr(text + 1, '\t') : NULL;
	cr_assert_not_null(text, "unexpected objdump line: %s", line);
	text++;
	len = strstr(text, " only)") ? (size_t)(strchr(text, ')') - text + 1) : strcspn(text, " \n");
	snprintf(out, size, "%.*s", (int)len, text);
}

Test(fpu_mnemonic, agrees_with_objdump)
{
	char path[] = "/tmp/glassvm-fpu-XXXXXX", cmd[256], line[256], want[64];
	uint8_t op[NREG + NMEM], modrm[NREG + NMEM];
	unsigned mismatches = 0;
	size_t n, k = 0;
	FILE *f;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	n = write_encodings(f, op, modrm);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "objdump -D -b binary -m i386 %s", path);
	f = popen(cmd, "r");
	cr_assert_not_null(f, "cannot run objdump");
	while (fgets(line, sizeof(line), f) && k < n) {
		const char *got;

		if (!strstr(line, ":\t") || line[0] != ' ')
			continue;
		mnemonic_of(line, want, sizeof(want));
		got = fpu_mnemonic(op[k], modrm[k]);
		if (strcmp(got, want) && ++mismatches <= 20)
			cr_log_error("%02x %02x: objdump says %s, fpu_mnemonic() %s", op[k], modrm[k],
				     want, got);
		k++;
	}
	pclose(f);
	unlink(path);
	cr_expect_eq(k, n, "objdump printed %zu instructions, expected %zu", k, n);
	cr_expect_eq(mismatches, 0, "%u of %zu mnemonics differ from objdump's", mismatches, n);
}

Test(fpu_mnemonic, not_an_escape)
{
	cr_expect_str_eq(fpu_mnemonic(0x90, 0xc0), "(bad)");
}
