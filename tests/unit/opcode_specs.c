/*
 * tests/unit/opcode_specs.c - the opcode maps (cpu/opcodes.c) describe each
 * instruction twice: by its operands in the SDM's notation, which the
 * disassembler reads, and by the bytes that follow the opcode (fmt), which
 * the decoder reads.  If the two disagreed, the disassembler would show an
 * instruction other than the one that runs.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"

/* The bytes after the opcode that an operand spec asks for (SDM Vol. 2,
 * A.2.1: E, G, M, R, S, C, D come from a ModRM byte; I, J, O, A from the
 * immediate, displacement and pointer fields). */
static uint16_t fmt_of_spec(const char *spec)
{
	uint16_t fmt = 0;
	char tok[16];

	if (spec && strcmp(spec, "Iw,Ib") == 0)
		return F_ENTER;  /* ENTER: two immediates */
	while (spec && *spec) {
		size_t len = strcspn(spec, ",");

		snprintf(tok, sizeof(tok), "%.*s", (int)len, spec);
		spec += len + (spec[len] == ',');
		if (tok[0] == 'R' && !strchr(tok, '/'))
			fmt |= F_MODRM | F_MODREG;  /* a register, whatever the mod */
		else if (strchr("EGMRSCD", tok[0]) && (!tok[1] || strchr("bwdqvzpas/", tok[1])))
			fmt |= F_MODRM;
		else if (strcmp(tok, "Ib") == 0)
			fmt |= F_IMM8;
		else if (strcmp(tok, "Iw") == 0)
			fmt |= F_IMM16;
		else if (strcmp(tok, "Iz") == 0 || strcmp(tok, "Iv") == 0 || strcmp(tok, "Jz") == 0)
			fmt |= F_IMMZ;
		else if (strcmp(tok, "Jb") == 0)
			fmt |= F_IMM8S;
		else if (tok[0] == 'O')
			fmt |= F_MOFFS;
		else if (strcmp(tok, "Ap") == 0)
			fmt |= F_FAR;
	}
	return fmt;
}

static unsigned check_entry(const struct opdesc *d, bool member, const char *where, unsigned op)
{
	uint16_t want = fmt_of_spec(d->operands);
	uint16_t have = d->fmt & ~F_REGOP;

	/* A group member has the group's ModRM byte, operand or not. */
	if (member)
		want &= ~F_MODRM;

	/* An Ib is zero- or sign-extended, as the opcode says. */
	if ((want & F_IMM8) && (have & F_IMM8S))
		want = (want & ~F_IMM8) | F_IMM8S;
	if (!d->name || strcmp(d->name, "(bad)") == 0 || want == have)
		return 0;
	cr_log_error("%s %02x %s \"%s\": fmt %#x, operands say %#x", where, op, d->name,
		     d->operands ? d->operands : "", have, want);
	return 1;
}

static unsigned check_map(const struct opdesc *map, const char *where)
{
	unsigned bad = 0;

	for (unsigned op = 0; op < 256; op++) {
		const struct opdesc *d = &map[op];

		/* The x87 escapes have tables of their own (cpu/disasm_x87.c). */
		if (map == opcode_map1 && op >= 0xd8 && op <= 0xdf)
			continue;
		if (!d->group) {
			bad += check_entry(d, false, where, op);
			continue;
		}
		for (unsigned reg = 0; reg < 8; reg++)
			bad += check_entry(&d->group[reg], true, where, op);
	}
	return bad;
}

Test(opcode_specs, operands_agree_with_fmt)
{
	unsigned bad = check_map(opcode_map1, "opcode") + check_map(opcode_map2, "0F");

	cr_expect_eq(bad, 0, "%u opcode-map entries disagree with their operands", bad);
}

/* The register in the low opcode bits, as the disassembler names it from
 * the spec, is the one the decoder hands the handler (op & 7). */
Test(opcode_specs, register_in_opcode)
{
	static const char *const r8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
	static const char *const r32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	static const struct { bool escape; uint8_t op; const char *mnemonic; const char *const *regs; } rows[] = {
		{ false, 0x40, "inc", r32 }, { false, 0x48, "dec", r32 }, { false, 0x50, "push", r32 },
		{ false, 0x58, "pop", r32 }, { false, 0xb0, "mov", r8 }, { false, 0xb8, "mov", r32 },
		{ true, 0xc8, "bswap", r32 },
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		for (unsigned r = 0; r < 8; r++) {
			uint8_t bytes[8] = { 0 };
			unsigned n = 0;
			char out[64], want[64];

			if (rows[k].escape)
				bytes[n++] = 0x0f;
			bytes[n] = rows[k].op + r;
			disasm(bytes, sizeof(bytes), true, 0, DISASM_INTEL, out, sizeof(out));
			snprintf(want, sizeof(want), "%-6s %s", rows[k].mnemonic, rows[k].regs[r]);
			cr_expect(strncmp(out, want, strlen(want)) == 0, "%02x: \"%s\", want \"%s...\"",
				  rows[k].op + r, out, want);
		}
	}
}
