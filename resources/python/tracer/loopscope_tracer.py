"""Loopscope's tracer: runs a Python program the way `python3 PROGRAM.py ARGS...` would and
streams what its asyncio event loops do to the Loopscope process that started it.

    python3 loopscope_tracer.py PROGRAM.py [ARGS...]

Environment (set by Loopscope; removed before the program runs, so it never sees them):
  LOOPSCOPE_TRACE_FD=<n>       inherited fd open for writing: the events go there. Unset, or
                               the reader gone: the program runs untraced, silently.
  LOOPSCOPE_CLOCK=real|virtual virtual: loop time jumps to the next timer when nothing is ready,
                               no I/O or executor work is pending and no other thread (but
                               idle executor workers) is alive.
  LOOPSCOPE_TASKS_ONLY=1       no inline coroutine units (no sys.setprofile: the cheapest mode).
  LOOPSCOPE_INTERNALS=1        also asyncio's own tasks.
  LOOPSCOPE_VIRTUAL_BASE_NS=<n> the virtual clock starts at this CLOCK_MONOTONIC value instead
                               of the real one (for tests: loop times whose floats round badly).
  LOOPSCOPE_SET=N=V;N=V        run with these values of the marked constants
                               (`LIMIT = 3  # loopscope: 1..20`); the file is never written.
  LOOPSCOPE_CTRACER=<path>|0   the C hot paths (_loopscope_ctracer, CPython 3.11) when there
                               is none beside this file; 0: pure Python.
  LOOPSCOPE_DEBUG=1            one line on stderr saying whether the C hot paths are used.

Events: one per line, UTF-8, fields separated by TAB; times are CLOCK_MONOTONIC ns (virtual:
monotonic plus the time skipped so far); text fields escape \\ \t \n \r.
  H version python pid | P name value min max unit | X t loop | C t id kind parent label |
  S t id state lane [place] | F t id outcome error | L t from to | N t name value | G t lag |
  R t id label | D t id deadline | O t stream text | W t name id | E t exit_status |
  A place text | K t id reason by | I t id kind parent label place | J t id parent
C and G end with the loop's number (its X) once the program has made more than one loop: a C
without it runs on its parent's loop (the first loop without a parent), a G without it is the
first loop's.
A names a place of the program's code ("FILE:LINE", the file without its folder) by a number,
once, before an S uses it: a waiting or queued S carries the place its unit waits at (the line
of the program's own frame that awaits; absent or 0: not known). K says why a unit that ends
cancelled or timed_out was cancelled, just before its F: reason is taskgroup, timeout, cancel,
gather or shutdown, by the unit that caused it (0: none).
O is a line the program wrote to sys.stdout (stream 1) or sys.stderr (2), without its newline;
the output itself still goes where it would (the streams are only watched, not replaced).
W: the lock called name is held by task unit id from t on (0: free).
I is a unit awaited inline starting (a coroutine, a generator step), short for its C, the
parent's S waiting at the place and its S running; J is one returning, short for its F
completed and the parent's S running.
A unit is pending from its C until its first S. Standard library only, CPython 3.11+.
"""

import _thread
import itertools
import os
import sys

TRACER_VERSION = 2
_OUR_FILE = sys._getframe().f_code.co_filename  # as our frames name it, however we were started

# --- the channel -------------------------------------------------------------------------------
# Hooks only append lines or tuples to _buf (GIL-atomic); a background thread formats and writes
# them, so the per-step cost stays a string or a tuple and an append.

_buf = []
_ev = _buf.append
_fd = -1
_broken = False
_stopped = False
_flusher_gone = None    # a lock held while the flusher thread runs (None: it does not)


def _noop(_event):
    pass


def _esc(text):
    text = str(text)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def _disable():
    global _ev, _fd, _broken
    _broken = True
    _ev = _noop
    _stop_monitoring()
    del _buf[:]
    if _fd >= 0:
        try:
            os.close(_fd)
        except OSError:
            pass
    _fd = -1


def _write(data):
    view = memoryview(data)
    while view:
        n = os.write(_fd, view)
        view = view[n:]


def _write_parts(parts):
    """The byte strings of the list parts written out whole, in order, without joining them
    (a copy of every byte under the GIL). Empties parts."""
    first = 0
    while first < len(parts):
        n = os.writev(_fd, parts[first:first + _IOV_MAX])
        while first < len(parts) and n >= len(parts[first]):
            n -= len(parts[first])
            first += 1
        if n:
            parts[first] = memoryview(parts[first])[n:]
    del parts[:]


_IOV_MAX = 1024  # Linux's


def _flush():
    with _wlock:
        n = len(_buf)
        if not n or _fd < 0:
            return
        items = _buf[:n]
        del _buf[:n]
        f = _FORMATS
        # The hot paths append their lines ready-made (an f-string costs less than a tuple
        # formatted here; the C module's, ASCII, go into bytearrays in _buf, written as they
        # are: decoding and encoding them again was two copies more under the GIL); the others
        # append tuples, and a unit's C is a list until emitted.
        parts = []
        text = []
        for e in items:
            kind = type(e)
            if kind is bytearray:
                if text:
                    parts.append("".join(text).encode("utf-8", "replace"))
                    text = []
                parts.append(e)
            else:
                text.append(e if kind is str else f[len(e)] % tuple(e))
        if text:
            parts.append("".join(text).encode("utf-8", "replace"))
        try:
            _write_parts(parts)
        except OSError:
            _disable()
        e = None  # its last item, else held here
        if _recycle is not None:
            _recycle(items)  # the C module's chunks, written: kept for its next lines


_FORMATS = {n: "\t".join(["%s"] * n) + "\n" for n in range(1, 8)}


def _flusher():
    try:
        while not _stopped and not _broken:
            _real_sleep(0.02)
            _flush()
    finally:
        _flusher_gone.release()


def _forked_child():
    global _flusher_gone
    _flusher_gone = None  # threads do not survive a fork: there is none to wait for
    _disable()


# --- labels ------------------------------------------------------------------------------------

_OBJECT_REPR = None


def _short_repr(value):
    kind = type(value)
    if kind is int or kind is float or kind is bool:
        return repr(value)
    try:
        text = repr(value)
    except Exception:
        text = "<%s>" % type(value).__name__
    if text.startswith("<"):
        name = getattr(value, "__name__", None)
        if isinstance(name, str):
            text = name  # a function or a class: its name, not its address
        else:
            m = _OBJECT_REPR.match(text)
            if m:
                text = "<%s%s>" % (m.group(1).rpartition(".")[2], m.group(2))
    if len(text) > 40:
        text = text[:37] + "..."
    return text


def _call_label(name, args, kwargs=None):
    parts = [_short_repr(a) for a in args]
    if kwargs:
        parts += ["%s=%s" % (k, _short_repr(v)) for k, v in kwargs.items()]
    return _esc("%s(%s)" % (name, ", ".join(parts)))


_layouts = {}        # code -> (name, argument names shown, *args name, **kwargs name, the
                    # label if it has no arguments)


def _layout(code):
    positional = code.co_argcount + code.co_kwonlyargcount
    names = list(code.co_varnames[:positional])
    if names and names[0] in ("self", "cls"):
        names.pop(0)
    k = positional
    star = starstar = None
    if code.co_flags & 0x04:
        star = code.co_varnames[k]
        k += 1
    if code.co_flags & 0x08:
        starstar = code.co_varnames[k]
    bare = None if names or star or starstar else _esc(code.co_name + "()")
    layout = _layouts[code] = (code.co_name, names, star, starstar, bare)
    return layout


def _frame_label(code, frame):
    """func(args) from a coroutine frame that has not run yet (its locals are the arguments)."""
    name, names, star, starstar, bare = _layouts.get(code) or _layout(code)
    if bare is not None:
        return bare  # without arguments, the frame's locals are not needed
    if frame is None:
        return _esc(name + "()")
    try:
        local = frame.f_locals
    except Exception:
        local = {}
    parts = [_short_repr(local[n]) for n in names if n in local]
    if star is not None:
        parts += [_short_repr(a) for a in local.get(star, ())]
    if starstar is not None:
        parts += ["%s=%s" % (k, _short_repr(v)) for k, v in local.get(starstar, {}).items()]
    return _esc("%s(%s)" % (name, ", ".join(parts)))


def _coro_label(coro):
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is None:
        return _esc(getattr(coro, "__qualname__", type(coro).__name__) + "()")
    return _frame_label(code, getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None))


def _func_label(func, args, kwargs=None):
    import contextvars
    import functools
    while isinstance(func, functools.partial):
        inner = func.func
        if (getattr(inner, "__name__", "") == "run"
                and isinstance(getattr(inner, "__self__", None), contextvars.Context)
                and func.args):
            # to_thread: partial(context.run, func, *args, **kwargs)
            args = tuple(func.args[1:]) + tuple(args)
            kwargs = {**func.keywords, **(kwargs or {})}
            func = func.args[0]
            continue
        args = tuple(func.args) + tuple(args)
        kwargs = {**func.keywords, **(kwargs or {})}
        func = inner
    name = getattr(func, "__name__", None) or type(func).__name__
    return _call_label(name, args, kwargs)


def _error_text(exc):
    if exc is None:
        return ""
    msg = str(exc)
    return _esc("%s: %s" % (type(exc).__name__, msg) if msg else type(exc).__name__)


# --- units -------------------------------------------------------------------------------------

class _Unit:
    __slots__ = ("id", "task", "name", "cev", "ready", "queued", "stack", "root", "deadline",
                 "expired", "cut", "awaiting", "owner", "pending", "frame", "coro", "cause",
                 "wframe")

    def __init__(self, uid, task=None):
        self.id = uid
        self.task = task
        self.name = None
        self.cev = None
        self.ready = 0
        self.queued = False
        self.stack = ()  # its inline units, innermost last: a list from the first one on
        self.root = None
        self.deadline = None
        self.expired = 0
        self.cut = False
        self.awaiting = None
        self.owner = None
        self.pending = None
        self.frame = None
        self.coro = None
        self.wframe = None  # a task's root frame (or coroutine) if it is the program's code
        self.cause = None   # (reason, by unit id): what cancelled it; the first cause wins


class _Inline:
    """A coroutine awaited inline or a generator step: the fields of a _Unit it has (created
    per await: the fewer, the cheaper)."""
    __slots__ = ("id", "owner", "frame", "queued")
    task = root = deadline = None
    cut = False

    def __init__(self, uid, owner, frame):
        self.id = uid
        self.owner = owner    # the task unit it runs in
        self.frame = frame
        self.queued = False


_new_id = itertools.count(1).__next__  # a unit's id (atomic: executor threads number jobs too)
_tunits = {}        # Task -> its unit (until it finishes)
# The C module's untrack(unit) and track(unit): the garbage collector leaves a unit alone while
# _tunits holds it (it and all it holds are alive anyway); a full collection walks every live
# object, and a program of many tasks has as many units (None: pure Python).
_gc_untrack = _gc_track = None
_recycle = None     # the C module's recycle(items) (None: pure Python)
_frame_units = {}   # coroutine frame -> unit (task roots and inline coroutines)


class _PerThread(_thread._local):
    """What the hooks keep per thread: each thread may run a loop of its own, and the
    interpreter switches threads in the middle of a step."""
    cur = None              # the task unit whose step runs now on this thread's loop
    origin = None           # while a timer callback runs: its due time (ready time of what
                            # it wakes)
    pending_deadline = None  # wait_for's deadline until its ensure_future: (ns, awaiter unit)
    failed_child = None     # while a TaskGroup learns that a child failed: that child
    unlinked = None         # (unit, ns): a step on a foreign loop (uvloop) just ended, and
                            # the future it awaits is known only once the Task took it


_here = _PerThread()
_main_unit = None
_inflight = 0       # executor jobs not yet delivered to their loop


def _leaf(tu):
    return tu.stack[-1] if tu.stack else tu


def _root_frame(u):
    """A task unit's root frame if it is the program's code, else None (the C module keeps a
    coroutine there, whose frame object it need not make)."""
    w = u.wframe
    return w.cr_frame if type(w) is _Coroutine else w


def _callback_unit(callback):
    """The task unit whose step or wake-up callback is (None: not a task's)."""
    try:
        return _tunits.get(getattr(callback, "__self__", None))
    except TypeError:
        return None  # an unhashable owner (call_soon(a_list.append, x)) is no task


def _emit_created(u):
    if u.cev is not None:
        _ev(u.cev)
        u.cev = None


# --- tasks -------------------------------------------------------------------------------------

def _create_task(self, coro, *, name=None, context=None):
    """BaseEventLoop.create_task from 3.13 on, which names the factory's task with set_name(name)
    even when name is None (the task would be called "None"): without a factory of the
    program's, the task is made here with its name, as without a factory."""
    if getattr(self, "_loopscope_user_factory", None) is not None:
        return _orig_create_task(self, coro, name=name, context=context)
    self._check_closed()
    return _task_factory(self, coro, context, name)


def _task_factory(loop, coro, context=None, name=None):
    user = getattr(loop, "_loopscope_user_factory", None)
    # Inside a step our profile hook is on: none of this (asyncio's and ours) needs it. Someone
    # else's profiler (the program's) is left alone.
    hooked = _STEP_PROFILE and _getprofile() is _profile
    try:
        if user is None:
            if hooked:
                _setprofile(None)
            task = _Task(coro, loop=loop, name=name, context=context)
            if task._source_traceback:
                del task._source_traceback[-1]
        else:
            task = user(loop, coro) if context is None else user(loop, coro, context=context)
            if hooked:
                _setprofile(None)
        try:
            _track_task(loop, task, coro)
            if name is not None:
                _named(task)
        except Exception:
            pass
    finally:
        if hooked:
            _setprofile(_profile)
    return task


def _is_main_creation(loop):
    if _get_running_loop() is not None:
        return False  # made by a task's code (per thread: loops may run in several threads)
    current = getattr(loop, "_loopscope_main", None)
    if current is not None and not current.task.done():
        return False
    f = sys._getframe(3)
    for _ in range(5):
        if f is None:
            return False
        if f.f_code in _MAIN_CODES:
            return True
        f = f.f_back
    return False


def _track_task(loop, task, coro):
    global _main_unit
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    internal = code.co_filename in _INTERNAL_FILES if code is not None else _foreign_own(coro)
    if internal and not _INTERNALS:
        return
    t = _now()
    u = _Unit(_new_id(), task)
    u.name = task.get_name()
    if not internal and _is_main_creation(loop):
        kind, parent = "main", 0
        loop._loopscope_main = u
        _main_unit = u
    else:
        kind = "task"
        cur = _here.cur
        if cur is not None:
            parent = cur.id
        else:
            main = getattr(loop, "_loopscope_main", None) or _main_unit
            parent = main.id if main is not None else 0
    if _loop_count > 1:
        # Which loop (X) it runs on; without: its parent's. Only once there is more than one.
        u.cev = ["C", t, u.id, kind, parent, _coro_label(coro), loop._loopscope_id]
    else:
        u.cev = ["C", t, u.id, kind, parent, _coro_label(coro)]
    u.coro = coro
    if code is not None and not internal:
        info = _code_info.get(code)
        if info is None:
            info = _classify(code)
        if info:
            u.wframe = getattr(coro, "cr_frame", None)
    _tunits[task] = u
    if _gc_untrack is not None:
        _gc_untrack(u)
    if _INLINE and code is not None:
        frame = getattr(coro, "cr_frame", None)
        if frame is not None:
            u.root = frame
            _frame_units[frame] = u
    if not isinstance(loop, _BaseEventLoop):
        _track_foreign(u, task, coro)


def _foreign_done(task):
    u = _tunits.get(task)
    if u is not None:
        _finish_task(u, _now())


def _set_task_name(task, name):
    if name is None:
        return  # as the original does (create_task calls it twice per task)
    _orig_set_task_name(task, name)
    _named(task)


def _named(task):
    u = _tunits.get(task)
    if u is None:
        return
    if u.cev is not None:
        # create_task(name=...) names the task just after the factory made it: one C, no R.
        u.name = task.get_name()
        u.cev[5] = _esc(u.name)
        _emit_created(u)
    else:
        _check_rename(u, _now())


def _check_rename(u, t):
    name = u.task.get_name()
    if name is not u.name and name != u.name:
        u.name = name
        _ev(("R", t, u.id, _esc(name)))


def _outcome(u, task, t):
    if task.cancelled():
        return ("timed_out" if _is_cut(u, t) else "cancelled"), ""
    exc = task._exception  # not task.exception(): that would silence "never retrieved"
    if exc is not None:
        return "failed", _error_text(exc)
    return "completed", ""


def _is_cut(u, t):
    depth = 0
    while u is not None and depth < 50:
        if u.cut or (u.deadline is not None and t >= u.deadline - 1_000_000):
            return True
        u = u.owner
        depth += 1
    return False


def _finish_task(u, t):
    task = u.task
    if u.cev is not None:
        _emit_created(u)
    outcome, error = _outcome(u, task, t)
    if u.pending:
        _resolve_pending(u, t)
    while u.stack:
        inner = u.stack.pop()
        _frame_units.pop(inner.frame, None)
        cause = _cause_of(u, outcome)
        if cause is not None:
            _ev(f"K\t{t}\t{inner.id}\t{cause[0]}\t{cause[1]}\n")
        _ev(f"F\t{t}\t{inner.id}\t{outcome}\t{error}\n")
    if task.get_name() is not u.name:
        _check_rename(u, t)
    cause = _cause_of(u, outcome) if outcome != "completed" else None
    if cause is not None:
        _ev(f"K\t{t}\t{u.id}\t{cause[0]}\t{cause[1]}\n")
    _ev(f"F\t{t}\t{u.id}\t{outcome}\t{error}\n")
    if _gc_track is not None:
        _gc_track(u)
    _tunits.pop(task, None)
    if outcome == "failed":
        _failed_units[task] = u.id  # a TaskGroup learns of it on a later turn
    if u.root is not None:
        _frame_units.pop(u.root, None)
        u.root = None
    u.awaiting = None


def _cause_of(tu, outcome):
    """Why the task unit tu (or a coroutine awaited inline in it) ended with outcome."""
    if outcome == "timed_out":
        return ("timeout", 0)
    if outcome != "cancelled":
        return None
    if tu.cause is not None:
        return tu.cause
    # cancel() on a task that was not waiting (not started, or ready): the wake-up that names
    # the caller never came.
    return ("cancel", 0) if tu.task.cancelling() else None


def _note_cause(task, reason, by):
    u = _tunits.get(task)
    if u is not None and u.cause is None and not task.done():
        u.cause = (reason, by)


def _cancel_wakeup(u, fut):
    """A task's wake-up from a cancelled future while the task is being cancelled: the code
    running now (its caller) cancelled it; through an awaited task, the cause is that one's."""
    try:
        if not fut.cancelled():
            return
    except Exception:
        return
    inner = _tunits.get(fut)
    if inner is not None:
        u.cause = inner.cause
    else:
        cur = _here.cur
        u.cause = ("cancel", _leaf(cur).id if cur is not None else 0)


def _link(tu, t):
    fw = tu.task._fut_waiter
    if fw is tu.awaiting:
        return
    tu.awaiting = fw
    if fw is None:
        return
    src = _leaf(tu).id
    child = _tunits.get(fw)
    if child is not None:
        _emit_created(child)
        _ev(f"L\t{t}\t{src}\t{child.id}\n")
        return
    if getattr(fw, "_children", None):
        try:
            fw._loopscope_awaiter = tu  # a gather: who awaits it, should it be cancelled
        except AttributeError:
            pass
    for c in getattr(fw, "_children", None) or ():
        child = _tunits.get(c)
        if child is not None:
            _emit_created(child)
            _ev(f"L\t{t}\t{src}\t{child.id}\n")


def _handle_run(self):
    u = _callback_unit(self._callback)
    here = _here
    if u is None:
        if type(self) is _TimerHandle:
            # A timer that fires late (blocked loop): what it wakes was ready when it was due.
            due = int(self._when * 1e9)
            here.origin = due if _now() - due > 5_000_000 else None
            try:
                return _orig_handle_run(self)
            finally:
                here.origin = None
        return _orig_handle_run(self)
    t = _now()
    if u.cev is not None:
        _emit_created(u)
    leaf = u.stack[-1] if u.stack else u
    r = u.ready
    u.ready = 0
    if r and t - r > 1_000_000:
        _ev(f"S\t{r}\t{leaf.id}\tready\t0\nS\t{t}\t{leaf.id}\trunning\t0\n")
    else:
        _ev(f"S\t{t}\t{leaf.id}\trunning\t0\n")
    prev = here.cur
    here.cur = u
    # The profile hook only while a step runs: a program's coroutine starts, suspends and ends
    # only inside one, and the loop's own machinery (and ours) between steps goes unhooked.
    hooked = _STEP_PROFILE and _getprofile() is None
    if hooked:
        _setprofile(_profile)
    try:
        # Handle._run without its frame: a task step never raises but SystemExit and
        # KeyboardInterrupt, which Handle._run lets through too.
        self._context.run(self._callback, *self._args)
    except BaseException:
        # SystemExit / KeyboardInterrupt out of a step: the task ended with it.
        if hooked and _getprofile() is _profile:
            _setprofile(None)
        here.cur = prev
        if u.task.done():
            _finish_task(u, _now())
        raise
    if hooked and _getprofile() is _profile:  # not one the program set in the step
        _setprofile(None)
    here.cur = prev
    t = _now()
    task = u.task
    if task.done():
        _finish_task(u, t)
        return
    if u.pending:
        _resolve_pending(u, t)
    leaf = u.stack[-1] if u.stack else u
    # The program's innermost frame: an inline unit's, else the task's own (without inline
    # units, a coroutine it awaits inline goes unseen: the task's await names the place).
    frame = leaf.frame if u.stack else (_root_frame(u) or _awaiting_frame(u.coro))
    _ev(f"S\t{t}\t{leaf.id}\t{'queued' if leaf.queued else 'waiting'}\t0\t"
        f"{_place(frame) if frame is not None else 0}\n")
    if task._fut_waiter is not u.awaiting:
        _link(u, t)
    if task.get_name() is not u.name:
        _check_rename(u, t)
    if u.cause is not None and not task.cancelling():
        u.cause = None  # uncancel()ed (a timeout or TaskGroup that handled it): forgotten


def _scheduled(callback, args):
    """A callback was scheduled: if it is a task's step or wake-up, the task is ready now (or
    since its timer was due), and a wake-up during its cancellation names who cancelled it."""
    u = _callback_unit(callback)
    if u is not None and u.cev is None:
        origin = _here.origin
        u.ready = origin if origin is not None else _now()
        if args and u.cause is None and u.task.cancelling():
            _cancel_wakeup(u, args[0])


def _call_soon(self, callback, args, context):
    # A step schedules its task's next one from inside: the profile hook need not see that.
    hooked = _STEP_PROFILE and _getprofile() is _profile
    if hooked:
        _setprofile(None)
    try:
        handle = _orig_call_soon(self, callback, args, context)
        _scheduled(callback, args)
    finally:
        if hooked:
            _setprofile(_profile)
    return handle


# --- places: where the program's code waits ----------------------------------------------------

_places = {}        # (code, instruction offset) -> place id
_lines = {}         # (code, line) -> place id (its A was written)
_place_ids = None   # itertools.count(1)
_place_lock = _thread.allocate_lock()  # taken only to number a place for the first time


def _place(frame):
    # By instruction, not line: f_lineno searches the code's line table.
    key = (frame.f_code, frame.f_lasti)
    p = _places.get(key)
    if p is None:
        line = frame.f_lineno
        p = _lines.get((key[0], line))
        if p is None:
            # Loops in two threads: one A per place, written before the place's number is
            # published, so that a thread that finds the number finds its A already sent.
            with _place_lock:
                p = _lines.get((key[0], line))
                if p is None:
                    p = next(_place_ids)
                    _ev(("A", p, _esc("%s:%d" % (os.path.basename(key[0].co_filename), line))))
                    _lines[(key[0], line)] = p
        _places[key] = p
    return p


def _awaiting_frame(coro):
    """The innermost frame of the program's own code on the await chain of coro, or None."""
    found = None
    depth = 0
    # Coroutine objects only (a future or a generator ends the chain): a missing attribute
    # costs an exception inside getattr, per step.
    while type(coro) is _Coroutine and depth < 30:
        frame = coro.cr_frame
        if frame is None:
            break
        info = _code_info.get(frame.f_code)
        if info is None:
            info = _classify(frame.f_code)
        if info:
            found = frame
        coro = coro.cr_await
        depth += 1
    return found


# --- the loop: turns, lag, the virtual clock ---------------------------------------------------

_loop_count = 0


def _loop_init(self, *args, **kwargs):
    global _loop_count
    _orig_loop_init(self, *args, **kwargs)
    _adopt_loop(self)


def _adopt_loop(loop):
    global _loop_count
    if getattr(loop, "_loopscope_id", None) is not None:
        return
    _loop_count += 1
    loop._loopscope_id = _loop_count
    if _VIRTUAL and _loop_count == 1:
        _virtual_run(False)
        globals()["_vstate"] = (_real_ns() if _VIRTUAL_BASE is None else _VIRTUAL_BASE, None)
    _ev(("X", _now(), _loop_count))
    if isinstance(loop, _BaseEventLoop):
        loop._task_factory = _task_factory
    else:
        _adopt_foreign_loop(loop)


def _set_task_factory(self, factory):
    if factory is not None and not callable(factory):
        raise TypeError("task factory must be a callable or None")
    self._loopscope_user_factory = factory
    self._task_factory = _task_factory


def _get_task_factory(self):
    return getattr(self, "_loopscope_user_factory", None)


def _run_once(self):
    t = _now()
    ready = self._ready
    scheduled = self._scheduled
    due = None
    if scheduled:
        head = scheduled[0]
        if not head._cancelled:
            due = int(head._when * 1e9)
    if ready:
        u = _callback_unit(ready[0]._callback)
        if u is not None and u.ready and (due is None or u.ready < due):
            due = u.ready
    if due is not None and t - due > 5_000_000:
        _lag(self, due, t)
    if _VIRTUAL:
        # Loops running in other threads are work in flight too: no jumps while they run, nor
        # while another thread is alive that may yet start one (or work of its own).
        idle = len(_running) == 1 and _idle(self) and _alone()
        _virtual_run(not idle)
        if idle and not ready and not self._stopping:
            while scheduled and scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                handle = _heappop(scheduled)
                handle._scheduled = False
            if scheduled:
                # To the nearest nanosecond, so a 0.1 s sleep takes 100 000 000 ns whatever float
                # the loop's time is; up where that lands short of the timer: a clock short of it
                # leaves it not due, and the loop would turn forever on a zero jump.
                when = scheduled[0]._when
                jump = round(when * 1e9)
                if not when < jump / 1e9 + self._clock_resolution:
                    jump = -int(-when * 1e9 // 1)
                jump -= _virtual_ns()
                if jump > 0:
                    _virtual_advance(jump)
    return _orig_run_once(self)


def _lag(loop, due, t):
    """The loop runs at t what was due at due (more than 5 ms late): a G for the lag."""
    # Lags of consecutive turns overlap (the late timer's wake-ups run a turn later): each G
    # covers only time the previous one did not.
    start = max(due, getattr(loop, "_loopscope_lag_end", 0))
    if t - start > 5_000_000:
        loop_id = loop._loopscope_id
        _ev(("G", t, t - start) if loop_id == 1 else ("G", t, t - start, loop_id))
    loop._loopscope_lag_end = t


def _idle(loop):
    if _inflight or getattr(loop, "_loopscope_joining", False):
        return False
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return False
    try:
        fds = len(selector.get_map())
    except Exception:
        return False
    own = 1 if getattr(loop, "_ssock", None) is not None else 0
    return fds <= own


def _shutdown_default_executor(self, *args, **kwargs):
    # Virtual clock: 3.13 bounds the join of the executor's threads (in a thread of its own) by
    # a timeout, which must not be jumped to while they finish.
    if self._default_executor is not None and not self._executor_shutdown_called:
        self._loopscope_joining = True
    return _orig_shutdown_default_executor(self, *args, **kwargs)


def _do_shutdown(self, future):
    try:
        return _orig_do_shutdown(self, future)
    finally:
        self._loopscope_joining = False


_running = []       # the loops running now, in any thread (append and remove are atomic)
_POOL_THREADS = ("ThreadPoolExecutor-", "asyncio_")  # names of idle-able executor workers


def _alone():
    """Whether this is the program's only thread that could make time pass: idle executor
    workers aside (their jobs count in _inflight)."""
    me = _get_ident()
    for ident, thread in list(_threads.items()):
        if ident != me and not thread.name.startswith(_POOL_THREADS):
            return False
    return True


def _run_forever(self):
    _running.append(self)
    try:
        return _orig_run_forever(self)
    finally:
        _running.remove(self)


# --- loops of their own (uvloop) ---------------------------------------------------------------
# uvloop's Loop is a C class: none of the BaseEventLoop hooks above run (no turns, libuv's own
# clock and timer queue). Its tasks are still asyncio's Task, so the task factory names them and
# sys.setprofile sees their steps: a step starts when the task's root coroutine frame is entered
# and ends when that frame leaves at a yield. asyncio's Task and Future schedule every wake-up
# with loop.call_soon, looked up by name, and asyncio's timers and to_thread go through
# call_later / call_at / run_in_executor: those methods of the loop's Python class are wrapped,
# which gives ready (from the wake-up or the due time of a late timer), the lag (a timer or a
# step that starts more than 5 ms after it was due), executor jobs, wait_for deadlines and who
# cancelled. Not seen: the loop's turns (a blocked loop shows only through what was due while it
# was blocked, not through I/O that became ready), callbacks uvloop schedules inside its C code
# (its own I/O and server callbacks); the virtual clock cannot move libuv's time.

_foreign_types = set()      # loop classes whose run_forever installs _foreign_profile
_foreign_packages = set()   # their top-level packages ("uvloop")
_yield_offsets = {}         # code -> offsets of its YIELD_VALUEs (any code: a task root may be
                            # asyncio's own coroutine, as in create_task(asyncio.sleep(1)))


def _adopt_foreign_loop(loop):
    try:
        user = loop.get_task_factory()
        if user is not None:
            loop._loopscope_user_factory = user
        loop.set_task_factory(_task_factory)
    except Exception:
        return
    if _VIRTUAL:
        _virtual_clock_unavailable(type(loop).__module__.partition(".")[0])
    cls = type(loop)
    if cls in _foreign_types:
        return
    _foreign_types.add(cls)
    _foreign_packages.add(cls.__module__.partition(".")[0])
    run_forever, call_soon = cls.run_forever, cls.call_soon
    call_later, call_at, run_in_executor = cls.call_later, cls.call_at, cls.run_in_executor

    def run_forever_(self):
        previous = sys.getprofile()
        sys.setprofile(_foreign_profile)
        try:
            return run_forever(self)
        finally:
            sys.setprofile(previous)
            _foreign_link()

    def call_soon_(self, callback, *args, context=None):
        handle = call_soon(self, callback, *args, context=context)
        _scheduled(callback, args)
        return handle

    def call_later_(self, delay, callback, *args, context=None):
        due = _due(callback, delay)
        if due is None:
            return call_later(self, delay, callback, *args, context=context)
        _note_deadline(callback, due)
        return call_later(self, delay, _foreign_timer, due, callback, *args,
                          context=context)

    def call_at_(self, when, callback, *args, context=None):
        due = _due(callback, when - self.time() if isinstance(when, (int, float)) else None)
        if due is None:
            return call_at(self, when, callback, *args, context=context)
        _note_deadline(callback, due)
        return call_at(self, when, _foreign_timer, due, callback, *args, context=context)

    def run_in_executor_(self, executor, func, *args):
        return _executor_job(self, run_in_executor, executor, func, args)

    # uvloop.Loop is a Python subclass of the C loop: its methods can be replaced. A C class
    # cannot: its tasks are still created and finished, their steps go unseen.
    for name, method in (("run_forever", run_forever_), ("call_soon", call_soon_),
                         ("call_later", call_later_), ("call_at", call_at_),
                         ("run_in_executor", run_in_executor_)):
        original = getattr(cls, name)
        method.__name__, method.__qualname__ = original.__name__, original.__qualname__
        method.__doc__ = original.__doc__
        try:
            setattr(cls, name, method)
        except (AttributeError, TypeError):
            return


def _due(callback, delay):
    """When a timer of asyncio's own (sleep's, wait_for's, timeout's) is due, in our clock; None
    for the program's own timers, left as they are (an error in one names it in the loop's
    message, and asyncio's never raise), and for a delay that is not a finite number (the loop
    says what is wrong with it)."""
    module = getattr(callback, "__module__", None)
    if not (isinstance(module, str) and module.startswith("asyncio.")):
        return None
    try:
        return _now() + int(delay * 1e9)
    except (TypeError, ValueError, OverflowError):
        return None


def _foreign_timer(due, callback, *args):
    here = _here
    if here.unlinked is not None:
        _foreign_link()  # the callback may cancel what the last step awaits
    if _now() - due <= 5_000_000:
        return callback(*args)
    # A late timer (blocked loop): what it wakes was ready when it was due, and its step's
    # start tells the lag from then on.
    here.origin = due
    try:
        return callback(*args)
    finally:
        here.origin = None


def _foreign_link():
    """The link of the step that ended last on this thread, now that its Task holds the future
    it awaits."""
    here = _here
    pending = here.unlinked
    if pending is not None:
        here.unlinked = None
        u, t = pending
        if u.task._fut_waiter is not u.awaiting:
            _link(u, t)


def _foreign_own(coro):
    """Whether coro, one without Python code, is the loop's own machinery (uvloop's compiled
    shutdown_asyncgens and shutdown_default_executor): hidden like asyncio's."""
    module = getattr(coro, "__module__", None)
    return isinstance(module, str) and module.partition(".")[0] in _foreign_packages


def _track_foreign(u, task, coro):
    # Its C goes out at its first step, its name (create_task(name=)) or its end, as on
    # asyncio's loop.
    frame = getattr(coro, "cr_frame", None)
    if frame is not None:
        u.root = frame
        _frame_units[frame] = u
    task.add_done_callback(_foreign_done)


def _foreign_profile(frame, event, arg):
    if event == "call" or event == "return":
        u = _frame_units.get(frame)
        if u is not None and u.root is frame:
            if event == "call":
                _foreign_step_started(u)
            else:
                _foreign_step_ended(u, frame)
        elif _STEP_PROFILE:
            _profile(frame, event, arg)


def _foreign_step_started(u):
    here = _here
    if here.unlinked is not None:
        _foreign_link()
    here.cur = u
    if u.cev is not None:
        _emit_created(u)
    t = _now()
    leaf = _leaf(u).id
    r = u.ready
    u.ready = 0
    if r and t - r > 1_000_000:
        _ev(f"S\t{r}\t{leaf}\tready\t0\nS\t{t}\t{leaf}\trunning\t0\n")
        if t - r > 5_000_000:
            _lag(u.task.get_loop(), r, t)
    else:
        _ev(f"S\t{t}\t{leaf}\trunning\t0\n")


def _foreign_step_ended(u, frame):
    _here.cur = None
    code = frame.f_code
    yields = _yield_offsets.get(code)
    if yields is None:
        import dis
        yields = _yield_offsets[code] = frozenset(
            ins.offset for ins in dis.get_instructions(code) if ins.opname == "YIELD_VALUE")
    if frame.f_lasti not in yields:
        return  # the coroutine returned or raised: the done callback tells the outcome
    t = _now()
    if u.pending:
        _resolve_pending(u, t)
    leaf = _leaf(u)
    where = leaf.frame if u.stack else (_root_frame(u) or _awaiting_frame(u.coro))
    _ev(("S", t, leaf.id, "queued" if leaf.queued else "waiting", 0,
         _place(where) if where is not None else 0))
    _here.unlinked = (u, t)  # the Task sets its _fut_waiter after this frame returned


def _virtual_clock_unavailable(name):
    """From now on the run keeps real time: libuv's timers cannot be made to jump."""
    global _VIRTUAL
    _VIRTUAL = False
    _virtual_run(True)
    _restore_real_clock()
    stream = sys.__stderr__
    if stream is not None:
        try:
            stream.write("loopscope: the virtual clock is not available with %s: this run uses "
                         "the real clock\n" % name)
            stream.flush()
        except (OSError, ValueError):
            pass


# --- deadlines: wait_for and timeout -----------------------------------------------------------

def _call_later(self, delay, callback, *args, context=None):
    handle = _orig_call_later(self, delay, callback, *args, context=context)
    if delay is not None:
        _note_deadline(callback, int(handle._when * 1e9))
    return handle


def _note_deadline(callback, due):
    if callback is _release_waiter:
        # wait_for: the next ensure_future is the awaitable this deadline cuts.
        here = _here
        here.pending_deadline = (due, here.cur)


def _ensure_future(coro_or_future, *, loop=None):
    fut = _orig_ensure_future(coro_or_future, loop=loop)
    here = _here
    if here.pending_deadline is not None:
        deadline, awaiter = here.pending_deadline
        here.pending_deadline = None
        u = _tunits.get(fut)
        if u is not None:
            t = _now()
            u.deadline = deadline
            _emit_created(u)
            _ev(("D", t, u.id, deadline))
            if awaiter is not None:
                _ev(("L", t, _leaf(awaiter).id, u.id))
    return fut


def _timeout_reschedule(self, when):
    _orig_reschedule(self, when)
    u = _tunits.get(self._task)
    if u is not None and when is not None:
        _ev(("D", _now(), _leaf(u).id, int(when * 1e9)))


def _timeout_fired(self):
    u = _tunits.get(self._task)
    if u is not None:
        u.expired += 1
        self._loopscope_fired = True
        _mark_cut(u.task, 0)
    _orig_on_timeout(self)


def _mark_cut(task, depth):
    if depth > 50:
        return
    fw = getattr(task, "_fut_waiter", None)
    if fw is None:
        return
    futures = [fw] + list(getattr(fw, "_children", None) or ())
    for f in futures:
        u = _tunits.get(f)
        if u is not None:
            u.cut = True
            _mark_cut(f, depth + 1)


def _timeout_exit(self, exc_type, exc_val, exc_tb):
    if getattr(self, "_loopscope_fired", False):
        self._loopscope_fired = False
        u = _tunits.get(self._task)
        if u is not None and u.expired:
            u.expired -= 1
    return _orig_timeout_exit(self, exc_type, exc_val, exc_tb)


# --- cancel causes: TaskGroup, gather, asyncio.run's end --------------------------------------

_failed_units = None  # weakref.WeakKeyDictionary: a failed task -> its unit id


def _tg_on_task_done(self, task):
    here = _here
    previous = here.failed_child
    here.failed_child = task
    try:
        return _orig_tg_on_task_done(self, task)
    finally:
        here.failed_child = previous


def _tg_abort(self):
    failed = _here.failed_child
    if failed is not None and not failed.cancelled() and failed._exception is not None:
        cause = ("taskgroup", _failed_units.get(failed, 0))
    else:
        # The body raised, or the task around the group is being cancelled: its cause goes on.
        parent = _tunits.get(self._parent_task)
        cause = parent.cause if parent is not None and parent.cause is not None \
            else ("taskgroup", 0)
    for task in list(self._tasks):
        _note_cause(task, *cause)
    return _orig_tg_abort(self)


def _gather_cancel(self, msg=None):
    if not self.done():
        awaiter = getattr(self, "_loopscope_awaiter", None)
        by = _leaf(awaiter).id if awaiter is not None else 0
        if awaiter is not None and awaiter.cause is None and awaiter.task.cancelling():
            # The awaiter's cancel() reaches the gather first; its wake-up comes much later.
            cur = _here.cur
            awaiter.cause = ("cancel", _leaf(cur).id if cur is not None else 0)
        for child in self._children:
            _note_cause(child, "gather", by)
    return _orig_gather_cancel(self, msg)


def _cancel_all_tasks(loop):
    main = getattr(loop, "_loopscope_main", None)
    try:
        for task in _all_tasks(loop):
            _note_cause(task, "shutdown", main.id if main is not None else 0)
    except Exception:
        pass
    return _orig_cancel_all_tasks(loop)


# --- executor jobs -----------------------------------------------------------------------------

_lanes = {}


def _lane():
    ident = _get_ident()
    lane = _lanes.get(ident)
    if lane is None:
        lane = _lanes[ident] = len(_lanes) + 1
    return lane


def _run_in_executor(self, executor, func, *args):
    return _executor_job(self, _orig_run_in_executor, executor, func, args)


def _executor_job(self, run_in_executor, executor, func, args):
    """loop.run_in_executor through run_in_executor (the loop class's own), as a unit of kind
    executor: queued until a worker takes it, running on the worker's lane."""
    global _inflight
    uid = _new_id()
    parent = _parent_here(self)
    t = _now()
    _ev(("C", t, uid, "executor", parent, _func_label(func, args)))
    _ev(("S", t, uid, "queued", 0))
    state = [False]

    def job(*a):
        state[0] = True
        _ev(("S", _now(), uid, "running", _lane()))
        try:
            result = func(*a)
        except BaseException as e:
            _ev(("F", _now(), uid, "failed", _error_text(e)))
            raise
        _ev(("F", _now(), uid, "completed", ""))
        return result

    if _VIRTUAL:
        _virtual_run(True)  # from now on, not from the next turn: the job's time is real
    fut = run_in_executor(self, executor, job, *args)
    _inflight += 1

    def delivered(f):
        global _inflight
        _inflight -= 1
        if f.cancelled() and not state[0]:
            _ev(("F", _now(), uid, "cancelled", ""))

    fut.add_done_callback(delivered)
    return fut


# --- primitives: queued states and counters ----------------------------------------------------

_counter_names = set()


def _counter(obj, base, suffix):
    name = getattr(obj, "_loopscope_counter", None)
    if name is None:
        name = "%s %s" % (base, suffix)
        k = 1
        while name in _counter_names:
            k += 1
            name = "%s #%d %s" % (base, k, suffix)
        _counter_names.add(name)
        name = _esc(name)
        obj._loopscope_counter = name
    return name


def _sample_semaphore(sem):
    initial = getattr(sem, "_loopscope_initial", None)
    if initial is None:
        return
    name = getattr(sem, "_loopscope_counter", None) or _counter(
        sem, "%s(%d)" % (type(sem).__name__, initial), "in use")
    _ev(f"N\t{_now()}\t{name}\t{initial - sem._value}\n")


def _sample_lock(lock):
    t = _now()
    name = _counter(lock, "Lock", "held")
    _ev(f"N\t{t}\t{name}\t{1 if lock._locked else 0}\n")
    # Sampled in the acquiring task's step (after acquire) or at release: cur is the holder.
    cur = _here.cur
    _ev(("W", t, name[:-len(" held")], cur.id if lock._locked and cur is not None else 0))


def _sample_queue(queue):
    _ev(f"N\t{_now()}\t{_counter(queue, type(queue).__name__, 'items')}\t{queue.qsize()}\n")


async def _queued(leaf, awaitable):
    previous = leaf.queued
    leaf.queued = True
    try:
        return await awaitable
    finally:
        leaf.queued = previous


def _parent_here(loop):
    """The unit a thing made now by this thread's code belongs to: the innermost unit of the
    step running here, else the main task of the loop (if it is running here), else main's."""
    cur = _here.cur
    if cur is not None:
        return _leaf(cur).id
    main = getattr(loop, "_loopscope_main", None) or _main_unit
    return main.id if main is not None else 0


def _current_leaf():
    cur = _here.cur
    return _leaf(cur) if cur is not None else None


def _sem_init(self, value=1):
    _orig_sem_init(self, value)
    self._loopscope_initial = value


async def _acquire(self, acquire, sample):
    cur = _here.cur
    if cur is not None and self.locked():
        leaf = _leaf(cur)
        previous = leaf.queued
        leaf.queued = True
        try:
            result = await acquire(self)
        finally:
            leaf.queued = previous
    else:
        result = await acquire(self)
    sample(self)
    return result


def _sem_acquire(self):
    return _acquire(self, _orig_sem_acquire, _sample_semaphore)


def _release(self, release, sample):
    if not (_STEP_PROFILE and _getprofile() is _profile):
        release(self)
        sample(self)
        return
    # Waking the next waiter scans the waiters already woken: nothing the profile hook needs.
    _setprofile(None)
    try:
        release(self)
        sample(self)
    finally:
        _setprofile(_profile)


def _sem_release(self):
    _release(self, _orig_sem_release, _sample_semaphore)


def _lock_acquire(self):
    return _acquire(self, _orig_lock_acquire, _sample_lock)


def _lock_release(self):
    _release(self, _orig_lock_release, _sample_lock)


async def _cond_wait(self):
    leaf = _current_leaf()
    if leaf is None:
        return await _orig_cond_wait(self)
    return await _queued(leaf, _orig_cond_wait(self))


def _for_asyncio():
    """Whether the code that called the Queue method calling this is asyncio's own: a wait on
    its private queue (as_completed's) is a wait for a future (waiting), not for a slot."""
    return sys._getframe(2).f_code.co_filename.startswith(_ASYNCIO_DIR)


async def _queue_get(self):
    leaf = _current_leaf()
    if leaf is not None and self.empty() and not _for_asyncio():
        return await _queued(leaf, _orig_queue_get(self))
    return await _orig_queue_get(self)


async def _queue_put(self, item):
    leaf = _current_leaf()
    if leaf is not None and self.full() and not _for_asyncio():
        return await _queued(leaf, _orig_queue_put(self, item))
    return await _orig_queue_put(self, item)


def _queue_get_nowait(self):
    item = _orig_queue_get_nowait(self)
    _sample_queue(self)
    return item


def _queue_put_nowait(self, item):
    _orig_queue_put_nowait(self, item)
    _sample_queue(self)


# --- inline coroutines (sys.setprofile) --------------------------------------------------------

_code_info = {}     # code -> (yield offsets, return offsets) for the program's coroutines, or False
# A frame suspended at a yield: its f_lasti is the YIELD_VALUE's offset (sys.monitoring says
# that one too), from 3.13 on the instruction's after it; the offset sets hold both.
_YIELD_LASTI = 2 if sys.version_info >= (3, 13) else 0


def _is_program_code(code):
    name = code.co_filename
    return (name.startswith(_PROGRAM_DIR) and not name.startswith(_STDLIB_DIRS)
            and "site-packages" not in name and "dist-packages" not in name
            and name != _OUR_FILE)


def _classify(code):
    info = False
    if _is_program_code(code):
        import dis
        yields, returns = set(), set()
        for ins in dis.get_instructions(code):
            if ins.opname == "YIELD_VALUE":
                yields.update((ins.offset, ins.offset + _YIELD_LASTI))
            elif ins.opname in ("RETURN_VALUE", "RETURN_CONST"):
                returns.add(ins.offset)
        info = (frozenset(yields), frozenset(returns))
        if _MON_TOOL is not None and code.co_flags & 0x80:
            _monitoring.set_local_events(_MON_TOOL, code, _MON_COROUTINE_EVENTS)
    _code_info[code] = info
    return info


def _profile(frame, event, arg):
    if event == "call":
        code = frame.f_code
        if not code.co_flags & 0x80 or frame in _frame_units:
            if code.co_flags & 0x200:
                cur = _here.cur
                if cur is not None:
                    _generator_resumed(frame, code, cur)
            return
        info = _code_info.get(code)
        if info is None:
            info = _classify(code)
        if info:
            cur = _here.cur
            if cur is not None:
                _inline_started(frame, code, cur)
    elif event == "return":
        code = frame.f_code
        if not code.co_flags & 0x80:
            if code.co_flags & 0x200:
                _generator_suspended(frame, code, arg)
            return
        u = _frame_units.get(frame)
        if u is None or u.task is not None:
            return
        lasti = frame.f_lasti
        yields, returns = _code_info[code]
        if lasti in yields:
            return
        _inline_ended(u, lasti in returns)


def _inline_started(frame, code, tu, kind="coroutine", label=None):
    t = _now()
    stack = tu.stack
    back = frame.f_back
    # An entry whose frame is no longer on the way to this one ended unseen.
    while stack and stack[-1].frame is not back and not _on_stack(stack[-1].frame, back):
        _inline_finish(tu, stack[-1], t, False)
    parent = stack[-1] if stack else tu
    u = _Inline(_new_id(), tu, frame)
    if tu.cev is not None:
        _emit_created(tu)
    # The parent waits where the program's own code awaits: its caller, or the nearest above a
    # library coroutine in between (3.12's wait_for awaits the program's coroutine itself).
    where = back
    if where is not None and not _code_info.get(where.f_code):
        where = _own_caller(where)
    _ev(f"I\t{t}\t{u.id}\t{kind}\t{parent.id}\t{label or _frame_label(code, frame)}\t"
        f"{_place(where) if where is not None else 0}\n")
    if type(stack) is tuple:
        stack = tu.stack = []
    stack.append(u)
    _frame_units[frame] = u


def _own_caller(frame):
    """frame, or the nearest of its callers (three at most) that is the program's code."""
    for _ in range(4):
        if frame is None:
            return None
        info = _code_info.get(frame.f_code)
        if info is None:
            info = _classify(frame.f_code)
        if info:
            return frame
        frame = frame.f_back
    return None


def _on_stack(target, frame):
    depth = 0
    while frame is not None and depth < 30:
        if frame is target:
            return True
        frame = frame.f_back
        depth += 1
    return False


def _inline_ended(u, completed, exc=None):
    tu = u.owner
    stack = tu.stack
    if completed and stack and stack[-1] is u:
        # The common end: the innermost unit returned.
        stack.pop()
        _frame_units.pop(u.frame, None)
        u.frame = None
        _ev(f"J\t{_now()}\t{u.id}\t{(stack[-1] if stack else tu).id}\n")
        return
    if u not in stack:
        return
    t = _now()
    while stack and stack[-1] is not u:
        _inline_finish(tu, stack[-1], t, False)
    if stack:
        _inline_finish(tu, u, t, completed, exc)
    parent = stack[-1] if stack else tu
    _ev(f"S\t{t}\t{parent.id}\trunning\t0\n")


def _inline_finish(tu, u, t, completed, exc=None):
    tu.stack.remove(u)
    _frame_units.pop(u.frame, None)
    u.frame = None
    if completed:
        _ev(f"F\t{t}\t{u.id}\tcompleted\t\n")
    elif tu.task.cancelling():
        outcome = "timed_out" if tu.expired or _is_cut(tu, t) else "cancelled"
        cause = _cause_of(tu, outcome)
        if cause is not None:
            _ev(f"K\t{t}\t{u.id}\t{cause[0]}\t{cause[1]}\n")
        _ev(f"F\t{t}\t{u.id}\t{outcome}\t\n")
    else:
        # The exception is not visible from the profiler: name it at the end of the step.
        if tu.pending is None:
            tu.pending = []
        tu.pending.append((t, u.id, exc if exc is not None else sys.exc_info()[1]))


def _resolve_pending(tu, t):
    pending = tu.pending
    if not pending:
        return
    tu.pending = None
    task = tu.task
    final = task._exception if task.done() and not task.cancelled() else None
    for when, uid, seen in pending:
        _ev(("F", when, uid, "failed", _error_text(final or seen)))


# --- async generator steps (sys.setprofile) ----------------------------------------------------
# Each resumption of one of the program's async generators by __anext__ (the consumer's
# `async for`) is a unit of kind `generator`, "fetch_pages(5) step 1", ..., from the frame's
# entry to its next `yield`; awaits inside a step leave it open. The step that finds the
# generator exhausted is renamed "fetch_pages(5) end" when it returns.

_gen_info = {}      # code -> (await, yield, return offsets) of the program's code, or False
# id of a generator's frame -> [its code, its label, steps so far], until it ends: the id, not
# the frame, so that an abandoned generator can still be collected (and closed by asyncio).
_gen_steps = {}


def _classify_generator(code):
    info = False
    if _is_program_code(code):
        import dis
        awaits, yields, returns = set(), set(), set()
        previous = None
        for ins in dis.get_instructions(code):
            if ins.opname == "YIELD_VALUE":
                # `yield x` wraps its value first (3.11: ASYNC_GEN_WRAP, 3.12: an intrinsic).
                wrapped = previous is not None and "ASYNC_GEN_WRAP" in (
                    previous.opname + previous.argrepr)
                (yields if wrapped else awaits).update((ins.offset, ins.offset + _YIELD_LASTI))
            elif ins.opname in ("RETURN_VALUE", "RETURN_CONST"):
                returns.add(ins.offset)
            previous = ins
        info = (frozenset(awaits), frozenset(yields), frozenset(returns))
        if _MON_TOOL is not None:
            _monitoring.set_local_events(_MON_TOOL, code, _MON_GENERATOR_EVENTS)
    _gen_info[code] = info
    return info


def _generator_resumed(frame, code, tu):
    if frame in _frame_units:
        return  # back from an await inside the current step
    info = _gen_info.get(code)
    if info is None:
        info = _classify_generator(code)
    if not info:
        return
    steps = _gen_steps.get(id(frame))
    if steps is None or steps[0] is not code:
        steps = _gen_steps[id(frame)] = [code, _frame_label(code, frame), 0]
    steps[2] += 1
    _inline_started(frame, code, tu, "generator", "%s step %d" % (steps[1], steps[2]))


def _generator_suspended(frame, code, value):
    info = _gen_info.get(code)
    if not info:
        return
    awaits, yields, returns = info
    lasti = frame.f_lasti
    if lasti in awaits:
        return
    # A yield hands out its wrapped value, never None: None at a yield is an exception thrown
    # in there (aclose(), athrow()) that ends the generator.
    yielded = lasti in yields and value is not None
    _generator_left(frame, yielded, lasti in returns or (lasti in yields and not yielded))


def _generator_left(frame, yielded, ended, exc=None):
    """The program's async generator frame left a step: at a yield, at its end (returned, or
    closed at a yield) or by an exception (neither)."""
    steps = None if yielded else _gen_steps.pop(id(frame), None)
    u = _frame_units.get(frame)
    if u is None or u.task is not None:
        return
    if steps is not None and ended:
        _ev(("R", _now(), u.id, "%s end" % steps[1]))
    _inline_ended(u, yielded or ended, exc)


# --- inline coroutines and generator steps (sys.monitoring, CPython 3.12+) ---------------------
# The same units as the profile hook, from events of the program's own code only: PY_START is
# global but answers DISABLE for every other code object (one call each, then nothing), and
# _classify / _classify_generator switch on the local events of the program's coroutines
# (PY_RETURN) and async generators (PY_RESUME, PY_YIELD, PY_RETURN) as they classify them.
# PY_UNWIND (an exception leaving a frame) and PY_THROW (one thrown in: aclose() resumes a
# generator so) cannot be local: their callbacks look at the code's flags and return. The
# events fire in every thread; the thread's _here.cur says whether a task step runs there.

_MON_TOOL = None        # our sys.monitoring tool id, None: the profile hook (3.11, or none free)
_STEP_PROFILE = False   # the profile hook is set while a task step runs (_INLINE without _MON)
_monitoring = None
_MON_DISABLE = None
_getframe = sys._getframe
_MON_COROUTINE_EVENTS = _MON_GENERATOR_EVENTS = 0
# Free ids in this order: PROFILER_ID is cProfile's on 3.12+, COVERAGE_ID coverage.py's and
# DEBUGGER_ID pdb's, so a program that uses one of those still can.
_MON_TOOL_IDS = (4, 3, 2, 0, 1)


def _install_monitoring():
    """Starts the sys.monitoring path if the interpreter has one and a tool id is free; returns
    whether it did (else the profile hook is used)."""
    global _MON_TOOL, _monitoring, _MON_DISABLE, _MON_COROUTINE_EVENTS, _MON_GENERATOR_EVENTS
    mon = getattr(sys, "monitoring", None)
    if mon is None:
        return False
    tool = next((i for i in _MON_TOOL_IDS if mon.get_tool(i) is None), None)
    if tool is None:
        sys.stderr.write("loopscope: no sys.monitoring tool id is free: inline coroutines are "
                         "traced with sys.setprofile (slower)\n")
        return False
    mon.use_tool_id(tool, "loopscope")
    ev = mon.events
    _monitoring = mon
    _MON_DISABLE = mon.DISABLE
    _MON_COROUTINE_EVENTS = ev.PY_RETURN
    _MON_GENERATOR_EVENTS = ev.PY_RESUME | ev.PY_YIELD | ev.PY_RETURN
    for event, callback in ((ev.PY_START, _mon_start), (ev.PY_RESUME, _mon_resume),
                            (ev.PY_YIELD, _mon_yield), (ev.PY_RETURN, _mon_return),
                            (ev.PY_UNWIND, _mon_unwind), (ev.PY_THROW, _mon_throw)):
        mon.register_callback(tool, event, callback)
    _MON_TOOL = tool
    mon.set_events(tool, ev.PY_START | ev.PY_UNWIND | ev.PY_THROW)
    return True


def _stop_monitoring():
    if _MON_TOOL is not None:
        _monitoring.set_events(_MON_TOOL, 0)
        for event in (_monitoring.events.PY_START, _monitoring.events.PY_RESUME,
                      _monitoring.events.PY_YIELD, _monitoring.events.PY_RETURN,
                      _monitoring.events.PY_UNWIND, _monitoring.events.PY_THROW):
            _monitoring.register_callback(_MON_TOOL, event, None)


def _mon_start(code, offset):
    flags = code.co_flags
    if flags & 0x80:
        info = _code_info.get(code)
        if not (info or info is None and _classify(code)):
            return _MON_DISABLE  # not the program's coroutine: never again
        cur = _here.cur
        if cur is not None:
            frame = _getframe(1)
            if frame not in _frame_units:  # not a task's root coroutine
                _inline_started(frame, code, cur)
    elif flags & 0x200:
        return _mon_step(code, _getframe(1))
    else:
        return _MON_DISABLE


def _mon_resume(code, offset):
    # Local to the program's async generators.
    return _mon_step(code, _getframe(1))


def _mon_throw(code, offset, exc):
    if code.co_flags & 0x200:
        _mon_step(code, _getframe(1))


def _mon_step(code, frame):
    info = _gen_info.get(code)
    if info is None:
        info = _classify_generator(code)
    if not info:
        return _MON_DISABLE
    cur = _here.cur
    if cur is not None:
        _generator_resumed(frame, code, cur)


def _mon_yield(code, offset, value):
    # Local to the program's async generators: an await inside a step leaves it open.
    if offset not in _gen_info[code][0]:
        _generator_left(_getframe(1), True, False)


def _mon_return(code, offset, value):
    frame = _getframe(1)
    u = _frame_units.get(frame)
    if u is None or u.task is not None:
        return
    if code.co_flags & 0x200:
        _generator_left(frame, False, True)
    else:
        _inline_ended(u, True)


def _mon_unwind(code, offset, exc):
    if not code.co_flags & 0x280:
        return
    frame = _getframe(1)
    u = _frame_units.get(frame)
    if u is None or u.task is not None:
        return
    if code.co_flags & 0x200:
        # Closed at a yield (aclose(): GeneratorExit) is its end, as the profile hook sees it.
        _generator_left(frame, False, type(exc) is GeneratorExit, exc)
    else:
        _inline_ended(u, False, exc)


# --- never-awaited coroutines ------------------------------------------------------------------

def _unawaited(coro):
    """warnings._warn_unawaited_coroutine, recording the unit first. Its body is repeated here,
    not called, so that the warning's stacklevel=2 still names the program's frame."""
    try:
        code = coro.cr_code
        info = _code_info.get(code)
        if info is None:
            info = _classify(code)
        if info:
            t = _now()
            uid = _new_id()
            parent = _parent_here(_get_running_loop())
            _ev(("C", t, uid, "coroutine", parent, _frame_label(code, coro.cr_frame)))
            _ev(("F", t, uid, "never_awaited",
                 _esc("RuntimeWarning: coroutine '%s' was never awaited" % coro.__qualname__)))
    except Exception:
        pass
    import warnings
    msg_lines = [f"coroutine '{coro.__qualname__}' was never awaited\n"]
    if coro.cr_origin is not None:
        import linecache
        import traceback

        def extract():
            for filename, lineno, funcname in reversed(coro.cr_origin):
                line = linecache.getline(filename, lineno)
                yield (filename, lineno, funcname, line)
        msg_lines.append("Coroutine created at (most recent call last)\n")
        msg_lines += traceback.format_list(list(extract()))
    msg = "".join(msg_lines).rstrip("\n")
    warnings.warn(msg, category=RuntimeWarning, stacklevel=2, source=coro)


# --- parameters --------------------------------------------------------------------------------

def _parameters(source_text):
    import re
    marker = re.compile(r"^([A-Za-z_]\w*)\s*=\s*([-+]?[\d_]*\.?[\d_]+(?:[eE][-+]?\d+)?)\s*"
                        r"#\s*loopscope:\s*([-+]?[\d.]+)\s*\.\.\s*([-+]?[\d.]+)\s*(\S*)")
    found = []
    for lineno, line in enumerate(source_text.splitlines(), 1):
        m = marker.match(line)
        if m:
            found.append((lineno,) + m.groups())
    return found


def _apply_parameters(source, path, params, settings):
    """The code to run: the source with the values of `settings` replaced in memory."""
    if not settings:
        return compile(source, path, "exec", dont_inherit=True)
    import ast
    tree = ast.parse(source, path)
    lines = {p[0]: p[1] for p in params}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.lineno in lines
                and node.targets[0].id in settings):
            old = node.value
            text = settings[node.targets[0].id]
            try:
                value = int(text) if isinstance(getattr(old, "value", None), int) else float(text)
            except ValueError:
                value = float(text)
            node.value = ast.copy_location(ast.Constant(value), old)
    return compile(tree, path, "exec", dont_inherit=True)


def _number_text(value):
    return repr(value)


# --- running the program -----------------------------------------------------------------------

_exit_status = 0


def _status_of(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    return 1


def _strip(exc, seen=None):
    """Removes the tracer's frames from the tracebacks of `exc` and what it chains."""
    if seen is None:
        seen = set()
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == _OUR_FILE:
        tb = tb.tb_next
    head = tb
    while tb is not None:
        nxt = tb.tb_next
        while nxt is not None and nxt.tb_frame.f_code.co_filename == _OUR_FILE:
            nxt = nxt.tb_next
        tb.tb_next = nxt
        tb = nxt
    exc.__traceback__ = head
    _strip(exc.__cause__, seen)
    _strip(exc.__context__, seen)
    for inner in getattr(exc, "exceptions", None) or ():
        _strip(inner, seen)


class _Watched:
    """sys.stdout or sys.stderr as the program knows it: every write goes to the real stream
    first, and each complete line is also recorded with its time (an O event)."""

    def __init__(self, stream, number):
        object.__setattr__(self, "_stream", stream)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_partial", "")

    def write(self, text):
        n = self._stream.write(text)
        if isinstance(text, str) and text:
            pending = self._partial + text
            if "\n" in pending:
                lines = pending.split("\n")
                object.__setattr__(self, "_partial", lines.pop())
                t = _now()
                for line in lines:
                    _ev(("O", t, self._number, _esc(line)))
            else:
                object.__setattr__(self, "_partial", pending)
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def _end(self):
        if self._partial:
            _ev(("O", _now(), self._number, _esc(self._partial)))
            object.__setattr__(self, "_partial", "")

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __setattr__(self, name, value):
        setattr(self._stream, name, value)


def _at_exit():
    global _stopped
    _stopped = True
    if _fd >= 0:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, _Watched):
                stream._end()
        _ev(("E", _now(), _exit_status))
        _flush()
        _disable()
    # The flusher leaves before the interpreter is torn down (a thread waking in the middle of
    # finalization can crash it): a traced program must exit as it would untraced.
    if _flusher_gone is not None:
        _flusher_gone.acquire(timeout=1)


def _install(loop_hooks):
    """Patches asyncio; every original is kept under a module global of the same role."""
    import asyncio
    import asyncio.base_events as base_events
    import asyncio.events as events
    import asyncio.locks as locks
    import asyncio.queues as queues
    import asyncio.runners as runners
    import asyncio.taskgroups as taskgroups
    import asyncio.tasks as tasks
    import asyncio.timeouts as timeouts
    import itertools
    import types
    import weakref
    import heapq
    import threading
    import warnings
    g = globals()
    g.update(_Task=tasks.Task, _TimerHandle=events.TimerHandle, _all_tasks=tasks.all_tasks,
             _getprofile=sys.getprofile, _setprofile=sys.setprofile,
             _get_running_loop=events._get_running_loop, _Coroutine=types.CoroutineType,
             _place_ids=itertools.count(1), _failed_units=weakref.WeakKeyDictionary(),
             _BaseEventLoop=base_events.BaseEventLoop, _heappop=heapq.heappop,
             _threads=threading._active,
             _release_waiter=tasks._release_waiter,
             _ASYNCIO_DIR=os.path.dirname(asyncio.__file__) + os.sep,
             # The loop's own machinery (shutdown_asyncgens, a server accepting a connection);
             # tasks of asyncio's API (gather(asyncio.sleep(1))) are the program's.
             _INTERNAL_FILES=frozenset(
                 os.path.join(os.path.dirname(asyncio.__file__), name)
                 for name in ("base_events.py", "selector_events.py", "proactor_events.py",
                              "unix_events.py", "windows_events.py", "base_subprocess.py",
                              "sslproto.py", "staggered.py")),
             _MAIN_CODES=frozenset((runners.Runner.run.__code__,
                                    base_events.BaseEventLoop.run_until_complete.__code__)))
    B = base_events.BaseEventLoop
    patches = [
        (B, "__init__", "_orig_loop_init", _loop_init),
        (B, "set_task_factory", None, _set_task_factory),
        (B, "get_task_factory", None, _get_task_factory),
        (B, "_run_once", "_orig_run_once", _run_once),
        (B, "_call_soon", "_orig_call_soon", _call_soon),
        (B, "call_later", "_orig_call_later", _call_later),
        (B, "run_forever", "_orig_run_forever", _run_forever),
        (B, "run_in_executor", "_orig_run_in_executor", _run_in_executor),
        (events.Handle, "_run", "_orig_handle_run", _handle_run),
        (tasks, "ensure_future", "_orig_ensure_future", _ensure_future),
        (timeouts.Timeout, "reschedule", "_orig_reschedule", _timeout_reschedule),
        (timeouts.Timeout, "_on_timeout", "_orig_on_timeout", _timeout_fired),
        (timeouts.Timeout, "__aexit__", "_orig_timeout_exit", _timeout_exit),
        (locks.Semaphore, "__init__", "_orig_sem_init", _sem_init),
        (locks.Semaphore, "acquire", "_orig_sem_acquire", _sem_acquire),
        (locks.Semaphore, "release", "_orig_sem_release", _sem_release),
        (locks.Lock, "acquire", "_orig_lock_acquire", _lock_acquire),
        (locks.Lock, "release", "_orig_lock_release", _lock_release),
        (locks.Condition, "wait", "_orig_cond_wait", _cond_wait),
        (queues.Queue, "get", "_orig_queue_get", _queue_get),
        (queues.Queue, "put", "_orig_queue_put", _queue_put),
        (queues.Queue, "get_nowait", "_orig_queue_get_nowait", _queue_get_nowait),
        (queues.Queue, "put_nowait", "_orig_queue_put_nowait", _queue_put_nowait),
        (warnings, "_warn_unawaited_coroutine", None, _unawaited),
        (taskgroups.TaskGroup, "_on_task_done", "_orig_tg_on_task_done", _tg_on_task_done),
        (taskgroups.TaskGroup, "_abort", "_orig_tg_abort", _tg_abort),
        (tasks._GatheringFuture, "cancel", "_orig_gather_cancel", _gather_cancel),
        (runners, "_cancel_all_tasks", "_orig_cancel_all_tasks", _cancel_all_tasks),
    ]
    if _VIRTUAL:
        patches += [
            (B, "shutdown_default_executor", "_orig_shutdown_default_executor",
             _shutdown_default_executor),
            (B, "_do_shutdown", "_orig_do_shutdown", _do_shutdown),
        ]
    if hasattr(tasks, "_set_task_name"):
        patches.append((tasks, "_set_task_name", "_orig_set_task_name", _set_task_name))
    else:
        patches.append((B, "create_task", "_orig_create_task", _create_task))
    for owner, attr, keep, replacement in patches:
        original = getattr(owner, attr)
        if keep:
            g[keep] = original
        if hasattr(original, "__name__"):
            try:
                replacement.__name__ = original.__name__
                replacement.__qualname__ = original.__qualname__
                replacement.__doc__ = original.__doc__
            except (AttributeError, TypeError):
                pass
        setattr(owner, attr, replacement)
    asyncio.ensure_future = _ensure_future
    # Loops that are not BaseEventLoops (uvloop) get the task factory where they are made.
    policy_new = events.BaseDefaultEventLoopPolicy.new_event_loop

    def new_event_loop(self):
        loop = policy_new(self)
        _adopt_loop(loop)
        return loop
    events.BaseDefaultEventLoopPolicy.new_event_loop = new_event_loop
    lazy_init = runners.Runner._lazy_init

    def _lazy_init(self):
        lazy_init(self)
        _adopt_loop(self._loop)
    runners.Runner._lazy_init = _lazy_init


# Virtual clock: like the runtime's, time stands still while only the loop computes, runs with
# real time while executor jobs or I/O are pending, and jumps to the next timer when the loop
# would otherwise wait; time.sleep on a loop thread moves it on without sleeping (the blocked
# loop still shows). One tuple, so other threads read base and anchor together.
_vstate = (0, None)     # (virtual ns at the anchor, real ns of the anchor or None: stopped)
_VIRTUAL_BASE = None    # where the first loop's virtual clock starts (None: the real clock's now)


def _virtual_ns():
    base, anchor = _vstate
    return base if anchor is None else base + _real_ns() - anchor


def _virtual_run(flowing):
    global _vstate
    if flowing != (_vstate[1] is not None):
        _vstate = (_virtual_ns(), _real_ns() if flowing else None)


def _virtual_advance(delta):
    global _vstate
    base, anchor = _vstate
    _vstate = (base + delta, anchor)


def _install_virtual_clock():
    global _vstate
    import time
    from asyncio.events import _get_running_loop
    real_perf, real_time = time.perf_counter_ns, time.time_ns
    skew_perf, skew_time = real_perf() - _real_ns(), real_time() - _real_ns()
    _vstate = (_real_ns(), None)
    real_sleep = time.sleep
    real = (time.monotonic, time.monotonic_ns, time.perf_counter, real_perf, time.time,
            real_time, real_sleep)

    def restore():
        (time.monotonic, time.monotonic_ns, time.perf_counter, time.perf_counter_ns, time.time,
         time.time_ns, time.sleep) = real
    globals()["_restore_real_clock"] = restore

    def monotonic():
        return _virtual_ns() / 1e9

    def perf_counter():
        return (_virtual_ns() + skew_perf) / 1e9

    def perf_counter_ns():
        return _virtual_ns() + skew_perf

    def time_():
        return (_virtual_ns() + skew_time) / 1e9

    def time_ns():
        return _virtual_ns() + skew_time

    def sleep(secs):
        if _get_running_loop() is None:
            return real_sleep(secs)
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        _virtual_advance(int(secs * 1e9))

    time.monotonic, time.monotonic_ns = monotonic, _virtual_ns
    time.perf_counter, time.perf_counter_ns = perf_counter, perf_counter_ns
    time.time, time.time_ns = time_, time_ns
    time.sleep = sleep
    globals()["_now"] = _virtual_ns


def _load_ctracer(setting):
    """The C hot paths (resources/python/ctracer) when built for this interpreter: beside this
    file (installed), else at the path `setting` names; None: pure Python. Loaded by path under a
    private name: the program's sys.path and sys.modules never show it."""
    if setting == "0" or sys.version_info[:2] != (3, 11) or sys.implementation.name != "cpython":
        return None, "pure Python (%s)" % ("forced" if setting == "0" else "not CPython 3.11")
    # Not importlib.util: the program would find it imported (machinery is, for its __main__).
    from importlib._bootstrap import module_from_spec
    from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
    here = os.path.dirname(os.path.abspath(__file__))
    # The ABI tag is in the file's name: only an interpreter that can load it looks for it.
    candidates = [os.path.join(here, "_loopscope_ctracer" + EXTENSION_SUFFIXES[0])]
    if setting and os.path.basename(setting).endswith(EXTENSION_SUFFIXES[0]):
        candidates.append(setting)
    for path in candidates:
        if not os.path.isfile(path):
            continue
        name = "_loopscope_ctracer"
        try:
            loader = ExtensionFileLoader(name, path)
            module = module_from_spec(ModuleSpec(name, loader, origin=path))
            loader.exec_module(module)
        except Exception as e:
            return None, "pure Python (%s: %s)" % (path, e)
        finally:
            sys.modules.pop(name, None)
        if module.PY_VERSION_HEX >> 16 != sys.hexversion >> 16:
            return None, "pure Python (%s is for another Python)" % path
        return module, "C hot paths from " + path
    return None, "pure Python (no C module for this Python)"


def _use_ctracer(module):
    """The C hot paths: a task's creation (the task factory and _track_task), steps (Handle._run),
    scheduling (BaseEventLoop._call_soon) and common end, units the garbage collector leaves alone
    while they are in _tunits, and, with inline units, their hook: a PEP 523 frame evaluation
    hook unless the interpreter evaluates frames with someone else's (a debugger's), else a
    profile function. _setprofile(_profile) turns it on for the thread, _getprofile() returns
    _profile while it is on; inline units are its type. Each C path hands what it does not
    expect to the Python one it replaces. Returns how steps are hooked."""
    global _setprofile, _getprofile, _Inline, _gc_untrack, _gc_track
    global _task_factory, _py_task_factory, _track_task, _py_track_task
    global _sample_semaphore, _py_sample_semaphore, _recycle
    import asyncio.base_events as base_events
    import asyncio.events as events
    # Everything looked up before anything changes: a module without one stays unused.
    B = base_events.BaseEventLoop
    run, call_soon = module.handle_run(events.Handle), module.call_soon(B)
    untrack, track, recycle = module.untrack, module.track, module.recycle
    factory, track_task, sample = module.task_factory, module.track_task, module.sample_semaphore
    module.install(globals())
    events.Handle._run, B._call_soon = run, call_soon
    _gc_untrack, _gc_track, _recycle = untrack, track, recycle
    _py_task_factory, _task_factory = _task_factory, factory
    _py_track_task, _track_task = _track_task, track_task
    _py_sample_semaphore, _sample_semaphore = _sample_semaphore, sample
    how = ""
    if _STEP_PROFILE:
        _setprofile = module.setprofile
        _getprofile = module.getprofile
        _Inline = module.Inline
        how = " (eval hook)" if module.use_eval_hook() else (
            " (profile hook: the interpreter's frame evaluation is another's)")
    return how


def _main():
    global _fd, _exit_status, _INLINE, _INTERNALS, _VIRTUAL, _VIRTUAL_BASE, _PROGRAM_DIR
    global _STDLIB_DIRS, _flusher_gone
    global _wlock, _real_sleep, _real_ns, _now, _get_ident
    import _thread
    import atexit
    import builtins
    import sysconfig
    import time
    import types
    from importlib.machinery import SourceFileLoader

    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s loopscope_tracer.py PROGRAM.py [ARGS...]\n" % sys.executable)
        sys.exit(2)
    env = os.environ
    fd_text = env.pop("LOOPSCOPE_TRACE_FD", "")
    _VIRTUAL = env.pop("LOOPSCOPE_CLOCK", "real") == "virtual"
    _INLINE = env.pop("LOOPSCOPE_TASKS_ONLY", "") != "1"
    _INTERNALS = env.pop("LOOPSCOPE_INTERNALS", "") == "1"
    try:
        _VIRTUAL_BASE = int(env.pop("LOOPSCOPE_VIRTUAL_BASE_NS"))
    except (KeyError, ValueError):
        pass
    ctracer_setting = env.pop("LOOPSCOPE_CTRACER", "")
    settings = {}
    for item in env.pop("LOOPSCOPE_SET", "").split(";"):
        name, sep, value = item.partition("=")
        if sep and name.strip():
            settings[name.strip()] = value.strip()

    global _OBJECT_REPR
    import re
    _OBJECT_REPR = re.compile(r"<([\w.]+) object at 0x[0-9a-fA-F]+(.*)>$", re.S)
    _wlock = _thread.allocate_lock()
    _real_sleep = time.sleep
    _real_ns = time.monotonic_ns
    _now = time.monotonic_ns
    _get_ident = _thread.get_ident
    try:
        fd = int(fd_text)
        os.fstat(fd)
        os.set_inheritable(fd, False)
        _fd = fd
    except (ValueError, OSError):
        _fd = -1

    program = sys.argv[1]
    path = program if os.path.isabs(program) else os.getcwd() + os.sep + program
    try:
        with open(program, "rb") as f:
            source = f.read()
    except OSError as e:
        sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n"
                         % (sys.orig_argv[0], path, e.errno, e.strerror))
        sys.stderr.flush()
        os._exit(2)

    _PROGRAM_DIR = os.path.dirname(path) + os.sep
    _STDLIB_DIRS = tuple({sysconfig.get_paths()[k] + os.sep for k in ("stdlib", "platstdlib")})

    if _fd >= 0:
        try:
            _write(("H\t%d\t%d.%d.%d\t%d\n" % ((TRACER_VERSION,) + tuple(sys.version_info[:3])
                                               + (os.getpid(),))).encode())
        except OSError:
            _disable()
    params = _parameters(source.decode("utf-8", "replace"))
    for lineno, name, value, low, high, unit in params:
        if name in settings:
            value = settings[name]
        _ev(("P", _esc(name), _esc(value), _esc(low), _esc(high), _esc(unit)))

    if _fd >= 0:
        if _VIRTUAL:
            _install_virtual_clock()
        _install(True)
        if _INLINE and not _install_monitoring():
            global _STEP_PROFILE
            _STEP_PROFILE = True
        ctracer, how = _load_ctracer(ctracer_setting)
        if ctracer is not None:
            try:
                how += _use_ctracer(ctracer)
            except Exception as e:  # our state is not what the module expects: stay in Python
                how = "pure Python (%s: %s)" % (type(e).__name__, e)
        if env.get("LOOPSCOPE_DEBUG") == "1":
            sys.stderr.write("loopscope: tracer: %s\n" % how)
        sys.stdout = _Watched(sys.stdout, 1)
        sys.stderr = _Watched(sys.stderr, 2)
        atexit.register(_at_exit)
        os.register_at_fork(after_in_child=_forked_child)
        _flusher_gone = _thread.allocate_lock()
        _flusher_gone.acquire()
        _thread.start_new_thread(_flusher, ())

    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__loader__ = SourceFileLoader("__main__", path)
    main.__spec__ = None
    main.__package__ = None
    main.__builtins__ = builtins
    sys.modules["_loopscope_tracer"] = sys.modules["__main__"]
    sys.modules["__main__"] = main
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.realpath(path))

    try:
        code = _apply_parameters(source, path, params, settings)
        exec(code, main.__dict__)
    except SystemExit as e:
        _exit_status = _status_of(e.code)
        raise
    except BaseException as e:
        _exit_status = 130 if isinstance(e, KeyboardInterrupt) else 1
        hook = sys.excepthook

        def excepthook(exc_type, exc, tb):
            sys.excepthook = hook
            _strip(exc)
            hook(exc_type, exc, exc.__traceback__)
        sys.excepthook = excepthook
        raise


if __name__ == "__main__":
    _main()
