#!/bin/sh
# triplefault.sh - a guest that triple-faults (guests/tfault): with -no-reboot the run
# ends at the first shutdown; without it the machine reboots, and since the guest does
# exactly the same again, glassvm stops instead of rebooting forever.
# run-guest-tests: once (the same under every paging scheme)
. "$(dirname "$0")/lib.inc"

case "$(basename "$GLASSVM")" in
glassvm*) ;;
*) echo "SKIP: the reboot-loop stop is glassvm's own"; exit 77 ;;
esac

run_guest tfault.elf    # run_emulator passes -no-reboot
expect_status 0
expect_output "triple fault at 0008:"
[ "$(grep -c 'triple fault' "$OUT")" -eq 1 ] || fail "-no-reboot: more than one shutdown"

TIMEOUT=20
timeout "$TIMEOUT" "$GLASSVM" -nographic -kernel "$GUESTS/tfault.elf" </dev/null >"$OUT" 2>&1
STATUS=$?
expect_status 0
expect_output "the CPU shut down; rebooting"
expect_output "it did the same after the last reboot, so stopping"
pass "triplefault"
