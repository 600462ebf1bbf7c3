/*
 * mmu/hostmem.h - the simulated host-physical memory (HPA): what the
 * hypervisor's own machine has, one host allocation cut into 4 KiB frames.
 *
 * Two kinds of tenant share it (ARCHITECTURE.md section 2):
 *   - guest RAM, placed once, before anything else, either at the same
 *     addresses (the native baseline: GPA == HPA) or scattered over all the
 *     frames, so that GPA -> HPA is visibly not the identity, as on a real
 *     host where a guest's memory is whatever pages the host kernel had free;
 *   - VMM structures (EPT tables, shadow page tables), one frame at a time
 *     from a free list, so that a walk reads real entries at real HPAs.
 */
#ifndef MMU_HOSTMEM_H
#define MMU_HOSTMEM_H

#include <stdbool.h>
#include <stdint.h>

/* 4 KiB: a frame of host memory and a page of guest memory alike. */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define HOSTMEM_NO_FRAME (~0ull)   /* never page-aligned, so never a frame */

struct hostmem {
	uint8_t *bytes;         /* HPA 0 */
	uint64_t size;          /* bytes, a multiple of PAGE_SIZE */
	uint64_t *free;         /* stack of free frames (HPAs); the top is free[nr_free - 1] */
	uint64_t nr_free;
	uint8_t *owner;         /* per frame: enum hostmem_owner */
	uint64_t guest_frames;  /* frames holding guest RAM */
	uint64_t vmm_frames;    /* frames holding VMM structures */
};

enum hostmem_owner { HOSTMEM_FREE, HOSTMEM_GUEST, HOSTMEM_VMM };

/* SIZE bytes (a non-zero multiple of PAGE_SIZE) of zeroed host-physical
 * memory, all frames free. */
struct hostmem *hostmem_create(uint64_t size);
void hostmem_destroy(struct hostmem *hm);

/* Host pointer to host-physical address HPA, or NULL outside the memory. */
static inline uint8_t *hostmem_ptr(struct hostmem *hm, uint64_t hpa)
{
	return hpa < hm->size ? hm->bytes + hpa : NULL;
}

/*
 * Give GUEST_PAGES frames to guest RAM and write their HPAs to
 * P2M[0..GUEST_PAGES-1], the hypervisor's "physical to machine" table.
 * SCATTER 0: page n gets frame n (GPA == HPA).  SCATTER 1: the frames are
 * drawn in an order shuffled by a fixed seed, so every run gets the same
 * layout.  SCATTER n > 1: runs of n pages stay together on aligned runs of n
 * frames, the runs shuffled (n = 512 for 2 MiB EPT pages).  The frames left
 * over are the VMM's.  Must come first, on a fresh memory; returns -1
 * otherwise or if there are not enough frames.
 */
#define HOSTMEM_SCATTER_2M 512
int hostmem_place_guest(struct hostmem *hm, uint64_t guest_pages, unsigned scatter, uint64_t *p2m);

/* A zeroed frame for a VMM structure: its HPA, or HOSTMEM_NO_FRAME when
 * none is left. */
uint64_t hostmem_alloc_frame(struct hostmem *hm);
/* Give back a frame from hostmem_alloc_frame; -1 if HPA is not one. */
int hostmem_free_frame(struct hostmem *hm, uint64_t hpa);

#endif
