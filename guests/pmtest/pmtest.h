/*
 * pmtest.h - the groups of pmtest, one file each: the system side of the CPU.
 * Each runs its checks inside a test group opened by main.c, and leaves the CPU as
 * it found it (ring 0, paging off, the tables of desc.c).
 */
#ifndef PMTEST_H
#define PMTEST_H

void test_segments(void);   /* segments.c */
void test_rings(void);      /* rings.c */
void test_exceptions(void); /* exceptions.c */
void test_paging(void);     /* paging.c */
void test_tasks(void);      /* tasks.c */
void test_misc(void);       /* misc.c */

#endif
