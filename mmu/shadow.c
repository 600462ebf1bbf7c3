/*
 * mmu/shadow.c - keeping shadow page tables (see mmu/shadow.h).
 *
 * A shadow page directory per guest CR3 (a "root"); under it, shadow page
 * tables created on demand, each the shadow of one guest page table.  Each
 * guest page that holds a shadowed guest table is write-protected in every
 * shadow, and a write to it throws away what was derived from it: the next
 * access faults again and is refilled from what the guest wrote.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu/shadow.h"

static uint32_t *entry(struct shadow *s, uint64_t table_hpa, unsigned index)
{
	return (uint32_t *)hostmem_ptr(s->host, table_hpa) + index;
}

struct shadow *shadow_create(struct hostmem *host, struct physmem *pm)
{
	struct shadow *s = calloc(1, sizeof(*s));
	uint64_t pages = pm->size >> PAGE_SHIFT, frames = host->size >> PAGE_SHIFT;

	if (!s)
		return NULL;
	s->host = host;
	s->pm = pm;
	s->shadows_of = malloc(pages * sizeof(*s->shadows_of));
	s->gpa_of = calloc(frames, sizeof(*s->gpa_of));
	if (!s->shadows_of || !s->gpa_of) {
		shadow_destroy(s);
		return NULL;
	}
	for (unsigned k = 0; k < SHADOW_MAX_TABLES; k++)
		s->tables[k].hpa = HOSTMEM_NO_FRAME;
	for (unsigned r = 0; r < SHADOW_MAX_ROOTS; r++)
		s->roots[r].hpa = HOSTMEM_NO_FRAME;
	for (uint64_t p = 0; p < pages; p++) {
		s->shadows_of[p] = SHADOW_NONE;
		s->gpa_of[physmem_hpa(pm, p << PAGE_SHIFT) >> PAGE_SHIFT] = p << PAGE_SHIFT;
	}
	return s;
}

uint32_t shadow_gpa_of(const struct shadow *s, uint64_t hpa)
{
	return s->gpa_of[hpa >> PAGE_SHIFT] | (hpa & ~PAGE_MASK);
}

void shadow_destroy(struct shadow *s)
{
	if (!s)
		return;
	for (unsigned k = 0; k < SHADOW_MAX_TABLES; k++)
		if (s->tables[k].hpa != HOSTMEM_NO_FRAME)
			hostmem_free_frame(s->host, s->tables[k].hpa);
	for (unsigned r = 0; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].hpa != HOSTMEM_NO_FRAME)
			hostmem_free_frame(s->host, s->roots[r].hpa);
	free(s->shadows_of);
	free(s->gpa_of);
	free(s);
}

static bool is_guest_page(const struct shadow *s, uint32_t page)
{
	return page < (s->pm->size >> PAGE_SHIFT);
}

/* ---- write protection of the guest's own tables ---- */

bool shadow_protects(const struct shadow *s, uint32_t gpa)
{
	uint32_t page = gpa >> PAGE_SHIFT;

	if (is_guest_page(s, page) && s->shadows_of[page] != SHADOW_NONE)
		return true;
	for (unsigned r = 0; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].in_use && s->roots[r].guest_cr3 == (gpa & PAGE_MASK))
			return true;
	return false;
}

/* A guest page just became a shadowed table: no shadow may map it writable
 * any longer.  (The caller flushes the TLB.) */
static void write_protect(struct shadow *s, uint32_t gpa)
{
	uint64_t hpa = physmem_hpa(s->pm, gpa & PAGE_MASK);

	s->tlb_stale = true;
	for (unsigned k = 0; k < SHADOW_MAX_TABLES; k++) {
		if (!s->tables[k].in_use)
			continue;
		for (unsigned i = 0; i < 1024; i++) {
			uint32_t *e = entry(s, s->tables[k].hpa, i);
			if ((*e & SPTE_P) && (*e & PAGE_MASK) == hpa)
				*e &= ~SPTE_W;
		}
	}
}

/* ---- shadow tables ---- */

static void unlink_table(struct shadow *s, int t)
{
	uint32_t page = s->tables[t].guest_table >> PAGE_SHIFT;
	int *link;

	if (!s->tables[t].guest_table || !is_guest_page(s, page))
		return;
	for (link = &s->shadows_of[page]; *link != SHADOW_NONE; link = &s->tables[*link].next_same_guest)
		if (*link == t) {
			*link = s->tables[t].next_same_guest;
			return;
		}
}

static void free_table(struct shadow *s, int t)
{
	struct shadow_table *st = &s->tables[t];

	unlink_table(s, t);
	s->roots[st->root].tables[st->pd_index] = SHADOW_NONE;
	*entry(s, s->roots[st->root].hpa, st->pd_index) = 0;
	st->in_use = false;
}

static int new_table(struct shadow *s, int root, unsigned pd_index, uint32_t guest_table)
{
	for (int t = 0; t < SHADOW_MAX_TABLES; t++) {
		struct shadow_table *st = &s->tables[t];
		uint32_t page = guest_table >> PAGE_SHIFT;

		if (st->in_use)
			continue;
		/* A slot keeps its frame once it has one. */
		if (st->hpa == HOSTMEM_NO_FRAME && (st->hpa = hostmem_alloc_frame(s->host)) == HOSTMEM_NO_FRAME)
			return SHADOW_NONE;
		memset(hostmem_ptr(s->host, st->hpa), 0, PAGE_SIZE);
		*st = (struct shadow_table){ .hpa = st->hpa, .guest_table = guest_table, .root = root,
					     .pd_index = pd_index, .next_same_guest = SHADOW_NONE,
					     .in_use = true };
		if (guest_table && is_guest_page(s, page)) {
			bool first = s->shadows_of[page] == SHADOW_NONE;
			st->next_same_guest = s->shadows_of[page];
			s->shadows_of[page] = t;
			if (first)
				write_protect(s, guest_table);
		}
		s->roots[root].tables[pd_index] = t;
		/* The shadow PDE lets everything through: the PTE carries the
		 * combined permissions of the guest's two levels. */
		*entry(s, s->roots[root].hpa, pd_index) = (uint32_t)st->hpa | SPTE_P | SPTE_W | SPTE_U;
		return t;
	}
	return SHADOW_NONE;
}

int shadow_install(struct shadow *s, int root, uint32_t lin, uint32_t guest_table,
		   uint64_t hpa, uint32_t bits)
{
	unsigned pd_index = lin >> 22;
	int t = s->roots[root].tables[pd_index];

	if (t != SHADOW_NONE && s->tables[t].guest_table != guest_table) {
		free_table(s, t);  /* the guest PDE now points elsewhere */
		t = SHADOW_NONE;
	}
	if (t == SHADOW_NONE)
		t = new_table(s, root, pd_index, guest_table);
	if (t == SHADOW_NONE)
		return -1;
	/* Checked after the table is made: it may shadow the very page mapped. */
	if (shadow_protects(s, shadow_gpa_of(s, hpa)))
		bits &= ~SPTE_W;
	/* The TLB must know a piece of a 4 MiB page: INVLPG drops all of it. */
	if (!guest_table)
		bits |= SPTE_LARGE;
	*entry(s, s->tables[t].hpa, (lin >> 12) & 0x3ff) = (uint32_t)hpa | bits | SPTE_P;
	return 0;
}

/* ---- roots ---- */

static void free_root(struct shadow *s, int r)
{
	for (unsigned i = 0; i < 1024; i++)
		if (s->roots[r].tables[i] != SHADOW_NONE)
			free_table(s, s->roots[r].tables[i]);
	s->roots[r].in_use = false;
}

static int oldest_root(const struct shadow *s)
{
	int oldest = 0;

	for (int r = 1; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].last_used < s->roots[oldest].last_used)
			oldest = r;
	return oldest;
}

static int new_root(struct shadow *s, uint32_t guest_cr3)
{
	int r;

	for (r = 0; r < SHADOW_MAX_ROOTS && s->roots[r].in_use; r++)
		;
	if (r == SHADOW_MAX_ROOTS) {
		r = oldest_root(s);
		free_root(s, r);
		s->roots_reclaimed++;
	}
	if (s->roots[r].hpa == HOSTMEM_NO_FRAME &&
	    (s->roots[r].hpa = hostmem_alloc_frame(s->host)) == HOSTMEM_NO_FRAME)
		return SHADOW_NONE;
	memset(hostmem_ptr(s->host, s->roots[r].hpa), 0, PAGE_SIZE);
	s->roots[r].guest_cr3 = guest_cr3;
	s->roots[r].in_use = true;
	for (unsigned i = 0; i < 1024; i++)
		s->roots[r].tables[i] = SHADOW_NONE;
	s->roots_created++;
	write_protect(s, guest_cr3);
	return r;
}

int shadow_root_for(struct shadow *s, uint32_t guest_cr3)
{
	int r;

	guest_cr3 &= PAGE_MASK;
	for (r = 0; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].in_use && s->roots[r].guest_cr3 == guest_cr3)
			break;
	if (r == SHADOW_MAX_ROOTS)
		r = new_root(s, guest_cr3);
	if (r != SHADOW_NONE)
		s->roots[r].last_used = ++s->clock;
	return r;
}

void shadow_flush_all(struct shadow *s)
{
	for (int r = 0; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].in_use)
			free_root(s, r);
	s->zaps++;
}

/* ---- following the guest's edits ---- */

/* Everything derived from guest page GPA goes: shadow tables of it are
 * emptied, a root whose guest page directory it is loses its tables. */
void shadow_guest_wrote(struct shadow *s, uint32_t gpa)
{
	uint32_t page = gpa >> PAGE_SHIFT;

	if (is_guest_page(s, page))
		for (int t = s->shadows_of[page]; t != SHADOW_NONE; t = s->tables[t].next_same_guest)
			memset(hostmem_ptr(s->host, s->tables[t].hpa), 0, PAGE_SIZE);
	for (int r = 0; r < SHADOW_MAX_ROOTS; r++)
		if (s->roots[r].in_use && s->roots[r].guest_cr3 == (gpa & PAGE_MASK))
			for (unsigned i = 0; i < 1024; i++)
				if (s->roots[r].tables[i] != SHADOW_NONE)
					free_table(s, s->roots[r].tables[i]);
	s->zaps++;
}

void shadow_invlpg(struct shadow *s, int root, uint32_t lin)
{
	int t = s->roots[root].tables[lin >> 22];

	if (t == SHADOW_NONE)
		return;
	if (!s->tables[t].guest_table)  /* a 4 MiB guest page: all of it */
		memset(hostmem_ptr(s->host, s->tables[t].hpa), 0, PAGE_SIZE);
	else
		*entry(s, s->tables[t].hpa, (lin >> 12) & 0x3ff) = 0;
}

/* ---- the MMU's walk ---- */

/*
 * A shadow entry without W stops every write, whatever the guest's CR0.WP:
 * it is how the hypervisor sees the guest write its page tables and its
 * clean pages (as KVM runs guests with WP set).
 */
bool shadow_walk(struct shadow *s, uint64_t root_hpa, uint32_t lin, unsigned acc,
		 uint64_t *hpa, uint32_t *bits, uint32_t *error)
{
	uint32_t pde = root_hpa != HOSTMEM_NO_FRAME ? *entry(s, root_hpa, lin >> 22) : 0, pte;
	bool user = acc & 4, write = acc & 1;

	*error = (write ? 2 : 0) | (user ? 4 : 0);
	if (!(pde & SPTE_P))
		return false;
	pte = *entry(s, pde & PAGE_MASK, (lin >> 12) & 0x3ff);
	if (!(pte & SPTE_P))
		return false;
	if ((user && !(pte & SPTE_U)) || (write && !(pte & SPTE_W))) {
		*error |= 1;
		return false;
	}
	*hpa = (pte & PAGE_MASK) | (lin & ~PAGE_MASK);
	*bits = pte;
	return true;
}
