#!/usr/bin/env python3
"""Long-run memory of a traced program: starts COMMAND (a `loopscope trace ...` or a
`loopscope PROGRAM.py` GUI run, possibly under xvfb-run), and every INTERVAL seconds writes to
CSV the RSS of the loopscope process and of its python child (from /proc), and the bytes
loopscope has read so far (/proc/PID/io rchar: the tracer's event stream plus the program's
output, i.e. how far the trace has grown). At the end, with --trace FILE (the run's trace JSON),
it adds the events recorded, and each row's estimated events (final count scaled by rchar) and
loopscope's RSS growth per event.

    rss_sampler.py [--interval S] --csv FILE [--trace TRACE.json] -- COMMAND...
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def proc_field(pid, name, key):
    """The number after `key:` in /proc/PID/name (status: kB; io: bytes), or None."""
    try:
        with open("/proc/%d/%s" % (pid, name)) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def count_events(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    return len(events)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interval", type=float, default=30)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--trace")
    ap.add_argument("command", nargs="+")
    opts = ap.parse_args()
    start = time.monotonic()
    proc = subprocess.Popen(opts.command)
    rows = []
    while True:
        done = proc.poll() is not None
        tree = descendants(proc.pid)
        ls = next((p for p in tree if comm(p) == "loopscope"), None)
        py = next((p for p in tree if comm(p).startswith("python")), None)
        if ls is not None and (py is not None or done):
            rows.append({"t_s": round(time.monotonic() - start, 1),
                         "loopscope_rss_kb": proc_field(ls, "status", "VmRSS"),
                         "loopscope_hwm_kb": proc_field(ls, "status", "VmHWM"),
                         "python_rss_kb": proc_field(py, "status", "VmRSS") if py else None,
                         "loopscope_rchar": proc_field(ls, "io", "rchar"),
                         "loopscope_cpu_ticks": cpu_ticks(ls)})
            write(opts.csv, rows)
        if done:
            break
        try:
            # Fast until the program is up, so the first row is the baseline after start-up.
            proc.wait(timeout=opts.interval if py is not None else 0.2)
        except subprocess.TimeoutExpired:
            pass
    if opts.trace and os.path.exists(opts.trace):
        total = count_events(opts.trace)
        base = rows[0]["loopscope_rchar"]
        last = max(r["loopscope_rchar"] or 0 for r in rows) - base
        rss0 = rows[0]["loopscope_rss_kb"]
        for r in rows:
            grown = (r["loopscope_rchar"] or base) - base
            r["events_est"] = round(total * grown / last) if last else None
            r["rss_growth_bytes_per_event"] = (
                round((r["loopscope_rss_kb"] - rss0) * 1024 / r["events_est"], 1)
                if r["events_est"] and r["loopscope_rss_kb"] else None)
        write(opts.csv, rows)
        print("rss_sampler: %d events in %s" % (total, opts.trace), file=sys.stderr)
    sys.exit(proc.returncode)


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def write(path, rows):
    keys = []
    for r in rows:
        keys.extend(k for k in r if k not in keys)
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
