#!/bin/sh
# cmdline.sh - glassvm refuses bad command lines and bad kernels with exit status 1 and
# a clear message on stderr. QEMU words its errors differently, so this needs glassvm.
# run-guest-tests: once (the same under every paging scheme)
. "$(dirname "$0")/lib.inc"

case $(basename "$GLASSVM") in
glassvm*) ;;
*)
    echo "SKIP: needs glassvm"
    exit 77
    ;;
esac

ERR=$SCRATCH/stderr.log
NOT_ELF=$SCRATCH/not-an-elf
echo "this is not an ELF file" >"$NOT_ELF"

# run OPTION...: runs glassvm briefly; stdout to $OUT, stderr to $ERR, status to $STATUS.
run() {
    timeout 10 "$GLASSVM" "$@" </dev/null >"$OUT" 2>"$ERR"
    STATUS=$?
}

# rejects WHAT PATTERN OPTION...: glassvm must exit 1 with stderr matching PATTERN
# (an extended regular expression, case-insensitive).
rejects() {
    what=$1 pattern=$2
    shift 2
    run "$@"
    [ "$STATUS" -eq 1 ] || fail "$what: exit status $STATUS, expected 1"
    grep -qiE -- "$pattern" "$ERR" || fail "$what: stderr does not match '$pattern': $(head -n 1 "$ERR")"
}

HELLO=$GUESTS/hello.elf
NOMB=$GUESTS/nomb.elf
for f in "$HELLO" "$NOMB"; do
    [ -f "$f" ] || fail "$f not found: build the guests first (make guests)"
done
BOOT="-nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04"

rejects "unknown option" "-no-such-option" -no-such-option $BOOT -kernel "$HELLO"
[ "$(wc -l <"$ERR")" -eq 1 ] || fail "unknown option: stderr has $(wc -l <"$ERR") lines, expected 1"
rejects "bad memory size" "abc" -m abc $BOOT -kernel "$HELLO"
rejects "missing kernel" "/nonexistent/kernel.elf" $BOOT -kernel /nonexistent/kernel.elf
rejects "kernel not ELF" "elf" $BOOT -kernel "$NOT_ELF"
rejects "64-bit kernel" "64" $BOOT -kernel /bin/true
rejects "no Multiboot header" "multiboot" $BOOT -kernel "$NOMB"
rejects "kernel larger than memory" "." -m 1 $BOOT -kernel "$HELLO" # any message
rejects "nothing to boot" "-kernel.*-bios" $BOOT
rejects "missing BIOS" "/nonexistent/bios.bin" $BOOT -bios /nonexistent/bios.bin
rejects "BIOS not a multiple of 64 KiB" "64 KiB" $BOOT -bios "$NOT_ELF"
rejects "-bios with -kernel" "not supported" $BOOT -bios "$NOT_ELF" -kernel "$HELLO"
[ "$(wc -l <"$ERR")" -eq 1 ] || fail "-bios with -kernel: stderr has $(wc -l <"$ERR") lines, expected 1"

# The options of the paging comparisons (docs/paging.md).
echo "walk_ref = twenty" >"$SCRATCH/bad.cost"
rejects "-cost with a bad value" "bad.cost:1: .*twenty" -cost "$SCRATCH/bad.cost" $BOOT -kernel "$HELLO"
[ "$(wc -l <"$ERR")" -eq 1 ] || fail "-cost: stderr has $(wc -l <"$ERR") lines, expected 1"
rejects "-trace-exits into a missing directory" "/nonexistent/" -trace-exits /nonexistent/t.csv \
    $BOOT -kernel "$HELLO"
rejects "unknown scheme in -compare" "not a paging scheme" -compare native,bogus $BOOT -kernel "$HELLO"
rejects "-compare with -paging" "-paging" -compare native,ept -paging ept $BOOT -kernel "$HELLO"
rejects "-format without -compare" "-compare" -format json $BOOT -kernel "$HELLO"
rejects "unknown paging scheme" "not a paging scheme" -paging bogus $BOOT -kernel "$HELLO"
rejects "EPT page size" "not an EPT page size" -ept-pages 1g $BOOT -kernel "$HELLO"
rejects "TLB size not a power of two" "power of two" -tlb-entries 1000 $BOOT -kernel "$HELLO"
rejects "TLB size too large" "power of two" -tlb-entries 8192 $BOOT -kernel "$HELLO"

run -version
[ "$STATUS" -eq 0 ] || fail "-version: exit status $STATUS, expected 0"
grep -q glassvm "$OUT" || fail "-version: no line contains 'glassvm'"
run -help
[ "$STATUS" -eq 0 ] || fail "-help: exit status $STATUS, expected 0"
[ -s "$OUT" ] || fail "-help: printed nothing on stdout"
pass "cmdline"
