/*
 * guests/testrom/testrom.S - a 64 KiB ROM image for -bios: the PC's road from
 * RESET to paging, one checked step at a time.
 *
 *     glassvm -bios guests/testrom.bin -debugcon stdio -display none \
 *         -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
 *
 * (qemu-system-i386 takes the same command line.)  Each step reports on the
 * debug console, port 0xE9, a line "testrom: ... ok" or "testrom: FAIL: why";
 * the run ends through isa-debug-exit: 0x10 (status 33) when all passed,
 * 0x11 (status 35) at the first failure.
 *
 * 1. RESET (Intel SDM Vol. 3A, 9.1): real mode, CS = F000 with base
 *    FFFF0000, IP = FFF0.  The first instruction, at physical FFFFFFF0 (the
 *    last 16 bytes of this image), jumps far into the image's copy below
 *    1 MiB, at F0000-FFFFF, as every PC BIOS does.
 * 2. Real mode (SDM 20.1): segment * 16 + offset, offsets that wrap at
 *    64 KiB, an INT through an interrupt-vector-table entry we install, and
 *    the A20 gate, switched through port 0x92, that makes FFFF:0010 either
 *    1 MiB or 0 (IBM PS/2 "System Control Port A").
 * 3. Protected mode (SDM 9.9.1): LGDT, CR0.PE, a far jump to reload CS,
 *    flat data segments; the ROM seen at both of its addresses, and not
 *    writable.
 * 4. Paging (SDM 4.3): a page directory in RAM that maps the first 4 MiB to
 *    themselves and linear 4 MiB to physical 2 MiB; CR3, CR0.PG; the alias
 *    checked both ways, and the accessed and dirty bits the walk sets.
 * 5. Back to real mode (SDM 9.9.2): paging off, a far jump into a 16-bit
 *    code segment with a 64 KiB limit, 64 KiB data segments, the real-mode
 *    IDTR, CR0.PE cleared, a far jump to load a real-mode CS; then the
 *    real-mode INT of step 2 works again.
 *
 * The image is linked at 0: a label's value is its offset in the ROM, which
 * is its offset in segment F000 in real mode; in protected mode, with flat
 * segments, code and data are at ROM_LOW + label.
 */

#define ROM_LOW     0xf0000      /* the image's copy below 1 MiB */
#define ROM_HIGH    0xffff0000   /* the image's copy ending at 4 GiB */
#define DEBUGCON    0xe9
#define DEBUG_EXIT  0xf4
#define EXIT_PASS   0x10
#define EXIT_FAIL   0x11
#define PORT92      0x92
#define A20_ON      0x02
#define FAST_RESET  0x01

#define STACK_TOP   0x7000       /* conventional RAM, below the page tables */
#define TEST_VECTOR 0x40         /* a vector no exception or IRQ uses here */

#define CODE_SEL    0x08
#define DATA_SEL    0x10
#define CODE16_SEL  0x18         /* base F0000, 64 KiB, 16-bit: the way back */
#define DATA16_SEL  0x20         /* base 0, 64 KiB: real-mode-like limits */

#define PAGE_DIR    0x20000      /* three pages of RAM: directory, two tables */
#define PAGE_TABLE0 0x21000      /* linear 0-4 MiB -> the same physical */
#define PAGE_TABLE1 0x22000      /* linear 4 MiB   -> physical 2 MiB */
#define PTE_PW      0x003        /* present, writable */
#define PTE_AD      0x060        /* accessed, dirty */
#define ALIAS_LIN   0x400000
#define ALIAS_PHYS  0x200000
#define CR0_PE      0x00000001
#define CR0_PG      0x80000000

/* The same loop assembles to 16-bit code (DS:SI) and to 32-bit code (ESI). */
.macro PUTS_BODY
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, $DEBUGCON
	jmp	1b
2:	ret
.endm

/* Print MSG (a label); real mode keeps DS = F000 for that. */
.macro SAY16 msg
	mov	$\msg, %si
	call	puts16
.endm

.macro SAY32 msg
	mov	$(ROM_LOW + \msg), %esi
	call	puts32
.endm

/* After a compare: go to the failure report with WHY unless the flags
 * say CC (MOV leaves the flags alone). */
.macro EXPECT16 cc, why
	mov	$\why, %si
	j\cc	9f
	jmp	fail16
9:
.endm

.macro EXPECT32 cc, why
	mov	$(ROM_LOW + \why), %esi
	j\cc	9f
	jmp	fail32
9:
.endm

/* Load segment register SREG with the paragraph number SEG (real mode). */
.macro SEGMENT sreg, seg
	mov	$\seg, %ax
	mov	%ax, %\sreg
.endm

	.text
	.code16
	.globl	start
start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$STACK_TOP, %sp
	mov	%cs, %ax
	mov	%ax, %ds		/* strings are in the ROM */
	SAY16	msg_reset

	call	check_segment_offset
	SAY16	msg_segoff_ok
	call	check_offset_wrap
	SAY16	msg_wrap_ok
	call	check_int
	SAY16	msg_int_ok
	call	check_a20
	SAY16	msg_a20_ok
	SAY16	msg_real_ok
	jmp	enter_protected_mode

/* One linear address, 0x179B8, reached through three segment:offset pairs. */
check_segment_offset:
	SEGMENT	es, 0x1234
	movb	$0x5a, %es:0x5678
	SEGMENT	es, 0x179b
	cmpb	$0x5a, %es:0x0008
	EXPECT16 e, why_segoff
	SEGMENT	es, 0x1000
	cmpb	$0x5a, %es:0x79b8
	EXPECT16 e, why_segoff
	ret

/* 16-bit effective addresses and index registers wrap within the segment:
 * 2000:(FFFF + 2) is 2000:0001, not 3000:0001. */
check_offset_wrap:
	SEGMENT	es, 0x3000
	movb	$0x00, %es:0x0001
	SEGMENT	es, 0x2000
	movb	$0x00, %es:0x0001
	mov	$0xffff, %bx
	mov	$0x0002, %si
	movb	$0xa5, %es:(%bx,%si)
	cmpb	$0xa5, %es:0x0001
	EXPECT16 e, why_ea_wrap
	SEGMENT	es, 0x3000
	cmpb	$0x00, %es:0x0001
	EXPECT16 e, why_ea_wrap
	mov	$0xffff, %si		/* LODSB at offset FFFF leaves SI = 0 */
	lods	%es:(%si), %al
	test	%si, %si
	EXPECT16 z, why_si_wrap
	ret

/* INT n in real mode pushes FLAGS, CS, IP and jumps through IVT entry n
 * (SDM Vol. 3A, 20.1.4); IRET pops all three, so CF set before the INT is
 * set after it, whatever the handler did to the live flags. */
check_int:
	SEGMENT	es, 0
	movw	$int_handler, %es:(TEST_VECTOR * 4)
	movw	%cs, %es:(TEST_VECTOR * 4 + 2)
	xor	%bx, %bx
	xor	%cx, %cx
	xor	%dx, %dx
	stc
	int	$TEST_VECTOR
after_int:
	EXPECT16 c, why_iret_flags
	cmp	$0xbeef, %dx
	EXPECT16 e, why_int_handler
	cmp	$after_int, %cx
	EXPECT16 e, why_int_ip
	mov	%cs, %ax
	cmp	%ax, %bx
	EXPECT16 e, why_int_cs
	ret

int_handler:
	mov	%sp, %bp
	mov	0(%bp), %cx		/* the IP pushed: the instruction after INT */
	mov	2(%bp), %bx		/* the CS pushed */
	mov	$0xbeef, %dx
	clc
	iret

/* Port 0x92 bit 1, the A20 gate: FFFF:0610 is physical 100600 with the
 * gate open and 000600 with it closed.  ES = 0, FS = FFFF. */
check_a20:
	SEGMENT	es, 0
	SEGMENT	fs, 0xffff
	movb	$0x11, %es:0x0600
	movb	$0x22, %fs:0x0610
	cmpb	$0x11, %es:0x0600
	EXPECT16 e, why_a20_on

	mov	$0, %al
	call	set_a20
	EXPECT16 z, why_port92_off
	cmpb	$0x11, %fs:0x0610
	EXPECT16 e, why_a20_off
	movb	$0x33, %fs:0x0610
	cmpb	$0x33, %es:0x0600
	EXPECT16 e, why_a20_off

	mov	$A20_ON, %al
	call	set_a20
	EXPECT16 nz, why_port92_on
	cmpb	$0x22, %fs:0x0610
	EXPECT16 e, why_a20_again
	ret

/* Write AL's A20 bit to port 0x92, keeping the other bits and never
 * setting fast reset; then read it back: ZF clear if the gate reads open. */
set_a20:
	mov	%al, %ah
	inb	$PORT92, %al
	and	$~(A20_ON | FAST_RESET), %al
	or	%ah, %al
	outb	%al, $PORT92
	inb	$PORT92, %al
	test	$A20_ON, %al
	ret

puts16:
	PUTS_BODY

fail16:
	push	%si
	SAY16	msg_fail
	pop	%si
	call	puts16
	SAY16	msg_newline
	mov	$EXIT_FAIL, %al
	outb	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

/* SDM Vol. 3A, 9.9.1: LGDT, set CR0.PE, then a far jump, which loads CS
 * from the new GDT.  The operand-size prefix makes LGDT load all 32 bits
 * of the base, and the far jump take a 32-bit offset. */
enter_protected_mode:
	lgdtl	%cs:gdt_desc
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$CODE_SEL, $(ROM_LOW + protected_mode)

	.code32
protected_mode:
	mov	$DATA_SEL, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$STACK_TOP, %esp
	call	check_flat
	call	check_rom
	SAY32	msg_protected_ok
	call	enable_paging
	call	check_paging
	SAY32	msg_paging_ok
	jmp	leave_protected_mode

/* A flat segment reaches past 1 MiB; this is also the alias target below. */
check_flat:
	movl	$0x600dcafe, ALIAS_PHYS
	cmpl	$0x600dcafe, ALIAS_PHYS
	EXPECT32 e, why_flat
	ret

/* The same bytes at both addresses; stores to either are dropped. */
check_rom:
	cmpb	$0xea, ROM_HIGH + reset_vector	/* the far JMP opcode */
	EXPECT32 e, why_rom_high
	mov	ROM_LOW + rom_probe, %eax
	cmp	ROM_HIGH + rom_probe, %eax
	EXPECT32 e, why_rom_high
	incl	ROM_LOW + rom_probe
	incl	ROM_HIGH + rom_probe
	cmpl	$0x524f4d21, ROM_LOW + rom_probe
	EXPECT32 e, why_rom_write
	cmpl	$0x524f4d21, ROM_HIGH + rom_probe
	EXPECT32 e, why_rom_write
	ret

enable_paging:
	mov	$PAGE_DIR, %edi		/* directory and both tables, zeroed */
	xor	%eax, %eax
	mov	$(3 * 1024), %ecx
	rep stosl
	mov	$PAGE_TABLE0, %edi
	mov	$PTE_PW, %eax
	mov	$1024, %ecx
1:	stosl
	add	$0x1000, %eax
	loop	1b
	movl	$(PAGE_TABLE0 | PTE_PW), PAGE_DIR
	movl	$(PAGE_TABLE1 | PTE_PW), PAGE_DIR + 4
	movl	$(ALIAS_PHYS | PTE_PW), PAGE_TABLE1
	mov	$PAGE_DIR, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	ret

check_paging:
	cmpl	$0x600dcafe, ALIAS_LIN
	EXPECT32 e, why_alias_read
	movl	$0x12345678, ALIAS_LIN + 4
	cmpl	$0x12345678, ALIAS_PHYS + 4
	EXPECT32 e, why_alias_write
	mov	PAGE_TABLE1, %eax
	and	$PTE_AD, %eax
	cmp	$PTE_AD, %eax
	EXPECT32 e, why_dirty
	ret

/* SDM Vol. 3A, 9.9.2: paging off (this code is identity-mapped), into a
 * 16-bit segment whose limit and attributes real mode can live with, the
 * real-mode IDT, PE off, and a far jump to give CS a real-mode value. */
leave_protected_mode:
	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	xor	%eax, %eax
	mov	%eax, %cr3		/* flush the TLB */
	ljmp	$CODE16_SEL, $protected16

	.code16
protected16:
	mov	$DATA16_SEL, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	lidtw	%cs:ivt_desc
	mov	%cr0, %eax
	and	$~CR0_PE, %eax
	mov	%eax, %cr0
	ljmp	$0xf000, $real_again

real_again:
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$STACK_TOP, %sp
	mov	%cs, %ax
	mov	%ax, %ds
	call	check_int		/* IVT, 16-bit stack and IRET, all real again */
	SAY16	msg_real_again_ok
	mov	$EXIT_PASS, %al
	outb	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

	.code32
puts32:
	PUTS_BODY

fail32:
	push	%esi
	SAY32	msg_fail
	pop	%esi
	call	puts32
	SAY32	msg_newline
	mov	$EXIT_FAIL, %al
	outb	%al, $DEBUG_EXIT
1:	hlt
	jmp	1b

	.section .rodata
	.balign 8
gdt:
	.quad	0				/* the null descriptor */
	.quad	0x00cf9a000000ffff		/* CODE_SEL: base 0, 4 GiB, 32-bit, execute/read */
	.quad	0x00cf92000000ffff		/* DATA_SEL: base 0, 4 GiB, read/write */
	.quad	0x00009a0f0000ffff		/* CODE16_SEL: base F0000, 64 KiB, 16-bit code */
	.quad	0x000092000000ffff		/* DATA16_SEL: base 0, 64 KiB, read/write */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	ROM_LOW + gdt

ivt_desc:					/* the real-mode IVT: 256 vectors at 0 */
	.word	0x3ff
	.long	0

	.balign 4
rom_probe:
	.ascii	"!MOR"				/* 0x524f4d21 as a little-endian dword */

msg_reset:	.asciz "testrom: reset vector ok\n"
msg_segoff_ok:	.asciz "testrom: segment:offset ok\n"
msg_wrap_ok:	.asciz "testrom: 64 KiB offset wrap ok\n"
msg_int_ok:	.asciz "testrom: real-mode INT ok\n"
msg_a20_ok:	.asciz "testrom: A20 gate ok\n"
msg_real_ok:	.asciz "testrom: real mode ok\n"
msg_protected_ok: .asciz "testrom: protected mode ok\n"
msg_paging_ok:	.asciz "testrom: paging ok\n"
msg_real_again_ok: .asciz "testrom: back to real mode ok\n"
msg_fail:	.asciz "testrom: FAIL: "
msg_newline:	.asciz "\n"

why_segoff:	.asciz "1234:5678, 179B:0008 and 1000:79B8 are not the same byte"
why_ea_wrap:	.asciz "2000:[BX=FFFF+SI=2] did not wrap to 2000:0001"
why_si_wrap:	.asciz "LODSB at SI=FFFF did not leave SI=0000"
why_iret_flags:	.asciz "IRET did not restore the FLAGS that INT pushed (CF)"
why_int_handler: .asciz "INT 40h did not run the handler in the IVT"
why_int_ip:	.asciz "INT 40h pushed the wrong return IP"
why_int_cs:	.asciz "INT 40h pushed the wrong return CS"
why_a20_on:	.asciz "with A20 open, FFFF:0610 is not distinct from 0000:0600"
why_port92_off:	.asciz "port 92h bit 1 reads 1 after writing 0"
why_a20_off:	.asciz "with A20 closed, FFFF:0610 does not wrap to 0000:0600"
why_port92_on:	.asciz "port 92h bit 1 reads 0 after writing 1"
why_a20_again:	.asciz "with A20 open again, FFFF:0610 does not reach 1 MiB"
why_flat:	.asciz "a flat data segment cannot reach 2 MiB"
why_rom_high:	.asciz "the ROM at FFFF0000 is not the ROM at F0000"
why_rom_write:	.asciz "a store to the ROM changed it"
why_alias_read:	.asciz "linear 4 MiB does not read physical 2 MiB"
why_alias_write: .asciz "a store to linear 4 MiB+4 did not reach physical 2 MiB+4"
why_dirty:	.asciz "the walk did not set A and D in the PTE"

/* The last 16 bytes: the reset vector, FFFFFFF0 (and FFFF0 in the low copy). */
	.section .reset, "ax"
	.code16
	.globl	reset_vector
reset_vector:
	ljmp	$0xf000, $start
	.ascii	"glassvm"			/* a BIOS date would go here */
