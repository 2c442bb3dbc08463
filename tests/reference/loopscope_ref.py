"""Instrumentation for the CPython reference runs of Loopscope's scenarios.

The Python equivalents in resources/python/<id>.py are plain asyncio programs. Run on their own,
they import nothing from here (their `traced` falls back to a no-op). Run by run_reference.py,
this module is importable and records, for every labelled unit, when it was created, first ran
and ended, and how it ended, the way Loopscope's summary does:

* tasks: every task created with an explicit name (`create_task(coro, name="API-1")`,
  `tg.create_task(..., name=...)`) is a unit of kind `task` labelled with that name. Tasks
  with asyncio's default names (`Task-N`: wait_for's inner task, a server's connection
  handlers) are left out; the scenario's main task is recorded as `main`.
* inline coroutines: `await traced("Task 1", task("Task 1", 2))` is a unit of kind
  `coroutine`; one that is never awaited ends `never_awaited`.
* async generator steps: `async for x in traced("page {}", fetch_pages(5))` makes each
  `__anext__` a unit of kind `generator` ("page 1", ...); the step that finds the generator
  exhausted is labelled "<generator name>: end".
* executor jobs: every `loop.run_in_executor(pool, func, *args)` is a unit of kind `executor`
  labelled `func(arg, ...)`, running from when a worker thread picks it up; so is every
  `asyncio.to_thread(func, *args)` (it runs on the default executor).

Queued time: the time each task spends in a wait for a slot (Semaphore.acquire and Lock.acquire
on a held lock, Queue.get on an empty queue, Queue.put on a full one, Condition.wait), Loopscope's
`queued` state, as "queued_s".

Outcomes: completed, failed (with "Type: message"), cancelled, timed_out (cancelled by an
`asyncio.wait_for` or `asyncio.timeout` deadline that then raised TimeoutError), never_awaited.

Time scale: install(scale) makes asyncio.sleep, time.sleep, asyncio.wait_for and asyncio.timeout
take `seconds * scale`, and time.perf_counter report real seconds / scale, so scenario code is
written in scenario seconds and recorded times are in scenario seconds too (real / scale).
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import functools
import inspect
import re
import sys
import threading
import time

_perf_counter = time.perf_counter
_time_sleep = time.sleep
_asyncio_sleep = asyncio.sleep
_wait_for = asyncio.wait_for
_timeout = asyncio.timeout
_run_in_executor = asyncio.base_events.BaseEventLoop.run_in_executor

SCALE = 1.0
_t0 = _perf_counter()
_lock = threading.Lock()
UNITS: list["Unit"] = []
MAIN: "Unit | None" = None
_DEFAULT_TASK_NAME = re.compile(r"Task-\d+")


def now_s() -> float:
    """Scenario seconds since the run started."""
    return (_perf_counter() - _t0) / SCALE


def reset_clock():
    global _t0
    _t0 = _perf_counter()


class Unit:
    def __init__(self, label: str | None, kind: str, record: bool = True):
        self.label = label
        self.kind = kind
        self.created_s = now_s()
        self.start_s: float | None = None
        self.end_s: float | None = None
        self.outcome: str | None = None
        self.error: str | None = None
        self.task: asyncio.Task | None = None
        self.queued_s = 0.0
        self.in_queued = False  # Condition.wait re-acquires its lock: count that once
        if record:
            with _lock:
                UNITS.append(self)

    def start(self):
        if self.start_s is None:
            self.start_s = now_s()

    def finish(self, outcome: str, error: BaseException | None = None):
        self.end_s = now_s()
        self.outcome = outcome
        if error is not None:
            self.error = f"{type(error).__name__}: {error}"

    def as_json(self) -> dict:
        return {"label": self.label, "kind": self.kind, "created_s": self.created_s,
                "start_s": self.start_s, "end_s": self.end_s, "outcome": self.outcome,
                "error": self.error, "queued_s": self.queued_s}


# --- traced(): inline coroutines and generator steps -----------------------------------------

class _TracedCoroutine:
    """An awaitable that runs `coro` inline in the awaiting task and records it as a unit."""

    def __init__(self, label: str, coro):
        self._unit = Unit(label, "coroutine")
        self._coro = coro

    def __repr__(self):  # print(traced(...)) shows the coroutine object, as without us
        return repr(self._coro)

    def __await__(self):
        unit = self._unit
        unit.start()
        try:
            result = yield from self._coro.__await__()
        except asyncio.CancelledError:
            unit.finish("cancelled")
            raise
        except BaseException as e:
            unit.finish("failed", e)
            raise
        unit.finish("completed")
        return result


async def _traced_steps(label_format: str, agen):
    step = 0
    while True:
        step += 1
        unit = Unit(label_format.format(step), "generator")
        unit.start()
        try:
            item = await agen.__anext__()
        except StopAsyncIteration:
            unit.label = f"{getattr(agen, '__name__', 'generator')}: end"
            unit.finish("completed")
            return
        except asyncio.CancelledError:
            unit.finish("cancelled")
            raise
        except BaseException as e:
            unit.finish("failed", e)
            raise
        unit.finish("completed")
        yield item


def traced(label: str, awaitable):
    """Labels a unit: a coroutine awaited inline, or each step of an async generator
    (then `label` is a format with one {} for the step number)."""
    if inspect.isasyncgen(awaitable):
        return _traced_steps(label, awaitable)
    return _TracedCoroutine(label, awaitable)


# --- tasks -------------------------------------------------------------------------------------

_main_coro = None
_TASK_UNITS: "dict[asyncio.Task, Unit]" = {}


async def _run_task(unit: Unit, coro):
    task = asyncio.current_task()
    name = task.get_name()
    if unit is not MAIN:
        unit.label = name
    unit.start()
    try:
        result = await coro
    except asyncio.CancelledError:
        unit.finish("cancelled")
        raise
    except BaseException as e:
        unit.finish("failed", e)
        raise
    unit.finish("completed")
    return result


def _task_factory(loop, coro, context=None):
    global MAIN
    if coro is _main_coro:
        MAIN = Unit("main", "main", record=False)
        unit = MAIN
    else:
        unit = Unit(None, "task")
    task = asyncio.Task(_run_task(unit, coro), loop=loop, context=context)
    unit.task = task
    _TASK_UNITS[task] = unit
    return task


def set_main(coro):
    global _main_coro
    _main_coro = coro


def new_event_loop():
    loop = asyncio.new_event_loop()
    loop.set_task_factory(_task_factory)
    return loop


# --- executor jobs -----------------------------------------------------------------------------

def _job_label(func, args) -> str:
    # asyncio.to_thread submits partial(contextvars.Context.run, func, *args): name func.
    if (isinstance(func, functools.partial) and not args and func.args
            and getattr(func.func, "__name__", "") == "run"):
        func, args = func.args[0], func.args[1:]
    return f"{getattr(func, '__name__', 'job')}({', '.join(str(a) for a in args)})"


def _traced_run_in_executor(self, executor, func, *args):
    label = _job_label(func, args)
    unit = Unit(label, "executor")

    def job():
        unit.start()
        try:
            result = func(*args)
        except BaseException as e:
            unit.finish("failed", e)
            raise
        unit.finish("completed")
        return result

    future = _run_in_executor(self, executor, job)

    def on_done(f):
        if f.cancelled() and unit.outcome is None and unit.start_s is None:
            unit.finish("cancelled")
    future.add_done_callback(on_done)
    return future


# --- queued waits ------------------------------------------------------------------------------

def _queued(original, waits):
    """Wraps an async method: when waits(self) says the call will wait for a slot, the time until
    it returns counts as the current task's queued time."""
    async def wrapper(self, *args):
        unit = _TASK_UNITS.get(asyncio.current_task())
        if unit is None or unit.in_queued or not waits(self):
            return await original(self, *args)
        unit.in_queued = True
        since = now_s()
        try:
            return await original(self, *args)
        finally:
            unit.queued_s += now_s() - since
            unit.in_queued = False
    return wrapper


_queue_init = asyncio.Queue.__init__


def _marked_queue_init(self, *args, **kwargs):
    # as_completed waits on a Queue of its own: that wait is for a future (Loopscope: waiting).
    self._loopscope_internal = sys._getframe(1).f_globals.get("__name__", "").startswith("asyncio")
    _queue_init(self, *args, **kwargs)


def _user_queue(q) -> bool:
    return not getattr(q, "_loopscope_internal", False)


_QUEUED_WAITS = [
    (asyncio.Semaphore, "acquire", lambda s: s.locked()),
    (asyncio.Lock, "acquire", lambda s: s.locked()),
    (asyncio.Queue, "get", lambda q: _user_queue(q) and q.empty()),
    (asyncio.Queue, "put", lambda q: _user_queue(q) and q.full()),
    (asyncio.Condition, "wait", lambda c: True),
]


# --- time scale and timeouts -------------------------------------------------------------------

def _scaled(seconds):
    return None if seconds is None else seconds * SCALE


def _mark_timed_out(since_s: float):
    """Units cancelled by the deadline of a wait_for/timeout that started at `since_s`."""
    with _lock:
        for u in UNITS:
            if u.outcome == "cancelled" and u.start_s is not None and u.start_s >= since_s:
                u.outcome = "timed_out"


def _sleep(delay, result=None):
    return _asyncio_sleep(delay * SCALE, result)


async def _scaled_wait_for(fut, timeout):
    since = now_s()
    try:
        return await _wait_for(fut, _scaled(timeout))
    except TimeoutError:
        _mark_timed_out(since)
        raise


class _ScaledTimeout:
    def __init__(self, delay):
        self._cm = _timeout(_scaled(delay))
        self._since = 0.0

    async def __aenter__(self):
        self._since = now_s()
        return await self._cm.__aenter__()

    async def __aexit__(self, exc_type, exc, tb):
        try:
            return await self._cm.__aexit__(exc_type, exc, tb)
        except TimeoutError:
            _mark_timed_out(self._since)
            raise


def install(scale: float):
    """Patches asyncio and time for a run at `scale` (0.25: four times faster)."""
    global SCALE
    SCALE = float(scale)
    asyncio.sleep = _sleep
    asyncio.wait_for = _scaled_wait_for
    asyncio.tasks.wait_for = _scaled_wait_for
    asyncio.timeout = _ScaledTimeout
    asyncio.base_events.BaseEventLoop.run_in_executor = _traced_run_in_executor
    asyncio.Queue.__init__ = _marked_queue_init
    for cls, name, waits in _QUEUED_WAITS:
        if not hasattr(getattr(cls, name), "__wrapped_queued__"):
            wrapper = _queued(getattr(cls, name), waits)
            wrapper.__wrapped_queued__ = True
            setattr(cls, name, wrapper)
    time.sleep = lambda seconds: _time_sleep(seconds * SCALE)
    time.perf_counter = lambda: _perf_counter() / SCALE


def finalize():
    """Outcomes of units that never ran."""
    for u in UNITS:
        if u.outcome is not None:
            continue
        if u.kind == "coroutine":
            u.outcome = "never_awaited"
        elif u.task is not None and u.task.done() and u.task.cancelled():
            u.outcome = "cancelled"
        else:
            u.outcome = "never_run"
        if u.label is None and u.task is not None:
            u.label = u.task.get_name()


def recorded_units() -> list[Unit]:
    """Units to report: explicitly named tasks, traced coroutines/steps and executor jobs."""
    return [u for u in UNITS
            if not (u.kind == "task" and (u.label is None or _DEFAULT_TASK_NAME.fullmatch(u.label)))]
