/* mmu/hostmem.c - host-physical frames: guest RAM placement and a free list. */
#include <stdlib.h>
#include <string.h>

#include "mmu/hostmem.h"

/* Any fixed value will do: it only has to be the same on every run, so that
 * the same guest sees the same layout and the same numbers (section 4). */
#define SCATTER_SEED 0x676c617373766dull   /* "glassvm" */

struct hostmem *hostmem_create(uint64_t size)
{
	struct hostmem *hm;
	uint64_t frames = size >> PAGE_SHIFT;

	if (size == 0 || (size & (PAGE_SIZE - 1)))
		return NULL;
	hm = calloc(1, sizeof(*hm));
	if (!hm)
		return NULL;
	hm->size = size;
	hm->bytes = calloc(1, size);
	hm->free = calloc(frames, sizeof(*hm->free));
	hm->owner = calloc(frames, sizeof(*hm->owner));
	if (!hm->bytes || !hm->free || !hm->owner) {
		hostmem_destroy(hm);
		return NULL;
	}
	/* Stacked top-down, so frames come out in address order: 0 first. */
	for (uint64_t k = 0; k < frames; k++)
		hm->free[k] = (frames - 1 - k) << PAGE_SHIFT;
	hm->nr_free = frames;
	return hm;
}

void hostmem_destroy(struct hostmem *hm)
{
	if (!hm)
		return;
	free(hm->bytes);
	free(hm->free);
	free(hm->owner);
	free(hm);
}

/* splitmix64 (Steele, Lea and Flood, 2014): small, and the same everywhere,
 * unlike the C library's rand(). */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Fisher-Yates over the free stack: every frame is equally likely to be
 * drawn next (up to the negligible bias of the modulo). */
static void shuffle_free(struct hostmem *hm)
{
	uint64_t state = SCATTER_SEED;

	for (uint64_t i = hm->nr_free; i > 1; i--) {
		uint64_t j = next_random(&state) % i, t = hm->free[i - 1];
		hm->free[i - 1] = hm->free[j];
		hm->free[j] = t;
	}
}

/* Pop the next free frame and give it to OWNER. */
static uint64_t take_frame(struct hostmem *hm, enum hostmem_owner owner)
{
	uint64_t hpa;

	if (hm->nr_free == 0)
		return HOSTMEM_NO_FRAME;
	hpa = hm->free[--hm->nr_free];
	hm->owner[hpa >> PAGE_SHIFT] = owner;
	return hpa;
}

/*
 * Scatter guest RAM in runs of CHUNK frames: each aligned run of guest
 * pages lands on an aligned run of host frames, the runs in a shuffled
 * order.  That is what a 2 MiB EPT mapping needs (contiguous, aligned host
 * memory behind each 2 MiB of guest memory), and still not the identity.
 */
static int place_in_chunks(struct hostmem *hm, uint64_t guest_pages, uint64_t chunk, uint64_t *p2m)
{
	uint64_t host_chunks = (hm->size >> PAGE_SHIFT) / chunk;
	uint64_t guest_chunks = (guest_pages + chunk - 1) / chunk, *order, state = SCATTER_SEED;

	if (guest_chunks > host_chunks || !(order = malloc(host_chunks * sizeof(*order))))
		return -1;
	for (uint64_t i = 0; i < host_chunks; i++)
		order[i] = i;
	for (uint64_t i = host_chunks; i > 1; i--) {
		uint64_t j = next_random(&state) % i, t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	for (uint64_t n = 0; n < guest_pages; n++) {
		p2m[n] = (order[n / chunk] * chunk + n % chunk) << PAGE_SHIFT;
		hm->owner[p2m[n] >> PAGE_SHIFT] = HOSTMEM_GUEST;
	}
	free(order);
	/* The frames left over are the hypervisor's. */
	hm->nr_free = 0;
	for (uint64_t f = hm->size >> PAGE_SHIFT; f-- > 0;)
		if (hm->owner[f] == HOSTMEM_FREE)
			hm->free[hm->nr_free++] = f << PAGE_SHIFT;
	hm->guest_frames = guest_pages;
	return 0;
}

int hostmem_place_guest(struct hostmem *hm, uint64_t guest_pages, unsigned scatter, uint64_t *p2m)
{
	if (hm->guest_frames || hm->vmm_frames || guest_pages > hm->nr_free)
		return -1;
	if (scatter > 1)
		return place_in_chunks(hm, guest_pages, scatter, p2m);
	if (scatter)
		shuffle_free(hm);
	for (uint64_t n = 0; n < guest_pages; n++)
		p2m[n] = take_frame(hm, HOSTMEM_GUEST);
	hm->guest_frames = guest_pages;
	return 0;
}

uint64_t hostmem_alloc_frame(struct hostmem *hm)
{
	uint64_t hpa = take_frame(hm, HOSTMEM_VMM);

	if (hpa == HOSTMEM_NO_FRAME)
		return hpa;
	/* A table must start with every entry not present, whoever had the
	 * frame before. */
	memset(hm->bytes + hpa, 0, PAGE_SIZE);
	hm->vmm_frames++;
	return hpa;
}

int hostmem_free_frame(struct hostmem *hm, uint64_t hpa)
{
	if (hpa >= hm->size || (hpa & (PAGE_SIZE - 1)) ||
	    hm->owner[hpa >> PAGE_SHIFT] != HOSTMEM_VMM)
		return -1;
	hm->owner[hpa >> PAGE_SHIFT] = HOSTMEM_FREE;
	hm->free[hm->nr_free++] = hpa;
	hm->vmm_frames--;
	return 0;
}
