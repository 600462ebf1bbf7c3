/*
 * cpu/disasm_mnemonic.c - how the disassembler names an instruction, the way
 * GNU objdump does: the opcode map's mnemonic in the syntax's spelling
 * (AT&T: lret, cwtl, movzbl), a size suffix where no operand tells the size
 * (addl $0x1,(%eax); pushw $0x1), and in front of it the prefixes that are
 * not already visible in the operands: "lock", "rep", and the ones the
 * instruction does not use ("data16", "cs nop").
 */
#include <stdio.h>
#include <string.h>

#include "cpu/disasm_mnemonic.h"

static bool is(const char *name, const char *other)
{
	return strcmp(name, other) == 0;
}

/* ---- the prefixes ---- */

/* Within one class of prefixes, the last one acts (SDM Vol. 2A, 2.1.1);
 * objdump names the others as they come.  (F2 and F3 are one class to the
 * processor, where the last one wins, but two to objdump.) */
enum pfx_class { PFX_SEG, PFX_OSIZE, PFX_ASIZE, PFX_LOCK, PFX_REPNZ, PFX_REPZ };

static enum pfx_class pfx_class(uint8_t b)
{
	switch (b) {
	case 0x66: return PFX_OSIZE;
	case 0x67: return PFX_ASIZE;
	case 0xf0: return PFX_LOCK;
	case 0xf2: return PFX_REPNZ;
	case 0xf3: return PFX_REPZ;
	default:   return PFX_SEG;
	}
}

static bool is_active(const struct dis *s, unsigned k)
{
	for (unsigned l = k + 1; l < s->npfx; l++)
		if (pfx_class(s->bytes[l]) == pfx_class(s->bytes[k]))
			return false;
	return true;
}

/* The prefix of class CLS that acts, or 0. */
static uint8_t active_prefix(const struct dis *s, enum pfx_class cls)
{
	uint8_t b = 0;

	for (unsigned k = 0; k < s->npfx; k++)
		if (pfx_class(s->bytes[k]) == cls)
			b = s->bytes[k];
	return b;
}

static bool osize_prefixed(const struct dis *s)
{
	return !!(s->i.flags & IF_OSZ32) != s->code32;
}

static bool asize_prefixed(const struct dis *s)
{
	return !!(s->i.flags & IF_ASZ32) != s->code32;
}

/* ---- kinds of instructions, for the rules below ---- */

/* Jcc: 70-7F, 0F 80-8F. */
static bool is_jcc(const struct dis *s)
{
	uint8_t op = s->bytes[s->npfx + s->opbytes - 1];

	return (op & 0xf0) == (s->opbytes == 1 ? 0x70 : 0x80);
}

/* The conditional branches: Jcc, LOOPcc (E0-E2) and JrCXZ (E3). */
static bool is_cond_branch(const struct dis *s)
{
	return is_jcc(s) || (s->opbytes == 1 && (s->bytes[s->npfx] & 0xfc) == 0xe0);
}

static bool is_far(const struct dis *s)
{
	return s->spec && (is(s->spec, "Ap") || is(s->spec, "Mp"));
}

static bool is_call_or_jmp(const struct dis *s)
{
	return is(s->name, "call") || is(s->name, "jmp");
}

static bool is_near_branch(const struct dis *s)
{
	return (is_call_or_jmp(s) && !is_far(s)) || is(s->name, "ret") || is_jcc(s);
}

/* The string instructions that REP repeats unconditionally. */
static bool is_rep_string(const struct dis *s)
{
	static const char *const names[] = { "movs", "stos", "lods", "ins", "outs" };

	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (is(s->name, names[k]))
			return true;
	return false;
}

/* A CS or DS prefix on a conditional branch is a static prediction hint
 * (SDM Vol. 2A, 2.1.1): in AT&T syntax, objdump appends ",pn" (not taken)
 * or ",pt" (taken), when there is one of them only. */
static bool is_branch_hint(const struct dis *s, uint8_t seg)
{
	unsigned cs_ds = 0;

	for (unsigned k = 0; k < s->npfx; k++)
		cs_ds += s->bytes[k] == 0x2e || s->bytes[k] == 0x3e;
	return (seg == 0x2e || seg == 0x3e) && cs_ds == 1 && is_cond_branch(s) && !s->intel;
}

/* DS on an indirect near CALL or JMP is CET's NOTRACK (SDM Vol. 1, 18.3). */
static bool is_notrack(const struct dis *s, uint8_t seg)
{
	return seg == 0x3e && is_call_or_jmp(s) && s->spec && s->spec[0] == 'E';
}

/* ---- aliases ---- */

void disasm_alias(struct dis *s)
{
	const uint8_t *op = s->bytes + s->npfx;
	bool rep = s->i.flags & IF_REP;

	s->name = s->d->name;
	s->spec = s->d->operands;
	/* 90 is XCHG eAX,eAX.  objdump names it NOP, PAUSE with F3 (SDM:
	 * PAUSE), and shows the exchange with a 66 prefix: xchg %ax,%ax. */
	if (s->opbytes == 1 && op[0] == 0x90) {
		if (rep) {
			s->name = "pause";
			s->uses_rep = true;
		} else if (active_prefix(s, PFX_OSIZE)) {
			s->name = "xchg";
			s->spec = "eAX,eAX";
		}
	}
	/* F3 0F 1E FB is ENDBR32 (SDM: ENDBR32), a hint NOP for a processor
	 * without CET, such as glassvm's. */
	if (s->opbytes == 2 && op[1] == 0x1e && op[2] == 0xfb && rep) {
		s->name = "endbr32";
		s->spec = NULL;
		s->uses_rep = true;
	}
}

void disasm_prefixes(struct dis *s)
{
	uint8_t seg = active_prefix(s, PFX_SEG);

	s->seg_prefix = seg && !is_branch_hint(s, seg) && !is_notrack(s, seg);
}

bool disasm_keeps_order(const struct dis *s)
{
	/* GAS manual, "AT&T Syntax versus Intel Syntax": BOUND and the
	 * instructions with two immediates (ENTER) keep the Intel order. */
	return is(s->name, "bound") || is(s->name, "enter");
}

static const char *active_rep_name(const struct dis *s, uint8_t b)
{
	if (s->uses_rep)
		return NULL;
	/* F3 is "rep" on the string instructions that repeat unconditionally. */
	if (b == 0xf3 && is_rep_string(s))
		return "rep";
	/* F2 on a near branch is MPX's BND (SDM Vol. 1, 17.5). */
	if (b == 0xf2 && is_near_branch(s))
		return "bnd";
	return b == 0xf3 ? "repz" : "repnz";
}

static const char *seg_prefix_name(uint8_t b)
{
	switch (b) {
	case 0x26: return "es";
	case 0x2e: return "cs";
	case 0x36: return "ss";
	case 0x3e: return "ds";
	case 0x64: return "fs";
	default:   return "gs";
	}
}

/* The name of prefix byte K, or NULL when the instruction shows it otherwise. */
static const char *prefix_name(const struct dis *s, unsigned k)
{
	uint8_t b = s->bytes[k];
	bool active = is_active(s, k);

	switch (pfx_class(b)) {
	case PFX_OSIZE:
		return active && s->uses_osize ? NULL : s->code32 ? "data16" : "data32";
	case PFX_ASIZE:
		return active && s->uses_asize ? NULL : s->code32 ? "addr16" : "addr32";
	case PFX_LOCK:
		return "lock";
	case PFX_REPNZ:
	case PFX_REPZ:
		return active ? active_rep_name(s, b) : b == 0xf3 ? "repz" : "repnz";
	case PFX_SEG:
		if (active && ((s->seg_prefix && s->uses_seg) || is_branch_hint(s, b)))
			return NULL;
		if (active && is_notrack(s, b))
			return "notrack";
		return seg_prefix_name(b);
	}
	return NULL;
}

/* ---- size suffixes ---- */

enum suffix_rule {
	SFX_OPERANDS,  /* when a memory operand has no register to tell its size */
	SFX_STACK,     /* when a 66 prefix changed the stack width and nothing shows it */
	SFX_NEVER,     /* one size only */
};

/* The mnemonics (or their beginnings: "set" is the sixteen SETcc) that do
 * not follow SFX_OPERANDS. */
static const struct {
	const char *prefix;
	enum suffix_rule rule;
} suffix_rules[] = {
	{ "push", SFX_STACK }, { "pop", SFX_STACK }, { "call", SFX_STACK },
	{ "jmp", SFX_STACK }, { "ret", SFX_STACK }, { "iret", SFX_STACK },
	{ "enter", SFX_STACK }, { "leave", SFX_STACK },
	{ "set", SFX_NEVER }, { "invlpg", SFX_NEVER }, { "prefetch", SFX_NEVER },
	{ "xlat", SFX_NEVER },
};

static enum suffix_rule suffix_rule(const char *name)
{
	for (unsigned k = 0; k < sizeof(suffix_rules) / sizeof(suffix_rules[0]); k++)
		if (strncmp(name, suffix_rules[k].prefix, strlen(suffix_rules[k].prefix)) == 0)
			return suffix_rules[k].rule;
	return SFX_OPERANDS;
}

static char size_letter(const struct dis *s, unsigned size)
{
	switch (size) {
	case 1: return 'b';
	case 2: return 'w';
	case 4: return s->intel ? 'd' : 'l';
	default: return 'q';
	}
}

static char suffix(const struct dis *s, enum suffix_rule rule)
{
	const struct operand *mem = NULL;
	unsigned osz = insn_osize(&s->i);

	for (unsigned k = 0; k < s->nops; k++) {
		if (s->op[k].shows_size)
			return 0;
		/* b, v, z: the opcode or the operand size chooses among sizes;
		 * s: LGDT loads 24 or 32 bits of base by operand size. */
		if (s->op[k].mem && s->op[k].type && strchr("bvzs", s->op[k].type))
			mem = &s->op[k];
	}
	if (rule == SFX_STACK)
		return s->uses_osize && osize_prefixed(s) ? size_letter(s, osz) : 0;
	if (rule == SFX_OPERANDS && mem)
		return size_letter(s, mem->type == 's' ? osz : mem->size);
	return 0;
}

/* ---- the mnemonic ---- */

/* The spellings of one syntax; returns the suffix still to add. */
static char spell_att(struct dis *s, char sfx, char *buf, size_t cap)
{
	const char *n = s->name;
	unsigned osz = insn_osize(&s->i);

	if (is(n, "movzx") || is(n, "movsx")) {
		/* movzbl: the sizes of the source, then of the destination. */
		snprintf(buf, cap, "mov%c%c%c", n[3], size_letter(s, s->op[1].size),
			 size_letter(s, s->op[0].size));
		return 0;
	}
	if (is(n, "cbw") || is(n, "cwd"))
		n = is(n, "cbw") ? (osz == 2 ? "cbtw" : "cwtl") : (osz == 2 ? "cwtd" : "cltd");
	/* LOOP counts with CX or ECX by address size: loopw, loopl. */
	if (strncmp(n, "loop", 4) == 0 && asize_prefixed(s))
		sfx = size_letter(s, (s->i.flags & IF_ASZ32) ? 4 : 2);
	snprintf(buf, cap, "%s%s", is_far(s) || is(n, "retf") ? "l" : "",
		 is(n, "retf") ? "ret" : n);
	return sfx;
}

static char spell_intel(struct dis *s, char sfx, char *buf, size_t cap)
{
	const char *n = s->name;
	bool o32 = s->i.flags & IF_OSZ32;

	if (is(n, "cbw") || is(n, "cwd"))
		n = is(n, "cbw") ? (o32 ? "cwde" : "cbw") : (o32 ? "cdq" : "cwd");
	snprintf(buf, cap, "%s", n);
	return sfx;
}

static void spell(struct dis *s, char *buf, size_t cap)
{
	enum suffix_rule rule = suffix_rule(s->name);
	bool short_jmp = s->nops == 1 && s->op[0].method == 'J' && s->op[0].type == 'b';
	uint8_t seg = active_prefix(s, PFX_SEG);
	char sfx;

	/* Pushes, pops, calls and returns move operand-size items (not a
	 * short JMP); CBW and CWD are named by the operand size. */
	if ((rule == SFX_STACK && !short_jmp) || is(s->name, "cbw") || is(s->name, "cwd"))
		s->uses_osize = true;
	/* JCXZ tests CX or ECX, LOOP counts with it: the address size. */
	if (is(s->name, "jcxz")) {
		s->uses_asize = true;
		if (s->i.flags & IF_ASZ32)
			s->name = "jecxz";
	}
	/* (objdump's AT&T shows it as loopw, its Intel as "addr16 loop".) */
	if (strncmp(s->name, "loop", 4) == 0 && !s->intel)
		s->uses_asize = true;
	sfx = suffix(s, rule);
	sfx = s->intel ? spell_intel(s, sfx, buf, cap) : spell_att(s, sfx, buf, cap);
	if (sfx)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%c", sfx);
	if (is_branch_hint(s, seg))
		snprintf(buf + strlen(buf), cap - strlen(buf), seg == 0x3e ? ",pt" : ",pn");
}

void disasm_mnemonic(struct dis *s, char *buf, size_t cap)
{
	char name[32];

	spell(s, name, sizeof(name));
	buf[0] = '\0';
	for (unsigned k = 0; k < s->npfx; k++) {
		const char *p = prefix_name(s, k);

		if (p)
			snprintf(buf + strlen(buf), cap - strlen(buf), "%s ", p);
	}
	snprintf(buf + strlen(buf), cap - strlen(buf), "%s", name);
}
