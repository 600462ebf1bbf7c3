/*
 * cpu/disasm.c - from instruction bytes to text, the way GNU objdump -d
 * prints it (AT&T syntax), or objdump -d -M intel.
 *
 * The instruction is decoded by decode_insn(), the interpreter's decoder, and
 * its operands are read from the operand spec of the opcode-map entry that
 * decoder chose (cpu/opcodes.c, in the notation of SDM Vol. 2, Appendix A.2).
 * So the length, the registers, the immediate and the branch target shown
 * are those the interpreter executes.  What is left to this file is
 * spelling: operand syntax, size suffixes, and which prefixes to name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"
#include "cpu/disasm_mnemonic.h"

/* Append to a fixed-size string, truncating. */
static void append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

#define APPEND(o, ...) append((o)->text, sizeof((o)->text), __VA_ARGS__)

static bool is_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
	       b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3;
}

static const char *const reg8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const reg16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const reg32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const sreg[NR_SREGS] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* The register tokens of the operand specs (cpu/opcodes.c). */
static const char *const tok8[8] = { "AL", "CL", "DL", "BL", "AH", "CH", "DH", "BH" };
static const char *const tokv[8] = { "eAX", "eCX", "eDX", "eBX", "eSP", "eBP", "eSI", "eDI" };
static const char *const toks[NR_SREGS] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static int token_index(const char *const *list, unsigned n, const char *tok, size_t len)
{
	for (unsigned k = 0; k < n; k++)
		if (strlen(list[k]) == len && memcmp(list[k], tok, len) == 0)
			return k;
	return -1;
}

static const char *reg_name(unsigned r, unsigned size)
{
	return size == 1 ? reg8[r] : size == 2 ? reg16[r] : reg32[r];
}

/* Operand size (SDM Vol. 2A, 3.1.1.3) of an operand type letter. */
static unsigned type_size(const struct dis *s, char type)
{
	unsigned osz = insn_osize(&s->i);

	switch (type) {
	case 'b': return 1;
	case 'w': return 2;
	case 'd': return 4;
	case 'q': return 8;
	case 'v': case 'z': return osz;
	case 'p': return osz + 2;   /* offset and selector */
	case 'a': return 2 * osz;   /* BOUND's two limits */
	case 's': return 6;         /* limit and base */
	default:  return 0;
	}
}

/* Types whose size the operand-size attribute decides. */
static bool type_uses_osize(char type)
{
	return type && strchr("vzpas", type);
}

static void put_reg(struct dis *s, struct operand *o, const char *name)
{
	APPEND(o, "%s%s", s->intel ? "" : "%", name);
	o->shows_size = true;
}

static void put_hex(struct dis *s, struct operand *o, bool imm, uint32_t v)
{
	APPEND(o, "%s0x%x", imm && !s->intel ? "$" : "", v);
}

/* A displacement that objdump prints signed: "-0x4(%ebp)", "[ebp-0x4]". */
static void put_signed(struct operand *o, int32_t v, bool plus)
{
	if (v < 0)
		APPEND(o, "-0x%x", -(uint32_t)v);
	else
		APPEND(o, "%s0x%x", plus ? "+" : "", (uint32_t)v);
}

/* Intel syntax gives a memory operand its size: "DWORD PTR [eax]". */
static const char *ptr_name(unsigned size)
{
	switch (size) {
	case 1: return "BYTE";
	case 2: return "WORD";
	case 4: return "DWORD";
	case 6: return "FWORD";
	case 8: return "QWORD";
	case 10: return "TBYTE";
	default: return NULL;
	}
}

/* What comes before a ModRM memory operand: "DWORD PTR " and "%fs:". */
static void mem_start(struct dis *s, struct operand *o, unsigned size)
{
	o->mem = true;
	o->size = size;
	/* objdump gives LGDT's 6 bytes (Ms) a suffix instead: lgdtd [eax]. */
	if (s->intel && ptr_name(size) && o->type != 's') {
		APPEND(o, "%s PTR ", ptr_name(size));
		o->shows_size = true;
	}
	if (s->seg_prefix)
		APPEND(o, "%s%s:", s->intel ? "" : "%", sreg[s->i.seg]);
}

/* The ModRM memory operand (SDM Vol. 2A, tables 2-1 to 2-3).  The decoded
 * insn gives base, index, scale and displacement; the raw ModRM and SIB
 * bytes give what objdump also shows: whether a displacement of 0 was
 * encoded, and a SIB byte without index ("%eiz"). */
static void put_modrm_mem(struct dis *s, struct operand *o, unsigned size)
{
	const struct insn *i = &s->i;
	uint8_t modrm = s->bytes[s->npfx + s->opbytes];
	unsigned mod = modrm >> 6, rm = modrm & 7;
	bool a32 = i->flags & IF_ASZ32;
	const char *const *regs = a32 ? reg32 : reg16;
	bool sib = a32 && rm == 4;
	bool base = i->base != R_NONE, index = i->index != R_NONE;
	/* objdump shows a SIB byte without index as %eiz, but where it only
	 * says "ESP", or, in 16-bit code, "no base". */
	bool eiz = sib && !index && (i->scale || (base ? i->base != R_ESP : s->code32));
	bool has_disp = a32 ? mod != 0 || !base : mod != 0 || rm == 6;
	/* Without base or index the displacement is an address: unsigned. */
	bool addr_only = !base && !index && !eiz;
	int32_t disp = a32 ? (int32_t)i->disp : (int16_t)i->disp;
	const char *pct = s->intel ? "" : "%";

	s->uses_seg = true;
	/* objdump names a 67 prefix that gives 16-bit code a 32-bit address
	 * without base or index ("addr32 mov 0x12345678,%ax"). */
	s->uses_asize = !(a32 && !s->code32 && !base && !index);
	mem_start(s, o, size);
	if (s->intel && addr_only) {
		if (!s->seg_prefix)
			APPEND(o, "ds:");
		put_hex(s, o, false, a32 ? i->disp : (uint32_t)disp & 0xffff);
		return;
	}
	if (!s->intel && has_disp) {
		if (addr_only && a32)
			put_hex(s, o, false, i->disp);
		else
			put_signed(o, disp, false);
	}
	if (addr_only)
		return;
	APPEND(o, s->intel ? "[" : "(");
	if (base)
		APPEND(o, "%s%s", pct, regs[i->base]);
	if (a32 && (index || eiz)) {
		const char *name = index ? regs[i->index] : "eiz";

		if (s->intel)
			APPEND(o, "%s%s*%u", base ? "+" : "", name, 1u << i->scale);
		else
			APPEND(o, ",%%%s,%u", name, 1u << i->scale);
	} else if (index) {
		/* 16-bit forms have no scale: (%bx,%si), [bx+si]. */
		APPEND(o, "%s%s%s", base ? (s->intel ? "+" : ",") : "", pct, regs[i->index]);
	}
	if (s->intel && has_disp)
		put_signed(o, disp, true);
	APPEND(o, s->intel ? "]" : ")");
}

/* The implicit memory operands of string instructions and XLAT:
 * DS:[eSI] (X, segment overridable), ES:[eDI] (Y), DS:[eBX]. */
static void put_string_mem(struct dis *s, struct operand *o, unsigned size, unsigned reg,
			   bool es_only)
{
	bool a32 = s->i.flags & IF_ASZ32;
	uint8_t seg = es_only ? S_ES : s->i.seg;

	s->uses_asize = true;
	if (!es_only)
		s->uses_seg = true;
	o->mem = true;
	o->size = size;
	if (s->intel)
		APPEND(o, "%s PTR %s:[%s]", ptr_name(size), sreg[seg], reg_name(reg, a32 ? 4 : 2));
	else
		APPEND(o, "%%%s:(%%%s)", sreg[seg], reg_name(reg, a32 ? 4 : 2));
	o->shows_size = s->intel;
}

/* Immediates: the first is insn.imm, the second (ENTER's level) imm2.  A
 * sign-extended byte is shown at the operand size, as it is used. */
static void put_imm(struct dis *s, struct operand *o, unsigned size)
{
	uint32_t v = s->nimm++ ? s->i.imm2 : s->i.imm;

	if (s->d->fmt & F_IMM8S) {
		size = insn_osize(&s->i);
		s->uses_osize = true;
	}
	put_hex(s, o, true, size == 4 ? v : v & ((1u << (8 * size)) - 1));
}

/* A relative branch: shown as its target, which wraps at 64K with a 16-bit
 * operand size (SDM: JMP, "Operation"). */
static void put_target(struct dis *s, struct operand *o)
{
	uint32_t target = s->eip + s->i.len + s->i.imm;
	const char *sym;

	if (insn_osize(&s->i) == 2)
		target &= 0xffff;
	sym = s->symbolize ? s->symbolize(target, s->ctx) : NULL;
	if (sym)
		APPEND(o, "%x <%s>", target, sym);
	else
		APPEND(o, "0x%x", target);
}

/* Ap: a far pointer in the instruction, selector:offset. */
static void put_far(struct dis *s, struct operand *o)
{
	uint32_t off = s->i.imm, sel = s->i.imm2;

	if (s->intel)
		APPEND(o, "0x%x:0x%x", sel, off);
	else
		APPEND(o, "$0x%x,$0x%x", sel, off);
	o->shows_size = s->intel;  /* objdump: lcallw $0x8,$0x1234, call 0x8:0x1234 */
}

/* Ob, Ov: a memory offset in the instruction (MOV A0-A3). */
static void put_moffs(struct dis *s, struct operand *o)
{
	/* The offset's size is the address size, but objdump names a 67
	 * prefix anyway ("addr16 mov 0x1234,%al"): so does glassvm. */
	s->uses_seg = true;
	o->mem = true;
	if (s->seg_prefix || s->intel)
		APPEND(o, "%s%s:", s->intel ? "" : "%", sreg[s->i.seg]);
	put_hex(s, o, false, s->i.disp);
}

/* Registers named by the spec itself: "AL", "eCX", "ES", "DX", "CL". */
static bool put_named_reg(struct dis *s, struct operand *o, const char *tok, size_t len,
			  unsigned pos)
{
	int r;

	if ((r = token_index(tok8, 8, tok, len)) >= 0) {
		put_reg(s, o, reg8[r]);
		o->size = 1;
		/* CL as a shift count does not tell the operation's size. */
		o->shows_size = !(r == R_ECX && pos > 0);
	} else if ((r = token_index(tokv, 8, tok, len)) >= 0) {
		o->size = insn_osize(&s->i);
		put_reg(s, o, reg_name(r, o->size));
		s->uses_osize = true;
	} else if ((r = token_index(toks, NR_SREGS, tok, len)) >= 0) {
		put_reg(s, o, sreg[r]);
		o->shows_size = false;  /* PUSH ES pushes the operand size */
	} else if (len == 2 && memcmp(tok, "DX", 2) == 0) {
		/* The I/O port: AT&T writes it like a memory operand. */
		APPEND(o, s->intel ? "dx" : "(%%dx)");
	} else if (len == 1 && tok[0] == '1') {
		/* The shift count 1 (D0-D3): AT&T leaves it out. */
		APPEND(o, "1");
		o->hidden = !s->intel;
	} else if (len == 5 && memcmp(tok, "[eBX]", 5) == 0) {
		put_string_mem(s, o, 1, R_EBX, false);
	} else if (len == 2 && memcmp(tok, "AX", 2) == 0) {
		put_reg(s, o, "ax");  /* FNSTSW AX */
	} else if (len == 5 && memcmp(tok, "ST(0)", 5) == 0) {
		put_reg(s, o, "st");  /* the x87 stack top, as objdump writes it */
	} else if (len == 5 && memcmp(tok, "ST(i)", 5) == 0) {
		APPEND(o, "%sst(%u)", s->intel ? "" : "%", s->i.rm);
	} else {
		return false;
	}
	return true;
}

/* The x87 memory operands: the size in bits ("m32fp", "m80bcd") or bytes
 * ("m2byte"); none for an environment or state image ("m14/28byte"). */
static void x87_memory(struct dis *s, struct operand *o, const char *tok, bool mem)
{
	char *end;
	unsigned long n = strtoul(tok + 1, &end, 10);

	o->method = o->type = 0;
	if (!mem) {
		s->bad = true;
		return;
	}
	put_modrm_mem(s, o, *end == '/' ? 0 : strncmp(end, "byte", 4) == 0 ? n : n / 8);
}

/* "Rv/Mw": the register form or the memory form, by ModRM.mod. */
static void pick_form(const struct dis *s, const char **tok, size_t *len)
{
	const char *slash = memchr(*tok, '/', *len);

	if (!slash || **tok == 'm')  /* x87's "m14/28byte" is one operand */
		return;
	if ((**tok == 'M') == !!(s->i.flags & IF_MEM)) {
		*len = slash - *tok;
	} else {
		*len -= slash + 1 - *tok;
		*tok = slash + 1;
	}
}

/* One operand, from its spec: an addressing method (a capital letter) and an
 * operand type (lower case), or a register (SDM Vol. 2, A.2.1 to A.2.3). */
static void operand(struct dis *s, const char *tok, size_t len, struct operand *o, unsigned pos)
{
	const struct insn *i = &s->i;
	bool mem = i->flags & IF_MEM;
	char method, type;

	pick_form(s, &tok, &len);
	if (put_named_reg(s, o, tok, len, pos))
		return;
	method = tok[0];
	type = len > 1 ? tok[1] : 0;
	o->method = method;
	o->type = type;
	o->size = type_size(s, type);
	if (type_uses_osize(type))
		s->uses_osize = true;
	switch (method) {
	case 'E':  /* ModRM r/m: a register or memory */
	case 'M':  /* ModRM r/m: memory only */
	case 'R':  /* ModRM r/m: a general register, whatever the mod */
		/* AT&T marks the target of an indirect branch: call *%eax. */
		if (!s->intel && method != 'R' &&
		    (strcmp(s->name, "call") == 0 || strcmp(s->name, "jmp") == 0))
			APPEND(o, "*");
		if (mem && method != 'R')
			put_modrm_mem(s, o, o->size);
		else if (method == 'M')
			s->bad = true;
		else
			put_reg(s, o, reg_name(i->rm, o->size));
		break;
	case 'G':  /* ModRM.reg: a general register */
		put_reg(s, o, reg_name(i->reg, o->size));
		break;
	case 'S':  /* ModRM.reg: a segment register */
		if (i->reg >= NR_SREGS)
			s->bad = true;
		else
			put_reg(s, o, sreg[i->reg]);
		o->shows_size = false;
		break;
	case 'C':  /* ModRM.reg: a control register */
		APPEND(o, "%scr%u", s->intel ? "" : "%", i->reg);
		break;
	case 'D':  /* ModRM.reg: a debug register (objdump: %db0, dr0) */
		APPEND(o, "%s%u", s->intel ? "dr" : "%db", i->reg);
		break;
	case 'I':
		put_imm(s, o, o->size);
		break;
	case 'J':
		put_target(s, o);
		break;
	case 'A':
		put_far(s, o);
		break;
	case 'O':
		put_moffs(s, o);
		break;
	case 'X':
		put_string_mem(s, o, o->size, R_ESI, false);
		break;
	case 'Y':
		put_string_mem(s, o, o->size, R_EDI, true);
		break;
	case 'F':  /* EFLAGS: implicit, but it has a size */
		o->hidden = true;
		break;
	case 'm':  /* x87 memory (SDM A.5): m32fp, m64int, m2byte, m14/28byte */
		x87_memory(s, o, tok, mem);
		break;
	}
}

/* All the operands of the spec, in the spec's (Intel) order. */
static void operands(struct dis *s, const char *spec)
{
	while (spec && *spec && s->nops < MAX_OPERANDS) {
		size_t len = strcspn(spec, ",");
		struct operand *o = &s->op[s->nops];

		memset(o, 0, sizeof(*o));
		operand(s, spec, len, o, s->nops);
		s->nops++;
		spec += len;
		if (*spec == ',')
			spec++;
	}
}

/* The mnemonic, padded as objdump pads it, then the operands. */
static void put_line(char *out, size_t outlen, const char *mnemonic, const struct dis *s)
{
	/* AT&T: source first, destination last. */
	bool reverse = !s->intel && !disasm_keeps_order(s);
	size_t len = strlen(mnemonic);
	bool first = true;

	snprintf(out, outlen, "%s", mnemonic);
	for (unsigned k = 0; k < s->nops; k++) {
		const struct operand *o = &s->op[reverse ? s->nops - 1 - k : k];

		if (o->hidden)
			continue;
		if (first)
			append(out, outlen, "%*s", len < 6 ? (int)(7 - len) : 1, "");
		else
			append(out, outlen, ",");
		append(out, outlen, "%s", o->text);
		first = false;
	}
}

int disasm_sym(const uint8_t *bytes, unsigned avail, bool code32, uint32_t eip,
	       enum disasm_syntax syntax, disasm_symbolize_fn *symbolize, void *ctx,
	       char *out, size_t outlen)
{
	struct dis s = { .bytes = bytes, .eip = eip, .code32 = code32,
			 .intel = syntax == DISASM_INTEL, .symbolize = symbolize, .ctx = ctx };
	char mnemonic[64];

	if (avail == 0)
		return 0;
	if (decode_insn(bytes, avail, code32, &s.i, &s.d) != DECODE_OK) {
		snprintf(out, outlen, "(bad)");
		return 1;
	}
	while (is_prefix(bytes[s.npfx]))
		s.npfx++;
	s.opbytes = bytes[s.npfx] == 0x0f ? 2 : 1;
	if (!disasm_x87(&s))
		disasm_alias(&s);
	if (!s.name || strcmp(s.name, "(bad)") == 0) {
		snprintf(out, outlen, "(bad)");
		return s.i.len;
	}
	disasm_prefixes(&s);
	operands(&s, s.spec);
	if (s.bad) {
		snprintf(out, outlen, "(bad)");
		return s.i.len;
	}
	disasm_mnemonic(&s, mnemonic, sizeof(mnemonic));
	put_line(out, outlen, mnemonic, &s);
	return s.i.len;
}

int disasm(const uint8_t *bytes, unsigned avail, bool code32, uint32_t eip,
	   enum disasm_syntax syntax, char *out, size_t outlen)
{
	return disasm_sym(bytes, avail, code32, eip, syntax, NULL, NULL, out, outlen);
}
