#!/bin/sh
# pagewalk.sh - random accesses over a 128 MiB working set, with 4 KiB then 4 MiB pages,
# read back right through the page tables, with the accessed and dirty bits set right.
# The expected lines come from tests/guests/pagewalk_reference.py, an independent model
# (QEMU prints the same). About 120 million instructions, nearly all TLB misses.
. "$(dirname "$0")/lib.inc"

run_guest pagewalk.elf -m 256
expect_status 33
expect_lines <<'LINES'
phase 4k: 4194304 accesses (2097152 writes) over 32768 pages of 4 KiB: checksum 0x5a1174c3
phase 4k: pages touched 32768 (accessed bit), written 32768 (dirty bit)
phase 4m: 4194304 accesses (2097152 writes) over 32 pages of 4096 KiB: checksum 0xdbc8b9c8
phase 4m: pages touched 32 (accessed bit), written 32 (dirty bit)
LINES
pass "pagewalk"
