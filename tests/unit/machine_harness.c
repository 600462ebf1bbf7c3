/*
 * tests/unit/machine_harness.c - the protected-mode machine of
 * machine_harness.h: tables in guest memory, ring-3 entry, and guest code
 * assembled by the host's GNU as and linked by ld at its address (binutils,
 * a build dependency anyway), then read back with libelf.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

/* <elf.h>'s segment flag PF_W, unused here, would clash with the page-fault
 * error bit of mmu/paging.h. */
#undef PF_W

#include "cpu/segment.h"
#include "mmu/mmu.h"
#include "mmu/physmem.h"
#include "tests/unit/machine_harness.h"

extern char **environ;

struct physmem *pm;
struct mmu *mmu;
struct cpu *cpu;
void (*port_out_hook)(uint16_t port, uint32_t value);
const char *test_case;

/* The labels of the snippets assembled so far in this test. */
static struct label {
	char name[32];
	uint32_t addr;
} labels[64];
static unsigned nr_labels;

/* Ports read as a floating bus; writes go to the test's hook, if any. */
static uint32_t bus_in(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque, (void)port;
	return size == 4 ? ~0u : (1u << (8 * size)) - 1;
}

static void bus_out(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	(void)opaque, (void)size;
	if (port_out_hook)
		port_out_hook(port, value);
}

void put32(uint32_t pa, uint32_t v)
{
	cr_assert(physmem_write(pm, pa, &v, 4));
}

uint32_t get32(uint32_t pa)
{
	uint32_t v = 0;

	cr_assert(physmem_read(pm, pa, &v, 4));
	return v;
}

void put_bytes(uint32_t pa, const uint8_t *b, size_t n)
{
	cr_assert(physmem_write(pm, pa, b, n));
}

void put_desc(uint32_t addr, uint32_t base, uint32_t limit, uint32_t attr)
{
	put32(addr, (base << 16) | (limit & 0xffff));
	put32(addr + 4, (base & 0xff000000u) | (attr << 8) | (limit & 0xf0000u) |
			((base >> 16) & 0xff));
}

void put_gate(uint32_t addr, uint16_t sel, uint32_t offset, uint32_t attr, unsigned params)
{
	put32(addr, ((uint32_t)sel << 16) | (offset & 0xffff));
	put32(addr + 4, (offset & 0xffff0000u) | (attr << 8) | (params & 0x1f));
}

void idt_gate(unsigned vector, uint32_t offset)
{
	put_gate(IDT_ENTRY(vector), SEL_KCODE, offset, SEG_P | SYS_INT_GATE32, 0);
}

unsigned gdt_type(unsigned sel)
{
	return (get32(GDT_ENTRY(sel) + 4) >> 8) & 0x1f;
}

void machine_setup(void)
{
	static const uint8_t hlt = 0xf4;

	pm = physmem_create(RAM_SIZE);
	mmu = pm ? mmu_create(pm) : NULL;
	cpu = mmu ? cpu_create(mmu, (struct io_bus){ bus_in, bus_out, NULL }) : NULL;
	cr_assert(cpu, "could not create the machine");
	port_out_hook = NULL;
	test_case = "";
	nr_labels = 0;

	put_desc(GDT_ENTRY(SEL_KCODE), 0, 0xfffff, A_CODE | A_FLAT | DPL(0));
	put_desc(GDT_ENTRY(SEL_KDATA), 0, 0xfffff, A_DATA | A_FLAT | DPL(0));
	put_desc(GDT_ENTRY(SEL_UCODE), 0, 0xfffff, A_CODE | A_FLAT | DPL(3));
	put_desc(GDT_ENTRY(SEL_UDATA), 0, 0xfffff, A_DATA | A_FLAT | DPL(3));
	/* An available 32-bit TSS, limit 0x67, with the ring-0 stack. */
	put_desc(GDT_ENTRY(SEL_TSS), TSS_BASE, 0x67, SEG_P | SYS_TSS32_AVAIL);
	put32(TSS_BASE + 4, TSS_ESP0);
	put32(TSS_BASE + 8, SEL_KDATA);
	for (unsigned v = 0; v < 256; v++) {
		idt_gate(v, HANDLER(v));
		put_bytes(HANDLER(v), &hlt, 1);
	}
	put_gate(IDT_ENTRY(VEC_DONE), SEL_KCODE, HANDLER(VEC_DONE),
		 SEG_P | SYS_INT_GATE32 | DPL(3), 0);

	/* The loader's part: protected mode, flat segments, and the tables
	 * (Multiboot leaves GDTR and IDTR to the kernel; here the test is
	 * the kernel). */
	cpu_enter_flat32(cpu, CODE);
	cpu->gdtr = (struct dtr){ GDT_BASE, GDT_LIMIT };
	cpu->idtr = (struct dtr){ IDT_BASE, 256 * 8 - 1 };
	cpu->regs[R_ESP] = KSTACK;
}

void machine_teardown(void)
{
	cpu_destroy(cpu);
	mmu_destroy(mmu);
	physmem_destroy(pm);
}

void set_pte(uint32_t pa, uint32_t flags)
{
	put32(PAGE_TABLE + (pa >> 12) * 4, flags ? (pa & ~0xfffu) | flags : 0);
}

void paging_identity(uint32_t hole)
{
	put32(PAGE_DIR, PAGE_TABLE | 0x7);
	for (uint32_t p = 0; p < RAM_SIZE; p += 0x1000)
		set_pte(p, hole && p == hole ? 0 : 0x7);
}

/* The assembler symbols every snippet may use. */
static void write_prelude(FILE *f)
{
	static const struct { const char *name; uint32_t value; } sym[] = {
		{ "GDT_BASE", GDT_BASE }, { "LDT_BASE", LDT_BASE }, { "IDT_BASE", IDT_BASE },
		{ "TSS_BASE", TSS_BASE }, { "HANDLERS", HANDLERS }, { "TSS_ESP0", TSS_ESP0 },
		{ "KSTACK", KSTACK }, { "USER_STACK", USER_STACK }, { "CODE", CODE },
		{ "USER_CODE", USER_CODE }, { "DATA", DATA }, { "PAGE_DIR", PAGE_DIR },
		{ "PAGE_TABLE", PAGE_TABLE }, { "HOLE_PAGE", HOLE_PAGE },
		{ "SEL_KCODE", SEL_KCODE }, { "SEL_KDATA", SEL_KDATA }, { "SEL_UCODE", SEL_UCODE },
		{ "SEL_UDATA", SEL_UDATA }, { "SEL_TSS", SEL_TSS }, { "VEC_DONE", VEC_DONE },
	};

	fputs(".code32\n", f);
	for (size_t k = 0; k < sizeof(sym) / sizeof(sym[0]); k++)
		fprintf(f, ".equ %s, %#x\n", sym[k].name, sym[k].value);
}

uint32_t asm_label(const char *name)
{
	for (unsigned k = nr_labels; k-- > 0;)
		if (strcmp(labels[k].name, name) == 0)
			return labels[k].addr;
	cr_assert_fail("no label %s in the code assembled so far", name);
	return 0;
}

/* Run a tool in DIR, its error output to DIR/err; true if it succeeded. */
static bool run_tool(const char *dir, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char err[64];
	pid_t pid;
	int status = -1;

	snprintf(err, sizeof(err), "%s/err", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0)
		waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The linked image: .text into guest memory, its labels into labels[]. */
static size_t load_elf(const char *path, uint32_t addr)
{
	int fd = open(path, O_RDONLY);
	Elf_Scn *scn = NULL;
	size_t n = 0;
	Elf *e;

	cr_assert(fd >= 0 && elf_version(EV_CURRENT) != EV_NONE);
	e = elf_begin(fd, ELF_C_READ, NULL);
	cr_assert_not_null(e);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d = elf_getdata(scn, NULL);

		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) && d) {
			put_bytes(sh.sh_addr, d->d_buf, d->d_size);
			n += d->d_size;
		}
		for (size_t k = 0; sh.sh_type == SHT_SYMTAB && k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Sym sym;
			const char *name;

			gelf_getsym(d, k, &sym);
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			/* Code labels only: the prelude's symbols are absolute. */
			if (sym.st_shndx == SHN_ABS || sym.st_shndx == SHN_UNDEF || !name || !*name ||
			    strlen(name) >= sizeof(labels[0].name) || nr_labels == 64)
				continue;
			strcpy(labels[nr_labels].name, name);
			labels[nr_labels++].addr = sym.st_value;
		}
	}
	elf_end(e);
	close(fd);
	cr_assert(n > 0 || addr == 0, "no code assembled for %#x", addr);
	return n;
}

size_t asm_at(uint32_t addr, const char *src)
{
	static const char *const files[] = { "a.s", "a.o", "a.elf", "err" };
	char dir[] = "/tmp/glassvm-asm-XXXXXX", path[4][64], ttext[32], err[2048] = "";
	char *as_argv[] = { "as", "--32", "-o", path[1], path[0], NULL };
	char *ld_argv[] = { "ld", "-m", "elf_i386", "-e", "0", ttext, "-o", path[2], path[1], NULL };
	bool built;
	size_t n = 0;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	for (unsigned k = 0; k < 4; k++)
		snprintf(path[k], sizeof(path[k]), "%s/%s", dir, files[k]);
	snprintf(ttext, sizeof(ttext), "-Ttext=%#x", addr);
	f = fopen(path[0], "w");
	cr_assert_not_null(f);
	write_prelude(f);
	fprintf(f, "%s\n", src);
	fclose(f);
	built = run_tool(dir, as_argv) && run_tool(dir, ld_argv);
	if (built) {
		n = load_elf(path[2], addr);
	} else if ((f = fopen(path[3], "r"))) {
		err[fread(err, 1, sizeof(err) - 1, f)] = 0;
		fclose(f);
	}
	for (unsigned k = 0; k < 4; k++)
		unlink(path[k]);
	rmdir(dir);
	cr_assert(built, "could not assemble:\n%s\n%s", src, err);
	return n;
}

void enter_ring3(uint32_t eip, uint32_t esp)
{
	char src[512];

	snprintf(src, sizeof(src),
		 "%s"
		 "mov $SEL_UDATA, %%ax\n mov %%ax, %%ds\n mov %%ax, %%es\n"
		 "mov %%ax, %%fs\n mov %%ax, %%gs\n"
		 "push $SEL_UDATA\n push $%#x\n push $2\n push $SEL_UCODE\n push $%#x\n iret\n",
		 cpu->tr.sel == SEL_TSS ? "" : "mov $SEL_TSS, %ax\n ltr %ax\n", esp, eip);
	asm_at(STUB, src);
	cpu->eip = STUB;
	cpu->halted = false;
	/* One block at a time: the IRET ends the stub's last block. */
	for (unsigned k = 0; k < 8 && cpu->cpl != 3; k++)
		cr_assert_eq(cpu_run(cpu, 1), STOP_BUDGET, "the ring-3 entry stub stopped at %#x",
			     cpu->eip);
	cr_assert_eq(cpu->cpl, 3, "still in ring %u at %#x", cpu->cpl, cpu->eip);
	cr_assert_eq(cpu->eip, eip);
}

int run_to_handler(void)
{
	enum cpu_stop why;

	cpu->halted = false;
	why = cpu_run(cpu, 10000);
	cr_assert_eq(why, STOP_HALTED, "%s: the CPU stopped for reason %d at %#x, not at a HLT",
		     test_case, why, cpu->eip);
	if (cpu->eip > HANDLERS && cpu->eip <= HANDLER(255) + 1 && (cpu->eip - HANDLERS) % 16 == 1)
		return (cpu->eip - 1 - HANDLERS) / 16;
	return -1;
}

void expect_fault(unsigned vector, uint32_t error, uint32_t eip)
{
	int got = run_to_handler();

	cr_assert_eq(got, (int)vector, "%s: expected vector %u, got %d (stopped at %#x)",
		     test_case, vector, got, cpu->eip);
	cr_expect_eq(stack_dword(0), error, "%s: vector %u: error code %#x, expected %#x",
		     test_case, vector, stack_dword(0), error);
	cr_expect_eq(stack_dword(1), eip, "%s: vector %u: pushed EIP %#x, expected %#x",
		     test_case, vector, stack_dword(1), eip);
}

uint32_t stack_dword(unsigned k)
{
	return get32(cpu->seg[S_SS].base + cpu->regs[R_ESP] + 4 * k);
}
