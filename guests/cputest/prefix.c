/*
 * prefix.c - instruction prefixes (Intel SDM Vol. 2, 2.1.1 "Instruction Prefixes"):
 * operand size (0x66) and address size (0x67) switch a 32-bit instruction to 16 bits;
 * segment overrides (0x64 FS, 0x65 GS) pick the segment whose base is added to the
 * offset. FS and GS get their own bases here through the spare GDT descriptors.
 */
#include "cputest.h"
#include "eflags.h"
#include "gdt.h"
#include "test.h"

static void test_operand_size(void)
{
    uint32_t a = 0xFFFF0001, c, before, after;
    uint16_t popped;

    /* 66 05 iw: the immediate shrinks to 2 bytes. Misjudge its length and the next
       instruction is decoded from the wrong byte. */
    __asm__ volatile("addw $0x1234, %%ax\n\tmovl $0x5A5A5A5A, %%ecx" : "+a"(a), "=c"(c) : : "cc");
    CHECK_EQ("opsize_add_imm16", a, 0xFFFF1235);
    CHECK_EQ("opsize_next_instruction", c, 0x5A5A5A5A);

    a = 0x12345678;
    __asm__ volatile("movw $0xBEEF, %%ax" : "+a"(a));
    CHECK_EQ("opsize_mov_imm16", a, 0x1234BEEF);

    /* PUSH and POP move ESP by the operand size: 2. */
    __asm__ volatile("movl %%esp, %0\n\tpushw $0x1234\n\tmovl %%esp, %1\n\tpopw %2"
                     : "=&r"(before), "=&r"(after), "=r"(popped));
    CHECK_EQ("opsize_push_moves_esp_by_2", before - after, 2);
    CHECK_EQ("opsize_pop", popped, 0x1234);
}

/* With 0x67 the address is computed in 16 bits, from 16-bit registers, and wraps at 64 KiB. */
static void test_address_size(void)
{
    uint32_t v;

    __asm__ volatile("addr16 leal (%%bx,%%si), %0" : "=r"(v) : "b"(0x1234FFFF), "S"(0xABCD0002));
    CHECK_EQ("addr16_lea_wraps", v, 0x00000001);
    /* BP is EBP's low half; EBP is saved, since the compiler may be using it. */
    __asm__ volatile("pushl %%ebp\n\tmovl $0x1000, %%ebp\n\t"
                     "addr16 leal 0x1234(%%bp,%%di), %%eax\n\tpopl %%ebp"
                     : "=a"(v) : "D"(0x0100));
    CHECK_EQ("addr16_lea_bp_di_disp16", v, 0x2334);
}

static uint32_t fs_area[4] = {0xF5000000, 0xF5001111, 0xF5002222, 0xF5003333};
static uint32_t gs_area[4] = {0x65000000, 0x65001111, 0x65002222, 0x65003333};

static void load_fs(uint16_t selector)
{
    __asm__ volatile("movw %0, %%fs" : : "r"(selector));
}

static void load_gs(uint16_t selector)
{
    __asm__ volatile("movw %0, %%gs" : : "r"(selector));
}

static void test_segment_override(void)
{
    uint32_t v, w;

    gdt_set_base(GDT_SEL_SPARE1, (uint32_t)fs_area);
    gdt_set_base(GDT_SEL_SPARE2, (uint32_t)gs_area);
    load_fs(GDT_SEL_SPARE1);
    load_gs(GDT_SEL_SPARE2);

    /* 64 A1: MOV EAX, moffs32 with the FS base added: fs_area + 8. */
    __asm__ volatile("movl %%fs:8, %0" : "=a"(v) : "m"(fs_area));
    CHECK_EQ("fs_override_read", v, 0xF5002222);
    __asm__ volatile("movl $0xCAFE, %%gs:4(%0)" : : "r"(4) : "memory");
    CHECK_EQ("gs_override_write", gs_area[2], 0xCAFE);
    /* LEA computes the offset only; a segment override has nothing to act on. */
    __asm__ volatile(".byte 0x64 /* FS: */\n\tleal 4(%1), %0" : "=r"(v) : "r"(0x100));
    CHECK_EQ("lea_ignores_segment", v, 0x104);
    /* All three prefixes at once: 64 66 67 8B 07, MOV AX, FS:[BX]. */
    v = 0xAAAA0000;
    __asm__ volatile("addr16 movw %%fs:(%%bx), %%ax" : "+a"(v) : "b"(4), "m"(fs_area));
    CHECK_EQ("fs_opsize_addrsize", v, 0xAAAA1111);

    /* A segment register caches its descriptor when loaded (SDM Vol. 3, 3.4.3): moving
       the base in the GDT changes nothing until FS is loaded again. */
    gdt_set_base(GDT_SEL_SPARE1, (uint32_t)gs_area);
    __asm__ volatile("movl %%fs:0, %0" : "=r"(v) : "m"(fs_area));
    load_fs(GDT_SEL_SPARE1);
    __asm__ volatile("movl %%fs:0, %0" : "=r"(w) : "m"(gs_area));
    CHECK_EQ("descriptor_cache_until_reload", v, 0xF5000000);
    CHECK_EQ("descriptor_reload", w, 0x65000000);

    load_fs(GDT_SEL_DATA);
    load_gs(GDT_SEL_DATA);
}

/* REP MOVSB with 0x67: CX counts, SI and DI advance and wrap in 16 bits; the upper halves
   of ECX, ESI and EDI stay. FS supplies the source segment, ES the destination. */
static void test_addr16_string(void)
{
    static uint8_t area[32] = "abc";
    uint32_t esi = 0xAAAA0000, edi = 0xBBBB0010, ecx = 0x00010003;

    gdt_set_base(GDT_SEL_SPARE1, (uint32_t)area);
    __asm__ volatile("pushl %%es\n\t"
                     "movw %w3, %%es\n\t"
                     "movw %w3, %%fs\n\t"
                     "addr16 rep movsb %%fs:(%%si), %%es:(%%di)\n\t"
                     "popl %%es"
                     : "+S"(esi), "+D"(edi), "+c"(ecx)
                     : "r"(GDT_SEL_SPARE1)
                     : "memory");
    load_fs(GDT_SEL_DATA);
    CHECK_EQ("addr16_rep_movsb_esi", esi, 0xAAAA0003);
    CHECK_EQ("addr16_rep_movsb_edi", edi, 0xBBBB0013);
    CHECK_EQ("addr16_rep_movsb_ecx", ecx, 0x00010000);
    CHECK_MEM("addr16_rep_movsb_data", area + 16, "abc", 3);
}

/* F3 90, "REP NOP", is PAUSE: a spin-loop hint that must act as a NOP. */
static void test_pause(void)
{
    uint32_t a = 0x12345678, flags;

    __asm__ volatile("pushl %2\n\tpopfl\n\tpause\n\tpushfl\n\tpopl %1"
                     : "+a"(a), "=r"(flags) : "r"(STATUS_FLAGS) : "cc");
    CHECK_RESULT("pause_is_nop", a, 0x12345678, flags, STATUS_FLAGS, STATUS_FLAGS);
}

void test_prefix(void)
{
    test_operand_size();
    test_address_size();
    test_segment_override();
    test_addr16_string();
    test_pause();
}
