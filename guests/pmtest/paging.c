/*
 * paging.c - 32-bit paging (Intel SDM Vol. 3A, chapter 4): 4 KiB and 4 MiB pages, the
 * page-fault error code and CR2, access rights in ring 0 and ring 3 (with CR0.WP),
 * the accessed and dirty bits, TLB invalidation by INVLPG and by loading CR3, global
 * pages, and code that writes the instructions it then runs.
 *
 * The address space while the group runs:
 *     0 - 4 MiB             identity-mapped with 4 KiB pages, user, writable: the guest
 *     0x40000000 + 4 MiB    a 4 MiB page onto physical 0 (an alias of the guest)
 *     0x80000000 + 4 MiB    the test window: test_pt, entries rewritten by the checks
 *     0x80400000, 0x80800000  the same table again, through a supervisor-only and a
 *                           read-only directory entry
 */
#include "desc.h"
#include "pmtest.h"
#include "string.h"
#include "sysreg.h"
#include "test.h"
#include "trap.h"
#include "user.h"

#define PAGE 4096
/* Page-directory and page-table entry bits (4.3, Figures 4-4 and Table 4-5, 4-6). */
#define PTE_P 0x001   /* present */
#define PTE_W 0x002   /* writable */
#define PTE_U 0x004   /* user */
#define PTE_A 0x020   /* accessed */
#define PTE_D 0x040   /* dirty (in a PDE: only for a 4 MiB page) */
#define PDE_PS 0x080  /* 4 MiB page */
#define PTE_G 0x100   /* global */
#define PF_P 0x1      /* error code: the page was present (a protection fault) */
#define PF_W 0x2      /* the access was a write */
#define PF_U 0x4      /* the access came from ring 3 */

#define ALIAS_4M 0x40000000
#define WINDOW 0x80000000
#define WINDOW_SUPERVISOR_PDE 0x80400000
#define WINDOW_READ_ONLY_PDE 0x80800000
/* The window's pages, as plain numbers for the assembly text of the probes. */
#define VA_ABSENT 0x80001000      /* page 1: not present */
#define VA_READ_ONLY 0x80002000   /* page 2: user, read-only */
#define VA_SUPERVISOR 0x80003000  /* page 3: supervisor, writable */
#define VA_USER 0x80004000        /* page 4: user, writable */

/* volatile: the CPU writes A and D bits behind the compiler's back. */
static volatile uint32_t page_dir[1024] __attribute__((aligned(PAGE)));
static volatile uint32_t low_pt[1024] __attribute__((aligned(PAGE)));
static volatile uint32_t test_pt[1024] __attribute__((aligned(PAGE)));
/* Physical frames that the window maps; each starts with its own marker word. */
static uint8_t frames[4][PAGE] __attribute__((aligned(PAGE)));
#define MARKER(i) (0xF0F0F000 + (i))

static volatile uint32_t *pte(uint32_t va)
{
    return &test_pt[(va >> 12) & 0x3FF];
}

static void map(uint32_t va, const void *frame, uint32_t flags)
{
    *pte(va) = (uint32_t)frame | flags;
    invlpg(va);
}

static uint32_t read32(uint32_t va)
{
    return *(volatile uint32_t *)va;
}

static void write32(uint32_t va, uint32_t v)
{
    *(volatile uint32_t *)va = v;
}

static void paging_on(void)
{
    for (uint32_t i = 0; i < 1024; i++) {
        low_pt[i] = i * PAGE | PTE_P | PTE_W | PTE_U;
        page_dir[i] = 0;
        test_pt[i] = 0;
    }
    page_dir[0] = (uint32_t)low_pt | PTE_P | PTE_W | PTE_U;
    page_dir[ALIAS_4M >> 22] = 0 | PDE_PS | PTE_P | PTE_W | PTE_U;
    page_dir[WINDOW >> 22] = (uint32_t)test_pt | PTE_P | PTE_W | PTE_U;
    page_dir[WINDOW_SUPERVISOR_PDE >> 22] = (uint32_t)test_pt | PTE_P | PTE_W;
    page_dir[WINDOW_READ_ONLY_PDE >> 22] = (uint32_t)test_pt | PTE_P | PTE_U;
    for (uint32_t i = 0; i < 4; i++)
        *(uint32_t *)frames[i] = MARKER(i);

    write_cr3((uint32_t)page_dir);
    write_cr4(read_cr4() | CR4_PSE);
    write_cr0(read_cr0() | CR0_PG);
}

static void paging_off(void)
{
    write_cr0(read_cr0() & ~CR0_PG);
    write_cr4(read_cr4() & ~(CR4_PSE | CR4_PGE));
    write_cr3(0);
}

static void test_translation(void)
{
    static uint32_t marker = 0x4D4D4D4D;

    CHECK("paging_enabled", (read_cr0() & CR0_PG) && marker == 0x4D4D4D4D);
    /* 4.3: a PTE maps a 4 KiB page onto its frame, for reads and writes. */
    map(VA_USER, frames[0], PTE_P | PTE_W | PTE_U);
    CHECK_EQ("page_4k_read", read32(VA_USER), MARKER(0));
    write32(VA_USER + 8, 0x12345678);
    CHECK_EQ("page_4k_write", *(uint32_t *)&frames[0][8], 0x12345678);
    /* 4.3, with CR4.PSE: a PDE with PS = 1 maps 4 MiB at once. */
    CHECK_EQ("page_4m_read", read32(ALIAS_4M + (uint32_t)&marker), 0x4D4D4D4D);
}

/* A #PF check: the access, the ring it runs in, CR0.WP, and the expected CR2. */
struct fault_case {
    struct probe probe;
    bool ring3, wp;
    uint32_t cr2;
};

#define READ(va) "movl " TEXT(va) ", %%eax"
#define WRITE(va) "movl %%eax, " TEXT(va)
DEFINE_PROBE(read_absent, "", READ(VA_ABSENT + 4), "")
DEFINE_PROBE(write_absent, "", WRITE(VA_ABSENT + 4), "")
DEFINE_PROBE(read_read_only, "", READ(VA_READ_ONLY + 12), "")
DEFINE_PROBE(write_read_only, "", WRITE(VA_READ_ONLY + 12), "")
DEFINE_PROBE(read_supervisor, "", READ(VA_SUPERVISOR + 8), "")
DEFINE_PROBE(read_supervisor_pde, "", READ(VA_USER - WINDOW + WINDOW_SUPERVISOR_PDE), "")
DEFINE_PROBE(write_read_only_pde, "", WRITE(VA_USER - WINDOW + WINDOW_READ_ONLY_PDE), "")
DEFINE_PROBE(read_user, "", READ(VA_USER), "")

/* 4.7, Figure 4-12: the error code says P (protection, not absence), W/R, U/S; CR2
   holds the linear address. 4.6: ring 3 needs U/S = 1 and, to write, R/W = 1 in both
   the PDE and the PTE; ring 0 may write read-only pages unless CR0.WP = 1. */
static const struct fault_case fault_cases[] = {
    {{"absent_read", read_absent, VEC_PF, 0, FAULT}, false, false, VA_ABSENT + 4},
    {{"absent_write", write_absent, VEC_PF, PF_W, FAULT}, false, false, VA_ABSENT + 4},
    {{"absent_read_ring3", read_absent, VEC_PF, PF_U, FAULT}, true, false, VA_ABSENT + 4},
    {{"read_only_read_ring3", read_read_only, NO_TRAP, 0, FAULT}, true, false, 0},
    {{"read_only_write_ring3", write_read_only, VEC_PF, PF_P | PF_W | PF_U, FAULT}, true,
     false, VA_READ_ONLY + 12},
    {{"read_only_write_ring0_wp0", write_read_only, NO_TRAP, 0, FAULT}, false, false, 0},
    {{"read_only_write_ring0_wp1", write_read_only, VEC_PF, PF_P | PF_W, FAULT}, false, true,
     VA_READ_ONLY + 12},
    {{"supervisor_read_ring0", read_supervisor, NO_TRAP, 0, FAULT}, false, false, 0},
    {{"supervisor_read_ring3", read_supervisor, VEC_PF, PF_P | PF_U, FAULT}, true, false,
     VA_SUPERVISOR + 8},
    {{"supervisor_pde_read_ring3", read_supervisor_pde, VEC_PF, PF_P | PF_U, FAULT}, true,
     false, VA_USER - WINDOW + WINDOW_SUPERVISOR_PDE},
    {{"read_only_pde_write_ring3", write_read_only_pde, VEC_PF, PF_P | PF_W | PF_U, FAULT},
     true, false, VA_USER - WINDOW + WINDOW_READ_ONLY_PDE},
    {{"user_read_ring3", read_user, NO_TRAP, 0, FAULT}, true, false, 0},
};
#define N_FAULT_CASES (sizeof(fault_cases) / sizeof(fault_cases[0]))

static struct probe_result fault_results[N_FAULT_CASES];

static void ring3_fault_cases(void)
{
    for (unsigned i = 0; i < N_FAULT_CASES; i++)
        if (fault_cases[i].ring3)
            probe_run(&fault_cases[i].probe, &fault_results[i]);
}

static void test_page_faults(void)
{
    uint32_t cr0 = read_cr0();

    map(VA_ABSENT, frames[1], 0);
    map(VA_READ_ONLY, frames[1], PTE_P | PTE_U);
    map(VA_SUPERVISOR, frames[1], PTE_P | PTE_W);
    map(VA_USER, frames[1], PTE_P | PTE_W | PTE_U);

    trap_arm();
    user_run(ring3_fault_cases);
    for (unsigned i = 0; i < N_FAULT_CASES; i++) {
        const struct fault_case *c = &fault_cases[i];

        if (c->ring3)
            continue;
        write_cr0(c->wp ? cr0 | CR0_WP : cr0 & ~CR0_WP);
        probe_run(&c->probe, &fault_results[i]);
        write_cr0(cr0);
    }
    trap_disarm();

    for (unsigned i = 0; i < N_FAULT_CASES; i++) {
        const struct fault_case *c = &fault_cases[i];

        probe_check(&c->probe, &fault_results[i]);
        if (c->probe.vector == VEC_PF)
            CHECK_EQ(probe_subcheck(&c->probe, "cr2"), fault_results[i].trap.cr2, c->cr2);
    }
}

/* 4.8: the CPU sets A in every paging-structure entry it uses, and D in the entry that
   maps the page, on the first write. A PDE that points to a page table has no D. */
static void test_accessed_dirty(void)
{
    static uint32_t target;
    volatile uint32_t *pde = &page_dir[WINDOW >> 22], *pde_4m = &page_dir[ALIAS_4M >> 22];

    map(VA_USER, frames[2], PTE_P | PTE_W | PTE_U);
    *pde &= ~(PTE_A | PTE_D);
    write_cr3(read_cr3()); /* forget every cached PDE and PTE */
    (void)read32(VA_USER);
    CHECK_EQ("read_sets_pte_accessed", *pte(VA_USER) & (PTE_A | PTE_D), PTE_A);
    CHECK_EQ("read_sets_pde_accessed", *pde & (PTE_A | PTE_D), PTE_A);
    write32(VA_USER + 4, 1);
    CHECK_EQ("write_sets_pte_dirty", *pte(VA_USER) & (PTE_A | PTE_D), PTE_A | PTE_D);
    CHECK_EQ("write_leaves_pde_clean", *pde & (PTE_A | PTE_D), PTE_A);

    *pde_4m &= ~(PTE_A | PTE_D);
    write_cr3(read_cr3());
    (void)read32(ALIAS_4M + (uint32_t)&target);
    CHECK_EQ("read_sets_4m_pde_accessed", *pde_4m & (PTE_A | PTE_D), PTE_A);
    write32(ALIAS_4M + (uint32_t)&target, 1);
    CHECK_EQ("write_sets_4m_pde_dirty", *pde_4m & (PTE_A | PTE_D), PTE_A | PTE_D);
}

/* 4.10.4.1: INVLPG drops the TLB entry of one page, global or not; MOV to CR3 drops
   all entries but global ones. (Whether a stale entry is still used before that is
   implementation-specific, 4.10.4.3: not checked.) 4.10.2.4: with CR4.PGE, a global
   page may survive a CR3 load, and must still translate right. */
static void test_tlb(void)
{
    map(VA_USER, frames[0], PTE_P | PTE_W);
    (void)read32(VA_USER);
    *pte(VA_USER) = (uint32_t)frames[1] | PTE_P | PTE_W;
    invlpg(VA_USER);
    CHECK_EQ("invlpg_shows_new_pte", read32(VA_USER), MARKER(1));

    *pte(VA_USER) = (uint32_t)frames[2] | PTE_P | PTE_W;
    write_cr3(read_cr3());
    CHECK_EQ("cr3_load_shows_new_pte", read32(VA_USER), MARKER(2));

    write_cr4(read_cr4() | CR4_PGE);
    map(VA_USER, frames[3], PTE_P | PTE_W | PTE_G);
    CHECK_EQ("global_page_read", read32(VA_USER), MARKER(3));
    write_cr3(read_cr3());
    CHECK_EQ("global_page_after_cr3_load", read32(VA_USER), MARKER(3));
    *pte(VA_USER) = (uint32_t)frames[0] | PTE_P | PTE_W | PTE_G;
    invlpg(VA_USER);
    CHECK_EQ("invlpg_drops_global_page", read32(VA_USER), MARKER(0));
    write_cr4(read_cr4() & ~CR4_PGE);
}

/* Vol. 3A, 8.1.3 "Handling Self- and Cross-Modifying Code", 11.6 "Self-Modifying Code":
   a store to an instruction about to run is seen when it runs, also when the store went
   through another linear address of the same physical page. */
static void write_return_constant(uint8_t *code, uint32_t value)
{
    code[0] = 0xB8; /* MOV EAX, imm32 */
    memcpy(&code[1], &value, 4);
    code[5] = 0xC3; /* RET */
}

static void test_self_modifying_code(void)
{
    static uint8_t code[16] __attribute__((aligned(16)));
    uint32_t (*run)(void) = (uint32_t (*)(void))code;

    write_return_constant(code, 1);
    CHECK_EQ("smc_first_version", run(), 1);
    write_return_constant(code, 2);
    CHECK_EQ("smc_rewritten", run(), 2);
    write_return_constant((uint8_t *)(ALIAS_4M + (uint32_t)code), 3);
    CHECK_EQ("smc_rewritten_through_alias", run(), 3);
}

/* 6.6: a fault inside REP MOVSB, here a #PF at the first byte of an absent page, leaves
   ECX, ESI, EDI at the faulting iteration; a faulting PUSH leaves ESP as it was. */
uint32_t paging_saved_esp;
DEFINE_PROBE(push_into_absent_page, "movl %%esp, paging_saved_esp\n\tmovl $" TEXT(VA_READ_ONLY)
             ", %%esp", "pushl %%eax", "movl paging_saved_esp, %%esp")

static const struct probe push_probe = {"push_into_absent_page", push_into_absent_page, VEC_PF,
                                        PF_W | PF_U, FAULT};

static void test_restart(void)
{
    static const char src[16] = "0123456789abcdef";
    uint32_t at, ecx = 16, esi = (uint32_t)src, edi = VA_ABSENT - 10;
    struct probe_result push;

    map(VA_ABSENT - PAGE, frames[0], PTE_P | PTE_W | PTE_U);
    map(VA_ABSENT, frames[1], 0);
    trap_arm();
    __asm__ volatile(TRAP_ASM("rep movsb")
                     : TRAP_OUTPUTS(at), "+c"(ecx), "+S"(esi), "+D"(edi)
                     :
                     : "memory");
    CHECK_TRAP("rep_movsb_page_fault", VEC_PF, PF_W, at);
    CHECK_EQ("rep_movsb_page_fault_cr2", trapped.cr2, VA_ABSENT);
    CHECK_EQ("rep_movsb_page_fault_ecx", ecx, 6);
    CHECK_EQ("rep_movsb_page_fault_esi", esi, (uint32_t)src + 10);
    CHECK_EQ("rep_movsb_page_fault_edi", edi, VA_ABSENT);
    CHECK_MEM("rep_movsb_page_fault_copied", &frames[0][PAGE - 10], "0123456789", 10);

    probe_run_ring3(&push_probe, &push);
    trap_disarm();
    probe_check(&push_probe, &push);
    CHECK_EQ("push_into_absent_page_cr2", push.trap.cr2, VA_READ_ONLY - 4);
    CHECK_EQ("push_into_absent_page_keeps_esp", push.trap.esp, VA_READ_ONLY);
}

void test_paging(void)
{
    paging_on();
    test_translation();
    test_page_faults();
    test_accessed_dirty();
    test_tlb();
    test_self_modifying_code();
    test_restart();
    paging_off();
}
