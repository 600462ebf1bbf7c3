#!/bin/sh
# bench.sh - the bench guest runs to the end and its kernels compute the right answers.
# The expected checksums come from tests/guests/bench_reference.py, an independent model.
. "$(dirname "$0")/lib.inc"

# About 1.2 billion instructions; below tests/run-guest-tests.sh's own 300 s limit, so
# that a slow run is reported here, with its last output line.
TIMEOUT=${TIMEOUT:-240}
run_guest bench.elf
expect_status 33
expect_output "BENCH START"
expect_output "BENCH END"
for expected in crc32=0xa532732d sieve=0xebc1ddac sort=0x6a009d28 strings=0xc728d638; do
    kernel=${expected%%=*}
    got=$(sed -n "s/^checksum $kernel //p" "$OUT")
    [ "$got" = "${expected#*=}" ] ||
        fail "$kernel checksum is '${got:-missing}', expected ${expected#*=}"
done
pass "bench"
