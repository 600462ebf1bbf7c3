/*
 * cpu/alu.h - the arithmetic-logic unit: results and flag records of the
 * integer operations, for 8-, 16- and 32-bit operands (BITS).
 *
 * Each function returns the result truncated to BITS and describes the flags
 * in *F (see cpu/flags.h).  The caller commits *F to the CPU only after the
 * result has been stored, so an instruction whose store faults leaves the
 * flags untouched.  tests/unit/ checks every one of them against the host
 * CPU executing the same instruction.
 */
#ifndef CPU_ALU_H
#define CPU_ALU_H

#include "cpu/cpu.h"
#include "cpu/flags.h"

static inline uint32_t trunc_to(uint32_t v, unsigned bits)
{
	return bits == 32 ? v : v & ((1u << bits) - 1);
}

static inline uint32_t alu_add(struct lazy_flags *f, uint32_t a, uint32_t b, bool cin, unsigned bits)
{
	uint32_t r = a + b + cin;

	lf_set(f, LF_ADD, a, b, r, bits);
	return trunc_to(r, bits);
}

static inline uint32_t alu_sub(struct lazy_flags *f, uint32_t a, uint32_t b, bool bin, unsigned bits)
{
	uint32_t r = a - b - bin;

	lf_set(f, LF_SUB, a, b, r, bits);
	return trunc_to(r, bits);
}

static inline uint32_t alu_logic(struct lazy_flags *f, uint32_t r, unsigned bits)
{
	lf_set(f, LF_LOGIC, 0, 0, r, bits);
	return trunc_to(r, bits);
}

/* INC and DEC leave CF alone (SDM Vol. 2A, INC): the old CF rides in aux. */
static inline uint32_t alu_inc(struct lazy_flags *f, uint32_t a, bool old_cf, unsigned bits)
{
	uint32_t r = a + 1;

	lf_set(f, LF_INC, a, 1, r, bits);
	f->aux = old_cf ? FL_CF : 0;
	return trunc_to(r, bits);
}

static inline uint32_t alu_dec(struct lazy_flags *f, uint32_t a, bool old_cf, unsigned bits)
{
	uint32_t r = a - 1;

	lf_set(f, LF_DEC, a, 1, r, bits);
	f->aux = old_cf ? FL_CF : 0;
	return trunc_to(r, bits);
}

/* The eight operations of the 00-3F block and group 1, by ModRM.reg / opcode bits 5:3. */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

static inline uint32_t alu_binary(struct lazy_flags *f, enum alu_op op, uint32_t a,
				  uint32_t b, bool cf, unsigned bits)
{
	switch (op) {
	case ALU_ADD: return alu_add(f, a, b, false, bits);
	case ALU_OR:  return alu_logic(f, a | b, bits);
	case ALU_ADC: return alu_add(f, a, b, cf, bits);
	case ALU_SBB: return alu_sub(f, a, b, cf, bits);
	case ALU_AND: return alu_logic(f, a & b, bits);
	case ALU_SUB:
	case ALU_CMP: return alu_sub(f, a, b, false, bits);
	default:      return alu_logic(f, a ^ b, bits);
	}
}

/* Shifts and rotates (group 2), by ModRM.reg. */
enum shift_op { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/*
 * SHL/SAL, SHR, SAR by N (already masked to 5 bits, and not zero): the
 * result, with flags recorded lazily: ZF, SF, PF from the result, CF (the
 * last bit shifted out) and OF in aux, AF = 0 (undefined in the SDM).
 */
static inline uint32_t alu_shift_lazy(struct lazy_flags *f, enum shift_op op, uint32_t a,
				      unsigned n, unsigned bits)
{
	uint32_t r;
	bool cf, of;

	a = trunc_to(a, bits);
	if (op == SH_SHR) {
		r = a >> n;
		cf = (a >> (n - 1)) & 1;
		of = (a >> (bits - 1)) & 1;       /* the operand's sign */
	} else if (op == SH_SAR) {
		int32_t s = sext(a, bits);
		r = trunc_to((uint32_t)(s >> n), bits);
		cf = (s >> (n - 1)) & 1;
		of = false;
	} else {
		uint64_t w = (uint64_t)a << n;
		r = trunc_to((uint32_t)w, bits);
		cf = (w >> bits) & 1;             /* 0 once N exceeds the width */
		of = ((r >> (bits - 1)) & 1) ^ cf;
	}
	lf_set(f, LF_RESULT, 0, 0, r, bits);
	f->aux = (cf ? FL_CF : 0) | (of ? FL_OF : 0);
	return r;
}

/*
 * Shift or rotate A by COUNT (already the raw count operand).  EFLAGS is the
 * full current EFLAGS (rotates keep SF/ZF/PF/AF); the new arithmetic flags
 * are returned in *NEW_FLAGS.  Returns the result.
 */
uint32_t alu_shift(enum shift_op op, uint32_t a, unsigned count, unsigned bits,
		   uint32_t eflags, uint32_t *new_flags);

/* SHLD/SHRD (SDM Vol. 2B): shift A, filling from B. */
uint32_t alu_shld(uint32_t a, uint32_t b, unsigned count, unsigned bits,
		  uint32_t eflags, uint32_t *new_flags);
uint32_t alu_shrd(uint32_t a, uint32_t b, unsigned count, unsigned bits,
		  uint32_t eflags, uint32_t *new_flags);

/* Multiply: returns the double-width product; sets CF=OF per SDM. */
uint64_t alu_mul(struct lazy_flags *f, uint32_t a, uint32_t b, unsigned bits);
uint64_t alu_imul(struct lazy_flags *f, uint32_t a, uint32_t b, unsigned bits);

/* Divide the double-width DIVIDEND by DIVISOR; false means #DE. */
bool alu_div(uint64_t dividend, uint32_t divisor, unsigned bits, uint32_t *quot, uint32_t *rem);
bool alu_idiv(uint64_t dividend, uint32_t divisor, unsigned bits, uint32_t *quot, uint32_t *rem);

/* Merge new arithmetic flags into a full EFLAGS value. */
static inline uint32_t flags_merge(uint32_t eflags, uint32_t arith)
{
	return (eflags & ~FL_ARITH) | (arith & FL_ARITH);
}

/* PF of the low byte of V (SDM Vol. 1, 3.4.3.1). */
static inline uint32_t parity_flag(uint32_t v)
{
	return __builtin_parity(v & 0xff) ? 0 : FL_PF;
}

static inline uint32_t zs_flags(uint32_t v, unsigned bits)
{
	return (trunc_to(v, bits) == 0 ? FL_ZF : 0) | (((v >> (bits - 1)) & 1) ? FL_SF : 0);
}

#endif
