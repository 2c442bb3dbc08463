#!/usr/bin/env python3
"""Traced programs: the five workloads written in Python (peers/asyncio_bench.py), run untraced,
traced with --tasks-only and traced in full (`loopscope trace`), interleaved, K times each;
prints medians [min-max] of the time per task the program itself measures, and the ratio to the
untraced run (targets of "Your own asyncio program, live": at most 2x with --tasks-only, 4x in
full).

    tests/bench/traced_bench.py [--loopscope PATH] [--sizes "1e4 1e5"] [--reps K]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "peers", "asyncio_bench.py")
WORKLOADS = ["spawn_gather", "sleep_gather", "semaphore", "timeout_cancel", "chain"]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr[-300:]))
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)["per_task_us"]
    raise RuntimeError("no result line from " + " ".join(cmd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loopscope", default=os.path.join(ROOT, "build", "release", "app",
                                                        "loopscope"))
    ap.add_argument("--python", default="python3")
    ap.add_argument("--sizes", default="1e4 1e5")
    ap.add_argument("--reps", type=int, default=3)
    opts = ap.parse_args()
    modes = {
        "untraced": [opts.python, PROGRAM],
        "tasks-only": [opts.loopscope, "trace", "--tasks-only", "--python",
                       opts.python, PROGRAM],
        "full": [opts.loopscope, "trace", "--python", opts.python, PROGRAM],
    }
    print("| workload | N | untraced us/task | --tasks-only | full | tasks-only/untraced "
          "| full/untraced |")
    print("|---|---|---|---|---|---|---|")
    for size in opts.sizes.split():
        n = str(int(float(size)))
        for workload in WORKLOADS:
            times = {mode: [] for mode in modes}
            for _ in range(opts.reps):
                for mode, cmd in modes.items():
                    times[mode].append(run(cmd + [workload, n]))
            med = {m: statistics.median(v) for m, v in times.items()}
            cell = {m: "%.2f [%.2f-%.2f]" % (med[m], min(v), max(v)) for m, v in times.items()}
            print("| %s | %s | %s | %s | %s | %.2fx | %.2fx |" % (
                workload, size, cell["untraced"], cell["tasks-only"], cell["full"],
                med["tasks-only"] / med["untraced"], med["full"] / med["untraced"]))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
