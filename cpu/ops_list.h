/*
 * cpu/ops_list.h - the handler families each cpu/ops_*.c file defines, for
 * the opcode maps in cpu/opcodes.c.  Each is indexed
 * [16-bit reg, 16-bit mem, 32-bit reg, 32-bit mem] (see cpu/ops.h).
 */
#ifndef CPU_OPS_LIST_H
#define CPU_OPS_LIST_H

#include "cpu/insn.h"

/* cpu/ops_arith.c */
extern const insn_fn test_EbGb[4], test_EvGv[4], test_EbIb[4], test_EvIz[4],
	add_EbGb[4], add_EvGv[4], add_GbEb[4], add_GvEv[4], add_EbIb[4], add_EvIz[4],
	or_EbGb[4], or_EvGv[4], or_GbEb[4], or_GvEv[4], or_EbIb[4], or_EvIz[4], adc_EbGb[4],
	adc_EvGv[4], adc_GbEb[4], adc_GvEv[4], adc_EbIb[4], adc_EvIz[4], sbb_EbGb[4],
	sbb_EvGv[4], sbb_GbEb[4], sbb_GvEv[4], sbb_EbIb[4], sbb_EvIz[4], and_EbGb[4],
	and_EvGv[4], and_GbEb[4], and_GvEv[4], and_EbIb[4], and_EvIz[4], sub_EbGb[4],
	sub_EvGv[4], sub_GbEb[4], sub_GvEv[4], sub_EbIb[4], sub_EvIz[4], xor_EbGb[4],
	xor_EvGv[4], xor_GbEb[4], xor_GvEv[4], xor_EbIb[4], xor_EvIz[4], cmp_EbGb[4],
	cmp_EvGv[4], cmp_GbEb[4], cmp_GvEv[4], cmp_EbIb[4], cmp_EvIz[4], inc_Eb[4], inc_Ev[4],
	dec_Eb[4], dec_Ev[4], neg_Eb[4], neg_Ev[4], not_Eb[4], not_Ev[4];

/* cpu/ops_bcd.c */
extern const insn_fn daa_[4], das_[4], aaa_aas[4], aam_[4], aad_[4];

/* cpu/ops_bit.c */
extern const insn_fn bsf_bsr[4], bt_EvGv[4], bt_EvIb[4], bts_EvGv[4], bts_EvIb[4],
	btr_EvGv[4], btr_EvIb[4], btc_EvGv[4], btc_EvIb[4], bswap_r[4];

/* cpu/ops_branch.c */
extern const insn_fn jmp_J[4], jcc0_J[4], jcc1_J[4], jcc2_J[4], jcc3_J[4], jcc4_J[4], jcc5_J[4], jcc6_J[4],
	jcc7_J[4], jcc8_J[4], jcc9_J[4], jcc10_J[4], jcc11_J[4], jcc12_J[4], jcc13_J[4],
	jcc14_J[4], jcc15_J[4], call_J[4], jmp_Ev[4], call_Ev[4], ret_[4],
	loop_J[4], jmp_Ap[4], call_Ap[4], jmp_Mp[4], call_Mp[4], retf_[4];

/* cpu/ops_data.c */
extern const insn_fn mov_EbGb[4], mov_EvGv[4], mov_GbEb[4], mov_GvEv[4], mov_EbIb[4],
	mov_EvIz[4], mov_ALOb[4], mov_eAXOv[4], mov_ObAL[4], mov_OveAX[4], movzx_movsx[4],
	xchg_EbGb[4], xchg_EvGv[4], xchg_eAXr[4], xadd_EbGb[4], xadd_EvGv[4], cmpxchg_EbGb[4],
	cmpxchg_EvGv[4], cmpxchg8b_Mq[4], lea_GvM[4], cmovcc_GvEv[4], setcc_Eb[4],
	cbw_cwde[4], cwd_cdq[4], lahf_[4], sahf_[4], xlat_[4], salc_[4], nop_[4];

/* cpu/ops_muldiv.c */
extern const insn_fn mul_Eb[4], mul_Ev[4], imul_Eb[4], imul_Ev[4], div_Eb[4],
	div_Ev[4], idiv_Eb[4], idiv_Ev[4], imul_GvEv[4], imul_GvEvI[4];

/* cpu/ops_shift.c */
extern const insn_fn shift_EbIb[4], shift_EvIb[4], shift_Eb1[4], shift_Ev1[4],
	shift_EbCL[4], shift_EvCL[4], shld_shrd[4];

/* cpu/ops_stack.c */
extern const insn_fn push_Ev[4], push_Iz[4], pop_Ev[4], pusha_[4], popa_[4], pushf_[4],
	popf_[4], enter_[4], leave_[4];

/* cpu/ops_string.c */
extern const insn_fn movs_b[4], movs_v[4], cmps_b[4], cmps_v[4], stos_b[4], stos_v[4],
	lods_b[4], lods_v[4], scas_b[4], scas_v[4], ins_b[4], ins_v[4], outs_b[4], outs_v[4];

/* cpu/ops_system.c */
extern const insn_fn clc_[4], stc_[4], cmc_[4], cld_[4], std_[4], cli_[4], sti_[4],
	hlt_[4], in_b[4], in_v[4], out_b[4], out_v[4], int3_[4], int_Ib[4], into_[4],
	int1_[4], iret_[4], bound_GvMa[4], mov_EwSw[4], mov_SwEw[4], push_sreg_[4],
	pop_sreg_[4], lxs_GvMp[4], sgdt_Ms[4], sidt_Ms[4], lgdt_Ms[4], lidt_Ms[4], smsw_Ew[4],
	lmsw_Ew[4], invlpg_M[4], sldt_str_Ew[4], lldt_Ew[4], ltr_Ew[4], mov_Cd_Rd[4],
	mov_Rd_Cd[4], mov_Dd_Rd[4], mov_Rd_Dd[4], clts_[4], invd_[4], cpuid_[4], rdtsc_[4],
	rdmsr_[4], wrmsr_[4], sysenter_[4], sysexit_[4], vmcall_[4];

/* cpu/ops_fpu.c */
extern const insn_fn esc_[4], fwait_[4], fxsave_M[4], fxrstor_M[4];

/* cpu/ops_protect.c */
extern const insn_fn lar_lsl_GvEw[4], verr_verw_Ew[4], arpl_EwGw[4];

#endif
