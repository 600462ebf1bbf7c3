/*
 * vmm/options.c - parsing QEMU-style options.  Like QEMU, an option may be
 * written with one dash or two, and every error is one line naming the
 * option, then exit status 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mmu/tlb.h"
#include "vmm/options.h"
#include "vmm/vmm.h"

#define DEFAULT_RAM_MIB 128

static void error(const char *opt, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "glassvm: %s: ", opt);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(void)
{
	printf("usage: glassvm [options]\n"
	       "glassvm " GLASSVM_VERSION " - a PC emulator for teaching virtualization\n\n"
	       "  -bios FILE        boot a ROM image (a multiple of 64 KiB) from the reset vector\n"
	       "  -kernel FILE      boot a Multiboot (v1) ELF32 kernel\n"
	       "  -append STR       its command line\n"
	       "  -m SIZE           guest RAM in MiB, or with a suffix: 64M, 1G (default %d)\n"
	       "  -nographic        no display; the serial port uses the terminal\n"
	       "  -display none     no display\n"
	       "  -serial DEV       COM1 back-end: stdio, file:PATH, none (default stdio)\n"
	       "  -debugcon DEV     debug console on port 0xE9: stdio, file:PATH, none\n"
	       "  -device isa-debug-exit[,iobase=ADDR][,iosize=SIZE]\n"
	       "                    a write of V to the port exits with status (V<<1)|1\n"
	       "  -no-reboot        exit instead of rebooting on a triple fault\n"
	       "  -paging SCHEME    native (no hypervisor), or a guest under a hypervisor\n"
	       "                    with ept (the default) or shadow page tables\n"
	       "  -ept-pages 4k|2m  the size of the EPT's mappings of guest RAM (default 4k)\n"
	       "  -tlb-entries N    entries of each soft TLB, a power of two (default %d)\n"
	       "  -compare LIST     run the guest once per scheme in LIST (native,shadow,ept)\n"
	       "                    and print a table of what each run cost\n"
	       "  -format FMT       the -compare table as text (default), csv or json\n"
	       "  -stats FILE       write the run's counters as JSON when it ends\n"
	       "  -trace-exits FILE one line per VM exit: JSON lines, or CSV if FILE ends in .csv\n"
	       "  -cost FILE        cost-model values, \"key = value\" lines (docs/paging.md)\n"
	       "  -version          print the version\n"
	       "  -h, -help         print this help\n\n"
	       "See docs/usage.md for details.\n", DEFAULT_RAM_MIB, TLB_DEFAULT_ENTRIES);
}

/* QEMU's -m: a number of MiB, or with a suffix K, M, G, T; "size=" allowed. */
static int parse_ram(const char *s, uint64_t *bytes)
{
	char *end;
	uint64_t mult = 1ull << 20;
	unsigned long long v;

	if (!strncmp(s, "size=", 5))
		s += 5;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	case 't': case 'T': mult = 1ull << 40; end++; break;
	case 'b': case 'B': mult = 1; end++; break;
	}
	if (*end || v == 0 || v > UINT64_MAX / mult)
		return -1;
	*bytes = v * mult;
	return 0;
}

static int parse_u16(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > 0xffff)
		return -1;
	*out = v;
	return 0;
}

/* -device DRIVER[,prop=value...]: only isa-debug-exit so far. */
static int parse_device(struct options *o, const char *opt, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int rc = 0;

	tok = strtok_r(copy, ",", &save);
	if (!tok || strcmp(tok, "isa-debug-exit")) {
		error(opt, "'%s' is not a valid device model name", tok ? tok : "");
		free(copy);
		return -1;
	}
	o->debug_exit = true;
	while (rc == 0 && (tok = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(tok, '=');
		uint16_t *field = NULL;
		if (eq && !strncmp(tok, "iobase=", 7))
			field = &o->debug_exit_base;
		else if (eq && !strncmp(tok, "iosize=", 7))
			field = &o->debug_exit_size;
		if (!field) {
			error(opt, "isa-debug-exit has no property '%s'", tok);
			rc = -1;
		} else if (parse_u16(eq + 1, field) || (field == &o->debug_exit_size &&
				(*field == 0 || *field > 4))) {
			error(opt, "invalid value '%s' for '%.*s'", eq + 1, (int)(eq - tok), tok);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* A paging scheme, for -paging and -compare; -1 after an error. */
static int parse_scheme(const char *opt, const char *name)
{
	int s = paging_scheme_by_name(name);

	if (s < 0)
		error(opt, "'%s' is not a paging scheme (native, shadow, ept)", name);
	return s;
}

static bool is_listed(const struct options *o, int scheme)
{
	for (unsigned k = 0; k < o->n_compare; k++)
		if (o->compare[k] == scheme)
			return true;
	return false;
}

/* -compare native,ept[,shadow]: each scheme once, in the order given. */
static int parse_compare(struct options *o, const char *opt, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int rc = 0;

	o->n_compare = 0;
	for (tok = strtok_r(copy, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save)) {
		int s = parse_scheme(opt, tok);

		if (s < 0) {
			rc = -1;
		} else if (is_listed(o, s)) {
			error(opt, "'%s' is listed twice", tok);
			rc = -1;
		} else {
			o->compare[o->n_compare++] = s;
		}
	}
	free(copy);
	if (rc == 0 && o->n_compare == 0) {
		error(opt, "no paging scheme listed (say which: native,ept)");
		rc = -1;
	}
	return rc;
}

static int parse_format(struct options *o, const char *opt, const char *arg)
{
	static const char *const names[] = { [FORMAT_TEXT] = "text", [FORMAT_CSV] = "csv",
					     [FORMAT_JSON] = "json" };

	for (int f = FORMAT_TEXT; f <= FORMAT_JSON; f++)
		if (!strcmp(arg, names[f])) {
			o->format = f;
			return 0;
		}
	error(opt, "'%s' is not a table format (text, csv, json)", arg);
	return -1;
}

static int load_cost(struct options *o, const char *opt, const char *arg)
{
	char err[512];

	if (cost_model_load(&o->cost, arg, err, sizeof(err))) {
		error(opt, "%s", err);
		return -1;
	}
	return 0;
}

static bool is_backend_spec(const char *s)
{
	return !strcmp(s, "stdio") || !strcmp(s, "none") || !strcmp(s, "null") ||
	       (!strncmp(s, "file:", 5) && s[5]);
}

/* Options that take an argument, and what to do with it. */
static int handle_arg_option(struct options *o, const char *name, const char *opt, const char *arg)
{
	if (!strcmp(name, "bios")) {
		o->bios = arg;
	} else if (!strcmp(name, "kernel")) {
		o->kernel = arg;
	} else if (!strcmp(name, "append")) {
		o->append = arg;
	} else if (!strcmp(name, "m")) {
		if (parse_ram(arg, &o->ram_bytes)) {
			error(opt, "invalid amount of memory '%s' (a number of MiB, or with a suffix: 64M, 1G)", arg);
			return -1;
		}
	} else if (!strcmp(name, "serial") || !strcmp(name, "debugcon")) {
		if (!is_backend_spec(arg)) {
			error(opt, "'%s' is not a character back-end (stdio, file:PATH, none)", arg);
			return -1;
		}
		*(name[0] == 's' ? &o->serial : &o->debugcon) = arg;
	} else if (!strcmp(name, "display")) {
		if (strcmp(arg, "none")) {
			error(opt, "display '%s' is not available (there is no video device yet; use none)", arg);
			return -1;
		}
	} else if (!strcmp(name, "device")) {
		return parse_device(o, opt, arg);
	} else if (!strcmp(name, "ept-pages")) {
		if (strcmp(arg, "4k") && strcmp(arg, "2m")) {
			error(opt, "'%s' is not an EPT page size (4k or 2m)", arg);
			return -1;
		}
		o->ept_2m = !strcmp(arg, "2m");
	} else if (!strcmp(name, "tlb-entries")) {
		char *end;
		unsigned long n = strtoul(arg, &end, 0);
		if (*end || !*arg || n == 0 || n > TLB_MAX_ENTRIES || (n & (n - 1))) {
			error(opt, "'%s' is not a TLB size (a power of two from 1 to %u)", arg, TLB_MAX_ENTRIES);
			return -1;
		}
		o->tlb_entries = n;
	} else if (!strcmp(name, "paging")) {
		o->paging = parse_scheme(opt, arg);
		o->paging_given = true;
		if (o->paging < 0)
			return -1;
	} else if (!strcmp(name, "stats")) {
		o->stats = arg;
	} else if (!strcmp(name, "trace-exits")) {
		o->trace_exits = arg;
	} else if (!strcmp(name, "cost")) {
		return load_cost(o, opt, arg);
	} else if (!strcmp(name, "compare")) {
		return parse_compare(o, opt, arg);
	} else if (!strcmp(name, "format")) {
		return parse_format(o, opt, arg);
	}
	return 0;
}

static const char *const arg_options[] = {
	"bios", "kernel", "append", "m", "serial", "debugcon", "display", "device", "paging", "stats",
	"trace-exits", "cost", "compare", "format", "tlb-entries", "ept-pages", NULL
};

static bool takes_arg(const char *name)
{
	for (unsigned k = 0; arg_options[k]; k++)
		if (!strcmp(name, arg_options[k]))
			return true;
	return false;
}

static bool on_stdout(const char *backend)
{
	return backend && !strcmp(backend, "stdio");
}

/* -compare runs the guest once per scheme it lists and prints a table. */
static int check_compare(const struct options *o)
{
	if (!o->n_compare && o->format != FORMAT_DEFAULT)
		error("-format", "only -compare prints a table (add -compare native,ept)");
	else if (o->n_compare && o->paging_given)
		error("-compare", "runs every scheme it lists: leave out -paging");
	else if (o->n_compare && (o->stats || o->trace_exits))
		error("-compare", "-stats and -trace-exits record one run: use them with -paging");
	else if (o->n_compare && o->format > FORMAT_TEXT &&
		 (on_stdout(o->serial) || on_stdout(o->debugcon)))
		error("-format", "the table goes to standard output, so the guest's console "
		      "cannot: add -serial none (or file:PATH)");
	else
		return 0;
	return -1;
}

/* Something to boot, and only one thing: QEMU hands a -kernel to the BIOS
 * through an option ROM, which glassvm does not have yet. */
static enum parse_result check_boot_source(const struct options *o)
{
	if (!o->kernel && !o->bios) {
		fprintf(stderr, "glassvm: nothing to boot: give -kernel FILE or -bios FILE; see -help\n");
		return PARSE_ERROR;
	}
	if (o->kernel && o->bios) {
		error("-bios", "booting -kernel through a BIOS is not supported yet (needs a BIOS option ROM)");
		return PARSE_ERROR;
	}
	return PARSE_RUN;
}

enum parse_result options_parse(struct options *o, int argc, char **argv)
{
	*o = (struct options){ .ram_bytes = (uint64_t)DEFAULT_RAM_MIB << 20, .serial = "stdio",
			       .paging = PAGING_EPT, .tlb_entries = TLB_DEFAULT_ENTRIES, .cost = cost_model_default,
			       .debug_exit_base = 0x501, .debug_exit_size = 2 };

	for (int k = 1; k < argc; k++) {
		const char *opt = argv[k], *name = opt + 1;

		if (opt[0] != '-' || !opt[1]) {
			error(opt, "not an option (glassvm takes options only; see -help)");
			return PARSE_ERROR;
		}
		if (name[0] == '-')
			name++;  /* --kernel is -kernel */
		if (takes_arg(name)) {
			if (k + 1 >= argc) {
				error(opt, "requires an argument");
				return PARSE_ERROR;
			}
			if (handle_arg_option(o, name, opt, argv[++k]))
				return PARSE_ERROR;
		} else if (!strcmp(name, "nographic")) {
			/* Serial already defaults to the terminal; there is no display yet. */
		} else if (!strcmp(name, "no-reboot")) {
			o->no_reboot = true;
		} else if (!strcmp(name, "version")) {
			printf("glassvm version " GLASSVM_VERSION "\n");
			return PARSE_EXIT_OK;
		} else if (!strcmp(name, "h") || !strcmp(name, "help")) {
			usage();
			return PARSE_EXIT_OK;
		} else {
			error(opt, "invalid option");
			return PARSE_ERROR;
		}
	}
	return check_compare(o) ? PARSE_ERROR : check_boot_source(o);
}
