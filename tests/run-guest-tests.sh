#!/bin/sh
#
# run-guest-tests.sh -- run the whole-guest tests, tests/guests/*.sh.
#
# 'make check' calls it; by hand, from a build directory:
#   GLASSVM=$PWD/glassvm GUESTS=$PWD/guests sh ../tests/run-guest-tests.sh [NAME...]
# With NAMEs (hello, or hello.sh) only those tests run.
#
# Every test runs once per paging scheme in GUEST_PAGING (default "native ept"),
# so that the same guest is seen to behave the same under each; a test whose
# script has the line "# run-guest-tests: once" runs a single time (it tests
# glassvm itself, or picks its schemes on its own). Under an emulator that is
# not glassvm (QEMU), every test runs once.
#
# What a test script tests/guests/NAME.sh can rely on:
#   GLASSVM      absolute path of the glassvm binary under test
#   GUESTS       absolute path of the directory with the built guests (*.elf)
#   SRCDIR       absolute path of the source tree (expected outputs, helpers)
#   TEST_TMPDIR  a fresh, empty directory, which is also the working directory;
#                removed after a pass, kept after a failure for a look inside
#   GLASSVM_PAGING  the scheme of this run (empty for a run-once test), which
#                lib.inc's run_emulator passes to glassvm as -paging
#   GUEST_PAGING the whole list of schemes
#   stdin is /dev/null, and the script runs under a time limit of
#   GUEST_TEST_TIMEOUT seconds (default 300), after which it fails.
# It is run directly when it is executable (its #! line chooses the shell),
# otherwise with sh. Its exit status is the verdict:
#   0 = pass, 77 = skip (say why on the last line: "qemu-system-i386 not
#   installed"), anything else = fail.
#
# Output: one line per test and scheme, "PASS name[scheme]", "SKIP name[scheme]"
# or "FAIL name[scheme]" ("PASS name" for a run-once test; after a failure, the
# script's output follows), and at the very end exactly
#   guest-tests: N passed, M failed, K skipped
# The exit status is 1 when a test failed, 0 otherwise.

# Absolute path of the source tree: given by make, or found from here.
if [ -z "${SRCDIR:-}" ]; then
    SRCDIR=$(cd "$(dirname "$0")/.." && pwd -P) || exit 2
fi

die() {
    echo "run-guest-tests: $*" >&2
    exit 2
}

[ -n "${GLASSVM:-}" ] || die "GLASSVM is not set (the absolute path of the glassvm binary)"
[ -n "${GUESTS:-}" ]  || die "GUESTS is not set (the absolute path of the built guests directory)"
case "$GLASSVM" in /*) ;; *) die "GLASSVM must be an absolute path, not '$GLASSVM'" ;; esac
case "$GUESTS"  in /*) ;; *) die "GUESTS must be an absolute path, not '$GUESTS'" ;; esac
[ -x "$GLASSVM" ] || die "GLASSVM=$GLASSVM is not an executable file"

limit=${GUEST_TEST_TIMEOUT:-300}
if command -v timeout >/dev/null 2>&1; then
    # --kill-after: a test that ignores SIGTERM still cannot hang the run.
    with_limit="timeout --kill-after=10 $limit"
else
    with_limit=
fi

# Which tests: all of them, or the names given.
if [ $# -eq 0 ]; then
    set -- "$SRCDIR"/tests/guests/*.sh
    # No match leaves the pattern itself: there are no tests yet.
    [ -e "$1" ] || set --
else
    names=$*
    set --
    for n in $names; do
        t="$SRCDIR/tests/guests/${n%.sh}.sh"
        [ -f "$t" ] || die "no such test: $t"
        set -- "$@" "$t"
    done
fi

GUEST_PAGING=${GUEST_PAGING:-native ept shadow}
for s in $GUEST_PAGING; do
    case $s in native|shadow|ept) ;; *) die "GUEST_PAGING: '$s' is not a paging scheme (native, shadow, ept)" ;; esac
done

export GLASSVM GUESTS SRCDIR GUEST_PAGING

work=$(mktemp -d "${TMPDIR:-/tmp}/glassvm-guest-tests.XXXXXX") ||
    die "cannot create a temporary directory"

passed=0
failed=0
skipped=0

# The schemes the test script $1 runs under, or "once": a single run, no -paging.
schemes_of() {
    case $(basename "$GLASSVM") in
    glassvm*) ;;
    *) echo once; return ;;
    esac
    if grep -q '^# run-guest-tests: once' "$1"; then
        echo once
    else
        echo "$GUEST_PAGING"
    fi
}

# run_test SCRIPT NAME SCHEME: one run, its verdict line, and the counts.
run_test() {
    script=$1
    GLASSVM_PAGING=$3
    TEST_TMPDIR="$work/$2${3:+-$3}"
    out="$TEST_TMPDIR.out"
    label="$2${3:+[$3]}"
    mkdir -p "$TEST_TMPDIR"
    export TEST_TMPDIR GLASSVM_PAGING

    if [ -x "$script" ]; then
        run="$script"
    else
        run="sh $script"
    fi
    # $with_limit and $run are word lists on purpose (no spaces in paths:
    # configure refuses them).
    # shellcheck disable=SC2086
    (cd "$TEST_TMPDIR" && exec $with_limit $run) < /dev/null > "$out" 2>&1
    st=$?

    case $st in
    0)
        echo "PASS $label"
        passed=$((passed + 1))
        rm -rf "$TEST_TMPDIR" "$out"
        ;;
    77)
        echo "SKIP $label"
        # The script's last line says why.
        reason=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
        [ -n "$reason" ] && echo "    $reason"
        skipped=$((skipped + 1))
        rm -rf "$TEST_TMPDIR" "$out"
        ;;
    *)
        if [ -n "$with_limit" ] && { [ $st -eq 124 ] || [ $st -eq 137 ]; }; then
            why="timed out after ${limit}s"
        else
            why="exit status $st"
        fi
        echo "FAIL $label ($why)"
        lines=$(wc -l < "$out")
        if [ "$lines" -gt 200 ]; then
            echo "---- output of $label (last 200 of $lines lines; all of it in $out)"
            tail -n 200 "$out"
        else
            echo "---- output of $label"
            cat "$out"
        fi
        echo "---- end of $label (files kept in $TEST_TMPDIR)"
        failed=$((failed + 1))
        ;;
    esac
}

for t in "$@"; do
    name=$(basename "$t" .sh)
    for scheme in $(schemes_of "$t"); do
        [ "$scheme" = once ] && scheme=
        run_test "$t" "$name" "$scheme"
    done
done

# Keep the work directory only if a failed test left something in it.
rmdir "$work" 2>/dev/null

echo "guest-tests: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
