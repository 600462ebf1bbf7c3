#!/bin/sh
# demo.sh - the demo that `make run` boots prints its whole tour and exits with success.
. "$(dirname "$0")/lib.inc"

run_guest demo.elf
expect_status 33
expect_output "Welcome to glassvm"
expect_output "1. VM-exits."
expect_output "2. Paging, three ways."
expect_output "3. The monitor"
expect_output "Have fun!"
pass "demo"
