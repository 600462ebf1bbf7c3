/*
 * vmm/multiboot.c - the Multiboot v1 loader, on libelf.
 *
 * 1. The file must be an ELF32 executable for i386 with a Multiboot header
 *    (magic, flags, checksum summing to zero) in its first 8 KiB (spec 3.1.1).
 * 2. Its PT_LOAD segments are copied to their physical addresses (or, with
 *    flag 16, the "a.out kludge" address fields say what to copy).
 * 3. The Multiboot information structure (spec 3.3) describes memory, the
 *    command line and the boot loader's name; the CPU then starts in the
 *    state of spec 3.2 (cpu_enter_flat32).
 */
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/hostfile.h"
#include "vmm/multiboot.h"

#define MB_SEARCH_BYTES 8192

/* Header flags (spec 3.1.2): bits 0-15 are requirements the loader must meet. */
#define MB_PAGE_ALIGN   (1u << 0)
#define MB_MEMORY_INFO  (1u << 1)
#define MB_VIDEO_MODE   (1u << 2)
#define MB_AOUT_KLUDGE  (1u << 16)
#define MB_SUPPORTED    (MB_PAGE_ALIGN | MB_MEMORY_INFO)

/* Information flags (spec 3.3). */
#define MBI_MEMORY   (1u << 0)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)

/* Where the information structure and its strings go: conventional memory,
 * above the real-mode IVT and BIOS data area, below any kernel's 1 MiB. */
#define MBI_ADDR     0x9000u
#define MBI_SIZE     0x1000u
#define LOW_MEM_END  0x9fc00u   /* 639 KiB: the top KiB is the EBDA */
#define HIGH_MEM     0x100000u

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct loader {
	struct physmem *pm;
	const uint8_t *file;
	size_t size;
	char *err;
	size_t errlen;
};

static int fail(struct loader *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int find_header(struct loader *l, struct mb_header *h, size_t *offset)
{
	size_t limit = l->size < MB_SEARCH_BYTES ? l->size : MB_SEARCH_BYTES;

	for (size_t off = 0; off + 12 <= limit; off += 4) {
		memset(h, 0, sizeof(*h));
		memcpy(h, l->file + off, l->size - off < sizeof(*h) ? l->size - off : sizeof(*h));
		if (h->magic == MULTIBOOT_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0) {
			*offset = off;
			return 0;
		}
	}
	return fail(l, "no Multiboot header in the first 8 KiB (is this a Multiboot kernel?)");
}

static int copy_to_ram(struct loader *l, uint64_t pa, uint64_t filesz, uint64_t memsz,
		       uint64_t file_off)
{
	uint8_t zero[4096] = { 0 };

	if (memsz < filesz || file_off > l->size || filesz > l->size - file_off)
		return fail(l, "a segment lies outside the file (corrupt ELF?)");
	if (pa + memsz > l->pm->size || pa + memsz < pa)
		return fail(l, "the kernel needs RAM up to 0x%llx, but the guest has only %llu MiB (try a larger -m)",
			    (unsigned long long)(pa + memsz), (unsigned long long)(l->pm->size >> 20));
	physmem_write(l->pm, pa, l->file + file_off, filesz);
	for (uint64_t done = filesz; done < memsz; done += sizeof(zero)) {
		uint64_t n = memsz - done < sizeof(zero) ? memsz - done : sizeof(zero);
		physmem_write(l->pm, pa + done, zero, n);
	}
	return 0;
}

/* Flag 16: the header's address fields replace the ELF headers (spec 3.1.3). */
static int load_aout_kludge(struct loader *l, const struct mb_header *h, size_t hdr_off,
			    uint32_t *entry)
{
	uint64_t file_start = hdr_off - (uint64_t)(h->header_addr - h->load_addr);
	uint64_t filesz = h->load_end_addr ? h->load_end_addr - h->load_addr : l->size - file_start;
	uint64_t memsz = h->bss_end_addr ? h->bss_end_addr - h->load_addr : filesz;

	if (h->header_addr < h->load_addr || hdr_off < h->header_addr - h->load_addr)
		return fail(l, "inconsistent Multiboot address fields");
	*entry = h->entry_addr;
	return copy_to_ram(l, h->load_addr, filesz, memsz, file_start);
}

static int check_elf(struct loader *l, Elf *elf)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF)
		return fail(l, "not an ELF file");
	if (!gelf_getehdr(elf, &eh))
		return fail(l, "corrupt ELF header: %s", elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		return fail(l, "not a 32-bit x86 ELF (class %s, machine %u): glassvm boots i386 kernels",
			    eh.e_ident[EI_CLASS] == ELFCLASS64 ? "ELF64" : "ELF32", eh.e_machine);
	if (eh.e_type != ET_EXEC)
		return fail(l, "not an executable ELF (type %u)", eh.e_type);
	return 0;
}

/* Copy PT_LOAD segments to p_paddr; the entry point, given as a virtual
 * address, is moved into the segment's physical range (as QEMU does). */
static int load_elf_segments(struct loader *l, Elf *elf, uint32_t *entry)
{
	GElf_Ehdr eh;
	size_t nph;
	bool entry_found = false;

	gelf_getehdr(elf, &eh);
	if (elf_getphdrnum(elf, &nph))
		return fail(l, "corrupt ELF program headers: %s", elf_errmsg(-1));
	*entry = eh.e_entry;
	for (size_t k = 0; k < nph; k++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, k, &ph))
			return fail(l, "corrupt ELF program header %zu: %s", k, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (copy_to_ram(l, ph.p_paddr, ph.p_filesz, ph.p_memsz, ph.p_offset))
			return -1;
		if (!entry_found && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
			*entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
			entry_found = true;
		}
	}
	if (!entry_found)
		return fail(l, "the entry point 0x%llx is in no loadable segment",
			    (unsigned long long)eh.e_entry);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* One BIOS-style (E820) memory map entry: size, base, length, type. */
static size_t put_mmap_entry(uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
	put32(p, 20);
	put64(p + 4, base);
	put64(p + 12, len);
	put32(p + 20, type);
	return 24;
}

/* The information structure (spec 3.3), its memory map and strings, in one page. */
static int build_info(struct loader *l, const char *cmdline)
{
	uint8_t page[MBI_SIZE] = { 0 };
	uint32_t ram = l->pm->size, mmap_off = 0x80, mmap_len = 0;
	uint32_t cmd_off = 0x200, name_off = 0x100;
	static const char name[] = "glassvm";

	if (ram < HIGH_MEM)
		return fail(l, "at least 1 MiB of RAM is needed to boot a Multiboot kernel");
	if (strlen(cmdline) + 1 > MBI_SIZE - cmd_off)
		return fail(l, "the command line is longer than %u bytes", MBI_SIZE - cmd_off - 1);
	put32(page, MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER);
	put32(page + 4, LOW_MEM_END / 1024);            /* mem_lower, KiB */
	put32(page + 8, (ram - HIGH_MEM) / 1024);       /* mem_upper, KiB above 1 MiB */
	put32(page + 16, MBI_ADDR + cmd_off);           /* cmdline */
	put32(page + 20, 0);                            /* mods_count */
	put32(page + 24, MBI_ADDR + 0xf00);             /* mods_addr (none there) */
	mmap_len += put_mmap_entry(page + mmap_off + mmap_len, 0, LOW_MEM_END, 1);
	mmap_len += put_mmap_entry(page + mmap_off + mmap_len, LOW_MEM_END, 0xa0000 - LOW_MEM_END, 2);
	mmap_len += put_mmap_entry(page + mmap_off + mmap_len, 0xf0000, 0x10000, 2);
	mmap_len += put_mmap_entry(page + mmap_off + mmap_len, HIGH_MEM, ram - HIGH_MEM, 1);
	put32(page + 44, mmap_len);
	put32(page + 48, MBI_ADDR + mmap_off);
	put32(page + 64, MBI_ADDR + name_off);          /* boot_loader_name */
	memcpy(page + name_off, name, sizeof(name));
	memcpy(page + cmd_off, cmdline, strlen(cmdline) + 1);
	physmem_write(l->pm, MBI_ADDR, page, sizeof(page));
	return 0;
}

static int load(struct loader *l, const char *cmdline, struct multiboot_entry *entry)
{
	struct mb_header h;
	size_t hdr_off = 0;
	Elf *elf;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(l, "libelf is out of date");
	elf = elf_memory((char *)l->file, l->size);
	if (!elf)
		return fail(l, "cannot read as ELF: %s", elf_errmsg(-1));
	rc = check_elf(l, elf);
	if (rc == 0)
		rc = find_header(l, &h, &hdr_off);
	if (rc == 0 && (h.flags & 0xffffu & ~MB_SUPPORTED))
		rc = fail(l, "the kernel requires Multiboot features glassvm lacks (flags 0x%x%s)",
			  h.flags, (h.flags & MB_VIDEO_MODE) ? ": a video mode" : "");
	if (rc == 0)
		rc = (h.flags & MB_AOUT_KLUDGE) ? load_aout_kludge(l, &h, hdr_off, &entry->eip)
						: load_elf_segments(l, elf, &entry->eip);
	elf_end(elf);
	if (rc == 0)
		rc = build_info(l, cmdline);
	entry->ebx = MBI_ADDR;
	return rc;
}

int multiboot_load(struct physmem *pm, const char *path, const char *cmdline,
		   struct multiboot_entry *entry, char *err, size_t errlen)
{
	struct loader l = { .pm = pm, .err = err, .errlen = errlen };
	uint8_t *file = hostfile_read(path, SIZE_MAX, &l.size, err, errlen);
	int rc;

	if (!file)
		return -1;
	l.file = file;
	rc = load(&l, cmdline, entry);
	free(file);
	return rc;
}
