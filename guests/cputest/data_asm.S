/*
 * data_asm.S - probes for PUSHA/POPA and ENTER/LEAVE.
 *
 * These instructions read or write every register, EBP and ESP included, which inline
 * assembly cannot hand over; so each probe is a whole function that saves the state it
 * observes into a result structure (see data.c for the C side).
 */
    .text

/*
 * void pusha_probe(struct pusha_result *r)
 * r: +0 esp_before, +4 esp_after_pusha, +8 pushed[8], +40 popped[8].
 * Loads a distinct value into each register, PUSHA, copies the 8 pushed dwords; then
 * replaces them by 0x1000 + slot, POPA, and stores what each register received, in the
 * same slot order (EDI first; slot 3, ESP, receives ESP itself).
 */
    .globl pusha_probe
pusha_probe:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 20(%esp), %eax
    movl %eax, pusha_result
    movl %esp, 0(%eax)
    movl $0xAAAA0001, %eax
    movl $0xCCCC0002, %ecx
    movl $0xDDDD0003, %edx
    movl $0xBBBB0004, %ebx
    movl $0xB0B00005, %ebp
    movl $0x51510006, %esi
    movl $0xD1D10007, %edi
    pushal
    movl pusha_result, %ebx         /* every register is safe on the stack now */
    movl %esp, 4(%ebx)
    xorl %ecx, %ecx
1:  movl (%esp,%ecx,4), %eax
    movl %eax, 8(%ebx,%ecx,4)
    leal 0x1000(%ecx), %eax
    movl %eax, (%esp,%ecx,4)
    incl %ecx
    cmpl $8, %ecx
    jne 1b
    popal
    pushl %eax                      /* need one register to hold r */
    movl pusha_result, %eax
    movl %edi, 40(%eax)
    movl %esi, 44(%eax)
    movl %ebp, 48(%eax)
    leal 4(%esp), %edi              /* ESP as POPA left it, before our PUSH */
    movl %edi, 52(%eax)
    movl %ebx, 56(%eax)
    movl %edx, 60(%eax)
    movl %ecx, 64(%eax)
    popl %ecx
    movl %ecx, 68(%eax)
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/*
 * void enter_probe_<level>(struct enter_result *r)
 * r: +0 esp_before, +4 ebp_after, +8 esp_after, +12 frame[4] (the dwords just below
 * esp_before), +28 ebp_after_leave, +32 esp_after_leave.
 * EBP points just above outer_display, as if an enclosing procedure had built a display
 * of frame pointers there, which ENTER with level > 1 copies (SDM Vol. 1, 6.5).
 * The four dwords below ESP are first filled with 0xEEEEEEEE, so that the frame dwords
 * ENTER does not write read back as that, not as leftovers.
 */
.macro ENTER_PROBE level
    .globl enter_probe_\level
enter_probe_\level:
    pushl %ebp
    pushl %ebx
    movl 12(%esp), %ebx
    movl $0xEEEEEEEE, %eax
    movl %eax, -4(%esp)
    movl %eax, -8(%esp)
    movl %eax, -12(%esp)
    movl %eax, -16(%esp)
    movl $outer_display_end, %ebp
    movl %esp, 0(%ebx)
    enter $8, $\level
    movl %ebp, 4(%ebx)
    movl %esp, 8(%ebx)
    movl 0(%ebx), %ecx
    movl -4(%ecx), %eax
    movl %eax, 12(%ebx)
    movl -8(%ecx), %eax
    movl %eax, 16(%ebx)
    movl -12(%ecx), %eax
    movl %eax, 20(%ebx)
    movl -16(%ecx), %eax
    movl %eax, 24(%ebx)
    leave
    movl %ebp, 28(%ebx)
    movl %esp, 32(%ebx)
    popl %ebx
    popl %ebp
    ret
.endm

    ENTER_PROBE 0
    ENTER_PROBE 1
    ENTER_PROBE 3

    .data
    .globl outer_display, outer_display_end
outer_display:
    .long 0x11111111, 0x22222222
outer_display_end:

    .bss
pusha_result:
    .long 0
