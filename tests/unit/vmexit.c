/*
 * vmexit.c - the VM-exit mechanism: which guest instructions and events
 * leave to the hypervisor, what the VMCS says about them (Intel SDM Vol. 3C,
 * chapter 27 and table 28-5), and what the handlers do before the guest
 * resumes.  The expected values come from the SDM, not from glassvm.
 */
#include <criterion/criterion.h>

#include "cpu/interrupt.h"
#include "machine_harness.h"
#include "vmm/vmm.h"

static struct vmm vmm;
static struct ioport_bus bus;
static uint32_t last_write, writes;

/* A test device: port 0x60 reads 0x5a; port 0x80 records what is written. */
static uint32_t dev_read(void *opaque, uint16_t port, unsigned size)
{
	(void)opaque, (void)port, (void)size;
	return 0x5a;
}

static void dev_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
	(void)opaque, (void)port, (void)size;
	last_write = value;
	writes++;
}

static const struct ioport_ops dev_ops = { dev_read, dev_write };

static void count_port_out(uint16_t port, uint32_t value)
{
	dev_write(NULL, port, value, 1);
}

static void setup(void)
{
	machine_setup();
	bus = (struct ioport_bus){ .n = 0 };
	ioport_register(&bus, 0x60, 1, &dev_ops, NULL);
	ioport_register(&bus, 0x80, 1, &dev_ops, NULL);
	vmm_init(&vmm, cpu, &bus, pm, PAGING_EPT, NULL, NULL);  /* exits only: no EPT */
	last_write = writes = 0;
}

TestSuite(vmexit, .init = setup, .fini = machine_teardown);

/* Run the guest to its next exit, which must be REASON. */
static void expect_exit(unsigned reason)
{
	enum cpu_stop why = cpu_run(cpu, 10000);

	cr_assert_eq(why, STOP_VMEXIT, "stopped for %d at %#x, not at a VM-exit", why, cpu->eip);
	cr_assert_eq(vmm.vmcs.exit_reason, reason, "exit reason %u (%s), expected %u (%s)",
		     vmm.vmcs.exit_reason, exit_reason_name(vmm.vmcs.exit_reason),
		     reason, exit_reason_name(reason));
}

Test(vmexit, in_with_immediate_port)
{
	asm_at(CODE, "in $0x60, %al\n hlt");
	expect_exit(EXIT_IO_INSTRUCTION);
	/* Table 28-5: size-1 in bits 2:0, IN = bit 3, immediate = bit 6, port 31:16. */
	cr_expect_eq(vmm.vmcs.exit_qualification, 0x00600048u);
	cr_expect_eq(vmm.vmcs.guest_rip, CODE, "the exit leaves EIP at the IN");
	cr_expect_eq(vmm.vmcs.exit_instruction_length, 2);
	vmm_handle_exit(&vmm);
	cr_expect_eq(cpu->regs[R_EAX] & 0xff, 0x5a, "the handler did not read the device");
	cr_expect_eq(cpu->eip, CODE + 2, "the handler did not step over the IN");
	cr_expect_eq(vmm.exits.io_by_port[0x60], 1);
	expect_exit(EXIT_HLT);
	vmm_handle_exit(&vmm);
	cr_expect(cpu->halted, "HLT: the guest must wait for an interrupt");
	cr_expect_eq(cpu_run(cpu, 10000), STOP_HALTED);
	cr_expect_eq(vmm.exits.total, 2);
}

Test(vmexit, out_through_dx)
{
	asm_at(CODE, "mov $0x80, %dx\n mov $0x1234, %ax\n out %ax, %dx\n hlt");
	expect_exit(EXIT_IO_INSTRUCTION);
	/* A word (size-1 = 1), OUT, port in DX (bit 6 clear), port 0x80. */
	cr_expect_eq(vmm.vmcs.exit_qualification, 0x00800001u);
	vmm_handle_exit(&vmm);
	cr_expect_eq(last_write, 0x1234);
	/* 66 BA imm16, 66 B8 imm16, 66 EF: 4 + 4 + 2 bytes. */
	cr_expect_eq(cpu->eip, CODE + 10, "EIP %#x, not past the OUT", cpu->eip);
}

/* One exit for a whole REP OUTSB: the hypervisor has the CPU run it. */
Test(vmexit, rep_outs_is_one_exit)
{
	port_out_hook = count_port_out;
	put_bytes(DATA, (const uint8_t *)"\x11\x22\x33\x44", 4);
	asm_at(CODE, "mov $0x80, %dx\n mov $DATA, %esi\n mov $4, %ecx\n rep outsb\n hlt");
	expect_exit(EXIT_IO_INSTRUCTION);
	/* A byte, OUT, string (bit 4), REP (bit 5), port in DX. */
	cr_expect_eq(vmm.vmcs.exit_qualification, 0x00800030u);
	vmm_handle_exit(&vmm);
	expect_exit(EXIT_HLT);
	cr_expect_eq(writes, 4, "%u bytes reached the port, expected 4", writes);
	cr_expect_eq(last_write, 0x44);
	cr_expect_eq(cpu->regs[R_ECX], 0);
	cr_expect_eq(vmm.exits.by_reason[EXIT_IO_INSTRUCTION], 1);
}

Test(vmexit, cpuid_answered_by_the_hypervisor)
{
	asm_at(CODE, "xor %eax, %eax\n cpuid\n hlt");
	expect_exit(EXIT_CPUID);
	cr_expect_eq(cpu->regs[R_EBX], 0, "CPUID ran in the guest");
	vmm_handle_exit(&vmm);
	cr_expect_eq(cpu->regs[R_EBX], 0x756e6547u, "EBX should be \"Genu\"");
	expect_exit(EXIT_HLT);
}

Test(vmexit, vmcall_is_ud_outside_a_guest)
{
	cpu->vmcs = NULL;
	asm_at(CODE, "vmcall");
	cr_assert_eq(run_to_handler(), 6, "VMCALL outside a guest must be #UD");
	cr_expect_eq(stack_dword(0), CODE, "#UD (no error code) at the VMCALL");
}

Test(vmexit, vmcall_identify)
{
	asm_at(CODE, "xor %eax, %eax\n vmcall\n hlt");
	expect_exit(EXIT_VMCALL);
	vmm_handle_exit(&vmm);
	cr_expect_eq(cpu->regs[R_EAX], 0);
	cr_expect_eq(cpu->regs[R_EBX], 0x73616c67u, "EBX should be \"glas\"");
	cr_expect_eq(cpu->eip, CODE + 2 + 3);
}

/* An MSR the machine lacks: the hypervisor injects #GP(0) at the RDMSR. */
Test(vmexit, rdmsr_unknown_injects_gp)
{
	vmm.vmcs.hlt_exiting = false;  /* the harness's handlers end in HLT */
	asm_at(CODE, "mov $0xdeadbeef, %ecx\n rdmsr\n hlt");
	expect_exit(EXIT_RDMSR);
	vmm_handle_exit(&vmm);
	expect_fault(13, 0, CODE + 5);
	cr_expect_eq(vmm.exits.msr_reads, 1);
}

static unsigned acked;

static unsigned ack_once(void *opaque)
{
	(void)opaque;
	acked++;
	cpu_set_intr(cpu, false);  /* the controller lowers INTR once acknowledged */
	return 0x40;
}

/*
 * An interrupt request leaves the guest at once, IF or not (external-
 * interrupt exiting); with IF = 0 the hypervisor waits for the window
 * (exit 7), which opens one instruction after STI, then injects.
 */
Test(vmexit, external_interrupt_then_window_then_injection)
{
	vmm.vmcs.hlt_exiting = false;
	cpu_connect_intr(cpu, ack_once, NULL);
	/* IF = 0 at entry (the Multiboot state the harness starts from). */
	asm_at(CODE, "cli\n nop\n nop\n sti\n nop\n nop\n hlt");
	cpu_set_intr(cpu, true);
	expect_exit(EXIT_EXTERNAL_INTERRUPT);
	cr_expect_eq(cpu->eip, CODE, "the request is seen before the first instruction");
	cr_expect_eq(vmm.vmcs.exit_interruption_info, 0x80000040u, "valid, external, vector 0x40");
	cr_expect_eq(acked, 1, "acknowledged on exit");
	vmm_handle_exit(&vmm);
	cr_expect(vmm.vmcs.interrupt_window_exiting, "IF=0: wait for the window");
	expect_exit(EXIT_INTERRUPT_WINDOW);
	/* STI at CODE+3 shadows the NOP at CODE+4: the window opens at CODE+5. */
	cr_expect_eq(cpu->eip, CODE + 5, "window at %#x, expected %#x", cpu->eip, CODE + 5);
	vmm_handle_exit(&vmm);
	cr_expect_eq(run_to_handler(), 0x40, "the injected interrupt did not reach its handler");
	cr_expect_eq(stack_dword(0), CODE + 5, "the handler returns where the window opened");
}

Test(vmexit, triple_fault_leaves_the_guest)
{
	cpu->idtr.limit = 0;
	asm_at(CODE, "ud2");
	expect_exit(EXIT_TRIPLE_FAULT);
	vmm_handle_exit(&vmm);
	cr_expect(vmm.guest_stopped);
}
