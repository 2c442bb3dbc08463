#!/usr/bin/env python3
"""The tracer's cost in instructions (valgrind's callgrind: deterministic, unlike wall time): the
five workloads of peers/asyncio_bench.py untraced, under the tracer with --tasks-only and in
full, per task (per await for chain) = (Ir at N=3000 - Ir at N=1000) / 2000, the tracer writing
to /dev/null (LOOPSCOPE_TRACE_FD, no Loopscope reading). `--ctracer PATH` traces with the C hot
paths (the build tree's _loopscope_ctracer*.so), else pure Python (LOOPSCOPE_CTRACER=0).

    tests/bench/tracer_ir.py [--python /usr/bin/python3] [--ctracer PATH] [--modes M,...]
                             [WORKLOAD...]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "peers", "asyncio_bench.py")
TRACER = os.path.join(ROOT, "resources", "python", "tracer", "loopscope_tracer.py")
WORKLOADS = ["spawn_gather", "sleep_gather", "semaphore", "timeout_cancel", "chain"]
MODES = ["untraced", "tasks-only", "full"]


def instructions(python, mode, ctracer, workload, n):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ)
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, python]
        if mode == "untraced":
            cmd += [PROGRAM, workload, str(n)]
        else:
            cmd += [TRACER, PROGRAM, workload, str(n)]
            env["LOOPSCOPE_TRACE_FD"] = "3"
            env["LOOPSCOPE_CTRACER"] = ctracer or "0"
            if mode == "tasks-only":
                env["LOOPSCOPE_TASKS_ONLY"] = "1"
        with open(os.devnull, "wb") as sink:
            p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               pass_fds=(sink.fileno(),) if mode != "untraced" else (),
                               preexec_fn=(lambda: os.dup2(sink.fileno(), 3))
                               if mode != "untraced" else None, text=True)
        if p.returncode != 0:
            raise RuntimeError("%s %s %d failed: %s" % (mode, workload, n, p.stderr[-400:]))
        with open(out) as f:
            for line in f:
                m = re.match(r"(?:summary|totals): (\d+)", line)
                if m:
                    return int(m.group(1))
    raise RuntimeError("no totals in callgrind's output")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--ctracer", default="")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("workloads", nargs="*", default=WORKLOADS)
    opts = ap.parse_args()
    modes = opts.modes.split(",")
    print("| workload | " + " | ".join(m + " Ir/task" for m in modes) + " |", flush=True)
    for workload in opts.workloads:
        per = {}
        for mode in modes:
            small = instructions(opts.python, mode, opts.ctracer, workload, 1000)
            large = instructions(opts.python, mode, opts.ctracer, workload, 3000)
            per[mode] = (large - small) / 2000
        cells = ["%.0f" % per[m] for m in modes]
        if "untraced" in per:
            cells += ["%.2fx" % (per[m] / per["untraced"]) for m in modes if m != "untraced"]
        print("| %s | %s |" % (workload, " | ".join(cells)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
