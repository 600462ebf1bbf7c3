/*
 * vmm/machine.h - one PC: RAM, the CPU, the port bus and the devices on it,
 * put together from the command line; and its main loop.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include "cpu/cpu.h"
#include "hw/chardev.h"
#include "hw/debugexit.h"
#include "hw/ioport.h"
#include "hw/port92.h"
#include "hw/uart.h"
#include "mmu/mmu.h"
#include "vmm/options.h"
#include "vmm/vmm.h"

struct machine {
	const struct options *opts;
	struct physmem *pm;
	struct mmu *mmu;
	struct cpu *cpu;
	struct ioport_bus io;
	struct chardev serial_out, debugcon_out;
	struct uart com1;
	struct debugexit debug_exit;
	struct port92 port92;
	struct vmm vmm;            /* the hypervisor, unless -paging native */
	struct hostmem *host;      /* host-physical memory under a hypervisor, else NULL */
	struct ept *ept;           /* -paging ept */
	struct shadow *shadow;     /* -paging shadow */
	uint8_t *bios;             /* the -bios image, mapped as ROM; NULL without */
	bool reset_requested;      /* a device asked for a reset: the run stops for it */
	double wall_seconds;
	/* Resets, to stop a deterministic reboot loop (vmm/machine.c). */
	uint64_t boot_icount, last_reset_icount;
	uint32_t last_reset_eip;
	unsigned reboots;
};

/* Returns NULL after printing a one-line error. */
struct machine *machine_create(const struct options *opts);
void machine_destroy(struct machine *m);
/* Boot and run to the end; returns the process exit status. */
int machine_run(struct machine *m);

#endif
