#!/bin/sh
# hello.sh - the hello guest boots, greets, and shows what the Multiboot loader passed:
# the magic 0x2BADB002, the memory size, and the -append string in its command line.
. "$(dirname "$0")/lib.inc"

run_guest hello.elf -append "glassvm-test arg=42"
expect_status 33
expect_output "Hello from glassvm guest!"
expect_output "multiboot magic: 0x2badb002"
grep -qE '^memory: [0-9]+ KiB lower, [1-9][0-9]* KiB upper$' "$OUT" ||
    fail "no memory line with a non-zero upper memory size"
expect_output "glassvm-test arg=42"
pass "hello"
