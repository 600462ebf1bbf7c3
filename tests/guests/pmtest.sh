#!/bin/sh
# pmtest.sh - every system-level check in the pmtest guest passes: protection, rings,
# exceptions, paging, hardware tasks, MSRs and debug registers.
#
# While the CPU work on these features is in progress, the file pmtest.pending sits next
# to this script: then failed checks make the test a skip (exit 77), so that `make check`
# stays usable, and the guest's output is kept in $GUESTS/pmtest.log. When every check
# passes, delete pmtest.pending: from then on a failed check fails the test.
. "$(dirname "$0")/lib.inc"

PENDING=$(dirname "$0")/pmtest.pending

run_guest pmtest.elf
summary=$(grep '^pmtest: [0-9]* passed, [0-9]* failed$' "$OUT")
failed=$(grep -c ' FAIL ' "$OUT")

if [ -f "$PENDING" ] && { [ "$STATUS" -ne 33 ] || [ "$failed" -ne 0 ] || [ -z "$summary" ]; }; then
    log=$GUESTS/pmtest.log
    cp "$OUT" "$log" 2>/dev/null || log=$OUT
    [ -n "$summary" ] || failed="$failed+ (the run stopped early, status $STATUS)"
    echo "pmtest: $failed failed checks under $(basename "$GLASSVM") (the CPU work is in progress); see the log $log"
    exit 77
fi

first_failure=$(grep -m 1 ' FAIL ' "$OUT")
[ -z "$first_failure" ] || fail "$failed check(s) failed, first: $first_failure"
expect_status 33
[ -n "$summary" ] || fail "no 'pmtest: N passed, M failed' line"
case "$summary" in
"pmtest: 0 passed"*) fail "no check ran: $summary" ;;
*", 0 failed") ;;
*) fail "$summary" ;;
esac
[ ! -f "$PENDING" ] || echo "note: every check passes: delete $PENDING"
pass "$summary"
