/*
 * cputest.h - the instruction groups of cputest, one file each.
 * Each runs its checks inside a test group opened by main.c.
 */
#ifndef CPUTEST_H
#define CPUTEST_H

void test_alu(void);       /* alu.c */
void test_shift(void);     /* shift.c */
void test_muldiv(void);    /* muldiv.c */
void test_bit(void);       /* bit.c */
void test_data(void);      /* data.c */
void test_string(void);    /* string.c */
void test_bcd(void);       /* bcd.c */
void test_control(void);   /* control.c */
void test_prefix(void);    /* prefix.c */
void test_exception(void); /* exception.c */
void test_fpu(void);       /* fpu.c */

#endif
