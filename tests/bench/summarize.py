#!/usr/bin/env python3
"""summarize.py [RESULTS.jsonl ...]: tables of medians (min-max) from loopscope-bench and peers.

Each input line is one run's JSON object ({"peer", "workload", "n", "per_task_us",
"bytes_per_task", ...}); a line with "skipped" or "error" marks a run that did not happen or
failed. Reads stdin when no file is given. Ratios are peer / loopscope (above 1: we are better).
"""

import json
import statistics
import sys

PEERS = ["loopscope", "asyncio", "node"]
WORKLOADS = ["spawn_gather", "sleep_gather", "semaphore", "timeout_cancel", "chain"]
METRICS = [
    ("per_task_us", "per task (us): wall - ideal, over N", "{:.3f}"),
    ("bytes_per_task", "bytes per task: peak RSS - RSS before, over N", "{:.0f}"),
    ("cpu_s", "CPU seconds (user + sys) of the run", "{:.3f}"),
]


def peer_key(record):
    peer = record["peer"]
    if peer == "loopscope" and record.get("trace") is False:
        return "loopscope-notrace"
    return peer


def load(lines):
    runs = {}    # (workload, n, peer) -> [record]
    notes = {}   # (workload, n, peer) -> "skipped" | "failed"
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        key = (r["workload"], int(r["n"]), peer_key(r))
        if "skipped" in r:
            notes[key] = "skipped"
        elif "error" in r:
            notes.setdefault(key, "failed")
        else:
            runs.setdefault(key, []).append(r)
    return runs, notes


def cell(values, fmt):
    if not values:
        return None
    med = statistics.median(values)
    text = fmt.format(med)
    if len(values) > 1:
        text += " [" + fmt.format(min(values)) + "-" + fmt.format(max(values)) + "]"
    return med, text


def table(runs, notes, metric, title, fmt):
    peers = [p for p in PEERS + ["loopscope-notrace"]
             if any(k[2] == p for k in list(runs) + list(notes))]
    others = [p for p in peers if p != "loopscope"]
    sizes = sorted({k[1] for k in list(runs) + list(notes)})
    workloads = [w for w in WORKLOADS if any(k[0] == w for k in list(runs) + list(notes))]
    header = ["workload", "N"] + peers + [p + "/ours" for p in others]
    rows = []
    for w in workloads:
        for n in sizes:
            if not any(k[0] == w and k[1] == n for k in list(runs) + list(notes)):
                continue
            row = [w, f"{n:.0e}".replace("e+0", "e")]
            meds = {}
            for p in peers:
                values = [r[metric] for r in runs.get((w, n, p), [])]
                c = cell(values, fmt)
                if c is None:
                    row.append(notes.get((w, n, p), "-"))
                else:
                    meds[p], text = c
                    if notes.get((w, n, p)) == "failed":
                        text += " (some failed)"
                    row.append(text)
            for p in others:
                ours = meds.get("loopscope")
                if p in meds and ours:
                    row.append(f"{meds[p] / ours:.2f}x")
                else:
                    row.append("-")
            rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    out = [f"## {title}", ""]
    out.append("| " + " | ".join(h.ljust(wd) for h, wd in zip(header, widths)) + " |")
    out.append("|" + "|".join("-" * (wd + 2) for wd in widths) + "|")
    for row in rows:
        out.append("| " + " | ".join(str(x).ljust(wd) for x, wd in zip(row, widths)) + " |")
    return "\n".join(out)


def main(argv):
    lines = []
    if len(argv) > 1:
        for path in argv[1:]:
            with open(path) as f:
                lines.extend(f)
    else:
        lines = sys.stdin.readlines()
    runs, notes = load(lines)
    if not runs and not notes:
        print("no results", file=sys.stderr)
        return 1
    print("medians over repetitions, [min-max]; ratio = peer median / loopscope median\n")
    for metric, title, fmt in METRICS:
        print(table(runs, notes, metric, title, fmt))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
