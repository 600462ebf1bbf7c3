/*
 * cpu/icache.c - storage and lookup of decoded blocks.
 *
 * Blocks live in one arena and are found through a hash of their physical
 * address.  When the arena is full the whole cache is emptied at once (as
 * QEMU does with its translation buffer): simpler than freeing single
 * blocks, and rare.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/icache.h"

#define ICACHE_ARENA (32u << 20)

static unsigned hash_phys(uint32_t phys)
{
	return (phys ^ (phys >> ICACHE_HASH_BITS)) & ((1u << ICACHE_HASH_BITS) - 1);
}

struct icache *icache_create(void)
{
	struct icache *ic = calloc(1, sizeof(*ic));

	if (!ic)
		return NULL;
	ic->arena = malloc(ICACHE_ARENA);
	if (!ic->arena) {
		free(ic);
		return NULL;
	}
	return ic;
}

void icache_destroy(struct icache *ic)
{
	if (!ic)
		return;
	free(ic->arena);
	free(ic);
}

struct block *icache_find(struct icache *ic, uint32_t phys, bool code32, uint32_t gen)
{
	struct block **link = &ic->hash[hash_phys(phys)];

	for (struct block *b = *link; b; link = &b->next, b = b->next) {
		if (b->phys != phys || b->code32 != code32)
			continue;
		if (b->gen == gen)
			return b;
		*link = b->next;  /* stale: the page was written since; forget it */
		return NULL;
	}
	return NULL;
}

static size_t block_size(unsigned n)
{
	size_t sz = sizeof(struct block) + n * sizeof(struct insn);

	return (sz + 15) & ~(size_t)15;
}

struct block *icache_alloc(struct icache *ic, unsigned n)
{
	if (ic->used + block_size(n) > ICACHE_ARENA) {
		memset(ic->hash, 0, sizeof(ic->hash));
		memset(ic->jcache, 0, sizeof(ic->jcache));
		ic->used = 0;
	}
	return (struct block *)(ic->arena + ic->used);
}

void icache_insert(struct icache *ic, struct block *b)
{
	unsigned h = hash_phys(b->phys);

	ic->used += block_size(b->n);
	b->next = ic->hash[h];
	ic->hash[h] = b;
}
