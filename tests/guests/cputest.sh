#!/bin/sh
# cputest.sh - every instruction check in the cputest guest passes.
. "$(dirname "$0")/lib.inc"

run_guest cputest.elf
first_failure=$(grep -m 1 ' FAIL ' "$OUT")
[ -z "$first_failure" ] || fail "$(grep -c ' FAIL ' "$OUT") check(s) failed, first: $first_failure"
expect_status 33
summary=$(grep '^cputest: [0-9]* passed, [0-9]* failed$' "$OUT")
[ -n "$summary" ] || fail "no 'cputest: N passed, M failed' line"
case "$summary" in
"cputest: 0 passed"*) fail "no check ran: $summary" ;;
*", 0 failed") ;;
*) fail "$summary" ;;
esac
pass "$summary"
