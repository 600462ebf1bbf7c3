/*
 * vmm/machine.c - building the PC and running it.
 *
 * The run loop gives the CPU slices of instructions and looks, between
 * slices, at why it stopped: a guest request to exit (isa-debug-exit), HLT
 * with nothing left to wake it, a triple fault or a reset request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/debugcon.h"
#include "vmm/bios.h"
#include "vmm/machine.h"
#include "vmm/multiboot.h"
#include "vmm/stats.h"
#include "vmm/vmm.h"
#include "mmu/ept.h"
#include "mmu/hostmem.h"
#include "mmu/shadow.h"

#define RUN_SLICE 10000000ull  /* instructions between looks at the host */

static int open_backends(struct machine *m)
{
	char err[256];

	if (chardev_open(&m->serial_out, m->opts->serial, err, sizeof(err))) {
		fprintf(stderr, "glassvm: -serial %s: %s\n", m->opts->serial, err);
		return -1;
	}
	if (m->opts->debugcon && chardev_open(&m->debugcon_out, m->opts->debugcon, err, sizeof(err))) {
		fprintf(stderr, "glassvm: -debugcon %s: %s\n", m->opts->debugcon, err);
		return -1;
	}
	return 0;
}

/* Port 0x92's fast reset: stop the CPU after the OUT; run_ended() resets.
 * A PC's chipset resets on a shutdown cycle too, hence STOP_SHUTDOWN. */
static void request_reset(void *opaque)
{
	struct machine *m = opaque;

	m->reset_requested = true;
	cpu_request_stop(m->cpu, STOP_SHUTDOWN);
}

static int attach_devices(struct machine *m)
{
	const struct options *o = m->opts;

	if (uart_init(&m->com1, &m->io, COM1_BASE, &m->serial_out) ||
	    port92_init(&m->port92, &m->io, m->mmu, request_reset, m))
		return -1;
	if (o->debugcon && debugcon_init(&m->io, &m->debugcon_out))
		return -1;
	if (o->debug_exit && debugexit_init(&m->debug_exit, &m->io, o->debug_exit_base,
					    o->debug_exit_size, m->cpu)) {
		fprintf(stderr, "glassvm: -device isa-debug-exit: ports 0x%x-0x%x are already in use\n",
			o->debug_exit_base, o->debug_exit_base + o->debug_exit_size - 1);
		return -1;
	}
	return 0;
}

static int map_bios(struct machine *m)
{
	char err[256];

	m->bios = bios_load(m->pm, m->opts->bios, err, sizeof(err));
	if (!m->bios) {
		fprintf(stderr, "glassvm: -bios %s: %s\n", m->opts->bios, err);
		return -1;
	}
	return 0;
}

/* Room in host-physical memory for the hypervisor's own tables. */
static uint64_t vmm_reserve(uint64_t ram)
{
	uint64_t r = ram / 16;

	return r < (4u << 20) ? 4u << 20 : r;
}

/*
 * Natively, guest-physical is host-physical.  Under a hypervisor, guest RAM
 * lives in scattered frames of a larger host-physical memory that also
 * holds the hypervisor's tables (ARCHITECTURE.md section 2).
 */
static struct physmem *create_memory(struct machine *m, uint64_t ram)
{
	if (m->opts->paging == PAGING_NATIVE)
		return physmem_create(ram);
	/* 2 MiB EPT pages need RAM in aligned 2 MiB runs of host memory. */
	bool runs_2m = m->opts->paging == PAGING_EPT && m->opts->ept_2m;
	uint64_t runs = runs_2m ? (ram + (2u << 20) - 1) & ~((2ull << 20) - 1) : ram;

	m->host = hostmem_create(runs + vmm_reserve(ram));
	return m->host ? physmem_create_in(m->host, ram, runs_2m ? HOSTMEM_SCATTER_2M : 1) : NULL;
}

static int create_hypervisor(struct machine *m)
{
	if (m->opts->paging == PAGING_NATIVE)
		return 0;
	if (m->opts->paging == PAGING_EPT) {
		m->ept = ept_create(m->host);
		if (!m->ept) {
			fprintf(stderr, "glassvm: out of memory for the EPT\n");
			return -1;
		}
	}
	if (m->opts->paging == PAGING_SHADOW) {
		m->shadow = shadow_create(m->host, m->pm);
		if (!m->shadow) {
			fprintf(stderr, "glassvm: out of memory for the shadow page tables\n");
			return -1;
		}
	}
	vmm_init(&m->vmm, m->cpu, &m->io, m->pm, m->opts->paging, m->ept, m->shadow);
	m->vmm.ept_2m = m->opts->ept_2m;
	return 0;
}

struct machine *machine_create(const struct options *opts)
{
	struct machine *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->opts = opts;
	if (opts->ram_bytes > 0xfff00000ull || opts->ram_bytes < (1u << 20)) {
		fprintf(stderr, "glassvm: -m: %llu MiB is out of range (1 MiB to 4095 MiB for a 32-bit PC)\n",
			(unsigned long long)(opts->ram_bytes >> 20));
		free(m);
		return NULL;
	}
	m->pm = create_memory(m, (opts->ram_bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1));
	if (m->pm && opts->bios && map_bios(m)) {
		machine_destroy(m);
		return NULL;
	}
	m->mmu = m->pm ? mmu_create(m->pm) : NULL;
	if (m->mmu)
		mmu_set_tlb_entries(m->mmu, opts->tlb_entries);
	m->cpu = m->mmu ? cpu_create(m->mmu, (struct io_bus){ ioport_read, ioport_write, &m->io }) : NULL;
	if (!m->cpu) {
		fprintf(stderr, "glassvm: out of memory for %llu MiB of guest RAM\n",
			(unsigned long long)(opts->ram_bytes >> 20));
		machine_destroy(m);
		return NULL;
	}
	if (open_backends(m) || attach_devices(m) || create_hypervisor(m)) {
		machine_destroy(m);
		return NULL;
	}
	return m;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	chardev_close(&m->serial_out);
	chardev_close(&m->debugcon_out);
	cpu_destroy(m->cpu);
	mmu_destroy(m->mmu);
	ept_destroy(m->ept);
	shadow_destroy(m->shadow);
	physmem_destroy(m->pm);
	hostmem_destroy(m->host);
	free(m->bios);  /* after the physmem that maps it */
	free(m);
}

/* Load the kernel and put the CPU where a Multiboot loader leaves it. */
static int boot_multiboot(struct machine *m)
{
	const struct options *o = m->opts;
	struct multiboot_entry entry;
	char err[512], *cmdline;
	size_t len = strlen(o->kernel) + (o->append ? strlen(o->append) : 0) + 2;
	int rc;

	/* Like QEMU (and GRUB), the command line starts with the kernel's name. */
	cmdline = malloc(len);
	if (!cmdline)
		return -1;
	snprintf(cmdline, len, "%s%s%s", o->kernel, o->append ? " " : "", o->append ? o->append : "");
	rc = multiboot_load(m->pm, o->kernel, cmdline, &entry, err, sizeof(err));
	free(cmdline);
	if (rc) {
		fprintf(stderr, "glassvm: -kernel %s: %s\n", o->kernel, err);
		return -1;
	}
	cpu_enter_flat32(m->cpu, entry.eip);
	m->cpu->regs[R_EAX] = MULTIBOOT_BOOTLOADER_MAGIC;
	m->cpu->regs[R_EBX] = entry.ebx;
	return 0;
}

/*
 * The PC's reset: the processor in its RESET state, real mode at the reset
 * vector F000:FFF0 (SDM Vol. 3A, 9.1), which is where -bios starts; the A20
 * gate open, as QEMU's x86_cpu_reset leaves it.  With -kernel, the kernel
 * is then loaded and entered directly.
 */
static int boot(struct machine *m)
{
	m->reset_requested = false;
	port92_reset(&m->port92);
	mmu_set_a20(m->mmu, true);
	cpu_reset(m->cpu);
	if (m->cpu->vmcs)
		vmm_reset(&m->vmm);
	m->boot_icount = m->cpu->icount;
	return m->opts->kernel ? boot_multiboot(m) : 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A triple fault or a reset through port 0x92: the PC reboots (as QEMU's
 * does) unless -no-reboot.  A run is deterministic, so a guest that shuts
 * down at the same place, the same number of instructions after boot, as
 * the time before would do so forever: the run stops there instead.
 */
static bool reset_ends_run(struct machine *m, int *status)
{
	struct cpu *c = m->cpu;
	uint64_t since_boot = c->icount - m->boot_icount;
	bool repeat = m->reboots > 0 && since_boot == m->last_reset_icount &&
		      c->eip == m->last_reset_eip;
	const char *then = m->opts->no_reboot ? "" :
			   repeat ? "; it did the same after the last reboot, so stopping" : "; rebooting";

	if (m->reset_requested)
		fprintf(stderr, "glassvm: the guest reset the machine (port 0x92)%s\n", then);
	else
		fprintf(stderr, "glassvm: triple fault at %04x:%08x: the CPU shut down%s\n",
			c->seg[S_CS].sel, c->eip, then);
	*status = 0;
	if (m->opts->no_reboot || repeat)
		return true;
	m->last_reset_icount = since_boot;
	m->last_reset_eip = c->eip;
	m->reboots++;
	if (boot(m)) {
		*status = 1;
		return true;
	}
	return false;
}

/*
 * Run the CPU for a slice.  A guest under a hypervisor comes back at every
 * VM-exit; the hypervisor handles it, and whatever the handler caused (a
 * device asking to end the run, a guest that shut down) is the outcome.
 */
static enum cpu_stop run_slice(struct machine *m)
{
	enum cpu_stop why = cpu_run(m->cpu, RUN_SLICE);

	if (why != STOP_VMEXIT)
		return why;
	vmm_handle_exit(&m->vmm);
	if (m->vmm.guest_stopped) {
		m->vmm.guest_stopped = false;
		return STOP_SHUTDOWN;
	}
	return m->cpu->stop == STOP_VMEXIT ? STOP_NONE : m->cpu->stop;
}

/* What a stop means for the run: keep going, or exit with a status. */
static bool run_ended(struct machine *m, enum cpu_stop why, int *status)
{
	struct cpu *c = m->cpu;

	switch (why) {
	case STOP_REQUESTED:
		*status = c->exit_status;
		return true;
	case STOP_HALTED:
		fprintf(stderr, "glassvm: the CPU halted at %04x:%08x and nothing can wake it "
			"(no interrupt sources yet); stopping\n", c->seg[S_CS].sel, c->eip);
		*status = 0;
		return true;
	case STOP_SHUTDOWN:
		return reset_ends_run(m, status);
	default:
		return false;
	}
}

int machine_run(struct machine *m)
{
	double start = now_seconds();
	int status = 0;

	if (boot(m))
		return 1;
	while (!run_ended(m, run_slice(m), &status))
		;
	m->wall_seconds = now_seconds() - start;
	fflush(stdout);
	if (m->opts->stats && stats_write(m->opts->stats, m))
		return 1;
	return status;
}
