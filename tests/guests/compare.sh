#!/bin/sh
# compare.sh - -compare runs one guest under several paging schemes in one process and
# prints one table. On pagewalk (nearly every access a TLB miss) the instructions are the
# same under native and ept, but ept's two-dimensional walks make more references per
# miss. Each run of -format json is the run -paging would give on its own (nothing
# carries over between the runs), and -format csv says the same as json.
# run-guest-tests: once (it picks its own schemes)
. "$(dirname "$0")/lib.inc"

is_glassvm || { echo "SKIP: -compare is glassvm's"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

run_emulator -serial none -kernel "$GUESTS/pagewalk.elf" -m 256 -compare native,ept
expect_status 33
# "instructions  N  N" and "references per miss  X  Y", native's column first.
set -- $(grep '^instructions ' "$OUT")
[ $# -eq 3 ] && [ "$2" = "$3" ] || fail "instructions differ: $*"
insns=$2
set -- $(grep '^references per miss ' "$OUT")
[ $# -eq 5 ] || fail "no 'references per miss' line with two columns"
python3 -c "import sys; sys.exit(not float(sys.argv[2]) > float(sys.argv[1]) > 0)" "$4" "$5" ||
    fail "references per miss: native $4, ept $5; expected ept > native > 0"
expect_output "slowdown vs native"

# Every scheme of the suite, on a guest with exits of many kinds.
: "${GUEST_PAGING:=native ept}"
schemes=$(echo $GUEST_PAGING | tr ' ' ',')
GUEST="-serial none -kernel $GUESTS/forkstorm.elf -m 256"
run_emulator $GUEST -compare "$schemes" -format json
expect_status 33
cp "$OUT" "$SCRATCH/compare.json"
run_emulator $GUEST -compare "$schemes" -format csv
expect_status 33
cp "$OUT" "$SCRATCH/compare.csv"
for s in $GUEST_PAGING; do
    run_emulator $GUEST -paging "$s" -stats "$SCRATCH/$s.json"
    expect_status 33
done
python3 - "$SCRATCH" $GUEST_PAGING <<'PY' || fail "the compare table disagrees with single runs"
import csv, json, sys
d, schemes = sys.argv[1], sys.argv[2:]
table = json.load(open(f"{d}/compare.json"))
rows = {r["scheme"]: r for r in csv.DictReader(open(f"{d}/compare.csv"))}
assert [r["scheme"] for r in table["runs"]] == schemes, table["runs"]
for run in table["runs"]:
    s = run["scheme"]
    alone = json.load(open(f"{d}/{s}.json"))
    assert dict(run, wall_seconds=0) == dict(alone, wall_seconds=0), (run, alone)
    assert int(rows[s]["modeled_cycles"]) == run["modeled_cycles"], rows[s]
    assert int(rows[s]["exits"]) == run["exits"]["total"], rows[s]
    assert table["status"][s] == 33
PY
pass "pagewalk: $insns instructions under native and ept, more references per miss under ept"
