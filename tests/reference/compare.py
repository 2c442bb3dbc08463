#!/usr/bin/env python3
"""Faithfulness check: Loopscope's timeline against CPython 3.11 asyncio running the same program.

    compare.py --loopscope PATH [--time-scale 0.25] [--jobs N] [--only ID]... [--keep DIR]

For each case (a scenario id and parameter values) it runs
    PATH run ID --time-scale S --clock real --summary F [--set NAME=VALUE]...
and run_reference.py (resources/python/ID.py under asyncio) with the same values, then checks,
for every label the reference records:
  * outcome: the same outcome (completed, failed, cancelled, timed_out, never_awaited);
  * start, end: within max(5 % of the larger of the two values, 50 ms) in scenario seconds
    (5 % of the value itself: a start near 0 gets 50 ms, an end at 6 s gets 300 ms);
  * queued: for tasks (main included), the time spent queued for a slot (a semaphore or lock,
    a queue's get or put, a condition's wait) within the same tolerance;
and for the case as a whole:
  * peak: the same greatest number of units waiting or running at once, counted from each
    unit's [start, end] interval, main, units whose timing is excluded and units only one side
    records (an unnamed task: asyncio's Task-N are not recorded) left out;
  * total: the run's total_s within the same tolerance.
Cases may exclude a unit's timing (the CPU-bound job: C++ and CPython differ in speed); its
outcome is still checked, and the total is then not compared.
Both sides run on a real clock, so a loaded machine can make a timer wake late on either side:
a case with a failed check is run again (--retries, default 1) and the last attempt counts.
A retry is never silent: each one prints "RETRY <case>: attempt K failed N check(s)" with every
failed check, the last line counts the retried cases, and the exit status is 3 (ctest shows the
test as Skipped, not Passed, and --output-on-failure is not needed to find out why: see the log).
A case that needed a retry in the previous run too (--history, kept in the build tree) is a bug
to fix, not to retry: it fails. A systematic difference fails every attempt.
One line per check, then "N passed, M failed, K case(s) retried"; exit status 0 only if every
check passed at the first attempt, 3 if some passed only on a retry, 1 if any failed.
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REFERENCE = HERE / "run_reference.py"

CPU_JOB = "cpu_intensive_task(10000000)"

# (scenario id, parameter assignments, labels whose timing is not compared)
CASES = [
    ("sequential", [], []),
    ("concurrent_tasks", [], []),
    ("gather_return_exceptions", [], []),
    ("taskgroup", [], []),
    ("http_concurrent", [], []),
    ("semaphore", [], []),
    ("async_generator", [], []),
    ("wait_for_timeout", [], []),
    ("timeout_context", [], []),
    ("executor", [], [CPU_JOB]),
    ("cancellation", [], []),
    ("blocking_pitfall", [], []),
    ("forgot_await", [], []),
    # variations
    ("semaphore", ["limit=5", "requests=12"], []),
    ("gather_return_exceptions", ["stagger=0.3"], []),
    ("taskgroup", ["stagger=0.5"], []),
    ("gather_return_exceptions", ["return_exceptions=0", "stagger=0.2"], []),
    ("wait_for_timeout", ["timeout=0.5"], []),
    ("timeout_context", ["duration=1", "timeout=3"], []),
    ("cancellation", ["cancel_after=2"], []),
    ("async_generator", ["process_time=0.3"], []),
    ("blocking_pitfall", ["block=0.5"], []),
    ("executor", ["workers=1"], [CPU_JOB]),
    # the rest of everyday asyncio
    ("queue_workers", [], []),
    ("lock", [], []),
    ("event", [], []),
    ("wait_first_completed", [], []),
    ("as_completed", [], []),
    ("shield", [], []),
    ("to_thread", [], []),
    ("queue_workers", ["maxsize=2", "workers=2", "items=8"], []),
    ("queue_workers", ["produce_every=0.3", "items=8"], []),
    ("lock", ["use_lock=0"], []),
    ("event", ["waiters=3", "delay=0.5"], []),
    ("wait_first_completed", ["delay1=2", "delay2=0.5"], []),
    ("as_completed", ["delay1=0.5", "delay2=1.5", "delay3=1"], []),
    ("shield", ["timeout=3"], []),
    ("to_thread", ["block=2"], []),
]

ABS_TOL = 0.050
REL_TOL = 0.05


def tolerance(a, b):
    return max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


def peak(tasks):
    """Greatest number of units whose [start, end] intervals overlap (ends before starts at ties)."""
    events = []
    for t in tasks:
        if t.get("start_s") is None or t.get("end_s") is None:
            continue
        events.append((t["start_s"], 1))
        events.append((t["end_s"], -1))
    events.sort(key=lambda e: (e[0], e[1]))
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


def run_case(loopscope, scenario, sets, scale, workdir):
    tag = scenario + "".join("_" + s.replace("=", "-") for s in sets)
    ls_json = workdir / f"{tag}.loopscope.json"
    py_json = workdir / f"{tag}.asyncio.json"
    set_args = [a for s in sets for a in ("--set", s)]
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    errors = []
    ls = subprocess.run([loopscope, "run", scenario, "--time-scale", str(scale), "--clock", "real",
                         "--summary", str(ls_json), "--quiet", *set_args],
                        capture_output=True, text=True, env=env, timeout=120)
    if ls.returncode != 0 or not ls_json.exists():
        errors.append(f"loopscope exited {ls.returncode}: {(ls.stderr or ls.stdout).strip()[:300]}")
    py = subprocess.run([sys.executable, str(REFERENCE), scenario, "--time-scale", str(scale),
                         "--summary", str(py_json), *set_args],
                        capture_output=True, text=True, timeout=120)
    if py.returncode != 0 or not py_json.exists():
        errors.append(f"reference exited {py.returncode}: {py.stderr.strip()[:300]}")
    if errors:
        return None, None, errors
    return json.loads(ls_json.read_text()), json.loads(py_json.read_text()), []


def queued_s(unit):
    """Loopscope: the time a unit spent queued, from its intervals."""
    return sum(i["end_s"] - i["start_s"] for i in unit.get("intervals", [])
               if i["state"] == "queued" and i.get("end_s") is not None)


def compare_queued(name, label, got, ref):
    if ref.get("queued_s") is None or ref["kind"] not in ("task", "main"):
        return []
    a, b = queued_s(got), ref["queued_s"]
    tol = tolerance(got.get("end_s") or 0, ref.get("end_s") or 0)
    return [(abs(a - b) <= tol, f"{name} '{label}' queued: loopscope {a:.3f}, asyncio {b:.3f} "
                                f"(diff {abs(a - b):.3f}, tol {tol:.3f})")]


def compare(name, ls, py, untimed):
    """Yields (passed, line) for every check of one case."""
    if py.get("main") and ls.get("main"):
        yield from compare_queued(name, "main", ls["main"], py["main"])
    by_label = {}
    for t in ls["tasks"]:
        by_label.setdefault(t["label"], []).append(t)
    for ref in py["tasks"]:
        label = ref["label"]
        candidates = by_label.get(label)
        if not candidates:
            yield False, f"{name} '{label}': missing in Loopscope (asyncio: {ref['outcome']})"
            continue
        got = candidates.pop(0)
        ok = got["outcome"] == ref["outcome"]
        yield ok, (f"{name} '{label}' outcome: loopscope {got['outcome']}, "
                   f"asyncio {ref['outcome']}")
        if label in untimed:
            yield True, f"{name} '{label}' timing: not compared (CPU speed differs)"
            continue
        yield from compare_queued(name, label, got, ref)
        for key in ("start_s", "end_s"):
            a, b = got.get(key), ref.get(key)
            what = key[:-2]
            if a is None or b is None:
                ok = a is None and b is None
                yield ok, f"{name} '{label}' {what}: loopscope {a}, asyncio {b}"
                continue
            tol = tolerance(a, b)
            ok = abs(a - b) <= tol
            yield ok, (f"{name} '{label}' {what}: loopscope {a:.3f}, asyncio {b:.3f} "
                       f"(diff {abs(a - b):.3f}, tol {tol:.3f})")
    # A unit whose timing differs by nature (the CPU job: milliseconds in C++, most of a second
    # in CPython) may or may not overlap the others, so it does not count towards the peak.
    both = {t["label"] for t in ls["tasks"]} & {t["label"] for t in py["tasks"]}
    p_ls = peak([t for t in ls["tasks"] if t["label"] not in untimed and t["label"] in both])
    p_py = peak([t for t in py["tasks"] if t["label"] not in untimed and t["label"] in both])
    yield p_ls == p_py, f"{name} peak units at once: loopscope {p_ls}, asyncio {p_py}"
    if not untimed:
        a, b = ls["total_s"], py["total_s"]
        tol = tolerance(a, b)
        yield abs(a - b) <= tol, (f"{name} total: loopscope {a:.3f}, asyncio {b:.3f} "
                                  f"(diff {abs(a - b):.3f}, tol {tol:.3f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loopscope", required=True, help="path of the loopscope binary")
    parser.add_argument("--time-scale", type=float, default=0.25)
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once (default 1)")
    parser.add_argument("--only", action="append", default=[], help="only this scenario id")
    parser.add_argument("--keep", help="keep the summaries in this directory")
    parser.add_argument("--retries", type=int, default=1,
                        help="runs again a case whose checks failed (default 1)")
    parser.add_argument("--history",
                        help="file naming the cases the previous run retried (read, then "
                             "rewritten); a case retried in two runs in a row fails")
    args = parser.parse_args()

    cases = [c for c in CASES if not args.only or c[0] in args.only]
    tmp = None
    if args.keep:
        workdir = pathlib.Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="loopscope-faithfulness-")
        workdir = pathlib.Path(tmp.name)
    history = pathlib.Path(args.history) if args.history else None
    retried_before = set()
    if history and history.exists():
        retried_before = set(json.loads(history.read_text() or "[]"))

    def case_name(scenario, sets):
        return scenario + (f"[{','.join(sets)}]" if sets else "")

    def attempt(scenario, sets, untimed):
        """Runs one case (again while it fails and retries are left): (checks, notes, retries)."""
        name = case_name(scenario, sets)
        retries = []
        for n in range(args.retries + 1):
            notes = []
            try:
                ls, py, errors = run_case(args.loopscope, scenario, sets, args.time_scale, workdir)
            except subprocess.TimeoutExpired as e:
                ls, py, errors = None, None, [f"timed out: {' '.join(map(str, e.cmd))}"]
            if errors:
                checks = [(False, f"{name} run: {e}") for e in errors]
            else:
                checks = list(compare(name, ls, py, untimed))
                extra = sorted({t["label"] for t in ls["tasks"]} - {t["label"] for t in py["tasks"]})
                if extra:
                    notes = [f"note {name}: only in Loopscope: {', '.join(extra)}"]
            failed_now = [line for ok, line in checks if not ok]
            if not failed_now or n == args.retries:
                return checks, notes, retries
            retries.append([f"RETRY {name}: attempt {n + 1} failed {len(failed_now)} check(s)"]
                           + [f"RETRY {name}:   FAIL {line}" for line in failed_now])

    passed = failed = 0
    retried = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(case_name(c[0], c[1]), pool.submit(attempt, *c)) for c in cases]
        for name, future in futures:
            checks, notes, retries = future.result()
            for lines in retries:
                print("\n".join(lines), flush=True)
            if retries:
                retried.append(name)
                if name in retried_before:
                    checks.append((False, f"{name}: needed a retry in the previous run too; "
                                          "a case that keeps needing one is a bug to fix"))
            for note in notes:
                print(note)
            for ok, line in checks:
                print(("PASS " if ok else "FAIL ") + line, flush=True)
                passed += ok
                failed += not ok
    summary = f"{passed} passed, {failed} failed, {len(retried)} case(s) retried"
    print(summary + (f": {', '.join(retried)}" if retried else ""))
    if history:
        history.write_text(json.dumps(retried))
    if tmp:
        tmp.cleanup()
    if failed:
        return 1
    return 3 if retried else 0


if __name__ == "__main__":
    sys.exit(main())
