/*
 * crt0.S - where every guest begins.
 *
 * A Multiboot (v1) loader (GRUB, `qemu -kernel`, glassvm) finds the header below in the
 * first 8 KiB of the image, loads the ELF segments (at 1 MiB, see guest.ld) and jumps to
 * _start in 32-bit protected mode with paging off, interrupts off, EAX = 0x2BADB002 and
 * EBX = the address of the boot information (Multiboot spec 0.6.96, 3.2 "Machine state").
 * The same section says GDTR may be invalid and ESP is undefined, so before anything else
 * we load our own GDT and set up a stack.
 */
#include "gdt.h"
#include "multiboot.h"

#define STACK_SIZE 16384

    .section .multiboot, "a"
    .p2align 2
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS) /* the three sum to 0 */

    .text
    .globl _start
_start:
    cld                             /* the C ABI assumes DF = 0; the spec does not promise it */
    lgdt gdt_pointer
    /* A far jump is the only way to load CS; the other segment registers take a MOV. */
    ljmp $GDT_SEL_CODE, $1f
1:  movw $GDT_SEL_DATA, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss
    movl $stack_top, %esp

    movl %eax, %esi                 /* EAX does not survive calls: keep the magic in ESI */
    call idt_init
    call serial_init

    pushl %ebx                      /* main(magic, mbi) */
    pushl %esi
    call main
    addl $8, %esp

    testl %eax, %eax                /* guest_exit(main(...) == 0) does not return */
    sete %al
    movzbl %al, %eax
    pushl %eax
    call guest_exit

    .bss
    .p2align 4
stack:
    .skip STACK_SIZE
stack_top:
