/*
 * tests/unit/disasm_encodings.c - the disassembler on hand-picked
 * encodings, against the text GNU objdump 2.40 prints for the same bytes
 * (objdump -d, and objdump -d -M intel; with -M i8086 for the 16-bit ones),
 * at address 0x1000.  Each case is one whole instruction, so its length is
 * the number of its bytes.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "cpu/disasm.h"

#define BASE 0x1000

struct dis_case {
	bool code32;
	const char *att, *intel;
	uint8_t nbytes;
	uint8_t bytes[15];
};

#define C32(att, intel, ...) \
	{ true, att, intel, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }
#define C16(att, intel, ...) \
	{ false, att, intel, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }

static const struct dis_case cases[] = {
	/* ---- Operands and size suffixes ---- */
	C32("mov    %ebx,%eax", "mov    eax,ebx",
	    0x89, 0xd8),
	/* a register tells the size: no suffix */
	C32("add    %ebx,(%eax)", "add    DWORD PTR [eax],ebx",
	    0x01, 0x18),
	/* no register tells the size: addl; the byte is sign-extended */
	C32("addl   $0xffffffff,(%eax)", "add    DWORD PTR [eax],0xffffffff",
	    0x83, 0x00, 0xff),
	C32("add    $0xffff,%ax", "add    ax,0xffff",
	    0x66, 0x83, 0xc0, 0xff),
	C32("movb   $0x1,(%eax)", "mov    BYTE PTR [eax],0x1",
	    0xc6, 0x00, 0x01),
	C32("movl   $0x12345678,0x4(%esp)", "mov    DWORD PTR [esp+0x4],0x12345678",
	    0xc7, 0x44, 0x24, 0x04, 0x78, 0x56, 0x34, 0x12),

	/* ---- Memory operands ---- */
	C32("mov    -0x4(%ebp,%ecx,4),%eax", "mov    eax,DWORD PTR [ebp+ecx*4-0x4]",
	    0x8b, 0x44, 0x8d, 0xfc),
	C32("mov    0x1000(,%ecx,4),%eax", "mov    eax,DWORD PTR [ecx*4+0x1000]",
	    0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00),
	C32("mov    0x1000,%eax", "mov    eax,DWORD PTR ds:0x1000",
	    0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	C32("mov    %fs:0x30,%eax", "mov    eax,fs:0x30",
	    0x64, 0xa1, 0x30, 0x00, 0x00, 0x00),
	/* a SIB byte without index: %eiz */
	C32("lea    0x0(%esi,%eiz,1),%esi", "lea    esi,[esi+eiz*1+0x0]",
	    0x8d, 0x74, 0x26, 0x00),
	/* GCC's padding */
	C32("lea    0x0(%esi,%eiz,1),%esi", "lea    esi,[esi+eiz*1+0x0]",
	    0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00),
	C32("nopw   %cs:0x0(%eax,%eax,1)", "nop    WORD PTR cs:[eax+eax*1+0x0]",
	    0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00),
	/* objdump's names for 90 with 66 and F3 */
	C32("xchg   %ax,%ax", "xchg   ax,ax",
	    0x66, 0x90),
	C32("pause", "pause",
	    0xf3, 0x90),
	C32("movzbl (%eax),%eax", "movzx  eax,BYTE PTR [eax]",
	    0x0f, 0xb6, 0x00),
	C32("movsbw %al,%ax", "movsx  ax,al",
	    0x66, 0x0f, 0xbe, 0xc0),
	C32("movswl %ax,%ecx", "movsx  ecx,ax",
	    0x0f, 0xbf, 0xc8),
	C32("shl    %eax", "shl    eax,1",
	    0xd1, 0xe0),
	C32("shll   %cl,(%eax)", "shl    DWORD PTR [eax],cl",
	    0xd3, 0x20),
	C32("sar    $0x1f,%eax", "sar    eax,0x1f",
	    0xc1, 0xf8, 0x1f),
	C32("div    %ecx", "div    ecx",
	    0xf7, 0xf1),
	C32("mulb   (%eax)", "mul    BYTE PTR [eax]",
	    0xf6, 0x20),

	/* ---- String instructions, LOCK ---- */
	C32("rep movsl %ds:(%esi),%es:(%edi)", "rep movs DWORD PTR es:[edi],DWORD PTR ds:[esi]",
	    0xf3, 0xa5),
	C32("rep stos %eax,%es:(%edi)", "rep stos DWORD PTR es:[edi],eax",
	    0xf3, 0xab),
	C32("repnz scas %es:(%edi),%al", "repnz scas al,BYTE PTR es:[edi]",
	    0xf2, 0xae),
	C32("repz cmpsb %es:(%edi),%ds:(%esi)", "repz cmps BYTE PTR ds:[esi],BYTE PTR es:[edi]",
	    0xf3, 0xa6),
	C32("insb   (%dx),%es:(%edi)", "ins    BYTE PTR es:[edi],dx",
	    0x6c),
	C32("out    %eax,(%dx)", "out    dx,eax",
	    0xef),
	C32("in     $0x60,%al", "in     al,0x60",
	    0xe4, 0x60),
	C32("xlat   %ds:(%ebx)", "xlat   BYTE PTR ds:[ebx]",
	    0xd7),
	C32("lock xadd %eax,(%ebx)", "lock xadd DWORD PTR [ebx],eax",
	    0xf0, 0x0f, 0xc1, 0x03),
	C32("lock incl (%eax)", "lock inc DWORD PTR [eax]",
	    0xf0, 0xff, 0x00),
	C32("xchg   %ebx,%ecx", "xchg   ecx,ebx",
	    0x87, 0xd9),

	/* ---- The stack ---- */
	C32("push   %eax", "push   eax",
	    0x50),
	C32("push   %ax", "push   ax",
	    0x66, 0x50),
	C32("push   $0xffffffff", "push   0xffffffff",
	    0x6a, 0xff),
	C32("pushw  $0xffff", "pushw  0xffff",
	    0x66, 0x6a, 0xff),
	/* the stack width: a suffix only when 66 changes it */
	C32("push   (%eax)", "push   DWORD PTR [eax]",
	    0xff, 0x30),
	C32("pushw  (%eax)", "push   WORD PTR [eax]",
	    0x66, 0xff, 0x30),
	C32("pop    (%eax)", "pop    DWORD PTR [eax]",
	    0x8f, 0x00),
	C32("push   %es", "push   es",
	    0x06),
	C32("pushw  %es", "pushw  es",
	    0x66, 0x06),
	C32("pop    %fs", "pop    fs",
	    0x0f, 0xa1),
	C32("pusha", "pusha",
	    0x60),
	C32("pushaw", "pushaw",
	    0x66, 0x60),
	C32("pushf", "pushf",
	    0x9c),
	C32("iret", "iret",
	    0xcf),
	C32("iretw", "iretw",
	    0x66, 0xcf),
	C32("ret", "ret",
	    0xc3),
	C32("ret    $0x8", "ret    0x8",
	    0xc2, 0x08, 0x00),
	C32("lret", "retf",
	    0xcb),
	C32("lret   $0x4", "retf   0x4",
	    0xca, 0x04, 0x00),
	C32("leave", "leave",
	    0xc9),
	/* ENTER and BOUND keep the Intel order in AT&T */
	C32("enter  $0x10,$0x1", "enter  0x10,0x1",
	    0xc8, 0x10, 0x00, 0x01),
	C32("bound  %eax,(%eax)", "bound  eax,QWORD PTR [eax]",
	    0x62, 0x00),

	/* ---- Branches ---- */
	C32("call   0x2000", "call   0x2000",
	    0xe8, 0xfb, 0x0f, 0x00, 0x00),
	C32("jmp    0x1000", "jmp    0x1000",
	    0xeb, 0xfe),
	C32("je     0x1012", "je     0x1012",
	    0x74, 0x10),
	C32("jne    0x1106", "jne    0x1106",
	    0x0f, 0x85, 0x00, 0x01, 0x00, 0x00),
	C32("jecxz  0x1007", "jecxz  0x1007",
	    0xe3, 0x05),
	C32("jcxz   0x1008", "jcxz   0x1008",
	    0x67, 0xe3, 0x05),
	C32("loop   0xffc", "loop   0xffc",
	    0xe2, 0xfa),
	C32("call   *%eax", "call   eax",
	    0xff, 0xd0),
	C32("jmp    *0x2000(,%eax,4)", "jmp    DWORD PTR [eax*4+0x2000]",
	    0xff, 0x24, 0x85, 0x00, 0x20, 0x00, 0x00),
	C32("lcall  *(%eax)", "call   FWORD PTR [eax]",
	    0xff, 0x18),
	C32("lcall  $0x8,$0x12345678", "call   0x8:0x12345678",
	    0x9a, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	C32("ljmp   $0x10,$0x100000", "jmp    0x10:0x100000",
	    0xea, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00),
	/* CET and MPX prefixes */
	C32("notrack jmp *%eax", "notrack jmp eax",
	    0x3e, 0xff, 0xe0),
	C32("bnd ret", "bnd ret",
	    0xf2, 0xc3),
	/* CS on Jcc: a "not taken" hint (AT&T only) */
	C32("je,pn  0x1003", "cs je  0x1003",
	    0x2e, 0x74, 0x00),

	/* ---- Data movement, system ---- */
	/* AT&T names for CBW/CWDE and CWD/CDQ */
	C32("cwtl", "cwde",
	    0x98),
	C32("cbtw", "cbw",
	    0x66, 0x98),
	C32("cltd", "cdq",
	    0x99),
	C32("mov    %cr0,%eax", "mov    eax,cr0",
	    0x0f, 0x20, 0xc0),
	C32("mov    %eax,%cr3", "mov    cr3,eax",
	    0x0f, 0x22, 0xd8),
	C32("mov    %eax,%db7", "mov    dr7,eax",
	    0x0f, 0x23, 0xf8),
	C32("mov    %ds,%eax", "mov    eax,ds",
	    0x8c, 0xd8),
	C32("mov    %eax,%ds", "mov    ds,eax",
	    0x8e, 0xd8),
	C32("mov    %ds,(%eax)", "mov    WORD PTR [eax],ds",
	    0x8c, 0x18),
	C32("ltr    %ax", "ltr    ax",
	    0x0f, 0x00, 0xd8),
	C32("lgdtl  (%eax)", "lgdtd  [eax]",
	    0x0f, 0x01, 0x10),
	C32("invlpg (%eax)", "invlpg BYTE PTR [eax]",
	    0x0f, 0x01, 0x38),
	C32("sete   %al", "sete   al",
	    0x0f, 0x94, 0xc0),
	/* one size only: no suffix */
	C32("sete   (%eax)", "sete   BYTE PTR [eax]",
	    0x0f, 0x94, 0x00),
	C32("cmove  %ecx,%eax", "cmove  eax,ecx",
	    0x0f, 0x44, 0xc1),
	C32("shld   $0x4,%eax,%edx", "shld   edx,eax,0x4",
	    0x0f, 0xa4, 0xc2, 0x04),
	C32("shrd   %cl,%eax,%edx", "shrd   edx,eax,cl",
	    0x0f, 0xad, 0xc2),
	C32("bt     $0x5,%eax", "bt     eax,0x5",
	    0x0f, 0xba, 0xe0, 0x05),
	C32("btl    $0x5,(%eax)", "bt     DWORD PTR [eax],0x5",
	    0x0f, 0xba, 0x20, 0x05),
	C32("cmpxchg8b (%esi)", "cmpxchg8b QWORD PTR [esi]",
	    0x0f, 0xc7, 0x0e),
	C32("bswap  %eax", "bswap  eax",
	    0x0f, 0xc8),
	C32("imul   $0x2710,%eax,%eax", "imul   eax,eax,0x2710",
	    0x69, 0xc0, 0x10, 0x27, 0x00, 0x00),
	C32("imul   $0xfffffffe,%eax,%eax", "imul   eax,eax,0xfffffffe",
	    0x6b, 0xc0, 0xfe),
	C32("rdtsc", "rdtsc",
	    0x0f, 0x31),
	C32("int    $0x80", "int    0x80",
	    0xcd, 0x80),
	C32("aam    $0xa", "aam    0xa",
	    0xd4, 0x0a),

	/* ---- Prefixes without effect, aliases, undefined opcodes ---- */
	C32("movsb  %es:(%esi),%es:(%edi)", "movs   BYTE PTR es:[edi],BYTE PTR es:[esi]",
	    0x26, 0xa4),
	/* prefixes without effect are named */
	C32("cs stos %al,%es:(%edi)", "cs stos BYTE PTR es:[edi],al",
	    0x2e, 0xaa),
	C32("data16 loop 0x1001", "data16 loop 0x1001",
	    0x66, 0xe2, 0xfe),
	/* hint NOPs */
	C32("endbr32", "endbr32",
	    0xf3, 0x0f, 0x1e, 0xfb),
	C32("prefetcht0 (%eax)", "prefetcht0 BYTE PTR [eax]",
	    0x0f, 0x18, 0x08),
	/* no handler (#UD), but shown by name */
	C32("ud2", "ud2",
	    0x0f, 0x0b),
	/* SALC: undocumented, but glassvm runs it; objdump says (bad) */
	C32("salc", "salc",
	    0xd6),
	/* FE /2 is undefined */
	C32("(bad)", "(bad)",
	    0xfe, 0x10),

	/* ---- x87 (cpu/disasm_x87.c) ---- */
	C32("fadds  0x4(%esp)", "fadd   DWORD PTR [esp+0x4]",
	    0xd8, 0x44, 0x24, 0x04),
	C32("fstpl  (%esp)", "fstp   QWORD PTR [esp]",
	    0xdd, 0x1c, 0x24),
	C32("fildll (%esp)", "fild   QWORD PTR [esp]",
	    0xdf, 0x2c, 0x24),
	C32("fldt   0x0(%ebp)", "fld    TBYTE PTR [ebp+0x0]",
	    0xdb, 0x6d, 0x00),
	C32("fxch   %st(1)", "fxch   st(1)",
	    0xd9, 0xc9),
	C32("fstp   %st(0)", "fstp   st(0)",
	    0xdd, 0xd8),
	C32("fadd   %st(1),%st", "fadd   st,st(1)",
	    0xd8, 0xc1),
	/* AT&T's fsub/fsubr swap */
	C32("fsubr  %st,%st(1)", "fsub   st(1),st",
	    0xdc, 0xe9),
	C32("fdivrp %st,%st(1)", "fdivp  st(1),st",
	    0xde, 0xf9),
	C32("fnstsw %ax", "fnstsw ax",
	    0xdf, 0xe0),
	C32("fld1", "fld1",
	    0xd9, 0xe8),
	/* a 66 prefix selects the 16-bit environment */
	C32("fldenvs (%eax)", "fldenvw [eax]",
	    0x66, 0xd9, 0x20),

	/* ---- 16-bit code ---- */
	C16("mov    -0x2(%bp),%ax", "mov    ax,WORD PTR [bp-0x2]",
	    0x8b, 0x46, 0xfe),
	C16("mov    (%bx,%si),%ax", "mov    ax,WORD PTR [bx+si]",
	    0x8b, 0x00),
	C16("mov    0x1234,%ax", "mov    ax,WORD PTR ds:0x1234",
	    0x8b, 0x06, 0x34, 0x12),
	/* 66 and 67: 32-bit operand and address size */
	C16("mov    0x4(%esp),%eax", "mov    eax,DWORD PTR [esp+0x4]",
	    0x66, 0x67, 0x8b, 0x44, 0x24, 0x04),
	C16("mov    0x4(%esp),%ax", "mov    ax,WORD PTR [esp+0x4]",
	    0x67, 0x8b, 0x44, 0x24, 0x04),
	C16("call   0x1003", "call   0x1003",
	    0xe8, 0x00, 0x00),
	C16("pushal", "pushad",
	    0x66, 0x60),
	C16("iretl", "iretd",
	    0x66, 0xcf),
	C16("lcall  $0xf000,$0x0", "call   0xf000:0x0",
	    0x9a, 0x00, 0x00, 0x00, 0xf0),
};

static void check(const struct dis_case *c, enum disasm_syntax syntax, const char *want)
{
	char out[128];
	int len = disasm(c->bytes, c->nbytes, c->code32, BASE, syntax, out, sizeof(out));

	cr_expect_eq(len, c->nbytes, "%s: length %d, want %u", want, len, c->nbytes);
	cr_expect_str_eq(out, want, "got \"%s\", want \"%s\"", out, want);
}

Test(disasm, objdump_att)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check(&cases[k], DISASM_ATT, cases[k].att);
}

Test(disasm, objdump_intel)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check(&cases[k], DISASM_INTEL, cases[k].intel);
}

static const char *name_main(uint32_t addr, void *ctx)
{
	*(int *)ctx += 1;
	return addr == 0x2000 ? "main+0x10" : NULL;
}

Test(disasm, symbolize_branch_targets)
{
	static const uint8_t call[] = { 0xe8, 0xfb, 0x0f, 0x00, 0x00 };  /* call 0x2000 */
	static const uint8_t jmp[] = { 0xeb, 0xfe };                     /* jmp 0x1000 */
	char out[64];
	int calls = 0;

	disasm_sym(call, sizeof(call), true, BASE, DISASM_ATT, name_main, &calls, out, sizeof(out));
	cr_expect_str_eq(out, "call   2000 <main+0x10>");
	disasm_sym(jmp, sizeof(jmp), true, BASE, DISASM_INTEL, name_main, &calls, out, sizeof(out));
	cr_expect_str_eq(out, "jmp    0x1000");  /* no name for it: the address alone */
	cr_expect_eq(calls, 2);
}

Test(disasm, short_input_and_output)
{
	static const uint8_t mov[] = { 0xb8, 0x78, 0x56, 0x34, 0x12 };  /* mov $0x12345678,%eax */
	char out[8];

	/* Bytes that stop inside an instruction are no instruction. */
	cr_expect_eq(disasm(mov, 3, true, BASE, DISASM_ATT, out, sizeof(out)), 1);
	cr_expect_str_eq(out, "(bad)");
	cr_expect_eq(disasm(mov, 0, true, BASE, DISASM_ATT, out, sizeof(out)), 0);
	/* The text is cut to the buffer, and still a string. */
	cr_expect_eq(disasm(mov, sizeof(mov), true, BASE, DISASM_ATT, out, sizeof(out)), 5);
	cr_expect_str_eq(out, "mov    ");
}
