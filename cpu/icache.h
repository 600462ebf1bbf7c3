/*
 * cpu/icache.h - the decoded-instruction cache (ARCHITECTURE.md section 4).
 *
 * Code is decoded once into blocks: runs of instructions that start at a
 * physical address and end at a control transfer, a page boundary or
 * BLOCK_MAX_INSNS.  A block remembers the generation of its page
 * (mmu/physmem.h); a store to the page bumps it, and the stale block is
 * never returned again.
 */
#ifndef CPU_ICACHE_H
#define CPU_ICACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/insn.h"

#define BLOCK_MAX_INSNS 32

struct block {
	struct block *next;   /* hash chain */
	uint32_t phys;        /* physical address of the first instruction */
	uint32_t gen;         /* page generation when decoded */
	bool code32;          /* decoded for a 32-bit code segment */
	uint16_t n;
	struct insn insns[];
};

/*
 * In front of the physical lookup sits a small cache from the *linear*
 * address of a block to the block (QEMU's "jump cache"), which skips the TLB
 * lookup and the hash chain for the blocks a loop runs again and again.  An
 * entry is valid only while the MMU's epoch is unchanged (no TLB flush since)
 * and for the same privilege and code size it was filled for.
 */
#define JCACHE_BITS 12
#define ICACHE_HASH_BITS 16

struct jcache_entry {
	uint32_t lin;
	uint32_t epoch;
	uint32_t mode;        /* code32 | user << 1 */
	struct block *b;
};

struct icache {
	struct jcache_entry jcache[1u << JCACHE_BITS];
	struct block *hash[1u << ICACHE_HASH_BITS];
	uint8_t *arena;
	size_t used;
};

static inline struct jcache_entry *jcache_slot(struct icache *ic, uint32_t lin)
{
	return &ic->jcache[(lin ^ (lin >> JCACHE_BITS)) & ((1u << JCACHE_BITS) - 1)];
}

struct icache *icache_create(void);
void icache_destroy(struct icache *ic);
struct block *icache_find(struct icache *ic, uint32_t phys, bool code32, uint32_t gen);
/* Room for a block of N instructions; may empty the whole cache first. */
struct block *icache_alloc(struct icache *ic, unsigned n);
/* Shrink the block most recently allocated to its final size and index it. */
void icache_insert(struct icache *ic, struct block *b);

#endif
