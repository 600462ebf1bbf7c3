/*
 * hello.c - the smallest useful guest: greets, then shows what the boot loader
 * handed over (Multiboot spec 3.2 and 3.3), and exits with success.
 */
#include <stdbool.h>

#include "multiboot.h"
#include "printf.h"

static void print_memory(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        printf("memory: not reported by the boot loader\n");
        return;
    }
    /* Lower: below 1 MiB. Upper: from 1 MiB up to the first hole, about -m minus 1 MiB. */
    printf("memory: %u KiB lower, %u KiB upper\n", mbi->mem_lower, mbi->mem_upper);
}

static void print_cmdline(const struct multiboot_info *mbi)
{
    /* Loaders pass the kernel's path, then the -append string, if any. */
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
        printf("command line: \"%s\"\n", (const char *)mbi->cmdline);
    else
        printf("command line: none\n");
}

int main(uint32_t magic, const struct multiboot_info *mbi)
{
    bool booted_by_multiboot = magic == MULTIBOOT_BOOTLOADER_MAGIC;

    printf("Hello from glassvm guest!\n");
    printf("multiboot magic: 0x%08x (%s)\n", magic,
           booted_by_multiboot ? "ok" : "expected 0x2badb002");
    if (!booted_by_multiboot)
        return 1; /* then EBX means nothing */
    print_memory(mbi);
    print_cmdline(mbi);
    return 0;
}
