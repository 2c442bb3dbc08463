#!/usr/bin/env python3
"""Runs a scenario's Python equivalent under CPython asyncio and prints a Loopscope-like summary.

    run_reference.py ID [--set NAME=VALUE]... [--time-scale S] [--summary FILE] [--echo]

ID is a scenario id: resources/python/ID.py is imported (not run as __main__). Parameters are
module-level constants named like the scenario's parameters in upper case (`delay1` -> DELAY1,
`return_exceptions` -> RETURN_EXCEPTIONS); --set assigns them before main() runs, keeping the
constant's type (int when the value is whole and the default is an int, bool for a bool).
--time-scale scales every sleep, timeout and blocking call (see loopscope_ref.install) and all
recorded times are in scenario seconds. The scenario's prints are captured into "output".

The summary JSON (stdout, or FILE):
  {"scenario", "params", "time_scale", "clock": "real", "total_s", "main": {unit},
   "tasks": [{"label", "kind", "created_s", "start_s", "end_s", "outcome", "error"}],
   "output": [{"t_s", "text"}]}
"""

import argparse
import asyncio
import importlib.util
import io
import json
import pathlib
import sys
import threading
import warnings

HERE = pathlib.Path(__file__).resolve().parent
SCENARIO_DIR = HERE.parent.parent / "resources" / "python"
sys.path.insert(0, str(HERE))

import loopscope_ref as ref  # noqa: E402  (the path above makes it importable for the scenarios)


class _Output(io.TextIOBase):
    """Collects printed lines with their scenario time."""

    def __init__(self, echo):
        self.lines = []
        self._partial = ""
        self._echo = echo
        self._lock = threading.Lock()

    def writable(self):
        return True

    def write(self, text):
        with self._lock:
            if self._echo:
                self._echo.write(text)
            self._partial += text
            while "\n" in self._partial:
                line, self._partial = self._partial.split("\n", 1)
                self.lines.append({"t_s": ref.now_s(), "text": line})
        return len(text)

    def flush_partial(self):
        if self._partial:
            self.lines.append({"t_s": ref.now_s(), "text": self._partial})
            self._partial = ""


def _convert(name, default, text):
    try:
        value = float(text)
    except ValueError:
        sys.exit(f"run_reference: {name}={text} is not a number")
    if isinstance(default, bool):
        return value != 0
    if isinstance(default, int) and value.is_integer():
        return int(value)
    return value


def load_scenario(scenario_id):
    path = SCENARIO_DIR / f"{scenario_id}.py"
    if not path.is_file():
        known = sorted(p.stem for p in SCENARIO_DIR.glob("*.py"))
        sys.exit(f"run_reference: no scenario '{scenario_id}' (known: {', '.join(known)})")
    spec = importlib.util.spec_from_file_location(f"scenario_{scenario_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parameters(module):
    """The scenario's parameters: its upper-case module constants that are numbers."""
    return {name.lower(): value for name, value in vars(module).items()
            if name.isupper() and isinstance(value, (int, float)) and name != "STARTED"}


def run(scenario_id, assignments, scale, echo=False):
    ref.install(scale)
    module = load_scenario(scenario_id)
    params = parameters(module)
    for a in assignments:
        name, eq, text = a.partition("=")
        name = name.strip()
        if not eq or name not in params:
            sys.exit(f"run_reference: unknown parameter '{name}' for {scenario_id} "
                     f"(known: {', '.join(params) or 'none'})")
        params[name] = _convert(name, params[name], text.strip())
        setattr(module, name.upper(), params[name])

    output = _Output(sys.stderr if echo else None)
    saved_stdout, saved_showwarning = sys.stdout, warnings.showwarning
    sys.stdout = output
    # Warnings (the never-awaited coroutine's RuntimeWarning) become one output line, without
    # the source lookup of the default formatter, which costs milliseconds of loop time.
    warnings.showwarning = lambda message, category, *rest: print(f"{category.__name__}: {message}")
    try:
        ref.reset_clock()
        if hasattr(module, "STARTED"):  # the scenario's own clock for its prints
            module.STARTED = ref._perf_counter() / ref.SCALE
        with asyncio.Runner(loop_factory=ref.new_event_loop) as runner:
            main = module.main()
            ref.set_main(main)
            try:
                runner.run(main)
            except BaseException as e:  # main failing is an outcome, not a harness error
                print(f"main raised {type(e).__name__}: {e}")
            # Runner.close() (leaving the with) cancels what is still pending, like asyncio.run.
        output.flush_partial()
    finally:
        sys.stdout, warnings.showwarning = saved_stdout, saved_showwarning
    ref.finalize()

    units = ref.recorded_units()
    ends = [u.end_s for u in units if u.end_s is not None]
    if ref.MAIN is not None and ref.MAIN.end_s is not None:
        ends.append(ref.MAIN.end_s)
    return {
        "scenario": scenario_id,
        "params": params,
        "time_scale": scale,
        "clock": "real",
        "total_s": max(ends, default=0.0),
        "main": ref.MAIN.as_json() if ref.MAIN else None,
        "tasks": [u.as_json() for u in units],
        "output": output.lines,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--summary", help="write the JSON here instead of stdout")
    parser.add_argument("--echo", action="store_true", help="echo the scenario's prints to stderr")
    args = parser.parse_args()
    if not 0.001 <= args.time_scale <= 100:
        parser.error("--time-scale takes 0.001..100")
    summary = run(args.scenario, args.set, args.time_scale, args.echo)
    text = json.dumps(summary, indent=1)
    if args.summary:
        pathlib.Path(args.summary).write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
