/*
 * cpu/opcodes.c - the opcode maps (SDM Vol. 2, Appendix A, tables A-2 and
 * A-3) and the ModRM-extended groups (table A-6): for every opcode, its
 * mnemonic, its operands, the bytes that follow it, and the handlers that
 * execute it.  An entry without handlers decodes to #UD.
 *
 * The operands are written in the SDM's notation (Appendix A.2), in the
 * SDM's order (destination first): "Ev,Gv" is a ModRM r/m operand and a
 * ModRM.reg register, both of the operand size.  The disassembler
 * (cpu/disasm.c) reads them, so what it shows is what these entries execute.
 * Registers are named as in the tables: AL is always AL; eAX is AX or EAX by
 * operand size (the SDM's rAX, without its 64-bit forms).
 */
#include "cpu/decode.h"
#include "cpu/ops.h"

/* OP: no explicit operands.  OPS: with operands (S for their spec). */
#define OP(nm, f, fl, fam)        { .name = nm, .fmt = (f), .flags = (fl), .fns = (fam) }
#define OPS(nm, ops, f, fl, fam)  { .name = nm, .operands = ops, .fmt = (f), .flags = (fl), .fns = (fam) }
/* A group's members carry the operands: decode_insn() returns the member. */
#define GROUP(nm, g)              { .name = nm, .fmt = F_MODRM, .group = (g) }
#define UNDEFINED                 { .name = "(bad)" }

#define M   F_MODRM
#define END D_ENDS_BLOCK
#define LCK D_LOCKABLE

/* Rows 00-3F: the eight ALU operations, six forms each. */
#define ALU_ROW(nm, fam, lock) \
	OPS(nm, "Eb,Gb", M, lock, fam##_EbGb), OPS(nm, "Ev,Gv", M, lock, fam##_EvGv), \
	OPS(nm, "Gb,Eb", M, 0, fam##_GbEb), OPS(nm, "Gv,Ev", M, 0, fam##_GvEv), \
	OPS(nm, "AL,Ib", F_IMM8, 0, fam##_EbIb), OPS(nm, "eAX,Iz", F_IMMZ, 0, fam##_EvIz)

/* The register in the low three opcode bits (40-5F, 90-97, B0-BF, 0F C8-CF),
 * which the SDM lists as an operand: "INC eAX", "MOV AL,Ib". */
#define ROW_eXX(nm, rest, f, fl, fam) \
	OPS(nm, "eAX" rest, f, fl, fam), OPS(nm, "eCX" rest, f, fl, fam), \
	OPS(nm, "eDX" rest, f, fl, fam), OPS(nm, "eBX" rest, f, fl, fam), \
	OPS(nm, "eSP" rest, f, fl, fam), OPS(nm, "eBP" rest, f, fl, fam), \
	OPS(nm, "eSI" rest, f, fl, fam), OPS(nm, "eDI" rest, f, fl, fam)
#define ROW_XL(nm, rest, f, fl, fam) \
	OPS(nm, "AL" rest, f, fl, fam), OPS(nm, "CL" rest, f, fl, fam), \
	OPS(nm, "DL" rest, f, fl, fam), OPS(nm, "BL" rest, f, fl, fam), \
	OPS(nm, "AH" rest, f, fl, fam), OPS(nm, "CH" rest, f, fl, fam), \
	OPS(nm, "DH" rest, f, fl, fam), OPS(nm, "BH" rest, f, fl, fam)

/* Group 1 (80-83): ModRM.reg selects the operation; the immediate differs. */
#define ALU_GROUP(imm, b, ops) { \
	OPS("add", ops, imm, LCK, add_##b), OPS("or", ops, imm, LCK, or_##b), \
	OPS("adc", ops, imm, LCK, adc_##b), OPS("sbb", ops, imm, LCK, sbb_##b), \
	OPS("and", ops, imm, LCK, and_##b), OPS("sub", ops, imm, LCK, sub_##b), \
	OPS("xor", ops, imm, LCK, xor_##b), OPS("cmp", ops, imm, 0, cmp_##b) }

static const struct opdesc group1_EbIb[8] = ALU_GROUP(F_IMM8, EbIb, "Eb,Ib");
static const struct opdesc group1_EvIz[8] = ALU_GROUP(F_IMMZ, EvIz, "Ev,Iz");
static const struct opdesc group1_EvIb[8] = ALU_GROUP(F_IMM8S, EvIz, "Ev,Ib");

/* Group 2: one handler family per count source; it switches on ModRM.reg.
 * /6 is reserved in table A-6; processors run it as SHL. */
#define SHIFT_GROUP(imm, fam, ops) { \
	OPS("rol", ops, imm, 0, fam), OPS("ror", ops, imm, 0, fam), \
	OPS("rcl", ops, imm, 0, fam), OPS("rcr", ops, imm, 0, fam), \
	OPS("shl", ops, imm, 0, fam), OPS("shr", ops, imm, 0, fam), \
	OPS("shl", ops, imm, 0, fam), OPS("sar", ops, imm, 0, fam) }

static const struct opdesc group2_EbIb[8] = SHIFT_GROUP(F_IMM8, shift_EbIb, "Eb,Ib");
static const struct opdesc group2_EvIb[8] = SHIFT_GROUP(F_IMM8, shift_EvIb, "Ev,Ib");
static const struct opdesc group2_Eb1[8]  = SHIFT_GROUP(0, shift_Eb1, "Eb,1");
static const struct opdesc group2_Ev1[8]  = SHIFT_GROUP(0, shift_Ev1, "Ev,1");
static const struct opdesc group2_EbCL[8] = SHIFT_GROUP(0, shift_EbCL, "Eb,CL");
static const struct opdesc group2_EvCL[8] = SHIFT_GROUP(0, shift_EvCL, "Ev,CL");

/* Group 3 (F6/F7); /1 is an undocumented alias of TEST.  MUL, IMUL, DIV
 * and IDIV also use AL/eAX (and AH/eDX), which the syntax leaves implicit. */
static const struct opdesc group3_Eb[8] = {
	OPS("test", "Eb,Ib", F_IMM8, 0, test_EbIb), OPS("test", "Eb,Ib", F_IMM8, 0, test_EbIb),
	OPS("not", "Eb", 0, LCK, not_Eb), OPS("neg", "Eb", 0, LCK, neg_Eb),
	OPS("mul", "Eb", 0, 0, mul_Eb), OPS("imul", "Eb", 0, 0, imul_Eb),
	OPS("div", "Eb", 0, 0, div_Eb), OPS("idiv", "Eb", 0, 0, idiv_Eb),
};

static const struct opdesc group3_Ev[8] = {
	OPS("test", "Ev,Iz", F_IMMZ, 0, test_EvIz), OPS("test", "Ev,Iz", F_IMMZ, 0, test_EvIz),
	OPS("not", "Ev", 0, LCK, not_Ev), OPS("neg", "Ev", 0, LCK, neg_Ev),
	OPS("mul", "Ev", 0, 0, mul_Ev), OPS("imul", "Ev", 0, 0, imul_Ev),
	OPS("div", "Ev", 0, 0, div_Ev), OPS("idiv", "Ev", 0, 0, idiv_Ev),
};

/* Group 4 (FE) and group 5 (FF).  Mp: a far pointer in memory. */
static const struct opdesc group4[8] = {
	OPS("inc", "Eb", 0, LCK, inc_Eb), OPS("dec", "Eb", 0, LCK, dec_Eb),
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

static const struct opdesc group5[8] = {
	OPS("inc", "Ev", 0, LCK, inc_Ev), OPS("dec", "Ev", 0, LCK, dec_Ev),
	OPS("call", "Ev", 0, END, call_Ev), OPS("call", "Mp", 0, END, call_Mp),
	OPS("jmp", "Ev", 0, END, jmp_Ev), OPS("jmp", "Mp", 0, END, jmp_Mp),
	OPS("push", "Ev", 0, 0, push_Ev), UNDEFINED,
};

/* Group 1A (8F) and group 11 (C6/C7): only /0 is defined. */
static const struct opdesc group1a[8] = { OPS("pop", "Ev", 0, 0, pop_Ev), UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };
static const struct opdesc group11_Eb[8] = { OPS("mov", "Eb,Ib", F_IMM8, 0, mov_EbIb),
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };
static const struct opdesc group11_Ev[8] = { OPS("mov", "Ev,Iz", F_IMMZ, 0, mov_EvIz),
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };

/* Group 6 (0F 00) and group 7 (0F 01): system instructions.  "Rv/Mw": a
 * register of the operand size, or a word in memory.  Ms: the 6-byte limit
 * and base of a descriptor table. */
static const struct opdesc group6[8] = {
	OPS("sldt", "Rv/Mw", 0, 0, sldt_str_Ew), OPS("str", "Rv/Mw", 0, 0, sldt_str_Ew),
	OPS("lldt", "Ew", 0, 0, lldt_Ew), OPS("ltr", "Ew", 0, 0, ltr_Ew),
	OPS("verr", "Ew", 0, 0, verr_verw_Ew), OPS("verw", "Ew", 0, 0, verr_verw_Ew),
	UNDEFINED, UNDEFINED,
};

/* Group 7 /0 with mod = 11: the VMX instructions a guest can use (table A-6). */
static const struct opdesc group7_0_regs[8] = {
	UNDEFINED, OPS("vmcall", "", 0, END, vmcall_), UNDEFINED, UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

static const struct opdesc group7[8] = {
	{ .name = "sgdt", .operands = "Ms", .fns = sgdt_Ms, .reg_group = group7_0_regs },
	OPS("sidt", "Ms", 0, 0, sidt_Ms),
	OPS("lgdt", "Ms", 0, 0, lgdt_Ms), OPS("lidt", "Ms", 0, 0, lidt_Ms),
	OPS("smsw", "Mw/Rv", 0, 0, smsw_Ew), UNDEFINED,
	OPS("lmsw", "Ew", 0, END, lmsw_Ew), OPS("invlpg", "Mb", 0, 0, invlpg_M),
};

/* Group 8 (0F BA), group 9 (0F C7) and group 16 (0F 18: prefetch hints,
 * which glassvm, having no cache, runs as NOPs; /4-/7 are reserved NOPs). */
static const struct opdesc group8[8] = {
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
	OPS("bt", "Ev,Ib", F_IMM8, 0, bt_EvIb), OPS("bts", "Ev,Ib", F_IMM8, LCK, bts_EvIb),
	OPS("btr", "Ev,Ib", F_IMM8, LCK, btr_EvIb), OPS("btc", "Ev,Ib", F_IMM8, LCK, btc_EvIb),
};

static const struct opdesc group9[8] = {
	UNDEFINED, OPS("cmpxchg8b", "Mq", 0, LCK, cmpxchg8b_Mq), UNDEFINED, UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

static const struct opdesc group16[8] = {
	OPS("prefetchnta", "Mb", 0, 0, nop_), OPS("prefetcht0", "Mb", 0, 0, nop_),
	OPS("prefetcht1", "Mb", 0, 0, nop_), OPS("prefetcht2", "Mb", 0, 0, nop_),
	OPS("nop", "Ev", 0, 0, nop_), OPS("nop", "Ev", 0, 0, nop_),
	OPS("nop", "Ev", 0, 0, nop_), OPS("nop", "Ev", 0, 0, nop_),
};

/* Group 15 (0F AE): of its members, a P6 with FXSR has FXSAVE and FXRSTOR. */
static const struct opdesc group15[8] = {
	OPS("fxsave", "M", 0, 0, fxsave_M), OPS("fxrstor", "M", 0, 0, fxrstor_M),
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

/* The sixteen conditions (SDM Vol. 1, appendix B), in encoding order, for
 * Jcc (70-7F, 0F 80-8F), CMOVcc (0F 40-4F) and SETcc (0F 90-9F). */
#define CONDITIONS(X, ...) \
	X(o, 0, __VA_ARGS__), X(no, 1, __VA_ARGS__), X(b, 2, __VA_ARGS__), \
	X(ae, 3, __VA_ARGS__), X(e, 4, __VA_ARGS__), X(ne, 5, __VA_ARGS__), \
	X(be, 6, __VA_ARGS__), X(a, 7, __VA_ARGS__), X(s, 8, __VA_ARGS__), \
	X(ns, 9, __VA_ARGS__), X(p, 10, __VA_ARGS__), X(np, 11, __VA_ARGS__), \
	X(l, 12, __VA_ARGS__), X(ge, 13, __VA_ARGS__), X(le, 14, __VA_ARGS__), \
	X(g, 15, __VA_ARGS__)
#define JCC(cc, n, ops, imm)  OPS("j" #cc, ops, imm, END, jcc##n##_J)
#define CMOVCC(cc, n, _)      OPS("cmov" #cc, "Gv,Ev", M, 0, cmovcc_GvEv)
#define SETCC(cc, n, _)       OPS("set" #cc, "Eb", M, 0, setcc_Eb)

#define X8(...)  __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
		 __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__

const struct opdesc opcode_map1[256] = {
	ALU_ROW("add", add, LCK),
	OPS("push", "ES", 0, 0, push_sreg_), OPS("pop", "ES", 0, 0, pop_sreg_),
	ALU_ROW("or", or, LCK),
	OPS("push", "CS", 0, 0, push_sreg_), UNDEFINED /* 0F: two-byte escape */,
	ALU_ROW("adc", adc, LCK),
	OPS("push", "SS", 0, 0, push_sreg_), OPS("pop", "SS", 0, 0, pop_sreg_),
	ALU_ROW("sbb", sbb, LCK),
	OPS("push", "DS", 0, 0, push_sreg_), OPS("pop", "DS", 0, 0, pop_sreg_),
	ALU_ROW("and", and, LCK), UNDEFINED /* ES: */, OP("daa", 0, 0, daa_),
	ALU_ROW("sub", sub, LCK), UNDEFINED /* CS: */, OP("das", 0, 0, das_),
	ALU_ROW("xor", xor, LCK), UNDEFINED /* SS: */, OP("aaa", 0, 0, aaa_aas),
	ALU_ROW("cmp", cmp, 0), UNDEFINED /* DS: */, OP("aas", 0, 0, aaa_aas),
	/* 40 */ ROW_eXX("inc", "", F_REGOP, 0, inc_Ev), ROW_eXX("dec", "", F_REGOP, 0, dec_Ev),
	/* 50 */ ROW_eXX("push", "", F_REGOP, 0, push_Ev), ROW_eXX("pop", "", F_REGOP, 0, pop_Ev),
	/* 60 */ OP("pusha", 0, 0, pusha_), OP("popa", 0, 0, popa_),
	OPS("bound", "Gv,Ma", M, 0, bound_GvMa), OPS("arpl", "Ew,Gw", M, 0, arpl_EwGw),
	UNDEFINED /* FS: */, UNDEFINED /* GS: */, UNDEFINED /* 66 */, UNDEFINED /* 67 */,
	OPS("push", "Iz", F_IMMZ, 0, push_Iz), OPS("imul", "Gv,Ev,Iz", M | F_IMMZ, 0, imul_GvEvI),
	OPS("push", "Ib", F_IMM8S, 0, push_Iz), OPS("imul", "Gv,Ev,Ib", M | F_IMM8S, 0, imul_GvEvI),
	OPS("ins", "Yb,DX", 0, 0, ins_b), OPS("ins", "Yz,DX", 0, 0, ins_v),
	OPS("outs", "DX,Xb", 0, 0, outs_b), OPS("outs", "DX,Xz", 0, 0, outs_v),
	/* 70 */ CONDITIONS(JCC, "Jb", F_IMM8S),
	/* 80 */ GROUP("grp1", group1_EbIb), GROUP("grp1", group1_EvIz),
	GROUP("grp1", group1_EbIb), GROUP("grp1", group1_EvIb),
	OPS("test", "Eb,Gb", M, 0, test_EbGb), OPS("test", "Ev,Gv", M, 0, test_EvGv),
	OPS("xchg", "Eb,Gb", M, LCK, xchg_EbGb), OPS("xchg", "Ev,Gv", M, LCK, xchg_EvGv),
	OPS("mov", "Eb,Gb", M, 0, mov_EbGb), OPS("mov", "Ev,Gv", M, 0, mov_EvGv),
	OPS("mov", "Gb,Eb", M, 0, mov_GbEb), OPS("mov", "Gv,Ev", M, 0, mov_GvEv),
	/* Table A-2 writes 8C and 8E as "Ev,Sw" and "Sw,Ew"; the MOV page
	 * has "r16/r32/m16": a register of the operand size, a word in memory. */
	OPS("mov", "Rv/Mw,Sw", M, 0, mov_EwSw), OPS("lea", "Gv,M", M, 0, lea_GvM),
	OPS("mov", "Sw,Rv/Mw", M, 0, mov_SwEw), GROUP("grp1a", group1a),
	/* 90 */ OP("nop", 0, 0, nop_), OPS("xchg", "eCX,eAX", F_REGOP, 0, xchg_eAXr),
	OPS("xchg", "eDX,eAX", F_REGOP, 0, xchg_eAXr), OPS("xchg", "eBX,eAX", F_REGOP, 0, xchg_eAXr),
	OPS("xchg", "eSP,eAX", F_REGOP, 0, xchg_eAXr), OPS("xchg", "eBP,eAX", F_REGOP, 0, xchg_eAXr),
	OPS("xchg", "eSI,eAX", F_REGOP, 0, xchg_eAXr), OPS("xchg", "eDI,eAX", F_REGOP, 0, xchg_eAXr),
	OP("cbw", 0, 0, cbw_cwde), OP("cwd", 0, 0, cwd_cdq),
	OPS("call", "Ap", F_FAR, END, call_Ap),
	OP("fwait", 0, 0, fwait_),
	OPS("pushf", "Fv", 0, 0, pushf_), OPS("popf", "Fv", 0, END, popf_),
	OP("sahf", 0, 0, sahf_), OP("lahf", 0, 0, lahf_),
	/* A0 */ OPS("mov", "AL,Ob", F_MOFFS, 0, mov_ALOb), OPS("mov", "eAX,Ov", F_MOFFS, 0, mov_eAXOv),
	OPS("mov", "Ob,AL", F_MOFFS, 0, mov_ObAL), OPS("mov", "Ov,eAX", F_MOFFS, 0, mov_OveAX),
	OPS("movs", "Yb,Xb", 0, 0, movs_b), OPS("movs", "Yv,Xv", 0, 0, movs_v),
	OPS("cmps", "Xb,Yb", 0, 0, cmps_b), OPS("cmps", "Xv,Yv", 0, 0, cmps_v),
	OPS("test", "AL,Ib", F_IMM8, 0, test_EbIb), OPS("test", "eAX,Iz", F_IMMZ, 0, test_EvIz),
	OPS("stos", "Yb,AL", 0, 0, stos_b), OPS("stos", "Yv,eAX", 0, 0, stos_v),
	OPS("lods", "AL,Xb", 0, 0, lods_b), OPS("lods", "eAX,Xv", 0, 0, lods_v),
	OPS("scas", "AL,Yb", 0, 0, scas_b), OPS("scas", "eAX,Yv", 0, 0, scas_v),
	/* B0 */ ROW_XL("mov", ",Ib", F_REGOP | F_IMM8, 0, mov_EbIb),
	ROW_eXX("mov", ",Iv", F_REGOP | F_IMMZ, 0, mov_EvIz),
	/* C0 */ GROUP("grp2", group2_EbIb), GROUP("grp2", group2_EvIb),
	OPS("ret", "Iw", F_IMM16, END, ret_), OP("ret", 0, END, ret_),
	OPS("les", "Gz,Mp", M, 0, lxs_GvMp), OPS("lds", "Gz,Mp", M, 0, lxs_GvMp),
	GROUP("grp11", group11_Eb), GROUP("grp11", group11_Ev),
	OPS("enter", "Iw,Ib", F_ENTER, 0, enter_), OP("leave", 0, 0, leave_),
	OPS("retf", "Iw", F_IMM16, END, retf_), OP("retf", 0, END, retf_),
	OP("int3", 0, END, int3_), OPS("int", "Ib", F_IMM8, END, int_Ib),
	OP("into", 0, END, into_), OP("iret", 0, END, iret_),
	/* D0 */ GROUP("grp2", group2_Eb1), GROUP("grp2", group2_Ev1),
	GROUP("grp2", group2_EbCL), GROUP("grp2", group2_EvCL),
	OPS("aam", "Ib", F_IMM8, 0, aam_), OPS("aad", "Ib", F_IMM8, 0, aad_),
	/* XLAT reads the byte at DS:[eBX + AL]; "[eBX]" is glassvm's notation
	 * for that table (the SDM gives XLAT no operand in table A-2). */
	OP("salc", 0, 0, salc_), OPS("xlat", "[eBX]", 0, 0, xlat_),
	X8(OP("fpu", M, 0, esc_)),
	/* E0 */ OPS("loopne", "Jb", F_IMM8S, END, loop_J), OPS("loope", "Jb", F_IMM8S, END, loop_J),
	OPS("loop", "Jb", F_IMM8S, END, loop_J), OPS("jcxz", "Jb", F_IMM8S, END, loop_J),
	OPS("in", "AL,Ib", F_IMM8, 0, in_b), OPS("in", "eAX,Ib", F_IMM8, 0, in_v),
	OPS("out", "Ib,AL", F_IMM8, 0, out_b), OPS("out", "Ib,eAX", F_IMM8, 0, out_v),
	OPS("call", "Jz", F_IMMZ, END, call_J), OPS("jmp", "Jz", F_IMMZ, END, jmp_J),
	OPS("jmp", "Ap", F_FAR, END, jmp_Ap), OPS("jmp", "Jb", F_IMM8S, END, jmp_J),
	OPS("in", "AL,DX", 0, 0, in_b), OPS("in", "eAX,DX", 0, 0, in_v),
	OPS("out", "DX,AL", 0, 0, out_b), OPS("out", "DX,eAX", 0, 0, out_v),
	/* F0 */ UNDEFINED /* LOCK */, OP("int1", 0, END, int1_),
	UNDEFINED /* REPNE */, UNDEFINED /* REP */,
	OP("hlt", 0, END, hlt_), OP("cmc", 0, 0, cmc_),
	GROUP("grp3", group3_Eb), GROUP("grp3", group3_Ev),
	OP("clc", 0, 0, clc_), OP("stc", 0, 0, stc_),
	OP("cli", 0, 0, cli_), OP("sti", 0, END, sti_),
	OP("cld", 0, 0, cld_), OP("std", 0, 0, std_),
	GROUP("grp4", group4), GROUP("grp5", group5),
};

const struct opdesc opcode_map2[256] = {
	[0x00] = GROUP("grp6", group6),
	[0x01] = GROUP("grp7", group7),
	/* LAR, LSL: "r32, r32/m16" (SDM: LAR) where table A-3 has Gv,Ew. */
	[0x02] = OPS("lar", "Gv,Rv/Mw", M, 0, lar_lsl_GvEw),
	[0x03] = OPS("lsl", "Gv,Rv/Mw", M, 0, lar_lsl_GvEw),
	[0x06] = OP("clts", 0, 0, clts_),
	[0x08] = OP("invd", 0, 0, invd_),
	[0x09] = OP("wbinvd", 0, 0, invd_),
	[0x0b] = OP("ud2", 0, 0, NULL),
	[0x18] = GROUP("grp16", group16),
	/* 0F 19-1F: hint NOPs with a ModRM operand (P6 and later). */
	[0x19 ... 0x1f] = OPS("nop", "Ev", M, 0, nop_),
	/* MOV to or from a control or debug register: R is a general register
	 * named by ModRM.rm, whatever ModRM.mod says. */
	[0x20] = OPS("mov", "Rd,Cd", M | F_MODREG, 0, mov_Rd_Cd),
	[0x21] = OPS("mov", "Rd,Dd", M | F_MODREG, 0, mov_Rd_Dd),
	[0x22] = OPS("mov", "Cd,Rd", M | F_MODREG, END, mov_Cd_Rd),
	[0x23] = OPS("mov", "Dd,Rd", M | F_MODREG, 0, mov_Dd_Rd),
	[0x30] = OP("wrmsr", 0, 0, wrmsr_),
	[0x31] = OP("rdtsc", 0, 0, rdtsc_),
	[0x32] = OP("rdmsr", 0, 0, rdmsr_),
	[0x34] = OP("sysenter", 0, END, sysenter_),
	[0x35] = OP("sysexit", 0, END, sysexit_),
	[0x40] = CONDITIONS(CMOVCC, _),
	[0x80] = CONDITIONS(JCC, "Jz", F_IMMZ),
	[0x90] = CONDITIONS(SETCC, _),
	[0xa0] = OPS("push", "FS", 0, 0, push_sreg_),
	[0xa1] = OPS("pop", "FS", 0, 0, pop_sreg_),
	[0xa2] = OP("cpuid", 0, 0, cpuid_),
	[0xa3] = OPS("bt", "Ev,Gv", M, 0, bt_EvGv),
	[0xa4] = OPS("shld", "Ev,Gv,Ib", M | F_IMM8, 0, shld_shrd),
	[0xa5] = OPS("shld", "Ev,Gv,CL", M, 0, shld_shrd),
	[0xa8] = OPS("push", "GS", 0, 0, push_sreg_),
	[0xa9] = OPS("pop", "GS", 0, 0, pop_sreg_),
	[0xab] = OPS("bts", "Ev,Gv", M, LCK, bts_EvGv),
	[0xac] = OPS("shrd", "Ev,Gv,Ib", M | F_IMM8, 0, shld_shrd),
	[0xad] = OPS("shrd", "Ev,Gv,CL", M, 0, shld_shrd),
	[0xae] = GROUP("grp15", group15),
	[0xaf] = OPS("imul", "Gv,Ev", M, 0, imul_GvEv),
	[0xb0] = OPS("cmpxchg", "Eb,Gb", M, LCK, cmpxchg_EbGb),
	[0xb1] = OPS("cmpxchg", "Ev,Gv", M, LCK, cmpxchg_EvGv),
	[0xb2] = OPS("lss", "Gv,Mp", M, 0, lxs_GvMp),
	[0xb3] = OPS("btr", "Ev,Gv", M, LCK, btr_EvGv),
	[0xb4] = OPS("lfs", "Gv,Mp", M, 0, lxs_GvMp),
	[0xb5] = OPS("lgs", "Gv,Mp", M, 0, lxs_GvMp),
	[0xb6] = OPS("movzx", "Gv,Eb", M, 0, movzx_movsx),
	[0xb7] = OPS("movzx", "Gv,Ew", M, 0, movzx_movsx),
	[0xba] = GROUP("grp8", group8),
	[0xbb] = OPS("btc", "Ev,Gv", M, LCK, btc_EvGv),
	[0xbc] = OPS("bsf", "Gv,Ev", M, 0, bsf_bsr),
	[0xbd] = OPS("bsr", "Gv,Ev", M, 0, bsf_bsr),
	[0xbe] = OPS("movsx", "Gv,Eb", M, 0, movzx_movsx),
	[0xbf] = OPS("movsx", "Gv,Ew", M, 0, movzx_movsx),
	[0xc0] = OPS("xadd", "Eb,Gb", M, LCK, xadd_EbGb),
	[0xc1] = OPS("xadd", "Ev,Gv", M, LCK, xadd_EvGv),
	[0xc7] = GROUP("grp9", group9),
	[0xc8] = ROW_eXX("bswap", "", F_REGOP, 0, bswap_r),
};
