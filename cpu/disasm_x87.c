/*
 * cpu/disasm_x87.c - the disassembler's x87 escapes, D8-DF.  The mnemonic
 * is the FPU's own (fpu_mnemonic(), cpu/ops_fpu.c), in objdump's AT&T
 * spelling; the operands come from the x87 opcode maps, SDM Vol. 2,
 * Appendix A.5 (tables ), in the SDM's notation and order:
 * "m64fp", "ST(0),ST(i)".
 */
#include <stdio.h>
#include <string.h>

#include "cpu/disasm_mnemonic.h"
#include "cpu/fpu.h"

#define ROW8(x) { x, x, x, x, x, x, x, x }

/* With a memory operand: [opcode - D8][ModRM.reg].  The environment (14 or
 * 28 bytes) and the whole state (94 or 108) depend on the operand size. */
static const char *const mem_operands[8][8] = {
	/* D8 */ ROW8("m32fp"),
	/* D9 */ { "m32fp", "", "m32fp", "m32fp", "m14/28byte", "m2byte", "m14/28byte", "m2byte" },
	/* DA */ ROW8("m32int"),
	/* DB */ { "m32int", "m32int", "m32int", "m32int", "", "m80fp", "", "m80fp" },
	/* DC */ ROW8("m64fp"),
	/* DD */ { "m64fp", "m64int", "m64fp", "m64fp", "m94/108byte", "", "m94/108byte", "m2byte" },
	/* DE */ ROW8("m16int"),
	/* DF */ { "m16int", "m16int", "m16int", "m16int", "m80bcd", "m64int", "m80bcd", "m64int" },
};

/* With a register operand (the rows that ModRM.rm splits further have
 * no operands: FNOP, FCHS, FLD1, FUCOMPP, FNINIT, FCOMPP...). */
#define STi_ST0 "ST(i),ST(0)"
#define ST0_STi "ST(0),ST(i)"
static const char *const reg_operands[8][8] = {
	/* D8 */ { ST0_STi, ST0_STi, "ST(i)", "ST(i)", ST0_STi, ST0_STi, ST0_STi, ST0_STi },
	/* D9 */ { "ST(i)", "ST(i)", "", "", "", "", "", "" },
	/* DA */ { ST0_STi, ST0_STi, ST0_STi, ST0_STi, "", "", "", "" },
	/* DB */ { ST0_STi, ST0_STi, ST0_STi, ST0_STi, "", ST0_STi, ST0_STi, "" },
	/* DC */ { STi_ST0, STi_ST0, "", "", STi_ST0, STi_ST0, STi_ST0, STi_ST0 },
	/* DD */ { "ST(i)", "", "ST(i)", "ST(i)", "ST(i)", "ST(i)", "", "" },
	/* DE */ { STi_ST0, STi_ST0, "", "", STi_ST0, STi_ST0, STi_ST0, STi_ST0 },
	/* DF */ { "ST(i)", "", "", "", "AX", ST0_STi, ST0_STi, "" },
};

/* The size letters of the AT&T mnemonic for memory operand SPEC: fadds
 * (m32fp), fildll (m64int), fldt (m80fp).  Intel syntax has the size in
 * the operand instead: fadd DWORD PTR [eax]. */
static size_t att_suffix_len(const char *spec)
{
	if (strcmp(spec, "m64int") == 0)
		return 2;
	return strstr(spec, "fp") || strstr(spec, "int") ? 1 : 0;
}

static void set_name(struct dis *s, const char *name, size_t len, char sfx)
{
	snprintf(s->namebuf, sizeof(s->namebuf), "%.*s%.1s", (int)len, name, &sfx);
	s->name = s->namebuf;
}

bool disasm_x87(struct dis *s)
{
	const uint8_t *op = s->bytes + s->npfx;
	unsigned esc = op[0] - 0xd8u;
	bool mem = s->i.flags & IF_MEM;
	const char *name;

	if (s->opbytes != 1 || esc > 7)
		return false;
	name = fpu_mnemonic(op[0], op[1]);
	s->spec = (mem ? mem_operands : reg_operands)[esc][s->i.reg];
	if (!mem) {
		/* The "fsub/fsubr swap" (cpu/ops_fpu.c): Intel syntax has the
		 * SDM's names, which are AT&T's of the neighbouring ModRM.reg. */
		if (s->intel && (op[0] == 0xdc || op[0] == 0xde) && s->i.reg >= 4)
			name = fpu_mnemonic(op[0], op[1] ^ 0x08);
		set_name(s, name, strlen(name), 0);
	} else if (strchr(s->spec, '/')) {
		/* FLDENV, FNSAVE...: the 16- or 32-bit format, by operand size,
		 * which objdump names when a 66 prefix chose it. */
		bool o32 = s->i.flags & IF_OSZ32;
		char sfx = o32 == s->code32 ? 0 : s->intel ? (o32 ? 'd' : 'w') : (o32 ? 'l' : 's');

		s->uses_osize = true;
		set_name(s, name, strlen(name), sfx);
	} else {
		set_name(s, name, strlen(name) - (s->intel ? att_suffix_len(s->spec) : 0), 0);
	}
	return true;
}
