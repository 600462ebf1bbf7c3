/*
 * eflags.h - the bits of EFLAGS (Intel SDM Vol. 1, 3.4.3, Figure 3-8).
 */
#ifndef GUEST_EFLAGS_H
#define GUEST_EFLAGS_H

#define CF (1u << 0)  /* carry: unsigned overflow, or the bit shifted out */
#define EFLAGS_FIXED (1u << 1) /* reserved, always reads as 1 */
#define PF (1u << 2)  /* parity: the low byte of the result has an even number of 1s */
#define AF (1u << 4)  /* auxiliary carry: carry/borrow out of bit 3, for BCD */
#define ZF (1u << 6)  /* zero */
#define SF (1u << 7)  /* sign: copy of the result's top bit */
#define TF (1u << 8)  /* trap: single-step */
#define IF (1u << 9)  /* interrupts enabled */
#define DF (1u << 10) /* direction: string instructions walk downwards */
#define OF (1u << 11) /* overflow: signed overflow */

/* The six status flags that arithmetic instructions set. */
#define STATUS_FLAGS (CF | PF | AF | ZF | SF | OF)

#endif
