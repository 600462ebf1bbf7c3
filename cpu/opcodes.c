/*
 * cpu/opcodes.c - the opcode maps (SDM Vol. 2, Appendix A, tables A-2 and
 * A-3) and the ModRM-extended groups (table A-6): for every opcode, its
 * mnemonic, the bytes that follow it, and the handlers that execute it.
 * An entry without handlers decodes to #UD.
 */
#include "cpu/decode.h"
#include "cpu/ops.h"

#define OP(nm, f, fl, fam)  { .name = nm, .fmt = (f), .flags = (fl), .fns = (fam) }
#define GROUP(nm, g)        { .name = nm, .fmt = F_MODRM, .group = (g) }
#define UNDEFINED           { .name = "(bad)" }

#define M   F_MODRM
#define END D_ENDS_BLOCK
#define LCK D_LOCKABLE

/* Rows 00-3F: the eight ALU operations, six forms each. */
#define ALU_ROW(nm, fam, lock) \
	OP(nm, M, lock, fam##_EbGb), OP(nm, M, lock, fam##_EvGv), \
	OP(nm, M, 0, fam##_GbEb), OP(nm, M, 0, fam##_GvEv), \
	OP(nm, F_IMM8, 0, fam##_EbIb), OP(nm, F_IMMZ, 0, fam##_EvIz)

/* Group 1 (80-83): ModRM.reg selects the operation; the immediate differs. */
#define ALU_GROUP(imm, b) { \
	OP("add", imm, LCK, add_##b), OP("or", imm, LCK, or_##b), \
	OP("adc", imm, LCK, adc_##b), OP("sbb", imm, LCK, sbb_##b), \
	OP("and", imm, LCK, and_##b), OP("sub", imm, LCK, sub_##b), \
	OP("xor", imm, LCK, xor_##b), OP("cmp", imm, 0, cmp_##b) }

static const struct opdesc group1_EbIb[8] = ALU_GROUP(F_IMM8, EbIb);
static const struct opdesc group1_EvIz[8] = ALU_GROUP(F_IMMZ, EvIz);
static const struct opdesc group1_EvIb[8] = ALU_GROUP(F_IMM8S, EvIz);

/* Group 2: one handler family per count source; it switches on ModRM.reg. */
#define SHIFT_GROUP(imm, fam) { \
	OP("rol", imm, 0, fam), OP("ror", imm, 0, fam), OP("rcl", imm, 0, fam), \
	OP("rcr", imm, 0, fam), OP("shl", imm, 0, fam), OP("shr", imm, 0, fam), \
	OP("sal", imm, 0, fam), OP("sar", imm, 0, fam) }

static const struct opdesc group2_EbIb[8] = SHIFT_GROUP(F_IMM8, shift_EbIb);
static const struct opdesc group2_EvIb[8] = SHIFT_GROUP(F_IMM8, shift_EvIb);
static const struct opdesc group2_Eb1[8]  = SHIFT_GROUP(0, shift_Eb1);
static const struct opdesc group2_Ev1[8]  = SHIFT_GROUP(0, shift_Ev1);
static const struct opdesc group2_EbCL[8] = SHIFT_GROUP(0, shift_EbCL);
static const struct opdesc group2_EvCL[8] = SHIFT_GROUP(0, shift_EvCL);

/* Group 3 (F6/F7); /1 is an undocumented alias of TEST. */
static const struct opdesc group3_Eb[8] = {
	OP("test", F_IMM8, 0, test_EbIb), OP("test", F_IMM8, 0, test_EbIb),
	OP("not", 0, LCK, not_Eb), OP("neg", 0, LCK, neg_Eb),
	OP("mul", 0, 0, mul_Eb), OP("imul", 0, 0, imul_Eb),
	OP("div", 0, 0, div_Eb), OP("idiv", 0, 0, idiv_Eb),
};

static const struct opdesc group3_Ev[8] = {
	OP("test", F_IMMZ, 0, test_EvIz), OP("test", F_IMMZ, 0, test_EvIz),
	OP("not", 0, LCK, not_Ev), OP("neg", 0, LCK, neg_Ev),
	OP("mul", 0, 0, mul_Ev), OP("imul", 0, 0, imul_Ev),
	OP("div", 0, 0, div_Ev), OP("idiv", 0, 0, idiv_Ev),
};

/* Group 4 (FE) and group 5 (FF). */
static const struct opdesc group4[8] = {
	OP("inc", 0, LCK, inc_Eb), OP("dec", 0, LCK, dec_Eb),
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

static const struct opdesc group5[8] = {
	OP("inc", 0, LCK, inc_Ev), OP("dec", 0, LCK, dec_Ev),
	OP("call", 0, END, call_Ev), OP("lcall", 0, END, call_Mp),
	OP("jmp", 0, END, jmp_Ev), OP("ljmp", 0, END, jmp_Mp),
	OP("push", 0, 0, push_Ev), UNDEFINED,
};

/* Group 1A (8F) and group 11 (C6/C7): only /0 is defined. */
static const struct opdesc group1a[8] = { OP("pop", 0, 0, pop_Ev), UNDEFINED, UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };
static const struct opdesc group11_Eb[8] = { OP("mov", F_IMM8, 0, mov_EbIb), UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };
static const struct opdesc group11_Ev[8] = { OP("mov", F_IMMZ, 0, mov_EvIz), UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED };

/* Group 6 (0F 00) and group 7 (0F 01): system instructions. */
static const struct opdesc group6[8] = {
	OP("sldt", 0, 0, sldt_str_Ew), OP("str", 0, 0, sldt_str_Ew),
	OP("lldt", 0, 0, lldt_Ew), OP("ltr", 0, 0, ltr_Ew),
	OP("verr", 0, 0, verr_verw_Ew), OP("verw", 0, 0, verr_verw_Ew), UNDEFINED, UNDEFINED,
};

static const struct opdesc group7[8] = {
	OP("sgdt", 0, 0, sgdt_Ms), OP("sidt", 0, 0, sidt_Ms),
	OP("lgdt", 0, 0, lgdt_Ms), OP("lidt", 0, 0, lidt_Ms),
	OP("smsw", 0, 0, smsw_Ew), UNDEFINED,
	OP("lmsw", 0, END, lmsw_Ew), OP("invlpg", 0, 0, invlpg_M),
};

/* Group 8 (0F BA) and group 9 (0F C7). */
static const struct opdesc group8[8] = {
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
	OP("bt", F_IMM8, 0, bt_EvIb), OP("bts", F_IMM8, LCK, bts_EvIb),
	OP("btr", F_IMM8, LCK, btr_EvIb), OP("btc", F_IMM8, LCK, btc_EvIb),
};

static const struct opdesc group9[8] = {
	UNDEFINED, OP("cmpxchg8b", 0, LCK, cmpxchg8b_Mq), UNDEFINED, UNDEFINED,
	UNDEFINED, UNDEFINED, UNDEFINED, UNDEFINED,
};

/* The sixteen conditional jumps (70-7F with rel8, 0F 80-8F with rel16/32). */
#define JCC_ROW(imm) \
	OP("jo", imm, END, jcc0_J), OP("jno", imm, END, jcc1_J), \
	OP("jb", imm, END, jcc2_J), OP("jae", imm, END, jcc3_J), \
	OP("je", imm, END, jcc4_J), OP("jne", imm, END, jcc5_J), \
	OP("jbe", imm, END, jcc6_J), OP("ja", imm, END, jcc7_J), \
	OP("js", imm, END, jcc8_J), OP("jns", imm, END, jcc9_J), \
	OP("jp", imm, END, jcc10_J), OP("jnp", imm, END, jcc11_J), \
	OP("jl", imm, END, jcc12_J), OP("jge", imm, END, jcc13_J), \
	OP("jle", imm, END, jcc14_J), OP("jg", imm, END, jcc15_J)

#define X8(...)  __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
		 __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define X16(...) X8(__VA_ARGS__), X8(__VA_ARGS__)

const struct opdesc opcode_map1[256] = {
	ALU_ROW("add", add, LCK),
	OP("push", 0, 0, push_sreg_), OP("pop", 0, 0, pop_sreg_),
	ALU_ROW("or", or, LCK),
	OP("push", 0, 0, push_sreg_), UNDEFINED /* 0F: two-byte escape */,
	ALU_ROW("adc", adc, LCK),
	OP("push", 0, 0, push_sreg_), OP("pop", 0, 0, pop_sreg_),
	ALU_ROW("sbb", sbb, LCK),
	OP("push", 0, 0, push_sreg_), OP("pop", 0, 0, pop_sreg_),
	ALU_ROW("and", and, LCK), UNDEFINED /* ES: */, OP("daa", 0, 0, daa_),
	ALU_ROW("sub", sub, LCK), UNDEFINED /* CS: */, OP("das", 0, 0, das_),
	ALU_ROW("xor", xor, LCK), UNDEFINED /* SS: */, OP("aaa", 0, 0, aaa_aas),
	ALU_ROW("cmp", cmp, 0), UNDEFINED /* DS: */, OP("aas", 0, 0, aaa_aas),
	/* 40 */ X8(OP("inc", F_REGOP, 0, inc_Ev)), X8(OP("dec", F_REGOP, 0, dec_Ev)),
	/* 50 */ X8(OP("push", F_REGOP, 0, push_Ev)), X8(OP("pop", F_REGOP, 0, pop_Ev)),
	/* 60 */ OP("pusha", 0, 0, pusha_), OP("popa", 0, 0, popa_),
	OP("bound", M, 0, bound_GvMa), OP("arpl", M, 0, arpl_EwGw),
	UNDEFINED /* FS: */, UNDEFINED /* GS: */, UNDEFINED /* 66 */, UNDEFINED /* 67 */,
	OP("push", F_IMMZ, 0, push_Iz), OP("imul", M | F_IMMZ, 0, imul_GvEvI),
	OP("push", F_IMM8S, 0, push_Iz), OP("imul", M | F_IMM8S, 0, imul_GvEvI),
	OP("insb", 0, 0, ins_b), OP("ins", 0, 0, ins_v),
	OP("outsb", 0, 0, outs_b), OP("outs", 0, 0, outs_v),
	/* 70 */ JCC_ROW(F_IMM8S),
	/* 80 */ GROUP("grp1", group1_EbIb), GROUP("grp1", group1_EvIz),
	GROUP("grp1", group1_EbIb), GROUP("grp1", group1_EvIb),
	OP("test", M, 0, test_EbGb), OP("test", M, 0, test_EvGv),
	OP("xchg", M, LCK, xchg_EbGb), OP("xchg", M, LCK, xchg_EvGv),
	OP("mov", M, 0, mov_EbGb), OP("mov", M, 0, mov_EvGv),
	OP("mov", M, 0, mov_GbEb), OP("mov", M, 0, mov_GvEv),
	OP("mov", M, 0, mov_EwSw), OP("lea", M, 0, lea_GvM),
	OP("mov", M, 0, mov_SwEw), GROUP("grp1a", group1a),
	/* 90 */ OP("nop", 0, 0, nop_), OP("xchg", F_REGOP, 0, xchg_eAXr),
	OP("xchg", F_REGOP, 0, xchg_eAXr), OP("xchg", F_REGOP, 0, xchg_eAXr),
	OP("xchg", F_REGOP, 0, xchg_eAXr), OP("xchg", F_REGOP, 0, xchg_eAXr),
	OP("xchg", F_REGOP, 0, xchg_eAXr), OP("xchg", F_REGOP, 0, xchg_eAXr),
	OP("cbw", 0, 0, cbw_cwde), OP("cwd", 0, 0, cwd_cdq),
	OP("lcall", F_FAR, END, call_Ap), OP("fwait", 0, 0, fwait_),
	OP("pushf", 0, 0, pushf_), OP("popf", 0, END, popf_),
	OP("sahf", 0, 0, sahf_), OP("lahf", 0, 0, lahf_),
	/* A0 */ OP("mov", F_MOFFS, 0, mov_ALOb), OP("mov", F_MOFFS, 0, mov_eAXOv),
	OP("mov", F_MOFFS, 0, mov_ObAL), OP("mov", F_MOFFS, 0, mov_OveAX),
	OP("movsb", 0, 0, movs_b), OP("movs", 0, 0, movs_v),
	OP("cmpsb", 0, 0, cmps_b), OP("cmps", 0, 0, cmps_v),
	OP("test", F_IMM8, 0, test_EbIb), OP("test", F_IMMZ, 0, test_EvIz),
	OP("stosb", 0, 0, stos_b), OP("stos", 0, 0, stos_v),
	OP("lodsb", 0, 0, lods_b), OP("lods", 0, 0, lods_v),
	OP("scasb", 0, 0, scas_b), OP("scas", 0, 0, scas_v),
	/* B0 */ X8(OP("mov", F_REGOP | F_IMM8, 0, mov_EbIb)),
	X8(OP("mov", F_REGOP | F_IMMZ, 0, mov_EvIz)),
	/* C0 */ GROUP("grp2", group2_EbIb), GROUP("grp2", group2_EvIb),
	OP("ret", F_IMM16, END, ret_), OP("ret", 0, END, ret_),
	OP("les", M, 0, lxs_GvMp), OP("lds", M, 0, lxs_GvMp),
	GROUP("grp11", group11_Eb), GROUP("grp11", group11_Ev),
	OP("enter", F_ENTER, 0, enter_), OP("leave", 0, 0, leave_),
	OP("lret", F_IMM16, END, retf_), OP("lret", 0, END, retf_),
	OP("int3", 0, END, int3_), OP("int", F_IMM8, END, int_Ib),
	OP("into", 0, END, into_), OP("iret", 0, END, iret_),
	/* D0 */ GROUP("grp2", group2_Eb1), GROUP("grp2", group2_Ev1),
	GROUP("grp2", group2_EbCL), GROUP("grp2", group2_EvCL),
	OP("aam", F_IMM8, 0, aam_), OP("aad", F_IMM8, 0, aad_),
	OP("salc", 0, 0, salc_), OP("xlat", 0, 0, xlat_),
	X8(OP("fpu", M, 0, esc_)),
	/* E0 */ OP("loopne", F_IMM8S, END, loop_J), OP("loope", F_IMM8S, END, loop_J),
	OP("loop", F_IMM8S, END, loop_J), OP("jcxz", F_IMM8S, END, loop_J),
	OP("in", F_IMM8, 0, in_b), OP("in", F_IMM8, 0, in_v),
	OP("out", F_IMM8, 0, out_b), OP("out", F_IMM8, 0, out_v),
	OP("call", F_IMMZ, END, call_J), OP("jmp", F_IMMZ, END, jmp_J),
	OP("ljmp", F_FAR, END, jmp_Ap), OP("jmp", F_IMM8S, END, jmp_J),
	OP("in", 0, 0, in_b), OP("in", 0, 0, in_v),
	OP("out", 0, 0, out_b), OP("out", 0, 0, out_v),
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
	[0x02] = OP("lar", M, 0, lar_GvEw),
	[0x03] = OP("lsl", M, 0, lsl_GvEw),
	[0x06] = OP("clts", 0, 0, clts_),
	[0x08] = OP("invd", 0, 0, invd_),
	[0x09] = OP("wbinvd", 0, 0, invd_),
	[0x0b] = { .name = "ud2" },
	/* 0F 18-1F: hint NOPs with a ModRM operand (P6 and later). */
	[0x18 ... 0x1f] = OP("nop", M, 0, nop_),
	[0x20] = OP("mov", M | F_MODREG, 0, mov_Rd_Cd),
	[0x21] = OP("mov", M | F_MODREG, 0, mov_Rd_Dd),
	[0x22] = OP("mov", M | F_MODREG, END, mov_Cd_Rd),
	[0x23] = OP("mov", M | F_MODREG, 0, mov_Dd_Rd),
	[0x30] = OP("wrmsr", 0, 0, wrmsr_),
	[0x31] = OP("rdtsc", 0, 0, rdtsc_),
	[0x32] = OP("rdmsr", 0, 0, rdmsr_),
	[0x34] = OP("sysenter", 0, END, sysenter_),
	[0x35] = OP("sysexit", 0, END, sysexit_),
	[0x40 ... 0x4f] = OP("cmovcc", M, 0, cmovcc_GvEv),
	[0x80] = JCC_ROW(F_IMMZ),
	[0x90 ... 0x9f] = OP("setcc", M, 0, setcc_Eb),
	[0xa0] = OP("push", 0, 0, push_sreg_),
	[0xa1] = OP("pop", 0, 0, pop_sreg_),
	[0xa2] = OP("cpuid", 0, 0, cpuid_),
	[0xa3] = OP("bt", M, 0, bt_EvGv),
	[0xa4] = OP("shld", M | F_IMM8, 0, shld_shrd),
	[0xa5] = OP("shld", M, 0, shld_shrd),
	[0xa8] = OP("push", 0, 0, push_sreg_),
	[0xa9] = OP("pop", 0, 0, pop_sreg_),
	[0xab] = OP("bts", M, LCK, bts_EvGv),
	[0xac] = OP("shrd", M | F_IMM8, 0, shld_shrd),
	[0xad] = OP("shrd", M, 0, shld_shrd),
	[0xaf] = OP("imul", M, 0, imul_GvEv),
	[0xb0] = OP("cmpxchg", M, LCK, cmpxchg_EbGb),
	[0xb1] = OP("cmpxchg", M, LCK, cmpxchg_EvGv),
	[0xb2] = OP("lss", M, 0, lxs_GvMp),
	[0xb3] = OP("btr", M, LCK, btr_EvGv),
	[0xb4] = OP("lfs", M, 0, lxs_GvMp),
	[0xb5] = OP("lgs", M, 0, lxs_GvMp),
	[0xb6] = OP("movzb", M, 0, movzx_movsx),
	[0xb7] = OP("movzw", M, 0, movzx_movsx),
	[0xba] = GROUP("grp8", group8),
	[0xbb] = OP("btc", M, LCK, btc_EvGv),
	[0xbc] = OP("bsf", M, 0, bsf_bsr),
	[0xbd] = OP("bsr", M, 0, bsf_bsr),
	[0xbe] = OP("movsb", M, 0, movzx_movsx),
	[0xbf] = OP("movsw", M, 0, movzx_movsx),
	[0xc0] = OP("xadd", M, LCK, xadd_EbGb),
	[0xc1] = OP("xadd", M, LCK, xadd_EvGv),
	[0xc7] = GROUP("grp9", group9),
	[0xc8 ... 0xcf] = OP("bswap", F_REGOP, 0, bswap_r),
};
