#!/usr/bin/env python3
"""Faithfulness check: Loopscope's timeline against CPython 3.11 asyncio running the same program.

    compare.py --loopscope PATH [--python PY] [--time-scale 0.25] [--jobs N] [--only ID]...
               [--keep DIR]

For each case (a scenario id and parameter values) it runs the C++ scenario
    PATH run ID --time-scale S --clock real --summary F [--set name=VALUE]...
and its Python equivalent under the program tracer, exactly as a user traces a program:
    PATH trace --clock C --summary F [--set NAME=VALUE]... resources/python/ID.py
(a scenario parameter is the equivalent's marked constant of the same name in upper case,
`delay1` -> `DELAY1 = 2  # loopscope: 0.0..10 seconds ...`). Each side is recorded by its own
recorder: the C++ runtime's, and the tracer in the CPython process. The Python side runs on
the tracer's virtual clock (sleeps take no wall time, exactly), except the scenarios in
REAL_CLOCK that block, use threads or sockets: those run on the real clock at full length.
Labels are compared after LABELS maps the tracer's names (func(args), a generator's steps) to
the C++ rows' names. Then, for every unit the tracer records (main included):
  * outcome and kind: the same outcome (completed, failed, cancelled, timed_out,
    never_awaited) and kind (main, task, coroutine, executor, generator);
  * start, end: within max(5 % of the larger of the two values, 50 ms) in scenario seconds
    (5 % of the value itself: a start near 0 gets 50 ms, an end at 6 s gets 300 ms);
  * queued: the time spent queued for a slot (a semaphore or lock, a queue's get or put, a
    condition's wait, an executor's pool) within the same tolerance;
and for the case as a whole:
  * peak: the same greatest number of units waiting or running at once, counted from each
    unit's [start, end] interval, main, units whose timing is excluded and units only one side
    records (LABELS maps a unit the C++ scenario has no row for to None) left out;
  * total: the run's total_s within the same tolerance.
Cases may exclude a unit's timing (the CPU-bound job: C++ and CPython differ in speed); its
outcome is still checked, and main's timing and the total are then not compared.
The C++ side (and the Python side of REAL_CLOCK) runs on a real clock, so a loaded machine can
make a timer wake late: a case with a failed check is run again (--retries, default 1) and the
last attempt counts.
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
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
EQUIVALENTS = HERE.parent.parent / "resources" / "python"

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

# The scenarios whose Python equivalent needs real time: a blocking call, threads or sockets.
REAL_CLOCK = {"http_concurrent", "executor", "to_thread", "blocking_pitfall"}

# Per scenario, (pattern, name): a unit whose label fully matches pattern, on either side, is
# compared as name (\1: the pattern's group); name None: a unit only the Python program has.
LABELS = {
    "sequential": [(r"task\('(Task \d+)', .*\)", r"\1")],
    "wait_for_timeout": [(r"slow_operation\(.*\)", "slow_operation")],
    "timeout_context": [(r"slow_operation\(.*\)", "slow_operation")],
    "forgot_await": [(r"get_data( #\d+|\(\))", "get_data")],  # in creation order on both sides
    "async_generator": [(r"fetch_pages\(\d+\) step (\d+)", r"page \1"),
                        (r"fetch_pages\(\d+\) end", "fetch_pages: end")],
    "executor": [(r"blocking_io_operation\('(.*)'\)", r"blocking_io_operation(\1)")],
    # gather wraps its two coroutines in tasks; asyncio would name them Task-2 and Task-3
    "to_thread": [(r"to_thread\(blocking_io\)", "task 2"), (r"sleep\(.*\)", "task 3")],
    # the client's helper coroutine and the server's connection handlers
    "http_concurrent": [(r"http_get\(.*\)", None), (r"handle_request\(.*\)", None)],
}

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


def constant(assignment):
    """A scenario's parameter assignment as its equivalent's constant: delay1=2 -> DELAY1=2."""
    name, _, value = assignment.partition("=")
    return f"{name.upper()}={value}"


def run_case(loopscope, python, scenario, sets, scale, workdir):
    tag = scenario + "".join("_" + s.replace("=", "-") for s in sets)
    ls_json = workdir / f"{tag}.loopscope.json"
    py_json = workdir / f"{tag}.asyncio.json"
    set_args = [a for s in sets for a in ("--set", s)]
    py_set_args = [a for s in sets for a in ("--set", constant(s))]
    clock = "real" if scenario in REAL_CLOCK else "virtual"
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    errors = []
    ls = subprocess.run([loopscope, "run", scenario, "--time-scale", str(scale), "--clock", "real",
                         "--summary", str(ls_json), "--quiet", *set_args],
                        capture_output=True, text=True, env=env, timeout=120)
    if ls.returncode != 0 or not ls_json.exists():
        errors.append(f"loopscope exited {ls.returncode}: {(ls.stderr or ls.stdout).strip()[:300]}")
    py = subprocess.run([loopscope, "trace", "--python", python, "--clock", clock,
                         "--summary", str(py_json), "--quiet", *py_set_args,
                         str(EQUIVALENTS / f"{scenario}.py")],
                        capture_output=True, text=True, env=env, timeout=120)
    if py.returncode != 0 or not py_json.exists():
        errors.append(f"loopscope trace exited {py.returncode}: "
                      f"{(py.stderr or py.stdout).strip()[:300]}")
    if errors:
        return None, None, errors
    return json.loads(ls_json.read_text()), json.loads(py_json.read_text()), []


def queued_s(unit):
    """The time a unit spent queued, from its intervals."""
    return sum(i["end_s"] - i["start_s"] for i in unit.get("intervals", [])
               if i["state"] == "queued" and i.get("end_s") is not None)


def mapped(scenario, summary):
    """The summary's units (main first, labelled "main") under the names the comparison uses,
    and the labels of the units LABELS leaves out."""
    rules = [(re.compile(pattern), name) for pattern, name in LABELS.get(scenario, [])]
    units, left_out = [], []
    for unit in ([dict(summary["main"], label="main")] if summary.get("main") else []) + \
            summary["tasks"]:
        label = unit["label"]
        for pattern, name in rules:
            m = pattern.fullmatch(label)
            if m:
                label = None if name is None else m.expand(name)
                break
        if label is None:
            left_out.append(unit["label"])
        else:
            units.append(dict(unit, label=label))
    return units, left_out


def compare(name, ls_units, py_units, untimed):
    """Yields (passed, line) for every check of one case."""
    by_label = {}
    for t in ls_units:
        by_label.setdefault(t["label"], []).append(t)
    for ref in py_units:
        label = ref["label"]
        candidates = by_label.get(label)
        if not candidates:
            yield False, f"{name} '{label}': missing in Loopscope (asyncio: {ref['outcome']})"
            continue
        got = candidates.pop(0)
        ok = got["outcome"] == ref["outcome"] and got["kind"] == ref["kind"]
        yield ok, (f"{name} '{label}' outcome: loopscope {got['outcome']} {got['kind']}, "
                   f"asyncio {ref['outcome']} {ref['kind']}")
        if label in untimed:
            yield True, f"{name} '{label}' timing: not compared (CPU speed differs)"
            continue
        tol = tolerance(got.get("end_s") or 0, ref.get("end_s") or 0)
        a, b = queued_s(got), queued_s(ref)
        yield abs(a - b) <= tol, (f"{name} '{label}' queued: loopscope {a:.3f}, asyncio {b:.3f} "
                                  f"(diff {abs(a - b):.3f}, tol {tol:.3f})")
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
    both = ({t["label"] for t in ls_units} & {t["label"] for t in py_units}) - {"main"}
    p_ls = peak([t for t in ls_units if t["label"] not in untimed and t["label"] in both])
    p_py = peak([t for t in py_units if t["label"] not in untimed and t["label"] in both])
    yield p_ls == p_py, f"{name} peak units at once: loopscope {p_ls}, asyncio {p_py}"


def compare_totals(name, ls, py):
    a, b = ls["total_s"], py["total_s"]
    tol = tolerance(a, b)
    yield abs(a - b) <= tol, (f"{name} total: loopscope {a:.3f}, asyncio {b:.3f} "
                              f"(diff {abs(a - b):.3f}, tol {tol:.3f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loopscope", required=True, help="path of the loopscope binary")
    parser.add_argument("--python", default=sys.executable,
                        help="the Python the tracer runs on (default: this one)")
    parser.add_argument("--time-scale", type=float, default=0.25,
                        help="the C++ scenarios' time scale (default 0.25)")
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
        if untimed:  # main waits for the untimed units: its end depends on the CPU's speed too
            untimed = [*untimed, "main"]
        retries = []
        for n in range(args.retries + 1):
            notes = []
            try:
                ls, py, errors = run_case(args.loopscope, args.python, scenario, sets,
                                          args.time_scale, workdir)
            except subprocess.TimeoutExpired as e:
                ls, py, errors = None, None, [f"timed out: {' '.join(map(str, e.cmd))}"]
            if errors:
                checks = [(False, f"{name} run: {e}") for e in errors]
            else:
                ls_units, _ = mapped(scenario, ls)
                py_units, left_out = mapped(scenario, py)
                checks = list(compare(name, ls_units, py_units, untimed))
                if not untimed:
                    checks += compare_totals(name, ls, py)
                extra = sorted({t["label"] for t in ls_units} - {t["label"] for t in py_units})
                if extra:
                    notes.append(f"note {name}: only in Loopscope: {', '.join(extra)}")
                if left_out:
                    notes.append(f"note {name}: only in the Python program: "
                                 f"{', '.join(sorted(set(left_out)))}")
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
