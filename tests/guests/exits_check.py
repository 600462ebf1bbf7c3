#!/usr/bin/env python3
"""exits_check.py DIR [SCHEME] - the checks of exits.sh on the files of its three runs.

DIR holds run1.jsonl, run2.jsonl, run3.csv (-trace-exits) and run1.json, run2.json,
run3.json (-stats), made with the cost model of exits.sh: per_insn 2, walk_ref 7,
exit_entry 1000, kernel_handler 100, user_roundtrip 10000.
"""
import collections
import csv
import json
import sys

PER_INSN, WALK_REF = 2, 7
CHARGE = {"kernel": 1000 + 100, "user": 1000 + 100 + 10000}


def check(ok, what):
    if not ok:
        print("exits_check: " + what)
        sys.exit(1)


def main(d, scheme):
    stats = [json.load(open(f"{d}/run{k}.json")) for k in (1, 2, 3)]
    trace = [json.loads(line) for line in open(f"{d}/run1.jsonl")]
    exits = stats[0]["exits"]

    if scheme:
        check(stats[0]["scheme"] == scheme, f"ran under {stats[0]['scheme']}, not {scheme}")
    check(len(trace) == exits["total"], f"{len(trace)} trace lines, {exits['total']} exits")
    check([e["seq"] for e in trace] == list(range(1, len(trace) + 1)), "seq is not 1, 2, 3...")
    icounts = [e["icount"] for e in trace]
    check(icounts == sorted(icounts), "icount goes backwards")
    by_name = collections.Counter(e["name"] for e in trace)
    for name, n in by_name.items():
        check(exits.get(name) == n, f"{n} '{name}' lines, -stats says {exits.get(name)}")
    for name, n in exits.items():
        check(name == "total" or by_name[name] == n, f"-stats: {n} '{name}', traced {by_name[name]}")
    for e in trace:
        check(e["cycles"] == CHARGE[e["handled_in"]], f"exit {e['seq']} charged {e['cycles']}")
    modeled = (stats[0]["instructions"] * PER_INSN + sum(e["cycles"] for e in trace)
               + stats[0]["walk_refs"] * WALK_REF)
    check(stats[0]["modeled_cycles"] == modeled,
          f"modeled_cycles {stats[0]['modeled_cycles']}, the formula gives {modeled}")

    # Determinism: the same run twice, the same numbers and the same trace.
    for s in stats[1:]:
        s0 = dict(stats[0], wall_seconds=0)
        check(dict(s, wall_seconds=0) == s0, "a second run gave other counters")
    check(open(f"{d}/run1.jsonl").read() == open(f"{d}/run2.jsonl").read(),
          "a second run gave another trace")

    # The CSV trace: a header, then the same fields ("" for null).
    rows = list(csv.DictReader(open(f"{d}/run3.csv", newline="")))
    as_text = [{k: "" if v is None else str(v) for k, v in e.items()} for e in trace]
    check(rows == as_text, "the CSV trace differs from the JSON one")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
