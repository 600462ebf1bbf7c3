/*
 * cpu/fpu.h - the x87 floating-point unit (SDM Vol. 1, chapter 8).
 *
 * The FPU is a stack of eight 80-bit registers R0-R7.  ST(i), the i-th
 * entry from the top, is register R((TOP + i) mod 8), where TOP lives in
 * bits 11-13 of the status word (SDM 8.1.2).  A tag says which registers
 * hold a value; pushing onto a full stack or reading an empty register is a
 * stack fault (8.5.1.1).
 *
 * The registers are kept as the host's 80-bit long double, byte for byte
 * the guest's register image, and the host's own x87 does the rounding
 * (see fpu_host() below and docs/cpu-x87.md): glassvm's x87 needs an x86
 * host.
 */
#ifndef CPU_FPU_H
#define CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Status word (SDM Vol. 1, figure 8-4). */
#define FSW_IE   0x0001u  /* invalid operation */
#define FSW_DE   0x0002u  /* denormal operand */
#define FSW_ZE   0x0004u  /* zero divide */
#define FSW_OE   0x0008u  /* overflow */
#define FSW_UE   0x0010u  /* underflow */
#define FSW_PE   0x0020u  /* precision (inexact) */
#define FSW_SF   0x0040u  /* stack fault: IE came from the stack, C1 tells which way */
#define FSW_ES   0x0080u  /* an unmasked exception is pending */
#define FSW_C0   0x0100u
#define FSW_C1   0x0200u
#define FSW_C2   0x0400u
#define FSW_TOP  0x3800u
#define FSW_C3   0x4000u
#define FSW_B    0x8000u  /* busy: a copy of ES since the 387 */
#define FSW_EXC  0x003fu  /* the six exception flags; the same bits mask them in the FCW */
#define FSW_CC   (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)
#define FSW_TOP_SHIFT 11

/* Control word (figure 8-6): the masks in bits 0-5, precision control in
 * bits 8-9, rounding control in bits 10-11. */
#define FCW_WRITABLE 0x1f3fu  /* bit 12 (infinity control) is kept but has no effect */
#define FCW_ONE      0x0040u  /* reserved, reads as 1 */
#define FCW_INIT     0x037fu  /* after FNINIT: all masked, 64-bit precision, round to nearest */

struct fpu {
	long double r[8];  /* R0-R7, the 80-bit register images */
	uint16_t cw, sw;
	uint8_t used;      /* bit i set when Ri is not empty: FXSAVE's abridged tag word */
	/* The last non-control instruction, for exception handlers (SDM 8.1.8-8.1.9). */
	uint16_t fop;      /* its opcode: low 3 bits of the first byte, then ModRM */
	uint16_t fcs, fds; /* selectors of its code and of its memory operand */
	uint32_t fip, fdp; /* offsets of the same */
	/*
	 * The FERR# output pin.  In MS-DOS compatibility mode (CR0.NE = 0) an
	 * unmasked exception is not reported as #MF: the processor asserts
	 * FERR# when the instruction that caused it completes, and a PC wires
	 * FERR# to IRQ 13 of the slave PIC, so the interrupt controller model
	 * samples this flag.  It drops when ES is cleared (SDM Vol. 1, 8.7.2
	 * and appendix D.2).
	 */
	bool ferr;
};

/* The state after RESET (SDM Vol. 3A, table 9-1), which is not FNINIT's. */
void fpu_reset(struct fpu *f);
/* FNINIT (SDM Vol. 2A, FINIT/FNINIT). */
void fpu_init(struct fpu *f);

/* ---- the register stack ---- */

static inline unsigned fpu_top(const struct fpu *f)
{
	return (f->sw & FSW_TOP) >> FSW_TOP_SHIFT;
}

/* The physical register that is ST(i). */
static inline unsigned fpu_phys(const struct fpu *f, unsigned i)
{
	return (fpu_top(f) + i) & 7;
}

static inline bool fpu_empty(const struct fpu *f, unsigned i)
{
	return !(f->used & (1u << fpu_phys(f, i)));
}

static inline long double fpu_st(const struct fpu *f, unsigned i)
{
	return f->r[fpu_phys(f, i)];
}

void fpu_set_st(struct fpu *f, unsigned i, long double v);
void fpu_set_top(struct fpu *f, unsigned top);
void fpu_push(struct fpu *f, long double v);
void fpu_pop(struct fpu *f);

/* Set the condition codes selected by MASK to the bits of CC. */
static inline void fpu_set_cc(struct fpu *f, uint16_t mask, uint16_t cc)
{
	f->sw = (f->sw & ~mask) | (cc & mask);
}

/* ---- values ---- */

/* FXAM's classes, numbered as FXAM reports them in C3 C2 C0 (SDM: FXAM). */
enum fpu_class {
	FPC_UNSUPPORTED = 0, FPC_NAN = 1, FPC_NORMAL = 2, FPC_INFINITY = 3,
	FPC_ZERO = 4, FPC_EMPTY = 5, FPC_DENORMAL = 6,
};

enum fpu_class fpu_classify(long double v);
bool fpu_sign(long double v);
bool fpu_is_nan(long double v);
bool fpu_is_snan(long double v);
long double fpu_quiet(long double v);
long double fpu_with_sign(long double v, bool negative);
/* The "real indefinite" QNaN, the masked response to an invalid operation. */
long double fpu_indefinite(void);

/* The register image as memory holds it: the significand with its integer
 * bit (bytes 0-7), then sign and exponent (bytes 8-9). */
void fpu_split(long double v, uint64_t *mant, uint16_t *se);
long double fpu_join(uint64_t mant, uint16_t se);

/* The full tag word of FSTENV/FSAVE, computed from the registers' contents;
 * loading one keeps only "empty" or "not empty" (SDM Vol. 1, 8.1.7). */
uint16_t fpu_tag_word(const struct fpu *f);
void fpu_load_tag_word(struct fpu *f, uint16_t tw);

/* ---- memory formats (SDM Vol. 1, 4.2 and 8.2) ---- */

enum fpu_format { FMT_F32, FMT_F64, FMT_F80, FMT_I16, FMT_I32, FMT_I64, FMT_BCD };

unsigned fpu_format_size(enum fpu_format fmt);
/*
 * A memory operand's bits as an 80-bit value, exactly.  A signaling NaN
 * stays signaling, so that the instruction using it, not the conversion,
 * decides what it raises; *DENORMAL tells a denormal single or double.
 */
long double fpu_load_format(enum fpu_format fmt, uint64_t lo, uint16_t hi, bool *denormal);
/* The "indefinite" of a format: what a masked invalid operation stores. */
void fpu_indefinite_format(enum fpu_format fmt, uint64_t *lo, uint16_t *hi);
/* An integral V with |V| < 10^18 as packed BCD: bytes 0-7 in LO, 8-9 in HI. */
void fpu_bcd_of(long double v, uint64_t *lo, uint16_t *hi);

/* ---- the host's x87 ---- */

/*
 * The numeric core of an instruction.  Each runs the same x87 instruction
 * on the host, under the guest's rounding and precision control, and
 * returns the host's status word: its exception flags and condition codes
 * are the guest's.  A and B are the operands in the order of the "shape"
 * comments; results are written back through them.
 */
enum fpu_op {
	/* *A <- *A op *B */
	FOP_ADD, FOP_MUL, FOP_SUB, FOP_SUBR, FOP_DIV, FOP_DIVR,
	FOP_PREM, FOP_PREM1, FOP_SCALE,
	/* only the condition codes: compare *A with *B */
	FOP_COM, FOP_UCOM,
	/* *A <- f(*A) */
	FOP_SQRT, FOP_RNDINT, FOP_F2XM1, FOP_SIN, FOP_COS,
	/* *A <- f(*A, *B), for ST(1) <- f(ST(0), ST(1)) and a pop */
	FOP_PATAN, FOP_YL2X, FOP_YL2XP1,
	/* two results: ST(0), passed in *A, is replaced by *A, then *B is
	 * pushed (the 1.0 of FPTAN, FSINCOS's cosine, FXTRACT's significand) */
	FOP_PTAN, FOP_SINCOS, FOP_XTRACT,
	/* *A <- a constant */
	FOP_LD1, FOP_LDL2T, FOP_LDL2E, FOP_LDPI, FOP_LDLG2, FOP_LDLN2, FOP_LDZ,
};

uint16_t fpu_host(enum fpu_op op, uint16_t cw, long double *a, long double *b);
/* The condition codes OP defines; the others keep their values. */
uint16_t fpu_op_cc(enum fpu_op op);
/* FST/FIST to a single, double or 16/32/64-bit integer: rounded by the host. */
uint16_t fpu_host_store(enum fpu_format fmt, uint16_t cw, long double v, uint64_t *bits);

/* ---- exceptions ---- */

/* Which unmasked exceptions stop an instruction from delivering its result
 * (SDM 8.5): a register destination is left alone on IE, ZE and DE (OE and
 * UE still write a rescaled result), a memory destination on those five. */
#define FPU_STOPS_REG (FSW_IE | FSW_ZE | FSW_DE)
#define FPU_STOPS_MEM (FSW_IE | FSW_ZE | FSW_DE | FSW_OE | FSW_UE)

/*
 * Raise exception flags EXC.  Returns false when one of them is unmasked
 * and in STOPS: the instruction must then change nothing more, and the
 * exception is reported at the next waiting x87 instruction.
 */
bool fpu_raise(struct cpu *c, uint16_t exc, uint16_t stops);
/* Recompute ES and B (and FERR#) after the flags or the masks changed. */
void fpu_update_es(struct cpu *c);

/* The AT&T mnemonic of escape opcode OP (D8-DF) with ModRM byte MODRM, as GNU
 * objdump prints it: "fadds", "fldl", "fstp", "fnstsw", "fucomip"... (cpu/ops_fpu.c) */
const char *fpu_mnemonic(uint8_t op, uint8_t modrm);

#endif
