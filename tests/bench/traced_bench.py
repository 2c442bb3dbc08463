#!/usr/bin/env python3
"""Traced programs: the five workloads written in Python (peers/asyncio_bench.py), run untraced,
traced with --tasks-only and traced in full (`loopscope trace`), interleaved, K times each;
prints medians [min-max] of the time per task the program itself measures, and the ratio to the
untraced run (targets of "Your own asyncio program, live": at most 2x with --tasks-only, 4x in
full).

    tests/bench/traced_bench.py [--loopscope PATH] [--sizes "1e4 1e5"] [--reps K] [--pure-python]

--pure-python adds the tracer without its C hot paths (CPython 3.11) to the interleaving.
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


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, **(env or {})))
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
    ap.add_argument("--pure-python", action="store_true",
                    help="also the tracer without its C hot paths (LOOPSCOPE_CTRACER=0), "
                         "interleaved with the others")
    opts = ap.parse_args()
    tasks_only = [opts.loopscope, "trace", "--tasks-only", "--python", opts.python, PROGRAM]
    full = [opts.loopscope, "trace", "--python", opts.python, PROGRAM]
    modes = {"untraced": ([opts.python, PROGRAM], None), "tasks-only": (tasks_only, None),
             "full": (full, None)}
    if opts.pure_python:
        pure = {"LOOPSCOPE_CTRACER": "0"}
        modes.update({"tasks-only py": (tasks_only, pure), "full py": (full, pure)})
    extra = [m for m in modes if m.endswith(" py")]
    print("| workload | N | untraced us/task | --tasks-only | full | tasks-only/untraced "
          "| full/untraced |" + "".join(" %s/untraced |" % m for m in extra))
    print("|---|---|---|---|---|---|---|" + "---|" * len(extra))
    for size in opts.sizes.split():
        n = str(int(float(size)))
        for workload in WORKLOADS:
            times = {mode: [] for mode in modes}
            for _ in range(opts.reps):
                for mode, (cmd, env) in modes.items():
                    times[mode].append(run(cmd + [workload, n], env))
            med = {m: statistics.median(v) for m, v in times.items()}
            cell = {m: "%.2f [%.2f-%.2f]" % (med[m], min(v), max(v)) for m, v in times.items()}
            print("| %s | %s | %s | %s | %s | %.2fx | %.2fx |" % (
                workload, size, cell["untraced"], cell["tasks-only"], cell["full"],
                med["tasks-only"] / med["untraced"], med["full"] / med["untraced"])
                + "".join(" %.2fx |" % (med[m] / med["untraced"]) for m in extra))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
