/*
 * demo.c - the guest `make run` boots: a one-screen tour of what glassvm shows.
 *
 * It is also a small example of the things it talks about: the text reaches the screen
 * through port I/O, and it asks CPUID who made its processor.  The guest cannot tell
 * whether a hypervisor handled either, so it only says what *would* exit: the counts
 * are glassvm's to show (-stats, the monitor).
 */
#include "multiboot.h"
#include "printf.h"

/* Everything printed so far; each character costs at least two port accesses. */
static unsigned printed;

#define SAY(...) (printed += printf(__VA_ARGS__))

/* CPUID leaf 0: the vendor string, in EBX, EDX, ECX order (Intel SDM Vol. 2, "CPUID"). */
static void cpu_vendor(char vendor[13])
{
    uint32_t eax = 0, regs[3];

    __asm__ volatile("cpuid" : "+a"(eax), "=b"(regs[0]), "=d"(regs[1]), "=c"(regs[2]));
    for (int i = 0; i < 12; i++)
        vendor[i] = (char)(regs[i / 4] >> (8 * (i % 4)));
    vendor[12] = '\0';
}

static void tour_cpu(const struct multiboot_info *mbi)
{
    SAY("This text comes from a guest kernel. Its CPU is an interpreter written in C:\n");
    SAY("each x86 instruction is fetched, decoded and executed by code you can read\n");
    SAY("in cpu/. The boot loader gave it %u KiB of memory above 1 MiB.\n\n",
        mbi->flags & MULTIBOOT_INFO_MEMORY ? mbi->mem_upper : 0);
}

static void tour_exits(void)
{
    char vendor[13];

    cpu_vendor(vendor);
    SAY("1. VM-exits. A guest under a hypervisor thinks it owns a PC. When it does\n");
    SAY("   what only the hypervisor may do, the CPU stops and root mode takes over:\n");
    SAY("   a VM-exit, with a reason number from the Intel SDM. Just now CPUID\n");
    SAY("   answered \"%s\": in a VM, that is exit reason 10. Every character\n", vendor);
    SAY("   of this text is an OUT to the serial port after an IN that waits until it\n");
    SAY("   is ready: in a VM, two exits of reason 30.\n\n");
}

static void tour_paging(void)
{
    SAY("2. Paging, three ways. Native: the MMU walks the guest's own page tables.\n");
    SAY("   Shadow: the hypervisor keeps merged tables in sync, trapping CR3 writes,\n");
    SAY("   INVLPG and page faults. EPT: each guest table entry is translated again,\n");
    SAY("   a two-dimensional walk. The soft TLB hides all three until it misses.\n\n");
}

static void tour_monitor(void)
{
    SAY("3. The monitor stops the world at an address, a symbol or the next VM-exit,\n");
    SAY("   and shows the registers, the VMCS exit fields, the TLB and the tables.\n\n");
}

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    (void)magic;
    SAY("Welcome to glassvm, the PC emulator that shows its work.\n\n");
    tour_cpu(mbi);
    tour_exits();
    tour_paging();
    tour_monitor();
    printf("That was %u characters: %u port accesses that a hypervisor would have to\n"
           "handle. Have fun!\n", printed, 2 * printed);
    return 0;
}
