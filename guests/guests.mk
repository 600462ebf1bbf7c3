# guests/guests.mk - builds the teaching guests: Multiboot (v1) ELF32 kernels.
#
# Included by the top-level Makefile, which must set SRCDIR (the source tree root)
# before the include. Everything is built under guests/ in the current directory:
#     guests/<name>.elf        one kernel per directory guests/<name>/ in the source tree
#     guests/obj/<dir>/*.o     objects (and .d dependency files)
# Every guest links the runtime in guests/lib/, except two test fixtures: nomb.elf is
# deliberately NOT a Multiboot kernel (no header), for the loader's error path, and
# tfault.elf triple-faults at once, for the machine's shutdown and reboot path.

GUEST_SRC := $(SRCDIR)/guests
GUEST_OBJ := guests/obj
GUEST_CC ?= gcc

# The top-level Makefile sets Q and say for short "  CC  file" lines (V=1: full
# commands); standing alone, the full commands are printed.
Q ?=
say ?= @true

GUEST_NAMES := hello cputest pmtest bench demo pagewalk forkstorm
GUEST_ELFS := $(GUEST_NAMES:%=guests/%.elf)
GUEST_FIXTURES := guests/nomb.elf guests/tfault.elf
# Not a kernel: a 64 KiB ROM image for -bios, from guests/testrom/ (see its rules below).
GUEST_ROMS := guests/testrom.bin
OBJCOPY ?= objcopy

# -m32 -march=i686: the CPU glassvm models. The guests run on an integer-only core,
# so no SSE/MMX/x87. No PIC, no stack protector, no libc: nothing but our runtime.
GUEST_CFLAGS := -std=gnu11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -nostdlib -static -O2 -Wall -Wextra \
	-mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -Wa,--noexecstack -I$(GUEST_SRC)/lib -MMD -MP
GUEST_LDSCRIPT := $(GUEST_SRC)/lib/guest.ld
GUEST_LDFLAGS := -no-pie -Wl,-T,$(GUEST_LDSCRIPT) -Wl,--build-id=none -Wl,-m,elf_i386
# libgcc supplies the 64-bit division helpers (__udivdi3, __umoddi3) that printf needs.
GUEST_LIBS := -lgcc

# The objects of every .c and .S file in source directory $(1), as paths under GUEST_OBJ.
guest_objs = $(patsubst $(GUEST_SRC)/%,$(GUEST_OBJ)/%.o,$(basename \
	$(wildcard $(GUEST_SRC)/$(1)/*.c $(GUEST_SRC)/$(1)/*.S)))

GUEST_LIB_OBJS := $(call guest_objs,lib)
GUEST_ALL_OBJS := $(GUEST_LIB_OBJS) $(foreach g,$(GUEST_NAMES) nomb tfault testrom,$(call guest_objs,$(g)))

.PHONY: guests clean-guests
# configure sets HAVE_M32 = no when the compiler cannot make 32-bit code.
ifeq ($(HAVE_M32),no)
guests:
	@echo "note: no 32-bit code generation (-m32; install gcc-multilib): guests not built"
else
guests: $(GUEST_ELFS) $(GUEST_FIXTURES) $(GUEST_ROMS)
endif

$(GUEST_OBJ)/%.o: $(GUEST_SRC)/%.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJ)/%.o: $(GUEST_SRC)/%.S
	@mkdir -p $(@D)
	$(say) AS $@
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

# The link rule of guests/$(1).elf from objects $(2). The runtime's crt0.S holds the
# Multiboot header, so nomb.elf, linked without the runtime, has none.
define guest_link
guests/$(1).elf: $(2) $$(GUEST_LDSCRIPT)
	$$(say) LINK $$@
	$$(Q)$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(GUEST_LIBS)
endef

$(foreach g,$(GUEST_NAMES),$(eval $(call guest_link,$(g),$(GUEST_LIB_OBJS) $(call guest_objs,$(g)))))
$(eval $(call guest_link,nomb,$(call guest_objs,nomb)))
$(eval $(call guest_link,tfault,$(call guest_objs,tfault)))

# The ROM has its own layout (reset vector at offset FFF0), then objcopy flattens it to
# the raw image -bios takes, which must be exactly 64 KiB.
TESTROM_LDSCRIPT := $(GUEST_SRC)/testrom/testrom.ld
guests/testrom.elf: $(call guest_objs,testrom) $(TESTROM_LDSCRIPT)
	$(say) LINK $@
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -no-pie -Wl,-T,$(TESTROM_LDSCRIPT) -Wl,--build-id=none \
		-Wl,-m,elf_i386 -o $@ $(filter %.o,$^)

guests/testrom.bin: guests/testrom.elf
	$(say) OBJCOPY $@
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)test "$$(wc -c <$@)" -eq 65536 || { echo "$@: not 64 KiB" >&2; rm -f $@; exit 1; }

clean-guests:
	rm -rf $(GUEST_OBJ) $(GUEST_ELFS) $(GUEST_FIXTURES) $(GUEST_ROMS) guests/testrom.elf

-include $(GUEST_ALL_OBJS:.o=.d)
