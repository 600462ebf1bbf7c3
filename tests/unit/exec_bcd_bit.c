/*
 * tests/unit/exec_bcd_bit.c - the decimal-adjust and bit instructions,
 * executed by a real glassvm CPU (decoder + interpreter), against the host.
 *
 * DAA, DAS, AAA, AAS, AAM and AAD do not exist in 64-bit mode, so their
 * oracle is a small 32-bit program: this very file, compiled with
 * "cc -m32 -DGLASSVM_HOST32_ORACLE" when the test runs (gcc-multilib, which
 * the guests need anyway).  It executes each instruction on the host CPU
 * for every input and prints the results; the test runs the same input on
 * glassvm and compares.  BT/BTS/BTR/BTC, BSF/BSR and BSWAP are still valid
 * in 64-bit mode, so the host runs them here, in inline assembly.
 *
 * Flags the SDM leaves undefined are not compared (docs/cpu-flags.md).
 */

#ifdef GLASSVM_HOST32_ORACLE
/* ---------------------------------------------------------------------
 * The 32-bit oracle.  One line per case:
 *   name imm eax_in eflags_in eax_out eflags_out
 * with the arithmetic flags only.
 */
#include <stdio.h>

#define ARITH 0x8d5u

/* EFLAGS in by POPF, out by PUSHF (i386 has no red zone to protect). */
#define RUN(insn, eax, fl)                                                               \
	do {                                                                             \
		unsigned fo_;                                                            \
		__asm__ volatile("push %[fi]\n\tpopf\n\t" insn "\n\tpushf\n\tpop %[fo]"  \
				 : "+a"(eax), [fo] "=&r"(fo_) : [fi] "r"(fl) : "cc");    \
		fl = fo_;                                                                \
	} while (0)

static void emit(const char *name, unsigned imm, unsigned ein, unsigned fin,
		 unsigned eout, unsigned fout)
{
	printf("%s %x %x %x %x %x\n", name, imm, ein, fin & ARITH, eout, fout & ARITH);
}

/* Noise for the flags an instruction overwrites, so that a "leaves the
 * flag alone" implementation cannot pass by luck. */
static unsigned noise(unsigned v)
{
	return (v * 0x9e3779b1u >> 7) & (0x80u | 0x40u | 0x04u | 0x800u);
}

#define ADJUST(name, insn)                                                               \
	for (unsigned ah = 0; ah < 3; ah++)                                              \
		for (unsigned al = 0; al < 256; al++)                                    \
			for (unsigned k = 0; k < 4; k++) {                               \
				static const unsigned ahs[3] = { 0x00, 0x41, 0xff };     \
				unsigned eax = 0xabcd0000u | ahs[ah] << 8 | al;          \
				unsigned fl = 0x2u | (k & 1) | (k & 2) << 3 | noise(eax + k); \
				unsigned ein = eax, fin = fl;                            \
				RUN(insn, eax, fl);                                      \
				emit(name, 0, ein, fin, eax, fl);                        \
			}

#define AAM_AAD(name, opcode, imm)                                                       \
	for (unsigned ah = 0; ah < 256; ah++)                                            \
		for (unsigned al = 0; al < 256; al += (opcode == 0xd4 ? 1 : 5)) {         \
			unsigned eax = 0x12340000u | ah << 8 | al;                       \
			unsigned fl = 0x2u | ((ah & 1) ? ARITH : 0);                     \
			unsigned ein = eax, fin = fl;                                    \
			if (opcode == 0xd4 && ah % 51)                                    \
				continue;  /* AAM ignores AH: a few values suffice */    \
			RUN(".byte " #opcode ", " #imm, eax, fl);                        \
			emit(name, imm, ein, fin, eax, fl);                              \
		}

int main(void)
{
	ADJUST("daa", "daa");
	ADJUST("das", "das");
	ADJUST("aaa", "aaa");
	ADJUST("aas", "aas");
	/* AAM 0 is #DE: tests/unit/exec_faults.c checks that one. */
	AAM_AAD("aam", 0xd4, 10);
	AAM_AAD("aam", 0xd4, 16);
	AAM_AAD("aam", 0xd4, 7);
	AAM_AAD("aam", 0xd4, 1);
	AAM_AAD("aam", 0xd4, 255);
	AAM_AAD("aad", 0xd5, 10);
	AAM_AAD("aad", 0xd5, 16);
	AAM_AAD("aad", 0xd5, 7);
	AAM_AAD("aad", 0xd5, 0);
	AAM_AAD("aad", 0xd5, 255);
	return 0;
}

#else
/* ---------------------------------------------------------------------
 * The tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "cpu/cpu.h"
#include "cpu/ops.h"
#include "mmu/mmu.h"
#include "mmu/physmem.h"

/* ---- a CPU in flat 32-bit protected mode, running one instruction ---- */

#define RAM_SIZE  (1u << 20)
#define CODE_BASE 0x10000u  /* one 16-byte slot per instruction variant */
#define SLOT(n)   (CODE_BASE + 16u * (n))
#define DATA_BASE 0x80000u

static struct physmem *pm;
static struct mmu *mmu;
static struct cpu *cpu;

static uint32_t no_port_in(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque, (void)port, (void)size;
	return 0xffffffffu;
}

static void no_port_out(void *opaque, uint16_t port, uint32_t v, unsigned size)
{
	(void)opaque, (void)port, (void)v, (void)size;
}

static void vm_setup(void)
{
	pm = physmem_create(RAM_SIZE);
	cr_assert_not_null(pm);
	mmu = mmu_create(pm);
	cr_assert_not_null(mmu);
	cpu = cpu_create(mmu, (struct io_bus){ no_port_in, no_port_out, NULL });
	cr_assert_not_null(cpu);
	cpu_enter_flat32(cpu, CODE_BASE);
	cpu->regs[R_ESP] = 0x9000;
}

static void vm_teardown(void)
{
	cpu_destroy(cpu);
	mmu_destroy(mmu);
	physmem_destroy(pm);
}

/* Put instruction BYTES, then HLT, in slot N. */
static void vm_code(unsigned n, const uint8_t *bytes, unsigned len)
{
	uint8_t buf[16];

	cr_assert(len < 16);
	memcpy(buf, bytes, len);
	buf[len] = 0xf4;
	cr_assert(physmem_write(pm, SLOT(n), buf, len + 1));
}

/*
 * Run slot N with the arithmetic flags FLAGS; true when it ran to the HLT
 * that follows the instruction.  There is no IDT: a fault would end in a
 * shutdown, which this reports as false.
 */
static bool vm_run(unsigned n, unsigned len, uint32_t flags)
{
	enum cpu_stop why;

	cpu_set_eflags(cpu, flags, FL_ARITH);
	cpu->eip = SLOT(n);
	cpu->halted = false;
	why = cpu_run(cpu, 64);
	if (why == STOP_HALTED && cpu->eip == SLOT(n) + len + 1)
		return true;
	cr_log_error("the instruction at %#x did not complete: stop reason %d, EIP %#x",
		     SLOT(n), why, cpu->eip);
	return false;
}

static uint32_t vm_flags(void)
{
	return cpu_get_eflags(cpu) & FL_ARITH;
}

TestSuite(exec_bcd, .init = vm_setup, .fini = vm_teardown);
TestSuite(exec_bit, .init = vm_setup, .fini = vm_teardown);

/* ---- reporting ---- */

struct tally {
	unsigned long checked, failed;
};

static void fmt_flags(uint32_t f, char *buf)
{
	sprintf(buf, "%s%s%s%s%s%s", f & FL_CF ? "C" : "-", f & FL_PF ? "P" : "-",
		f & FL_AF ? "A" : "-", f & FL_ZF ? "Z" : "-", f & FL_SF ? "S" : "-",
		f & FL_OF ? "O" : "-");
}

static void check(struct tally *t, const char *what, uint32_t want, uint32_t got,
		  uint32_t want_f, uint32_t got_f, uint32_t defined)
{
	t->checked++;
	if (want == got && !((want_f ^ got_f) & defined))
		return;
	if (t->failed++ < 12) {
		char wf[8], gf[8], df[8];
		fmt_flags(want_f, wf);
		fmt_flags(got_f, gf);
		fmt_flags(defined, df);
		cr_log_error("%s: host %#x %s, glassvm %#x %s (compared flags %s)", what, want, wf,
			     got, gf, df);
	}
}

static void finish(const struct tally *t, const char *name, unsigned long min)
{
	cr_log_info("%s: %lu cases checked, %lu mismatches", name, t->checked, t->failed);
	cr_expect_geq(t->checked, min, "%s: only %lu cases checked", name, t->checked);
	cr_expect_eq(t->failed, 0, "%s: %lu of %lu cases differ from the host CPU", name,
		     t->failed, t->checked);
}

/* ---- DAA DAS AAA AAS AAM AAD against the 32-bit oracle ---- */

static FILE *start_oracle(char *dir, size_t size)
{
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char cmd[1024], exe[256];
	int st;

	snprintf(dir, size, "%s/glassvm-bcd-XXXXXX", tmp);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(exe, sizeof(exe), "%s/oracle", dir);
	snprintf(cmd, sizeof(cmd), "%s -m32 -O1 -DGLASSVM_HOST32_ORACLE -o %s '%s' 2>&1", cc, exe,
		 __FILE__);
	st = system(cmd);
	cr_assert_eq(st, 0, "building the 32-bit oracle failed: %s\n"
		     "(it needs a compiler that can do -m32: apt-get install gcc-multilib)", cmd);
	return popen(exe, "r");
}

static void stop_oracle(FILE *f, const char *dir)
{
	char path[256];

	cr_expect_eq(pclose(f), 0, "the 32-bit oracle failed");
	snprintf(path, sizeof(path), "%s/oracle", dir);
	unlink(path);
	rmdir(dir);
}

/* The opcodes, and the flags the SDM defines for each. */
struct bcd_op {
	const char *name;
	uint8_t opcode;
	uint32_t defined;
};

static const struct bcd_op bcd_ops[] = {
	/* DAA/DAS: "The OF flag is undefined." */
	{ "daa", 0x27, FL_CF | FL_AF | FL_SF | FL_ZF | FL_PF },
	{ "das", 0x2f, FL_CF | FL_AF | FL_SF | FL_ZF | FL_PF },
	/* AAA/AAS: "The OF, SF, ZF, and PF flags are undefined." */
	{ "aaa", 0x37, FL_CF | FL_AF },
	{ "aas", 0x3f, FL_CF | FL_AF },
	/* AAM/AAD: "The OF, AF, and CF flags are undefined." */
	{ "aam", 0xd4, FL_SF | FL_ZF | FL_PF },
	{ "aad", 0xd5, FL_SF | FL_ZF | FL_PF },
};

Test(exec_bcd, against_host)
{
	struct tally t[6] = { { 0, 0 } };
	char dir[200], line[128], what[96];
	FILE *f = start_oracle(dir, sizeof(dir));
	unsigned long lines = 0;

	cr_assert_not_null(f);
	/* One code slot per opcode and immediate, written when first needed
	 * and then decoded once. */
	static bool loaded[6 * 256];

	while (fgets(line, sizeof(line), f)) {
		char name[8];
		unsigned imm, ein, fin, eout, fout, k, slot, len;
		bool ran;

		cr_assert_eq(sscanf(line, "%7s %x %x %x %x %x", name, &imm, &ein, &fin, &eout, &fout),
			     6, "oracle line %lu: %s", lines, line);
		lines++;
		for (k = 0; k < 6 && strcmp(bcd_ops[k].name, name); k++)
			;
		cr_assert(k < 6, "oracle line %s", line);
		slot = k * 256 + (imm & 0xff);
		len = k >= 4 ? 2 : 1;  /* AAM and AAD take an immediate */
		if (!loaded[slot]) {
			const uint8_t code[2] = { bcd_ops[k].opcode, imm };

			vm_code(slot, code, len);
			loaded[slot] = true;
		}
		cpu->regs[R_EAX] = ein;
		ran = vm_run(slot, len, fin);
		if (k >= 4)
			snprintf(what, sizeof(what), "%s %u, eax=%#x flags in %#x", name, imm, ein, fin);
		else
			snprintf(what, sizeof(what), "%s, eax=%#x flags in %#x", name, ein, fin);
		if (!ran) {
			t[k].checked++;
			if (t[k].failed++ < 12)
				cr_log_error("%s: glassvm did not complete the instruction", what);
			continue;
		}
		check(&t[k], what, eout, cpu->regs[R_EAX], fout, vm_flags(), bcd_ops[k].defined);
	}
	stop_oracle(f, dir);
	for (unsigned k = 0; k < 6; k++)
		finish(&t[k], bcd_ops[k].name, 3000);
}

/* ---- BT BTS BTR BTC ---- */

#define FLAGS_IN  "lea -128(%%rsp), %%rsp\n\tpush %[fi]\n\tpopfq\n\t"
#define FLAGS_OUT "\n\tpushfq\n\tpop %[fo]\n\tlea 128(%%rsp), %%rsp"

/* BT-family host runs: OP is bt, bts, btr or btc. */
#define HOST_BT_REG(op, sfx, type, x, off, fi, fo)                                       \
	do {                                                                             \
		type x_ = x, o_ = off;                                                   \
		asm volatile(FLAGS_IN op sfx " %[o], %[x]" FLAGS_OUT                     \
			     : [x] "+r"(x_), [fo] "=&r"(fo) : [o] "r"(o_), [fi] "r"(fi) : "cc"); \
		x = x_;                                                                  \
	} while (0)

#define HOST_BT_MEM(op, sfx, p, off, fi, fo)                                             \
	asm volatile(FLAGS_IN op sfx " %[o], (%[p])" FLAGS_OUT                           \
		     : [fo] "=&r"(fo) : [o] "r"(off), [p] "r"(p), [fi] "r"(fi) : "cc", "memory")

static const char *const bt_names[4] = { "bt", "bts", "btr", "btc" };
/* Second opcode bytes of the register-offset forms (0F A3/AB/B3/BB). */
static const uint8_t bt_opcodes[4] = { 0xa3, 0xab, 0xb3, 0xbb };

/* The host: register destination, bit offset in a register. */
static uint32_t host_bt_reg(unsigned op, unsigned bits, uint32_t x, uint32_t off, uint32_t fin,
			    uint32_t *fout)
{
	uint64_t fi = 0x202 | fin, fo = 0;

	if (bits == 16) {
		switch (op) {
		case 0: HOST_BT_REG("bt", "w", uint16_t, x, off, fi, fo); break;
		case 1: HOST_BT_REG("bts", "w", uint16_t, x, off, fi, fo); break;
		case 2: HOST_BT_REG("btr", "w", uint16_t, x, off, fi, fo); break;
		default: HOST_BT_REG("btc", "w", uint16_t, x, off, fi, fo); break;
		}
	} else {
		switch (op) {
		case 0: HOST_BT_REG("bt", "l", uint32_t, x, off, fi, fo); break;
		case 1: HOST_BT_REG("bts", "l", uint32_t, x, off, fi, fo); break;
		case 2: HOST_BT_REG("btr", "l", uint32_t, x, off, fi, fo); break;
		default: HOST_BT_REG("btc", "l", uint32_t, x, off, fi, fo); break;
		}
	}
	*fout = fo & FL_ARITH;
	return x;
}

/* The host: memory bit string at P, signed bit offset in a register. */
static void host_bt_mem(unsigned op, unsigned bits, void *p, int32_t off, uint32_t fin,
			uint32_t *fout)
{
	uint64_t fi = 0x202 | fin, fo = 0;
	int16_t o16 = off;

	if (bits == 16) {
		switch (op) {
		case 0: HOST_BT_MEM("bt", "w", p, o16, fi, fo); break;
		case 1: HOST_BT_MEM("bts", "w", p, o16, fi, fo); break;
		case 2: HOST_BT_MEM("btr", "w", p, o16, fi, fo); break;
		default: HOST_BT_MEM("btc", "w", p, o16, fi, fo); break;
		}
	} else {
		switch (op) {
		case 0: HOST_BT_MEM("bt", "l", p, off, fi, fo); break;
		case 1: HOST_BT_MEM("bts", "l", p, off, fi, fo); break;
		case 2: HOST_BT_MEM("btr", "l", p, off, fi, fo); break;
		default: HOST_BT_MEM("btc", "l", p, off, fi, fo); break;
		}
	}
	*fout = fo & FL_ARITH;
}

/* The SDM defines CF only ("ZF is unaffected" on Intel; AMD leaves ZF
 * undefined, so it is not compared either: see docs/cpu-flags.md). */
#define BT_DEFINED FL_CF

static const uint32_t bt_values[] = {
	0, 1, 0x8000, 0xffff, 0x80000000, 0xffffffff, 0x12345678, 0xa5a5a5a5, 0x0ff00ff0,
};

Test(exec_bit, bt_register)
{
	struct tally t = { 0, 0 };
	char what[96];

	for (unsigned op = 0; op < 4; op++) {
		for (unsigned sz = 0; sz < 2; sz++) {
			unsigned bits = sz ? 32 : 16, slot = op * 2 + sz;
			/* [66] 0F xx C8: ModRM 11 001 000, destination EAX, offset ECX */
			uint8_t code[4] = { 0x66, 0x0f, bt_opcodes[op], 0xc8 };

			vm_code(slot, sz ? code + 1 : code, sz ? 3 : 4);
			for (unsigned vi = 0; vi < sizeof(bt_values) / sizeof(bt_values[0]); vi++) {
				/* Offsets beyond the operand wrap (register operand:
				 * offset modulo the size), negative ones too. */
				for (int off = -40; off < 72; off++) {
					uint32_t fin = (off & 1) ? FL_ARITH : 0, hf, gf, hx, gx;
					uint32_t x = bt_values[vi] & (bits == 16 ? 0xffff : ~0u);
					/* A 16-bit operation must leave EAX's upper half alone. */
					uint32_t upper = bits == 16 ? 0x5a5a0000u : 0;

					hx = upper | host_bt_reg(op, bits, x, off, fin, &hf);
					cpu->regs[R_EAX] = upper | x;
					cpu->regs[R_ECX] = off;
					if (!vm_run(slot, sz ? 3 : 4, fin)) {
						t.failed++;
						continue;
					}
					gx = cpu->regs[R_EAX];
					gf = vm_flags();
					snprintf(what, sizeof(what), "%s%u reg %#x, %d", bt_names[op], bits, x, off);
					check(&t, what, hx, gx, hf, gf, BT_DEFINED);
				}
			}
		}
	}
	finish(&t, "bt* r, r", 4 * 2 * 9 * 100);
}

Test(exec_bit, bt_imm)
{
	struct tally t = { 0, 0 };
	static const uint8_t imms[] = { 0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 0x80, 0xff };
	char what[96];

	for (unsigned op = 0; op < 4; op++) {
		for (unsigned sz = 0; sz < 2; sz++) {
			unsigned bits = sz ? 32 : 16;

			for (unsigned ii = 0; ii < sizeof(imms); ii++) {
				/* [66] 0F BA /4+op ib: ModRM 11 1oo 000, destination EAX */
				uint8_t code[5] = { 0x66, 0x0f, 0xba, 0xe0 | (op << 3), imms[ii] };
				unsigned slot = 16 + (op * 2 + sz) * sizeof(imms) + ii;

				vm_code(slot, sz ? code + 1 : code, sz ? 4 : 5);
				for (unsigned vi = 0; vi < sizeof(bt_values) / sizeof(bt_values[0]); vi++) {
					uint32_t x = bt_values[vi] & (bits == 16 ? 0xffff : ~0u);
					/* The host runs the register-offset form with the
					 * offset the immediate form takes: imm8 modulo the
					 * operand size (SDM: BT, "Description"). */
					uint32_t hf, hx = host_bt_reg(op, bits, x, imms[ii] % bits, 0, &hf);

					cpu->regs[R_EAX] = x;
					if (!vm_run(slot, sz ? 4 : 5, 0)) {
						t.failed++;
						continue;
					}
					snprintf(what, sizeof(what), "%s%u reg %#x, imm %u", bt_names[op], bits, x,
						 imms[ii]);
					check(&t, what, hx, cpu->regs[R_EAX] & (bits == 16 ? 0xffff : ~0u), hf,
					      vm_flags(), BT_DEFINED);
				}
			}
		}
	}
	finish(&t, "bt* r, imm8", 4 * 2 * 12 * 9);
}

/*
 * A memory operand with a register offset addresses a bit string: the
 * offset is signed and may reach far beyond the operand (SDM Vol. 2A, BT,
 * "bit base, bit offset").  Both sides start from the same 256 bytes and
 * the offset sweeps the whole string, in both directions.
 */
Test(exec_bit, bt_memory_bit_string)
{
	struct tally t = { 0, 0 };
	uint8_t host_buf[256], init[256], guest_buf[256];
	char what[96];

	for (unsigned k = 0; k < sizeof(init); k++)
		init[k] = (uint8_t)(k * 37 + 11);
	for (unsigned op = 0; op < 4; op++) {
		for (unsigned sz = 0; sz < 2; sz++) {
			unsigned bits = sz ? 32 : 16, slot = 200 + op * 2 + sz;
			/* [66] 0F xx 0B: ModRM 00 001 011, [EBX], offset ECX */
			uint8_t code[4] = { 0x66, 0x0f, bt_opcodes[op], 0x0b };

			vm_code(slot, sz ? code + 1 : code, sz ? 3 : 4);
			/* 16-bit offsets stay within +-32K bits, so any value here is fine. */
			for (int off = -1024; off < 1024; off += 3) {
				uint32_t hf;

				memcpy(host_buf, init, sizeof(init));
				host_bt_mem(op, bits, host_buf + 128, off, 0, &hf);
				cr_assert(physmem_write(pm, DATA_BASE, init, sizeof(init)));
				cpu->regs[R_EBX] = DATA_BASE + 128;
				cpu->regs[R_ECX] = (uint32_t)off;
				if (!vm_run(slot, sz ? 3 : 4, 0)) {
					t.failed++;
					continue;
				}
				cr_assert(physmem_read(pm, DATA_BASE, guest_buf, sizeof(guest_buf)));
				snprintf(what, sizeof(what), "%s%u [mem], %d", bt_names[op], bits, off);
				check(&t, what, 0, 0, hf, vm_flags(), BT_DEFINED);
				/* The bit string, compared as a whole. */
				for (unsigned b = 0; b < sizeof(init); b++) {
					if (host_buf[b] == guest_buf[b])
						continue;
					if (t.failed++ < 12)
						cr_log_error("%s: byte %d of the string: host %#x, glassvm %#x",
							     what, (int)b - 128, host_buf[b], guest_buf[b]);
					break;
				}
			}
		}
	}
	finish(&t, "bt* [mem], r", 4 * 2 * 600);
}

/* ---- BSF BSR ---- */

static uint32_t host_bsx(bool reverse, unsigned bits, uint32_t src, uint32_t dst, uint32_t *fout)
{
	uint64_t fi = 0x202 | FL_ARITH, fo = 0;

	if (bits == 16) {
		uint16_t s = src, d = dst;
		if (reverse)
			asm volatile(FLAGS_IN "bsrw %[s], %[d]" FLAGS_OUT
				     : [d] "+r"(d), [fo] "=&r"(fo) : [s] "r"(s), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "bsfw %[s], %[d]" FLAGS_OUT
				     : [d] "+r"(d), [fo] "=&r"(fo) : [s] "r"(s), [fi] "r"(fi) : "cc");
		dst = (dst & 0xffff0000u) | d;  /* the upper half is not the operand's */
	} else {
		if (reverse)
			asm volatile(FLAGS_IN "bsrl %[s], %[d]" FLAGS_OUT
				     : [d] "+r"(dst), [fo] "=&r"(fo) : [s] "r"(src), [fi] "r"(fi) : "cc");
		else
			asm volatile(FLAGS_IN "bsfl %[s], %[d]" FLAGS_OUT
				     : [d] "+r"(dst), [fo] "=&r"(fo) : [s] "r"(src), [fi] "r"(fi) : "cc");
	}
	*fout = fo & FL_ARITH;
	return dst;
}

Test(exec_bit, bsf_bsr)
{
	struct tally t = { 0, 0 };
	char what[96];
	uint64_t seed = 0x2545f4914f6cdd1dull;

	for (unsigned rev = 0; rev < 2; rev++) {
		for (unsigned sz = 0; sz < 2; sz++) {
			unsigned bits = sz ? 32 : 16, slot = 220 + rev * 2 + sz;
			/* [66] 0F BC/BD C1: ModRM 11 000 001, EAX <- bsf/bsr ECX */
			uint8_t code[4] = { 0x66, 0x0f, 0xbc + rev, 0xc1 };

			vm_code(slot, sz ? code + 1 : code, sz ? 3 : 4);
			for (unsigned k = 0; k < 3000; k++) {
				uint32_t src, hf, hx, gx;

				/* Single bits, zero, and random values. */
				seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
				src = k < 33 ? (k ? 1u << (k - 1) : 0) : (uint32_t)seed >> (seed >> 59);
				if (bits == 16)
					src &= 0xffff;
				hx = host_bsx(rev, bits, src, 0x77777777u, &hf);
				cpu->regs[R_ECX] = src;
				cpu->regs[R_EAX] = 0x77777777u;
				if (!vm_run(slot, sz ? 3 : 4, FL_ARITH)) {
					t.failed++;
					continue;
				}
				gx = cpu->regs[R_EAX];
				/* With a zero source the destination is undefined. */
				if (src == 0)
					hx = gx;
				snprintf(what, sizeof(what), "%s%u %#x", rev ? "bsr" : "bsf", bits, src);
				check(&t, what, hx, gx, hf, vm_flags(), FL_ZF);
			}
		}
	}
	finish(&t, "bsf/bsr", 4 * 3000);
}

/* ---- BSWAP ---- */

Test(exec_bit, bswap32)
{
	struct tally t = { 0, 0 };
	char what[64];

	for (unsigned r = 0; r < 8; r++) {
		uint8_t code[2] = { 0x0f, 0xc8 + r };

		vm_code(240 + r, code, 2);
		for (unsigned k = 0; k < 64; k++) {
			uint32_t v = 0x01020304u * (k + 1) ^ (k << 27), hv = v;

			asm("bswap %0" : "+r"(hv));
			for (unsigned q = 0; q < 8; q++)
				cpu->regs[q] = 0x11111111u * q;
			cpu->regs[r] = v;  /* ESP too: nothing here uses the stack */
			if (!vm_run(240 + r, 2, 0)) {
				t.failed++;
				continue;
			}
			snprintf(what, sizeof(what), "bswap r%u %#x", r, v);
			check(&t, what, hv, cpu->regs[r], 0, 0, 0);
			/* The other registers are untouched. */
			for (unsigned q = 0; q < 8; q++)
				if (q != r)
					check(&t, what, 0x11111111u * q, cpu->regs[q], 0, 0, 0);
		}
		cpu->regs[R_ESP] = 0x9000;
	}
	finish(&t, "bswap", 8 * 64);
}

#endif /* GLASSVM_HOST32_ORACLE */
