#!/usr/bin/env python3
"""Reference output of guests/pagewalk (booted with -m 256), from an independent model.

The guest reaches its working set through page tables; this model has no paging at
all: the working set is one flat array of dwords (a dict of the written ones over the
initial contents), and the pages touched are counted from the addresses instead of
from the accessed and dirty bits the CPU set. Agreeing output means the MMU translated
every access to the right frame and kept A/D right. Run it (about 10 s) after changing
the guest, and paste its output into pagewalk.sh. The constants mirror
guests/pagewalk/main.c.
"""
MASK = 0xFFFFFFFF
WS_PHYS = 0x00800000
WS_SIZE = 128 << 20  # the largest power of two up to 128 MiB that fits in -m 256
ACCESSES = 1 << 22
PAGE, LARGE_PAGE = 4096, 4 << 20


def mix(checksum, value):
    """guests/lib/random.h: mix()."""
    return ((checksum ^ value) * 16777619) & MASK


def phase(memory, seed, page_size):
    """One phase of random_accesses(); returns (checksum, pages touched, pages written)."""
    index_bits = (WS_SIZE // 4).bit_length() - 1  # log2 of the number of dwords
    checksum, touched, written = 0, set(), set()
    for i in range(ACCESSES):
        seed = (seed * 1664525 + 1013904223) & MASK
        index = seed >> (32 - index_bits)
        # Every page starts filled with its own physical address.
        value = memory.get(index, WS_PHYS + index * 4 // PAGE * PAGE)
        checksum = mix(checksum, value)
        touched.add(index * 4 // page_size)
        if i & 1:
            memory[index] = value ^ seed
            written.add(index * 4 // page_size)
    return checksum, len(touched), len(written)


def main():
    memory = {}
    print(f"pagewalk: working set {WS_SIZE >> 20} MiB at 0x40000000 "
          f"({WS_SIZE // PAGE} pages)")
    for name, seed, size in (("4k", 1, PAGE), ("4m", 2, LARGE_PAGE)):
        checksum, touched, written = phase(memory, seed, size)
        print(f"phase {name}: {ACCESSES} accesses ({ACCESSES // 2} writes) over "
              f"{WS_SIZE // size} pages of {size // 1024} KiB: checksum 0x{checksum:08x}")
        print(f"phase {name}: pages touched {touched} (accessed bit), written {written} "
              "(dirty bit)")


if __name__ == "__main__":
    main()
