#!/bin/sh
# forkstorm.sh - 64 processes with copy-on-write fork, demand-zero heap pages and 20480
# context switches keep their memory private and intact, and the kernel gets every
# frame back. The expected lines come from tests/guests/forkstorm_reference.py, an
# independent model (QEMU prints the same). About 19 million instructions.
. "$(dirname "$0")/lib.inc"

run_guest forkstorm.elf -m 256
expect_status 33
expect_lines <<'LINES'
boot: 64 address spaces, 149 frames in use
storm: 20480 CR3 loads, 9708 INVLPG, 40533 page-table entries written
storm: 324 forks, 324 address spaces destroyed, 1210 heap pages unmapped
storm: page faults: 9489 copy-on-write copies, 7259 reuses, 2214 demand-zero
memory: checksum 0x2d8f30eb, 2061 frames in use
teardown: 388 address spaces created in all, 388 destroyed, 5 frames in use
LINES
pass "forkstorm"
