#!/usr/bin/env python3
"""The tracer's C hot paths (_loopscope_ctracer, CPython 3.11) write the trace its pure Python
writes: each program of this folder traced on the virtual clock from the same start, in full and
with --tasks-only, once with the C module and once without (LOOPSCOPE_CTRACER=0), must give the
same event stream, byte for byte (the pid in H aside). A program whose pure-Python trace differs
between two runs (threads, I/O: the virtual clock runs with real time while they work) is
compared with its numbers masked, as a multiset of lines (threads order them as they run), and
skipped if even that differs; the programs in STRICT must be compared exactly.

    ctracer_compare.py --ctracer PATH [--python PY] [NAME...]

In full, the C module must hook the steps with its PEP 523 eval hook (its status line says so);
with LOOPSCOPE_CTRACER_FOREIGN_EVAL=1 (an eval function of someone else's, as a debugger's, set
before the tracer starts) with its profile hook instead.

Also: the C module keeps no reference per await or per step (ctracer_leak.py: the blocks
Python has allocated grow as they do untraced), its line buffers are about as big as their
lines (ctracer_chunks.py), with --tasks-only it makes no frame object of a task's root
coroutine (ctracer_frames.py), and a running task's unit is out of the garbage collector's walks
until the task ends (ctracer_gc.py).

Exits 0 when all compared traces are equal and nothing leaks, 1 otherwise, 3 (ctest's
"skipped") when the module cannot be used by this Python.
"""

import argparse
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tracer_check  # noqa: E402  (run_traced, the tracer's path)

# Programs whose virtual-clock trace is deterministic: compared with their times.
STRICT = ["sequential", "create_task", "gather", "wait_for", "timeout", "taskgroup",
          "never_awaited", "async_for", "raises", "lock", "semaphore", "event", "queue_workers",
          "cancel_causes", "exit3", "run_twice", "unhashable_callback", "labels", "own_profile",
          "deep_recursion"]
BASE_NS = 1_000_000_000_000
NUMBER = re.compile(r"\d+")
LOOP_FIELD = re.compile(r"^(C\t.*)\t#$")


MODES = {"full": {}, "tasks-only": {"LOOPSCOPE_TASKS_ONLY": "1"}}


def trace(python, program, ctracer, mode_env):
    env = {"LOOPSCOPE_CLOCK": "virtual", "LOOPSCOPE_VIRTUAL_BASE_NS": str(BASE_NS),
           "LOOPSCOPE_CTRACER": ctracer, "LOOPSCOPE_DEBUG": "1", **mode_env}
    out, err, rc, data, _ = tracer_check.run_traced(python, tracer_check.TRACER, program, env)
    lines = data.decode("utf-8", "replace").splitlines()
    if lines and lines[0].startswith("H\t"):
        lines[0] = "\t".join(lines[0].split("\t")[:3])  # without the pid
    return lines, err.decode("utf-8", "replace"), rc


def masked(lines):
    """Without numbers, in sorted order, and without what the machine's load decides: the loop's
    lag (G) and a wake-up late enough to show as ready. Threads order their lines as they run,
    and so also the numbers of units and places (two loops' tasks are numbered as they are made):
    what is left to compare is each line's kind, state and text. A task's C names its loop only
    once a second loop exists, which the threads decide too: that field goes."""
    return sorted(LOOP_FIELD.sub(r"\1", NUMBER.sub("#", line)) for line in lines
                  if not line.startswith("G\t") and "\tready\t" not in line)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "line %d: %r (Python) vs %r (C)" % (i + 1, x, y)
    return "%d lines (Python) vs %d (C)" % (len(a), len(b))


def compare(opts, name, mode, mode_env):
    """Whether the C and the Python traces of the program are equal in mode (None: not
    comparable, "skip-all": the C module is not used at all)."""
    program = name + ".py"
    where = "%s [%s]" % (name, mode)
    c_lines, c_err, c_rc = trace(opts.python, program, opts.ctracer, mode_env)
    if "C hot paths from" not in c_err:
        print("SKIP: the C module is not used by %s: %s" % (opts.python, c_err.strip()[:300]))
        return "skip-all"
    # Which hook the C module uses for a step: the eval hook unless the interpreter evaluates
    # frames with someone else's function.
    hook = None
    if mode == "full":
        hook = ("(profile hook" if os.environ.get("LOOPSCOPE_CTRACER_FOREIGN_EVAL") == "1"
                else "(eval hook)")
    py_lines, _, py_rc = trace(opts.python, program, "0", mode_env)
    again, _, _ = trace(opts.python, program, "0", mode_env)
    if py_lines == again:
        ok, how = c_lines == py_lines and c_rc == py_rc, "exactly"
        a, b = py_lines, c_lines
    elif masked(py_lines) == masked(again):
        ok, how = masked(c_lines) == masked(py_lines) and c_rc == py_rc, "numbers masked"
        if not ok:  # threads: once more, in case the load ordered them differently
            c_lines, _, c_rc = trace(opts.python, program, opts.ctracer, mode_env)
            ok = masked(c_lines) in (masked(py_lines), masked(again)) and c_rc == py_rc
        a, b = masked(py_lines), masked(c_lines)
    else:
        ok, how = None, "its pure-Python traces differ between runs"
    if name in STRICT and how != "exactly":
        ok, how = False, "not deterministic, expected to be (%s)" % how
    if hook is not None and hook not in c_err:
        ok, how = False, "the C module does not say %s: %r" % (hook, c_err.strip()[-200:])
    if ok is None:
        print("SKIP %s: %s" % (where, how))
        return None
    print("%s %s: C and Python traces equal (%s, %d lines)%s" % (
        "PASS" if ok else "FAIL", where, how, len(py_lines),
        "" if ok else ": " + first_difference(a, b)))
    return ok


def blocks_grown(python, env=None):
    if env is None:
        out = tracer_check.run_untraced(python, "ctracer_leak.py")[0]
    else:
        out = tracer_check.run_traced(python, tracer_check.TRACER, "ctracer_leak.py", env,
                                      timeout=120)[0]
    m = re.search(rb"blocks grew by (-?\d+)", out)
    return int(m.group(1)) if m else None


def check_leak(opts):
    """No reference kept per await or per step: the traced program's allocated blocks grow as
    the untraced one's do, give or take a thousand (a leak per await would be 20 000)."""
    plain = blocks_grown(opts.python)
    ok = plain is not None
    details = ["untraced %s" % plain]
    for mode, mode_env in MODES.items():
        grown = blocks_grown(opts.python, {"LOOPSCOPE_CTRACER": opts.ctracer, **mode_env})
        details.append("%s %s" % (mode, grown))
        ok = ok and grown is not None and abs(grown - plain) < 1000
    print("%s ctracer_leak: blocks grow as untraced (%s)" % ("PASS" if ok else "FAIL",
                                                              ", ".join(details)))
    return ok


def result_lines(opts, program, pattern, modes):
    """The result line (pattern's match, or None) of program traced with the C module in each of
    modes (names of MODES)."""
    found = {}
    for mode in modes:
        out = tracer_check.run_traced(opts.python, tracer_check.TRACER, program,
                                      {"LOOPSCOPE_CTRACER": opts.ctracer, **MODES[mode]},
                                      timeout=120)[0]
        found[mode] = re.search(pattern, out)
    return found


def report(name, what, found, good):
    """PASS or FAIL for a check whose result lines (found) all satisfy good; whether it passed."""
    ok = all(m is not None and good(m) for m in found.values())
    print("%s %s: %s (%s)" % ("PASS" if ok else "FAIL", name, what, ", ".join(
        "%s %s" % (mode, m.group(0).decode() if m else "no result") for mode, m in found.items())))
    return ok


def check_chunks(opts):
    """The C module's bytearrays of lines are about as big as what they hold (ctracer_chunks.py:
    a line or two each between the Python side's items; 4 KiB each gave a ratio of about 90)."""
    found = result_lines(opts, "ctracer_chunks.py",
                         rb"worst allocated/held ([0-9.]+) over (\d+) samples", MODES)
    return report("ctracer_chunks", "line buffers about as big as their lines", found,
                  lambda m: float(m.group(1)) < 16 and int(m.group(2)) > 0)


def check_frames(opts):
    """With --tasks-only the tasks' frame objects are not made (ctracer_frames.py: 2000 waiting
    tasks have none but the first at each place; every one had one while the C side kept their
    frames, as pure Python does)."""
    found = result_lines(opts, "ctracer_frames.py", rb"frame objects made: (\d+) of (\d+)",
                         ["tasks-only"])
    return report("ctracer_frames", "tasks' frames not made with --tasks-only", found,
                  lambda m: int(m.group(1)) < 10 and int(m.group(2)) == 2000)


def check_gc(opts):
    """A running task's unit is left out of the garbage collector's walks and given back when
    the task ends (ctracer_gc.py: none of 200 tracked while they wait, all 200 once they ended)."""
    found = result_lines(opts, "ctracer_gc.py",
                         rb"units tracked: (\d+) waiting, (\d+) ended, of (\d+)", MODES)
    return report("ctracer_gc", "units untracked while their tasks run", found,
                  lambda m: m.groups() == (b"0", b"200", b"200"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--ctracer", required=True)
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    programs = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*.py"))
                      if not os.path.basename(p).startswith(("uvloop_", "tracer_check",
                                                             "ctracer_", "echo_long")))
    if opts.names:
        programs = [p for p in programs if p in opts.names]
    failures = compared = 0
    for name in programs:
        for mode, mode_env in MODES.items():
            ok = compare(opts, name, mode, mode_env)
            if ok == "skip-all":
                return 3
            if ok is None:
                continue
            compared += 1
            failures += not ok
    checks = {"ctracer_leak": check_leak, "ctracer_chunks": check_chunks,
              "ctracer_frames": check_frames, "ctracer_gc": check_gc}
    for name, check in checks.items():
        if not opts.names or name in opts.names:
            compared += 1
            failures += not check(opts)
    missing = [n for n in STRICT if n not in programs and not opts.names]
    for name in missing:
        print("FAIL %s: no such program" % name)
    failures += len(missing)
    print("%d programs compared, %d failed" % (compared, failures))
    return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
