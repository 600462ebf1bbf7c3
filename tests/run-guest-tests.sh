#!/bin/sh
#
# run-guest-tests.sh -- run the whole-guest tests, tests/guests/*.sh.
#
# 'make check' calls it; by hand, from a build directory:
#   GLASSVM=$PWD/glassvm GUESTS=$PWD/guests sh ../tests/run-guest-tests.sh [NAME...]
# With NAMEs (hello, or hello.sh) only those tests run.
#
# What a test script tests/guests/NAME.sh can rely on:
#   GLASSVM      absolute path of the glassvm binary under test
#   GUESTS       absolute path of the directory with the built guests (*.elf)
#   SRCDIR       absolute path of the source tree (expected outputs, helpers)
#   TEST_TMPDIR  a fresh, empty directory, which is also the working directory;
#                removed after a pass, kept after a failure for a look inside
#   stdin is /dev/null, and the script runs under a time limit of
#   GUEST_TEST_TIMEOUT seconds (default 300), after which it fails.
# It is run directly when it is executable (its #! line chooses the shell),
# otherwise with sh. Its exit status is the verdict:
#   0 = pass, 77 = skip (say why on the last line: "qemu-system-i386 not
#   installed"), anything else = fail.
#
# Output: one line per test, "PASS name", "SKIP name" or "FAIL name" (after a
# failure, the script's output follows), and at the very end exactly
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

export GLASSVM GUESTS SRCDIR

work=$(mktemp -d "${TMPDIR:-/tmp}/glassvm-guest-tests.XXXXXX") ||
    die "cannot create a temporary directory"

passed=0
failed=0
skipped=0

for t in "$@"; do
    name=$(basename "$t" .sh)
    TEST_TMPDIR="$work/$name"
    out="$work/$name.out"
    mkdir -p "$TEST_TMPDIR"
    export TEST_TMPDIR

    if [ -x "$t" ]; then
        run="$t"
    else
        run="sh $t"
    fi
    # $with_limit and $run are word lists on purpose (no spaces in paths:
    # configure refuses them).
    # shellcheck disable=SC2086
    (cd "$TEST_TMPDIR" && exec $with_limit $run) < /dev/null > "$out" 2>&1
    st=$?

    case $st in
    0)
        echo "PASS $name"
        passed=$((passed + 1))
        rm -rf "$TEST_TMPDIR" "$out"
        ;;
    77)
        echo "SKIP $name"
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
        echo "FAIL $name ($why)"
        lines=$(wc -l < "$out")
        if [ "$lines" -gt 200 ]; then
            echo "---- output of $name (last 200 of $lines lines; all of it in $out)"
            tail -n 200 "$out"
        else
            echo "---- output of $name"
            cat "$out"
        fi
        echo "---- end of $name (files kept in $TEST_TMPDIR)"
        failed=$((failed + 1))
        ;;
    esac
done

# Keep the work directory only if a failed test left something in it.
rmdir "$work" 2>/dev/null

echo "guest-tests: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
