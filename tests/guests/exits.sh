#!/bin/sh
# exits.sh - every VM exit is counted, charged and traced exactly once: the -trace-exits
# lines agree with -stats (exits in all and by reason; modeled cycles under a -cost
# model), the CSV trace says what the JSON one does, and a second run gives the same
# counts and the same trace. Run under each paging scheme (natively: no exit, an empty
# trace). The checks are in exits_check.py.
. "$(dirname "$0")/lib.inc"

is_glassvm || { echo "SKIP: -trace-exits, -stats and -cost are glassvm's"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

# Numbers that tell the terms of the formula apart.
cat >"$SCRATCH/model.cost" <<'COST'
per_insn = 2
exit_entry = 1000
kernel_handler = 100     # an exit handled in the kernel: 1100
user_roundtrip = 10000   # one that goes to user space: 11100
walk_ref = 7
COST

for trace in run1.jsonl run2.jsonl run3.csv; do
    run_guest forkstorm.elf -m 256 -cost "$SCRATCH/model.cost" \
        -trace-exits "$SCRATCH/$trace" -stats "$SCRATCH/${trace%.*}.json"
    expect_status 33
done
python3 "$(dirname "$0")/exits_check.py" "$SCRATCH" "${GLASSVM_PAGING:-}" ||
    fail "the trace and the counters disagree (see above)"
pass "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exits"]["total"])' \
    "$SCRATCH/run1.json") exits, traced and charged once each"
