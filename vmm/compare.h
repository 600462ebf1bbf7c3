/*
 * vmm/compare.h - -compare native,ept[,shadow]: the same guest, with the
 * same other options, run once under each paging scheme, and one table of
 * what each run did and what it would have cost (vmm/costmodel.h).
 */
#ifndef VMM_COMPARE_H
#define VMM_COMPARE_H

#include "vmm/options.h"

/* Run and print; returns the guest's exit status if every run ended with
 * the same one, else 1 (after saying so). */
int compare_schemes(const struct options *opts);

#endif
