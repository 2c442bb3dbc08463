/* The hot paths of Loopscope's tracer (resources/python/tracer/loopscope_tracer.py) in C, for
 * CPython 3.11, where inline coroutine units come from a hook that sees the program's coroutine
 * frames start, suspend and end inside a task step: a PEP 523 frame-evaluation function while a
 * traced step runs (use_eval_hook(): when the interpreter evaluates frames its default way),
 * else a profile function.
 *
 * Contract: setprofile(_profile) turns the hook on for this thread, setprofile(None) off, and
 * getprofile() returns _profile while it is on (else sys.getprofile()), so the tracer's
 * `_getprofile() is _profile` checks hold with either hook. The profile function's profile
 * object is the tracer's Python _profile. The hook ignores C calls, drops calls that are not the
 * program's coroutines, and does the common inline-unit start (an I line) and end (a J line)
 * itself, with the same objects the Python side uses (its globals: _frame_units, _code_info,
 * _layouts, _places, _here, _ev, _now, _new_id). Everything else, and every state it does not
 * expect, is handed to the Python _profile with the same event, so the lines are the ones the
 * Python hook would write, byte for byte (the ASCII ones copied into a bytearray at the end of
 * _buf, which _flush decodes as one item). Inline is the tracer's _Inline as a C type.
 * Also in C, each with the Python function it replaces kept for what it does not expect: a
 * task's step (handle_run), its scheduling (call_soon), creation (task_factory, track_task, a
 * unit made from a template without __init__), plain completion (in handle_run), a unit's C
 * line, and a semaphore's samples; task units are left alone by the garbage collector while
 * _tunits holds them (untrack, track).
 * Thread: the profile function runs per thread, under the GIL, like the Python hook.
 * Loaded only under a private name by the tracer (never in sys.modules), by path. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "loopscope_ctracer is for CPython 3.11 (its profile hook and frame layout)"
#endif
#include <frameobject.h>
#include <structmember.h>
/* The frame's fast locals (a label's arguments, read without building f_locals): 3.11's frame
 * layout, the interpreter this module is built for and used with only. */
#define Py_BUILD_CORE 1
#include <internal/pycore_code.h>
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- Inline: the tracer's _Inline (a coroutine awaited inline, or a generator step) -------- */

/* clang-format off: PyObject_HEAD and PyVarObject_HEAD_INIT are not statements */
typedef struct
{
    PyObject_HEAD PyObject *id;
    PyObject *owner; /* the task unit it runs in */
    PyObject *frame; /* NULL: none made yet, iframe is its frame (then in its evaluation) */
    PyObject *queued;
    struct _PyInterpreterFrame *iframe;
} Inline;
/* clang-format on */

/* Every object field of Inline, for the garbage collector's two passes. */
#define INLINE_FIELDS(apply) apply(id) apply(owner) apply(frame) apply(queued)
#define INLINE_VISIT(field) Py_VISIT(self->field);
#define INLINE_CLEAR(field) Py_CLEAR(self->field);

static int inline_traverse(Inline *self, visitproc visit, void *arg)
{
    INLINE_FIELDS(INLINE_VISIT)
    return 0;
}

static int inline_clear(Inline *self)
{
    INLINE_FIELDS(INLINE_CLEAR)
    return 0;
}

/* Units made and gone per await: a few kept for the next ones (under the GIL). */
#define INLINE_FREE_MAX 64
static Inline *g_inline_free[INLINE_FREE_MAX];
static int g_inline_nfree;

static void inline_dealloc(Inline *self)
{
    PyObject_GC_UnTrack(self);
    inline_clear(self);
    if (g_inline_nfree < INLINE_FREE_MAX)
        g_inline_free[g_inline_nfree++] = self;
    else
        Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject InlineType;

static Inline *inline_make(PyObject *uid, PyObject *owner, PyObject *frame)
{
    Inline *self;
    if (g_inline_nfree > 0) {
        self = g_inline_free[--g_inline_nfree];
        _Py_NewReference((PyObject *)self);
    } else if ((self = PyObject_GC_New(Inline, &InlineType)) == NULL) {
        return NULL;
    }
    self->id = Py_NewRef(uid);
    self->owner = Py_NewRef(owner);
    self->frame = Py_XNewRef(frame);
    self->iframe = NULL;
    self->queued = Py_NewRef(Py_False);
    PyObject_GC_Track(self);
    return self;
}

static PyObject *inline_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *uid, *owner, *frame;
    static char *names[] = { "uid", "owner", "frame", NULL };
    if (type != &InlineType) {
        PyErr_SetString(PyExc_TypeError, "Inline cannot be subclassed");
        return NULL;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO:Inline", names, &uid, &owner, &frame))
        return NULL;
    return (PyObject *)inline_make(uid, owner, frame);
}

static PyObject *inline_none(PyObject *self, void *closure)
{
    (void)self;
    (void)closure;
    Py_RETURN_NONE;
}

static PyObject *inline_false(PyObject *self, void *closure)
{
    (void)self;
    (void)closure;
    Py_RETURN_FALSE;
}

static PyFrameObject *gen_frame(struct _PyInterpreterFrame *f);

/* u.frame: its frame object, made now if it has none yet; new reference. */
static PyObject *inline_frame(Inline *u)
{
    if (u->frame == NULL) {
        PyFrameObject *frame = u->iframe == NULL ? NULL : gen_frame(u->iframe);
        if (frame == NULL)
            return u->iframe == NULL ? Py_NewRef(Py_None) : NULL;
        u->frame = Py_NewRef(frame);
        u->iframe = NULL;
    }
    return Py_NewRef(u->frame);
}

static PyObject *inline_get_frame(PyObject *self, void *closure)
{
    (void)closure;
    return inline_frame((Inline *)self);
}

static int inline_set_frame(PyObject *self, PyObject *value, void *closure)
{
    (void)closure;
    Inline *u = (Inline *)self;
    Py_XSETREF(u->frame, Py_XNewRef(value));
    u->iframe = NULL;
    return 0;
}

static PyMemberDef inline_members[] = {
    { "id", T_OBJECT, offsetof(Inline, id), 0, NULL },
    { "owner", T_OBJECT, offsetof(Inline, owner), 0, NULL },
    { "queued", T_OBJECT, offsetof(Inline, queued), 0, NULL },
    { NULL, 0, 0, 0, NULL },
};

/* The class attributes of _Inline: what a task unit has and an inline unit never has. */
static PyGetSetDef inline_getset[] = {
    { "frame", inline_get_frame, inline_set_frame, NULL, NULL },
    { "task", inline_none, NULL, NULL, NULL },
    { "root", inline_none, NULL, NULL, NULL },
    { "deadline", inline_none, NULL, NULL, NULL },
    { "cut", inline_false, NULL, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

/* clang-format off */
static PyTypeObject InlineType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_loopscope_ctracer.Inline",
    .tp_basicsize = sizeof(Inline),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = inline_new,
    .tp_dealloc = (destructor)inline_dealloc,
    .tp_traverse = (traverseproc)inline_traverse,
    .tp_clear = (inquiry)inline_clear,
    .tp_members = inline_members,
    .tp_getset = inline_getset,
};
/* clang-format on */

/* --- the tracer's state -------------------------------------------------------------------- */

/* The task unit whose step handle_run runs on this thread now (borrowed; NULL: none, or a step
 * the Python side runs): _here.cur without the thread-local lookup. */
static _Thread_local PyObject *t_step_unit __attribute__((tls_model("initial-exec")));

/* The tracer's module globals and the containers that are never rebound (set by install()). */
static PyObject *g_globals;
static PyObject *g_frame_units;
static PyObject *g_code_info;
static PyObject *g_gen_info;
static PyObject *g_layouts;
static PyObject *g_places;
static PyObject *g_here;
static PyObject *g_buf; /* the write buffer (a list) */
static PyObject *g_profile; /* the Python _profile: the profile object, and the fallback */
static PyObject *g_sys_setprofile;
static PyObject *g_real_ns; /* time.monotonic_ns: _now on the real clock */

static PyObject *s_cur, *s_stack, *s_cev, *s_id, *s_frame, *s_task, *s_f_locals, *s_ev, *s_now,
    *s_new_id, *s_emit_created, *s_own_caller, *s_place, *s_layout, *s_frame_label, *s_short_repr,
    *s_esc, *s_inline_ended, *s_call, *s_return, *s_comma, *s_dots, *s_open, *s_close, *s_cr_frame;

/* Tests only (LOOPSCOPE_CTRACER_LABEL_FAULT=1): labels written wrong, func[args], to see the
 * comparison of the C and the Python traces fail (tests/programs/ctracer_compare.py). */
static int g_label_fault;

/* The globals read per unit, kept until the globals dict changes (its version tag). */
typedef struct
{
    PyObject *name;
    uint64_t tag;
    PyObject *value;
} GlobalEntry;
#define GLOBAL_CACHE_SIZE 64
static GlobalEntry g_global_cache[GLOBAL_CACHE_SIZE];

static PyObject *global(PyObject *name)
{
    const uint64_t tag = ((PyDictObject *)g_globals)->ma_version_tag;
    GlobalEntry *e = &g_global_cache[(((uintptr_t)name >> 4) ^ ((uintptr_t)name >> 10))
        & (GLOBAL_CACHE_SIZE - 1)];
    if (e->name == name && e->tag == tag)
        return e->value; /* borrowed: the unchanged dict holds it */
    PyObject *value = PyDict_GetItemWithError(g_globals, name);
    if (value == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_RuntimeError, "loopscope tracer: no global %U", name);
    if (value != NULL) {
        e->name = name;
        e->tag = tag;
        e->value = value;
    }
    return value; /* borrowed */
}

static PyObject *call_global(PyObject *name, PyObject *const *args, size_t n)
{
    PyObject *f = global(name);
    return f == NULL ? NULL : PyObject_Vectorcall(f, args, n, NULL);
}

static PyObject *call_global1(PyObject *name, PyObject *a)
{
    return call_global(name, &a, 1);
}

/* _now(): on the real clock (time.monotonic_ns, as _real_ns) read here, as time does it. */
static PyObject *now(void)
{
    PyObject *clock = global(s_now);
    if (clock == NULL)
        return NULL;
    if (clock == g_real_ns) {
        struct timespec ts;
        if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
            return PyLong_FromLongLong((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    }
    return PyObject_CallNoArgs(clock);
}

/* _now() in ns: 0, or -1 (an error, or a clock that does not give an exact int). */
static int now_ns(long long *ns)
{
    PyObject *clock = global(s_now);
    if (clock == NULL)
        return -1;
    struct timespec ts;
    if (clock == g_real_ns && clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
        *ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
        return 0;
    }
    PyObject *t = PyObject_CallNoArgs(clock);
    if (t == NULL)
        return -1;
    int overflow = 0;
    const int exact = PyLong_CheckExact(t);
    *ns = exact ? PyLong_AsLongLongAndOverflow(t, &overflow) : -1;
    Py_DECREF(t);
    if (*ns == -1 && (PyErr_Occurred() || overflow || !exact)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError, "loopscope tracer: _now() is no int");
        return -1;
    }
    return 0;
}

/* _new_id(): the next number of the itertools.count it is the __next__ of, without the call. */
static PyObject *g_id_func, *g_id_count;

static PyObject *new_id(void)
{
    PyObject *f = global(s_new_id);
    if (f == NULL)
        return NULL;
    if (f == g_id_func && g_id_count != NULL)
        return Py_TYPE(g_id_count)->tp_iternext(g_id_count);
    return PyObject_CallNoArgs(f);
}

/* The whole event through the Python hook: for everything but the common cases. */
static int python_profile(PyFrameObject *frame, int what, PyObject *arg)
{
    PyObject *args[3] = { (PyObject *)frame, what == PyTrace_CALL ? s_call : s_return,
        arg != NULL ? arg : Py_None };
    PyObject *r = PyObject_Vectorcall(g_profile, args, 3, NULL);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

static int truthy_in(PyObject *dict, PyObject *key, int *found)
{
    PyObject *v = PyDict_GetItemWithError(dict, key);
    *found = v != NULL;
    if (v == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_IsTrue(v);
}

/* --- task units: _Unit's slots read in place -------------------------------------------------- */

static PyTypeObject *g_unit_type; /* _Unit, if its slots are where install() found them */

enum {
    U_ID,
    U_STACK,
    U_CEV,
    U_READY,
    U_TASK,
    U_WFRAME,
    U_CORO,
    U_PENDING,
    U_AWAITING,
    U_NAME,
    U_CAUSE,
    U_QUEUED,
    U_ROOT,
    U_COUNT
};
static const char *const g_slot_names[U_COUNT] = { "id", "stack", "cev", "ready", "task", "wframe",
    "coro", "pending", "awaiting", "name", "cause", "queued", "root" };
static PyObject *g_slot_strs[U_COUNT];
static Py_ssize_t g_slot_off[U_COUNT];

static Py_ssize_t slot_offset(PyTypeObject *type, const char *name)
{
    PyObject *d = PyDict_GetItemString(type->tp_dict, name);
    if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type))
        return -1;
    PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
    return m->type == T_OBJECT_EX && !(m->flags & READONLY) ? m->offset : -1;
}

/* unit.<slot> of a _Unit read in place (new reference), else by getattr. */
static PyObject *unit_get(PyObject *unit, int slot)
{
    if (Py_TYPE(unit) == g_unit_type && g_slot_off[slot] > 0) {
        PyObject *value = *(PyObject **)((char *)unit + g_slot_off[slot]);
        if (value != NULL)
            return Py_NewRef(value);
    }
    return PyObject_GetAttr(unit, g_slot_strs[slot]);
}

/* unit.<slot> = value (a new reference is taken). */
static int unit_set(PyObject *unit, int slot, PyObject *value)
{
    if (Py_TYPE(unit) == g_unit_type && g_slot_off[slot] > 0) {
        PyObject **where = (PyObject **)((char *)unit + g_slot_off[slot]);
        Py_XSETREF(*where, Py_NewRef(value));
        return 0;
    }
    return PyObject_SetAttr(unit, g_slot_strs[slot], value);
}

/* How many inline units a task unit's stack holds (a list, or the empty tuple until its first
 * one): -1 if it is neither. */
static Py_ssize_t stack_depth(PyObject *stack)
{
    if (PyList_CheckExact(stack))
        return PyList_GET_SIZE(stack);
    return PyTuple_CheckExact(stack) && PyTuple_GET_SIZE(stack) == 0 ? 0 : -1;
}

/* dict.pop(key, None): 0, or -1 (an error other than the key's absence). */
static int dict_discard(PyObject *dict, PyObject *key)
{
    if (PyDict_DelItem(dict, key) == 0)
        return 0;
    if (!PyErr_ExceptionMatches(PyExc_KeyError))
        return -1;
    PyErr_Clear();
    return 0;
}

/* The garbage collector sees obj again (see untrack()). */
static void gc_track(PyObject *obj)
{
    if (PyObject_IS_GC(obj) && !PyObject_GC_IsTracked(obj))
        PyObject_GC_Track(obj);
}

/* --- caches: what the Python side files under a code object, by its address ---------------- */
/* A code object's hash is computed anew on every dict lookup (3.11 does not cache it), and its
 * entries in _code_info, _layouts and _places never change once made: they are cached here by
 * address, each entry holding the code object, so that the address cannot be reused while
 * cached. */

#define CODE_CACHE_SIZE 512
#define PLACE_CACHE_SIZE 1024

typedef struct
{
    PyObject *code;
    PyObject *info; /* its _code_info value */
    PyObject *layout; /* its _layouts value, NULL until known */
} CodeEntry;

typedef struct
{
    PyObject *code;
    int lasti;
    PyObject *place;
} PlaceEntry;

static CodeEntry g_codes[CODE_CACHE_SIZE];
static PlaceEntry g_place_cache[PLACE_CACHE_SIZE];

static size_t slot_of(const void *p, size_t size)
{
    const uintptr_t a = (uintptr_t)p;
    return (size_t)((a >> 4) ^ (a >> 13)) & (size - 1);
}

static void clear_caches(void)
{
    for (size_t i = 0; i < CODE_CACHE_SIZE; ++i) {
        Py_CLEAR(g_codes[i].code);
        Py_CLEAR(g_codes[i].info);
        Py_CLEAR(g_codes[i].layout);
    }
    for (size_t i = 0; i < PLACE_CACHE_SIZE; ++i) {
        Py_CLEAR(g_place_cache[i].code);
        Py_CLEAR(g_place_cache[i].place);
    }
}

/* The cache entry of a classified code object; NULL: not classified yet (or an error). */
static CodeEntry *code_entry(PyObject *code)
{
    CodeEntry *e = &g_codes[slot_of(code, CODE_CACHE_SIZE)];
    if (e->code == code)
        return e;
    PyObject *info = PyDict_GetItemWithError(g_code_info, code);
    if (info == NULL)
        return NULL;
    Py_CLEAR(e->layout);
    Py_XSETREF(e->info, Py_NewRef(info));
    Py_XSETREF(e->code, Py_NewRef(code));
    return e;
}

/* --- lines: f-strings of ints and text, without PyUnicode_FromFormat's parsing -------------- */

static const char g_digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                    "31323334353637383940414243444546474849505152535455565758596061"
                                    "6263646566676869707172737475767778798081828384858687888990919293"
                                    "949596979899";

/* v < 10^8 written at p with exactly n digits (leading zeros); the end. 32-bit divisions by
 * constants only: a time in ns has 14 digits, and 64-bit ones cost several times more. */
static char *put_digits(char *p, uint32_t v, int n)
{
    char *end = p + n, *d = end;
    while (n >= 2) {
        const uint32_t k = (v % 100) * 2;
        v /= 100;
        *--d = g_digit_pairs[k + 1];
        *--d = g_digit_pairs[k];
        n -= 2;
    }
    if (n)
        *--d = (char)('0' + v % 10);
    return end;
}

/* v < 10^8 in as many digits as it has. */
static char *put_small(char *p, uint32_t v)
{
    const int n = v < 10000 ? (v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4))
                            : (v < 1000000 ? (v < 100000 ? 5 : 6) : (v < 10000000 ? 7 : 8));
    return put_digits(p, v, n);
}

/* The decimal digits of v at p (as str(int)); the end. */
static char *put_ll(char *p, long long v)
{
    if (v < 0)
        *p++ = '-';
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    const unsigned long long e8 = 100000000ULL;
    if (u < e8)
        return put_small(p, (uint32_t)u);
    if (u < e8 * e8) {
        p = put_small(p, (uint32_t)(u / e8));
        return put_digits(p, (uint32_t)(u % e8), 8);
    }
    const unsigned long long top = u / (e8 * e8), rest = u % (e8 * e8); /* top < 1845 */
    p = put_small(p, (uint32_t)top);
    p = put_digits(p, (uint32_t)(rest / e8), 8);
    return put_digits(p, (uint32_t)(rest % e8), 8);
}

/* The decimal digits of an exact int into p (as str(int)): the end, or NULL if it is none. */
static char *put_int(char *p, PyObject *value)
{
    if (!PyLong_CheckExact(value))
        return NULL;
    long long v;
    const Py_ssize_t size = Py_SIZE(value);
    if (size >= -2 && size <= 2 && 2 * PyLong_SHIFT < 63) {
        /* 3.11's layout, read in place: |ob_size| digits (ids, places, times in ns) */
        const digit *d = ((PyLongObject *)value)->ob_digit;
        unsigned long long m = size == 0 ? 0 : d[0];
        if (size == 2 || size == -2)
            m |= (unsigned long long)d[1] << PyLong_SHIFT;
        v = size < 0 ? -(long long)m : (long long)m;
    } else {
        int overflow;
        v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow || (v == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return NULL;
        }
    }
    return put_ll(p, v);
}

static char *put_text(char *p, const char *text)
{
    while (*text)
        *p++ = *text++;
    return p;
}

/* The str pieces one after the other; new reference. */
static PyObject *concat(PyObject *const *pieces, int n)
{
    Py_ssize_t length = 0;
    Py_UCS4 maxchar = 127;
    for (int i = 0; i < n; ++i) {
        length += PyUnicode_GET_LENGTH(pieces[i]);
        if (PyUnicode_MAX_CHAR_VALUE(pieces[i]) > maxchar)
            maxchar = PyUnicode_MAX_CHAR_VALUE(pieces[i]);
    }
    PyObject *text = PyUnicode_New(length, maxchar);
    if (text == NULL)
        return NULL;
    Py_ssize_t at = 0;
    for (int i = 0; i < n; ++i) {
        const Py_ssize_t k = PyUnicode_GET_LENGTH(pieces[i]);
        if (PyUnicode_CopyCharacters(text, at, pieces[i], 0, k) < 0) {
            Py_DECREF(text);
            return NULL;
        }
        at += k;
    }
    return text;
}

/* head + text + tail, head and tail ASCII; new reference. */
static PyObject *joined_line(
    const char *head, size_t nhead, PyObject *text, const char *tail, size_t ntail)
{
    const Py_ssize_t ntext = PyUnicode_GET_LENGTH(text);
    Py_UCS4 maxchar = PyUnicode_MAX_CHAR_VALUE(text);
    PyObject *line
        = PyUnicode_New((Py_ssize_t)(nhead + ntail) + ntext, maxchar < 127 ? 127 : maxchar);
    if (line == NULL)
        return NULL;
    const int kind = PyUnicode_KIND(line);
    void *data = PyUnicode_DATA(line);
    if (kind == PyUnicode_1BYTE_KIND && PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND) {
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(line);
        memcpy(out, head, nhead);
        memcpy(out + nhead, PyUnicode_1BYTE_DATA(text), (size_t)ntext);
        memcpy(out + nhead + ntext, tail, ntail);
        return line;
    }
    for (size_t i = 0; i < nhead; ++i)
        PyUnicode_WRITE(kind, data, i, (Py_UCS4)(unsigned char)head[i]);
    if (PyUnicode_CopyCharacters(line, (Py_ssize_t)nhead, text, 0, ntext) < 0) {
        Py_DECREF(line);
        return NULL;
    }
    for (size_t i = 0; i < ntail; ++i)
        PyUnicode_WRITE(
            kind, data, (Py_ssize_t)nhead + ntext + (Py_ssize_t)i, (Py_UCS4)(unsigned char)tail[i]);
    return line;
}

/* --- labels: _frame_label / _short_repr ----------------------------------------------------- */

static PyObject *short_repr(PyObject *value)
{
    PyTypeObject *kind = Py_TYPE(value);
    if (kind == &PyLong_Type) {
        char digits[32], *end = put_int(digits, value);
        if (end != NULL)
            return PyUnicode_FromStringAndSize(digits, end - digits);
    }
    if (kind == &PyLong_Type || kind == &PyFloat_Type || kind == &PyBool_Type)
        return PyObject_Repr(value);
    if (kind != &PyUnicode_Type && value != Py_None)
        return call_global1(s_short_repr, value);
    PyObject *text = PyObject_Repr(value); /* a str's or None's: never "<...>" */
    if (text == NULL || PyUnicode_GET_LENGTH(text) <= 40)
        return text;
    PyObject *head = PyUnicode_Substring(text, 0, 37);
    Py_DECREF(text);
    if (head == NULL)
        return NULL;
    PyObject *cut = PyUnicode_Concat(head, s_dots);
    Py_DECREF(head);
    return cut;
}

static int needs_escape(PyObject *text)
{
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; ++i) {
        const Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r')
            return 1;
    }
    return 0;
}

/* _layouts[code] (made by _layout if it is not there yet), kept in entry; new reference. */
static PyObject *layout_of(PyObject *code, CodeEntry *entry)
{
    PyObject *layout = entry->layout;
    if (layout != NULL)
        return Py_NewRef(layout);
    layout = PyDict_GetItemWithError(g_layouts, code);
    if (layout == NULL) {
        if (PyErr_Occurred())
            return NULL;
        layout = call_global1(s_layout, code);
        if (layout == NULL)
            return NULL;
    } else {
        Py_INCREF(layout);
    }
    if (entry->code == code && entry->layout == NULL) /* _layout may have reused the entry */
        entry->layout = Py_NewRef(layout);
    return layout;
}

static int ascii_needs_escape(const char *text, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        if (text[i] == '\\' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')
            return 1;
    }
    return 0;
}

/* _frame_label(code, frame)'s text written at p when it is the common case, ASCII without
 * building a str: a label without arguments, or a plain name whose arguments are plain locals
 * (no cell) that hold exact ints or floats, read from the frame's fast locals as f_locals would
 * give them (an unset one left out). The end, or NULL: not that case (nothing is owed, no
 * error). At most LABEL_ROOM bytes. */
#define LABEL_ROOM 512
#define ARG_ROOM 24

/* An argument of a label written at p as _short_repr writes it, when it is an exact int or float
 * (repr(float): the shortest text that reads back the same); NULL otherwise (no error). At most
 * ARG_ROOM bytes. */
static char *put_arg(char *p, PyObject *value)
{
    if (!PyFloat_CheckExact(value))
        return put_int(p, value);
    char *text = PyOS_double_to_string(PyFloat_AS_DOUBLE(value), 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) {
        PyErr_Clear();
        return NULL;
    }
    const size_t n = strlen(text);
    char *end = NULL;
    if (n <= ARG_ROOM) {
        memcpy(p, text, n);
        end = p + n;
    }
    PyMem_Free(text);
    return end;
}
static char *put_frame_label(
    char *p, PyObject *code, struct _PyInterpreterFrame *frame, PyObject *layout)
{
    if (g_label_fault || !PyTuple_CheckExact(layout) || PyTuple_GET_SIZE(layout) != 5)
        return NULL;
    PyObject *bare = PyTuple_GET_ITEM(layout, 4);
    PyObject *name = bare != Py_None ? bare : PyTuple_GET_ITEM(layout, 0);
    PyObject *names = PyTuple_GET_ITEM(layout, 1);
    if (!PyUnicode_CheckExact(name) || !PyUnicode_IS_ASCII(name))
        return NULL;
    const size_t nname = (size_t)PyUnicode_GET_LENGTH(name);
    const char *text = (const char *)PyUnicode_1BYTE_DATA(name);
    if (bare != Py_None) { /* already escaped by _layout */
        if (nname > LABEL_ROOM)
            return NULL;
        memcpy(p, text, nname);
        return p + nname;
    }
    if (PyTuple_GET_ITEM(layout, 2) != Py_None || PyTuple_GET_ITEM(layout, 3) != Py_None
        || !PyList_CheckExact(names) || ascii_needs_escape(text, nname))
        return NULL;
    const Py_ssize_t nargs = PyList_GET_SIZE(names);
    if (nname + 2 + (size_t)nargs * (ARG_ROOM + 2) > LABEL_ROOM)
        return NULL;
    PyCodeObject *co = (PyCodeObject *)code;
    PyObject *slots = co->co_localsplusnames;
    const unsigned char *kinds = (const unsigned char *)PyBytes_AS_STRING(co->co_localspluskinds);
    const Py_ssize_t nslots = PyTuple_GET_SIZE(slots);
    PyObject *const *fast = frame->localsplus;
    memcpy(p, text, nname);
    p += nname;
    *p++ = '(';
    int first = 1;
    for (Py_ssize_t i = 0; i < nargs; ++i) {
        PyObject *arg = PyList_GET_ITEM(names, i);
        Py_ssize_t k = 0;
        while (k < nslots && PyTuple_GET_ITEM(slots, k) != arg)
            ++k;
        if (k == nslots || (kinds[k] & (CO_FAST_CELL | CO_FAST_FREE))
            || !(kinds[k] & CO_FAST_LOCAL))
            return NULL;
        PyObject *value = fast[k];
        if (value == NULL)
            continue;
        if (!first) {
            *p++ = ',';
            *p++ = ' ';
        }
        first = 0;
        if ((p = put_arg(p, value)) == NULL)
            return NULL;
    }
    *p++ = ')';
    return p;
}

/* The argument `arg` of a frame that has not run yet, from its f_locals (local, a dict) or else
 * from the interpreter frame's fast locals (as f_locals would give it): a borrowed reference,
 * NULL if it is unset; *usable = 0 where only f_locals can tell (a cell). NULL and an error set:
 * an error. */
static PyObject *label_argument(
    PyObject *local, PyCodeObject *co, struct _PyInterpreterFrame *iframe, PyObject *arg,
    int *usable)
{
    if (local != NULL)
        return PyDict_GetItemWithError(local, arg);
    PyObject *slots = co->co_localsplusnames;
    const unsigned char *kinds = (const unsigned char *)PyBytes_AS_STRING(co->co_localspluskinds);
    const Py_ssize_t nslots = PyTuple_GET_SIZE(slots);
    Py_ssize_t k = 0;
    while (k < nslots && PyTuple_GET_ITEM(slots, k) != arg)
        ++k;
    if (k == nslots || (kinds[k] & (CO_FAST_CELL | CO_FAST_FREE)) || !(kinds[k] & CO_FAST_LOCAL)) {
        *usable = 0;
        return NULL;
    }
    return iframe->localsplus[k];
}

/* _frame_label(code, frame) for a frame that has not run yet, read from the frame object's
 * f_locals, or (frame NULL) from iframe without making a frame object; new reference. NULL and
 * no error: iframe cannot tell (the caller asks the Python side with a frame object). */
static PyObject *label_of(
    PyObject *code, PyFrameObject *frame, struct _PyInterpreterFrame *iframe, CodeEntry *entry)
{
    PyObject *layout = layout_of(code, entry);
    if (layout == NULL)
        return NULL;
    PyObject *label = NULL, *local = NULL, *parts = NULL, *joined = NULL;
    if (!PyTuple_CheckExact(layout) || PyTuple_GET_SIZE(layout) != 5)
        goto python;
    PyObject *bare = PyTuple_GET_ITEM(layout, 4);
    if (bare != Py_None) {
        label = Py_NewRef(bare);
        goto done;
    }
    PyObject *name = PyTuple_GET_ITEM(layout, 0);
    PyObject *names = PyTuple_GET_ITEM(layout, 1);
    if (PyTuple_GET_ITEM(layout, 2) != Py_None || PyTuple_GET_ITEM(layout, 3) != Py_None
        || !PyList_CheckExact(names) || !PyUnicode_CheckExact(name))
        goto python;
    if (frame != NULL) {
        local = PyObject_GetAttr((PyObject *)frame, s_f_locals);
        if (local == NULL) {
            PyErr_Clear();
            goto python;
        }
        if (!PyDict_CheckExact(local))
            goto python;
    }
    parts = PyList_New(0);
    if (parts == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); ++i) {
        int usable = 1;
        PyObject *value = label_argument(
            local, (PyCodeObject *)code, iframe, PyList_GET_ITEM(names, i), &usable);
        if (!usable)
            goto python;
        if (value == NULL) {
            if (PyErr_Occurred())
                goto done;
            continue;
        }
        Py_INCREF(value); /* a repr may run the program's code, which may change the locals */
        PyObject *text = short_repr(value);
        Py_DECREF(value);
        if (text == NULL)
            goto done;
        const int failed = !PyUnicode_CheckExact(text) || PyList_Append(parts, text) < 0;
        Py_DECREF(text);
        if (failed) {
            if (!PyErr_Occurred())
                goto python;
            goto done;
        }
    }
    joined = PyUnicode_Join(s_comma, parts);
    if (joined == NULL)
        goto done;
    label = g_label_fault ? PyUnicode_FromFormat("%U[%U]", name, joined)
                          : concat((PyObject *[]) { name, s_open, joined, s_close }, 4);
    if (label != NULL && needs_escape(label)) {
        PyObject *escaped = call_global1(s_esc, label);
        Py_SETREF(label, escaped);
    }
    goto done;
python:
    if (frame != NULL)
        label = call_global(s_frame_label, (PyObject *[]) { code, (PyObject *)frame }, 2);
done:
    Py_XDECREF(joined);
    Py_XDECREF(parts);
    Py_XDECREF(local);
    Py_DECREF(layout);
    return label;
}

static PyObject *frame_label(PyObject *code, PyFrameObject *frame, CodeEntry *entry)
{
    return label_of(code, frame, NULL, entry);
}

/* --- places: _place ------------------------------------------------------------------------- */

/* The place of a suspended coroutine of the program's (a task's root, kept by the C side in place
 * of its frame object, which then need not be made): as place_of its frame. */
static PyObject *place_of(PyFrameObject *frame);

static PyObject *coro_place(PyObject *coro)
{
    const struct _PyInterpreterFrame *f
        = (const struct _PyInterpreterFrame *)((PyCoroObject *)coro)->cr_iframe;
    PyObject *code = (PyObject *)f->f_code;
    const int lasti = _PyInterpreterFrame_LASTI(f);
    const int offset = lasti < 0 ? -1 : lasti * (int)sizeof(_Py_CODEUNIT);
    PlaceEntry *e = &g_place_cache[slot_of((const char *)code + offset, PLACE_CACHE_SIZE)];
    if (e->code == code && e->lasti == offset)
        return Py_NewRef(e->place);
    PyObject *frame = PyObject_GetAttr(coro, s_cr_frame); /* not cached: as the frame's */
    if (frame == NULL)
        return NULL;
    PyObject *place = PyFrame_Check(frame) ? place_of((PyFrameObject *)frame)
                                           : call_global1(s_place, frame);
    Py_DECREF(frame);
    return place;
}

static PyObject *place_of(PyFrameObject *frame)
{
    PyObject *code = (PyObject *)PyFrame_GetCode(frame);
    const int offset = PyFrame_GetLasti(frame);
    PlaceEntry *e = &g_place_cache[slot_of((const char *)code + offset, PLACE_CACHE_SIZE)];
    if (e->code == code && e->lasti == offset) {
        Py_DECREF(code);
        return Py_NewRef(e->place);
    }
    PyObject *lasti = PyLong_FromLong(offset);
    PyObject *key = lasti == NULL ? NULL : PyTuple_Pack(2, code, lasti);
    Py_XDECREF(lasti);
    PyObject *p = key == NULL ? NULL : PyDict_GetItemWithError(g_places, key);
    Py_XDECREF(key);
    if (p == NULL) {
        Py_DECREF(code);
        return PyErr_Occurred() ? NULL : call_global1(s_place, (PyObject *)frame);
    }
    Py_XSETREF(e->place, Py_NewRef(p));
    Py_XSETREF(e->code, code); /* the reference PyFrame_GetCode gave */
    e->lasti = offset;
    return Py_NewRef(p);
}

/* The frame the parent waits at: back if it is the program's code, else _own_caller(back). */
static PyObject *waiting_place(PyFrameObject *back)
{
    if (back == NULL)
        return PyLong_FromLong(0);
    PyObject *code = (PyObject *)PyFrame_GetCode(back);
    CodeEntry *entry = code_entry(code);
    Py_DECREF(code);
    if (entry == NULL && PyErr_Occurred())
        return NULL;
    const int own = entry == NULL ? 0 : PyObject_IsTrue(entry->info);
    if (own < 0)
        return NULL;
    if (own)
        return place_of(back);
    PyObject *where = call_global1(s_own_caller, (PyObject *)back);
    if (where == NULL)
        return NULL;
    PyObject *place = where == Py_None ? PyLong_FromLong(0)
        : PyFrame_Check(where)         ? place_of((PyFrameObject *)where)
                                       : call_global1(s_place, where);
    Py_DECREF(where);
    return place;
}

/* --- the hook ------------------------------------------------------------------------------- */

static PyObject *unit_id(PyObject *unit)
{
    if (Py_IS_TYPE(unit, &InlineType))
        return Py_NewRef(((Inline *)unit)->id);
    return unit_get(unit, U_ID);
}

static PyObject *unit_frame(PyObject *unit)
{
    if (Py_IS_TYPE(unit, &InlineType))
        return inline_frame((Inline *)unit);
    return PyObject_GetAttr(unit, s_frame);
}

static int append_line(PyObject *line)
{
    PyObject *ev = global(s_ev);
    if (ev == NULL)
        return -1;
    /* _ev is _buf.append until the channel breaks (then _noop): the append without the call. */
    if (PyCFunction_Check(ev) && PyCFunction_GET_SELF(ev) == g_buf && PyList_CheckExact(g_buf))
        return PyList_Append(g_buf, line);
    PyObject *r = PyObject_Vectorcall(ev, &line, 1, NULL);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

/* The bytearray at the end of _buf that ASCII lines of ours go into (the flusher decodes it as
 * one item): while it is _buf's last item, a line is a copy at its end, not a str appended. */
static PyObject *g_chunk;
/* The most a chunk holds, unless one line is longer (below malloc's mmap threshold). */
#define CHUNK_MAX ((Py_ssize_t)64 * 1024)

/* Full-size chunks the flusher has written, kept for the next ones (recycle()): freed, the heap's
 * top was given back to the system and taken again every flush, page by page (a chain of inline
 * units writes 4 MB of lines in the flusher's 20 ms: 4 000 page faults more per second). */
#define SPARE_MAX 64
static PyObject *g_spare[SPARE_MAX];
static int g_nspare;

/* The first megabyte of lines goes into spares touched before the program starts (install()):
 * fresh pages, each faulted in as the lines first reach it, made a chain of 1e4 inline units a
 * sixth slower (0.69 -> 0.57 us per await, median of 14 pairs). */
#define SPARE_WARM 16

static int warm_spares(void)
{
    while (g_nspare < SPARE_WARM) {
        PyObject *chunk = PyByteArray_FromStringAndSize(NULL, 0);
        if (chunk == NULL || PyByteArray_Resize(chunk, CHUNK_MAX + 1) < 0) {
            Py_XDECREF(chunk);
            return -1;
        }
        memset(PyByteArray_AS_STRING(chunk), 0, (size_t)CHUNK_MAX + 1);
        Py_SET_SIZE(chunk, 0);
        g_spare[g_nspare++] = chunk;
    }
    return 0;
}

/* A chunk of CHUNK_MAX bytes' room, empty: a spare one if there is one. */
static PyObject *full_chunk(void)
{
    while (g_nspare > 0) {
        PyByteArrayObject *spare = (PyByteArrayObject *)g_spare[--g_nspare];
        if (Py_REFCNT(spare) == 1 && spare->ob_exports == 0 && spare->ob_alloc > CHUNK_MAX) {
            Py_SET_SIZE(spare, 0);
            spare->ob_start = spare->ob_bytes;
            spare->ob_start[0] = '\0';
            return (PyObject *)spare;
        }
        Py_DECREF(spare);
    }
    PyObject *chunk = PyByteArray_FromStringAndSize(NULL, 0);
    if (chunk == NULL)
        return NULL;
    if (PyByteArray_Resize(chunk, CHUNK_MAX) < 0) {
        Py_DECREF(chunk);
        return NULL;
    }
    Py_SET_SIZE(chunk, 0);
    return chunk;
}

/* The ASCII line a (na bytes) followed by b (nb), as append_line would write it. */
static int append_ascii(const char *a, size_t na, const char *b, size_t nb)
{
    PyObject *ev = global(s_ev);
    if (ev == NULL)
        return -1;
    if (!(PyCFunction_Check(ev) && PyCFunction_GET_SELF(ev) == g_buf && PyList_CheckExact(g_buf))) {
        PyObject *line = PyUnicode_New((Py_ssize_t)(na + nb), 127);
        if (line == NULL)
            return -1;
        memcpy(PyUnicode_1BYTE_DATA(line), a, na);
        memcpy(PyUnicode_1BYTE_DATA(line) + na, b, nb);
        const int r = append_line(line);
        Py_DECREF(line);
        return r;
    }
    const Py_ssize_t k = PyList_GET_SIZE(g_buf);
    const int ours = g_chunk != NULL && k > 0 && PyList_GET_ITEM(g_buf, k - 1) == g_chunk;
    const Py_ssize_t n = (Py_ssize_t)(na + nb);
    if (!ours || Py_SIZE(g_chunk) + n > CHUNK_MAX) {
        /* A full chunk is followed by one as big from the start: lines of ours only (a chain of
         * inline units) go into chunks of CHUNK_MAX, which malloc takes from its heap (fresh
         * pages of a bigger one, and the copies as it doubled, cost more than the lines). */
        PyObject *chunk = ours ? full_chunk() : PyByteArray_FromStringAndSize(NULL, 0);
        if (chunk == NULL)
            return -1;
        Py_XSETREF(g_chunk, chunk);
        if (PyList_Append(g_buf, chunk) < 0)
            return -1;
    }
    PyByteArrayObject *chunk = (PyByteArrayObject *)g_chunk;
    const Py_ssize_t at = Py_SIZE(chunk), size = at + n;
    if (size + 1 > chunk->ob_alloc || chunk->ob_start != chunk->ob_bytes) {
        /* bytearray grows by an eighth: a chunk of ours doubles (one copy per byte). It starts
         * small: where the Python side's items come between ours (a semaphore's counters), each
         * chunk holds a line or two, and 4 KiB each made semaphore's --tasks-only keep 8 KB per
         * task (1 GB at 1e5 tasks, 2.5 KB with 256 bytes). */
        const Py_ssize_t room = size < 128 ? 256 : 2 * size;
        if (PyByteArray_Resize(g_chunk, room < CHUNK_MAX ? room : size > CHUNK_MAX ? size
                                                                                   : CHUNK_MAX)
            < 0)
            return -1;
    }
    char *out = chunk->ob_start + at;
    memcpy(out, a, na);
    memcpy(out + na, b, nb);
    out[na + nb] = '\0';
    Py_SET_SIZE(chunk, size);
    return 0;
}

/* The tracer's _emit_created(u): u's C line, a list until it is written (a rename may change its
 * label), written once; as ASCII text when every field is an int or an ASCII str, as the flusher
 * would format the list. 0, or -1 (error). */
#define LINE_ROOM 2048
static int emit_created(PyObject *u)
{
    PyObject *cev = unit_get(u, U_CEV);
    if (cev == NULL)
        return -1;
    if (cev == Py_None) {
        Py_DECREF(cev);
        return 0;
    }
    char text[LINE_ROOM], *p = text;
    const Py_ssize_t n = PyList_CheckExact(cev) ? PyList_GET_SIZE(cev) : 0;
    for (Py_ssize_t i = 0; p != NULL && i < n; ++i) {
        PyObject *item = PyList_GET_ITEM(cev, i);
        const Py_ssize_t left = (Py_ssize_t)sizeof text - (p - text) - 32; /* and the \n */
        if (i > 0)
            *p++ = '\t';
        if (PyLong_CheckExact(item)) {
            p = put_int(p, item);
        } else if (PyUnicode_CheckExact(item) && PyUnicode_IS_ASCII(item)
            && PyUnicode_GET_LENGTH(item) < left) {
            memcpy(p, PyUnicode_1BYTE_DATA(item), (size_t)PyUnicode_GET_LENGTH(item));
            p += PyUnicode_GET_LENGTH(item);
        } else {
            p = NULL;
        }
    }
    int r;
    if (p != NULL && n > 0) {
        *p++ = '\n';
        r = append_ascii(text, (size_t)(p - text), "", 0);
    } else {
        r = append_line(cev);
    }
    Py_DECREF(cev);
    return r < 0 || unit_set(u, U_CEV, Py_None) < 0 ? -1 : 0;
}

/* _inline_started(frame, code, tu) when its stack's innermost unit is the caller's (or it is
 * empty): 1 done, 0 not the common case (nothing done), -1 error. With started, the unit is not
 * filed in _frame_units but handed back there (a new reference): the eval hook files it only if
 * the frame outlives its evaluation. */
/* The frame object its caller's is, as PyFrame_GetBack gives it, of a frame that has none: NULL
 * (no caller) or a new reference; *known 0 when it cannot be made here. */
static PyFrameObject *caller_frame(struct _PyInterpreterFrame *f, int *known)
{
    struct _PyInterpreterFrame *prev = f->previous;
    while (prev != NULL && _PyFrame_IsIncomplete(prev))
        prev = prev->previous;
    *known = 1;
    if (prev == NULL)
        return NULL;
    if (prev->frame_obj != NULL)
        return (PyFrameObject *)Py_NewRef(prev->frame_obj);
    PyFrameObject *back = prev->owner == FRAME_OWNED_BY_GENERATOR ? gen_frame(prev) : NULL;
    if (back == NULL) {
        PyErr_Clear();
        *known = 0;
    }
    return (PyFrameObject *)Py_XNewRef(back);
}

static int inline_started(PyFrameObject *frame, struct _PyInterpreterFrame *iframe, PyObject *code,
    CodeEntry *entry, PyObject *tu, Inline **started)
{
    /* frame NULL: a frame that has no frame object (iframe), made only if it must be */
    int known = 1;
    PyFrameObject *back = frame != NULL ? PyFrame_GetBack(frame) : caller_frame(iframe, &known);
    if (!known)
        return 0;
    if (frame != NULL)
        iframe = frame->f_frame;
    int result = -1;
    PyObject *stack = unit_get(tu, U_STACK);
    PyObject *top_frame = NULL, *t = NULL, *uid = NULL, *parent_id = NULL, *cev = NULL,
             *layout = NULL, *label = NULL, *place = NULL, *line = NULL;
    Inline *u = NULL;
    if (stack == NULL)
        goto done;
    if (stack_depth(stack) == 0 && !PyList_CheckExact(stack)) {
        /* its first inline unit: the empty tuple becomes its list */
        Py_SETREF(stack, PyList_New(0));
        if (stack == NULL || unit_set(tu, U_STACK, stack) < 0)
            goto done;
    }
    if (!PyList_CheckExact(stack)) {
        result = 0;
        goto done;
    }
    const Py_ssize_t depth = PyList_GET_SIZE(stack);
    PyObject *parent = depth ? PyList_GET_ITEM(stack, depth - 1) : tu;
    if (depth) {
        top_frame = unit_frame(parent);
        if (top_frame == NULL)
            goto done;
        if (top_frame != (PyObject *)back) {
            result = 0; /* units that ended unseen: the Python side closes them */
            goto done;
        }
    }
    Py_INCREF(parent);
    long long tn;
    if (now_ns(&tn) < 0)
        goto parent_done;
    uid = new_id();
    if (uid == NULL)
        goto parent_done;
    u = inline_make(uid, tu, (PyObject *)frame);
    if (u == NULL)
        goto parent_done;
    if (frame == NULL)
        u->iframe = iframe;
    cev = unit_get(tu, U_CEV);
    if (cev == NULL)
        goto parent_done;
    if (cev != Py_None) {
        if (emit_created(tu) < 0)
            goto parent_done;
    }
    parent_id = unit_id(parent);
    if (parent_id == NULL)
        goto parent_done;
    char head[128 + LABEL_ROOM], tail[32], *h = head, *e = tail, *fast = NULL;
    h = put_text(h, "I\t");
    h = put_text(put_ll(h, tn), "\t");
    if (h && (h = put_int(h, uid)))
        h = put_text(h, "\tcoroutine\t");
    if (h && (h = put_int(h, parent_id)))
        h = put_text(h, "\t");
    if (h) {
        layout = layout_of(code, entry);
        if (layout == NULL)
            goto parent_done;
        fast = put_frame_label(h, code, iframe, layout);
    }
    if (fast == NULL) {
        PyObject *fo = inline_frame(u); /* the Python side's label reads the frame object */
        if (fo == NULL)
            goto parent_done;
        label = frame_label(code, (PyFrameObject *)fo, entry);
        Py_DECREF(fo);
        if (label == NULL)
            goto parent_done;
    }
    place = waiting_place(back);
    if (place == NULL)
        goto parent_done;
    e = put_text(e, "\t");
    if ((e = put_int(e, place)))
        e = put_text(e, "\n");
    if (fast != NULL && e != NULL) {
        /* all ASCII: the line copied once */
        if (append_ascii(head, (size_t)(fast - head), tail, (size_t)(e - tail)) < 0)
            goto parent_done;
    } else {
        if (label == NULL) /* a place too big for put_int (never in practice) */
            label = PyUnicode_FromStringAndSize(h, fast - h);
        line = label == NULL ? NULL
            : h && e ? joined_line(head, (size_t)(h - head), label, tail, (size_t)(e - tail))
                     : PyUnicode_FromFormat(
                         "I\t%lld\t%S\tcoroutine\t%S\t%S\t%S\n", tn, uid, parent_id, label, place);
        if (line == NULL || append_line(line) < 0)
            goto parent_done;
    }
    if (PyList_Append(stack, (PyObject *)u) < 0
        || (started == NULL && PyDict_SetItem(g_frame_units, (PyObject *)frame, (PyObject *)u) < 0))
        goto parent_done;
    assert(Py_REFCNT(u) == (started == NULL ? 3 : 2)); /* ours, the stack's, _frame_units' */
    if (started != NULL)
        *started = (Inline *)Py_NewRef(u);
    result = 1;
parent_done:
    Py_DECREF(parent);
done:
    Py_XDECREF(line);
    Py_XDECREF(place);
    Py_XDECREF(label);
    Py_XDECREF(layout);
    Py_XDECREF(parent_id);
    Py_XDECREF(cev);
    Py_XDECREF((PyObject *)u);
    Py_XDECREF(uid);
    Py_XDECREF(t);
    Py_XDECREF(top_frame);
    Py_XDECREF((PyObject *)back);
    Py_XDECREF(stack);
    return result;
}

/* A call or return of a frame that is not a coroutine's: the program's async generators are
 * the Python side's (as is classifying one at its first call), anything else is nothing. */
static int generator_event(PyFrameObject *frame, PyCodeObject *code, int what, PyObject *arg)
{
    if (!(code->co_flags & CO_ASYNC_GENERATOR))
        return 0;
    int found;
    const int own = truthy_in(g_gen_info, (PyObject *)code, &found);
    if (own < 0)
        return -1;
    return own || (!found && what == PyTrace_CALL) ? python_profile(frame, what, arg) : 0;
}

static int on_call(PyFrameObject *frame)
{
    PyCodeObject *code = PyFrame_GetCode(frame);
    int result = 0;
    if (!(code->co_flags & CO_COROUTINE)) {
        result = generator_event(frame, code, PyTrace_CALL, NULL);
        goto done;
    }
    const int known = PyDict_Contains(g_frame_units, (PyObject *)frame);
    if (known)
        goto done; /* a task's root or an inline unit resuming; -1: the error goes on */
    CodeEntry *entry = code_entry((PyObject *)code);
    if (entry == NULL) { /* not classified yet: the Python side does it */
        result = PyErr_Occurred() ? -1 : python_profile(frame, PyTrace_CALL, NULL);
        goto done;
    }
    const int own = PyObject_IsTrue(entry->info);
    if (own <= 0) {
        result = own;
        goto done;
    }
    PyObject *cur = t_step_unit != NULL ? Py_NewRef(t_step_unit) : PyObject_GetAttr(g_here, s_cur);
    if (cur == NULL) {
        result = -1;
        goto done;
    }
    if (cur != Py_None) {
        const int started = inline_started(frame, NULL, (PyObject *)code, entry, cur, NULL);
        result = started < 0 ? -1 : started ? 0 : python_profile(frame, PyTrace_CALL, NULL);
    }
    Py_DECREF(cur);
done:
    Py_DECREF(code);
    return result;
}

static int set_contains_long(PyObject *set, long value)
{
    if (!PyFrozenSet_CheckExact(set) && !PySet_CheckExact(set))
        return -2;
    PyObject *key = PyLong_FromLong(value);
    if (key == NULL)
        return -1;
    const int in = PySet_Contains(set, key);
    Py_DECREF(key);
    return in;
}

/* _inline_ended(u, True) when u is its task's innermost unit: 1 done, 0 not that case. filed:
 * whether u is in _frame_units. */
static int inline_returned(Inline *u, int filed)
{
    PyObject *tu = u->owner;
    PyObject *stack = unit_get(tu, U_STACK);
    if (stack == NULL)
        return -1;
    int result = 0;
    Py_ssize_t depth;
    if (!PyList_CheckExact(stack) || (depth = PyList_GET_SIZE(stack)) == 0
        || PyList_GET_ITEM(stack, depth - 1) != (PyObject *)u) {
        Py_DECREF(stack);
        return 0;
    }
    Py_INCREF(u);
    assert(Py_REFCNT(u) >= 2 + filed); /* ours, the stack's and _frame_units' */
    PyObject *parent_id = NULL, *line = NULL;
    result = -1;
    /* stack.pop(): the list's own allocation is kept for the next unit */
    Py_SET_SIZE(stack, depth - 1);
    Py_DECREF(u);
    if (filed && dict_discard(g_frame_units, u->frame) < 0)
        goto done;
    Py_XSETREF(u->frame, Py_NewRef(Py_None));
    u->iframe = NULL;
    long long tn;
    if (now_ns(&tn) < 0)
        goto done;
    parent_id = unit_id(depth > 1 ? PyList_GET_ITEM(stack, depth - 2) : tu);
    if (parent_id == NULL)
        goto done;
    char text[96], *p = put_text(put_ll(put_text(text, "J\t"), tn), "\t");
    if ((p = put_int(p, u->id)))
        p = put_text(p, "\t");
    if (p && (p = put_int(p, parent_id)))
        p = put_text(p, "\n");
    if (p != NULL) {
        if (append_ascii(text, (size_t)(p - text), "", 0) < 0)
            goto done;
    } else if ((line = PyUnicode_FromFormat("J\t%lld\t%S\t%S\n", tn, u->id, parent_id)) == NULL
        || append_line(line) < 0) {
        goto done;
    }
    result = 1;
done:
    Py_XDECREF(line);
    Py_XDECREF(parent_id);
    Py_DECREF(u);
    Py_DECREF(stack);
    return result;
}

static int on_return(PyFrameObject *frame, PyObject *arg)
{
    PyCodeObject *code = PyFrame_GetCode(frame);
    int result = 0;
    if (!(code->co_flags & CO_COROUTINE)) {
        result = generator_event(frame, code, PyTrace_RETURN, arg);
        goto done;
    }
    PyObject *u = PyDict_GetItemWithError(g_frame_units, (PyObject *)frame);
    if (u == NULL) {
        result = PyErr_Occurred() ? -1 : 0;
        goto done;
    }
    if (!Py_IS_TYPE(u, &InlineType)) {
        /* A task's root frame leaving a step: nothing to do. */
        PyObject *task = PyObject_GetAttr(u, s_task);
        if (task == NULL)
            result = -1;
        else if (task == Py_None)
            result = python_profile(frame, PyTrace_RETURN, arg);
        Py_XDECREF(task);
        goto done;
    }
    CodeEntry *entry = code_entry((PyObject *)code);
    PyObject *info = entry == NULL ? NULL : entry->info;
    if (info == NULL || !PyTuple_CheckExact(info) || PyTuple_GET_SIZE(info) != 2) {
        result = PyErr_Occurred() ? -1 : python_profile(frame, PyTrace_RETURN, arg);
        goto done;
    }
    const int lasti = PyFrame_GetLasti(frame);
    const int yielded = set_contains_long(PyTuple_GET_ITEM(info, 0), lasti);
    if (yielded != 0) {
        result = yielded == -1 ? -1 : yielded == 1 ? 0 : python_profile(frame, PyTrace_RETURN, arg);
        goto done;
    }
    const int returned = set_contains_long(PyTuple_GET_ITEM(info, 1), lasti);
    if (returned != 1) {
        result = returned == -1 ? -1 : python_profile(frame, PyTrace_RETURN, arg);
        goto done;
    }
    Py_INCREF(u);
    const int ended = inline_returned((Inline *)u, 1);
    Py_DECREF(u);
    result = ended < 0 ? -1 : ended ? 0 : python_profile(frame, PyTrace_RETURN, arg);
done:
    Py_DECREF(code);
    return result;
}

static int profile_hook(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    (void)obj;
    assert(PyGILState_Check());
    assert(g_globals != NULL && obj == g_profile);
    int result = 0;
    if (what == PyTrace_CALL)
        result = on_call(frame);
    else if (what == PyTrace_RETURN)
        result = on_return(frame, arg);
    if (result < 0) {
        /* As sys.setprofile's own trampoline: the hook goes, the error goes to the program. */
        PyEval_SetProfile(NULL, NULL);
        return -1;
    }
    return 0;
}

/* --- the frame-evaluation hook (PEP 523) --------------------------------------------------- */
/* A profile function makes 3.11's eval loop leave its fast paths for every frame; an eval hook
 * costs a call per frame. It sees what the profile hook sees of the program's coroutines and
 * async generators: 3.11 evaluates a generator's frame in an evaluation of its own on every send
 * and throw (the profile's 'call' fires at its start), and the generator's gi_frame_state after
 * it tells a yield from an end (the profile's 'return'). A frame owned by the thread that makes
 * a coroutine (RETURN_GENERATOR) fires no profile event: it is not looked at. The interpreter
 * evaluates frames with it only while a traced step runs on some thread (without it 3.11 runs a
 * Python call inside its caller's evaluation, on no C stack of its own: a program that recurses
 * deeply outside steps stays as it is), and only in place of the default evaluation: someone
 * else's (a debugger's) is never replaced, and then the profile hook is used. It does work only
 * on a thread whose t_eval_on says a traced step runs there. */

/* initial-exec: read in place, not through __tls_get_addr (a module's few bytes of TLS) */
static _Thread_local int t_eval_on __attribute__((tls_model("initial-exec")));
static int g_eval_steps; /* threads whose t_eval_on is set (under the GIL) */
/* Half way down this thread's C stack (0: not known yet, 1: not knowable): a Python call made
 * below it runs without the eval hook (3.11 then runs the calls it makes inside its
 * evaluation, on no more C stack), so that a program that recurses deeply in a step does not
 * run out of the C stack it does not use untraced; coroutines started that deep are not seen. */
static _Thread_local uintptr_t t_stack_half __attribute__((tls_model("initial-exec")));
static int g_eval_enabled; /* use_eval_hook() found the default evaluation */
static int g_eval_broken; /* an error of ours in the hook: it does nothing any more */
static int g_debug; /* LOOPSCOPE_DEBUG=1: such an error is written out */
static getter g_coro_frame, g_agen_frame; /* the cr_frame and ag_frame getters */

static PyObject *eval_frame(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag);

/* Whether the hook sees this thread's frames now, as the profile hook would: while a traced
 * step runs, outside any trace or profile function, and while the program has set no profile
 * function of its own (that one would have replaced the profile hook). */
static inline int eval_gate(PyThreadState *ts)
{
    return t_eval_on && !ts->tracing && ts->c_profilefunc == NULL;
}

static int eval_usable(void)
{
    if (!g_eval_enabled || g_eval_broken)
        return 0;
    _PyFrameEvalFunction f = _PyInterpreterState_GetEvalFrameFunc(PyThreadState_Get()->interp);
    return f == eval_frame || f == _PyEval_EvalFrameDefault;
}

/* The eval hook on for a traced step on this thread (not on already): 0 if it cannot be. */
static int eval_on(void)
{
    if (!eval_usable())
        return 0;
    PyInterpreterState *interp = PyThreadState_Get()->interp;
    if (_PyInterpreterState_GetEvalFrameFunc(interp) == _PyEval_EvalFrameDefault)
        _PyInterpreterState_SetEvalFrameFunc(interp, eval_frame);
    ++g_eval_steps;
    t_eval_on = 1;
    if (t_stack_half == 0) {
        pthread_attr_t attr;
        void *low;
        size_t size;
        t_stack_half = 1;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &low, &size) == 0)
                t_stack_half = (uintptr_t)low + size / 2;
            pthread_attr_destroy(&attr);
        }
    }
    return 1;
}

static void eval_off(void)
{
    if (!t_eval_on)
        return;
    t_eval_on = 0;
    PyInterpreterState *interp = PyThreadState_Get()->interp;
    if (--g_eval_steps == 0 && _PyInterpreterState_GetEvalFrameFunc(interp) == eval_frame)
        _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
}

static PyGenObject *gen_of(struct _PyInterpreterFrame *f)
{
    return (PyGenObject *)((char *)f - offsetof(PyGenObject, gi_iframe));
}

/* The frame object of a generator's frame (borrowed: the frame holds it), made if need be. */
static PyFrameObject *gen_frame(struct _PyInterpreterFrame *f)
{
    if (f->frame_obj != NULL)
        return f->frame_obj;
    PyObject *gen = (PyObject *)gen_of(f);
    getter get = PyCoro_CheckExact(gen) ? g_coro_frame
        : PyAsyncGen_CheckExact(gen)    ? g_agen_frame
                                        : NULL;
    PyObject *frame = get == NULL ? NULL : get(gen, NULL);
    if (frame == NULL || !PyFrame_Check(frame)) {
        if (frame != NULL || !PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError, "loopscope tracer: no frame object");
        Py_XDECREF(frame);
        return NULL;
    }
    Py_DECREF(frame);
    return f->frame_obj;
}

/* Whether the hook looks at frames of this code: the program's coroutines and async generators,
 * and those not classified yet (the Python side classifies them at their 'call'). */
static int eval_watched(PyCodeObject *code)
{
    if (code->co_flags & CO_COROUTINE) {
        CodeEntry *entry = code_entry((PyObject *)code);
        if (entry == NULL)
            return PyErr_Occurred() ? -1 : 1;
        return entry->info == Py_False ? 0 : PyObject_IsTrue(entry->info);
    }
    int found;
    const int own = truthy_in(g_gen_info, (PyObject *)code, &found);
    return own < 0 ? -1 : own || !found;
}

/* Our error inside the hook: the program goes on untraced by it (as a profile function that
 * raised is removed), the error written out only when debugging. */
static void eval_failed(void)
{
    g_eval_broken = 1;
    if (g_debug)
        PyErr_WriteUnraisable(NULL);
    PyErr_Clear();
}

/* A coroutine of the program's seen for the first time, on this thread's traced step: its
 * unit started (a new reference, not filed in _frame_units), or NULL with *done 0 when it is
 * not the common case (on_call's, by the profile's rules). A frame that has no frame object yet
 * is in no dict: it is neither a task's root nor a unit's. */
static Inline *eval_started(struct _PyInterpreterFrame *f, int *done)
{
    *done = 0;
    PyCodeObject *code = f->f_code;
    if (!(code->co_flags & CO_COROUTINE) || f->frame_obj != NULL || t_step_unit == NULL)
        return NULL;
    CodeEntry *entry = code_entry((PyObject *)code);
    if (entry == NULL || !PyTuple_CheckExact(entry->info))
        return NULL; /* not classified yet, an error, or not the program's */
    Inline *u = NULL;
    *done = inline_started(NULL, f, (PyObject *)code, entry, t_step_unit, &u);
    return u;
}

/* The end of the evaluation of u's frame, started in it: the profile's 'return' (result NULL:
 * raised), or a yield; u is filed in _frame_units where the frame outlives it. */
static int eval_ended(Inline *u, struct _PyInterpreterFrame *f, PyObject *result)
{
    const int suspended = gen_of(f)->gi_frame_state == FRAME_SUSPENDED;
    PyThreadState *ts = PyThreadState_Get();
    const int seen = t_eval_on && ts->c_profilefunc == NULL;
    if (!suspended && result != NULL && seen) {
        /* returned at a RETURN_VALUE: on_return's case for a unit in _frame_units */
        const int ended = inline_returned(u, 0);
        if (ended < 0)
            u->iframe = NULL; /* its frame goes: the unit has none (u.frame is None) */
        if (ended != 0)
            return ended;
    }
    /* The unit outlives its frame's evaluation: its frame object made now (its interpreter
     * frame is not to be read once this evaluation is over). */
    PyObject *frame = inline_frame(u);
    if (frame == NULL) {
        u->iframe = NULL;
        return -1;
    }
    int r = 0;
    if (frame != Py_None) { /* None: the Python side ended it */
        /* Filed as the profile hook files it, unless the Python side ended it already (then
         * the profile's 'return' would not find it, nor do anything with it). */
        if (!suspended && seen && u->owner != NULL) {
            PyObject *stack = unit_get(u->owner, U_STACK);
            r = stack == NULL ? -1 : PySequence_Contains(stack, (PyObject *)u);
            Py_XDECREF(stack);
            if (r <= 0)
                goto done;
        }
        r = PyDict_SetItem(g_frame_units, frame, (PyObject *)u);
        if (r == 0 && !suspended && seen)
            r = on_return((PyFrameObject *)frame, result);
    }
done:
    Py_DECREF(frame);
    return r;
}

static PyObject *eval_traced(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag)
{
    if (g_eval_broken)
        return _PyEval_EvalFrameDefault(ts, f, throwflag);
    /* A throw (aclose(), a cancellation) comes with its exception set: kept aside for us. */
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    const int thrown = ts->curexc_type != NULL;
    if (thrown)
        PyErr_Fetch(&type, &value, &tb);
    PyThreadState_EnterTracing(ts); /* what our callbacks run is no one's event, as in a hook */
    int done;
    Inline *started = eval_started(f, &done);
    PyFrameObject *frame = NULL;
    if (done == 0) {
        const int watched = eval_watched(f->f_code);
        frame = watched > 0 ? gen_frame(f) : NULL;
        done = watched < 0 || (watched && (frame == NULL || on_call(frame) < 0)) ? -1 : 0;
    }
    if (done < 0) {
        eval_failed();
        frame = NULL;
        Py_CLEAR(started);
    }
    Py_XINCREF(frame);
    PyThreadState_LeaveTracing(ts);
    if (thrown)
        PyErr_Restore(type, value, tb);
    PyObject *result = _PyEval_EvalFrameDefault(ts, f, throwflag);
    if (started == NULL && frame == NULL)
        return result;
    /* A coroutine's yield is nothing (an async generator's is the Python side's). */
    const int raised = result == NULL;
    if (started != NULL
        || (t_eval_on && ts->c_profilefunc == NULL && !g_eval_broken
            && !(gen_of(f)->gi_frame_state == FRAME_SUSPENDED
                && (f->f_code->co_flags & CO_COROUTINE)))) {
        if (raised)
            PyErr_Fetch(&type, &value, &tb);
        PyThreadState_EnterTracing(ts);
        if ((started != NULL ? eval_ended(started, f, result) : on_return(frame, result)) < 0)
            eval_failed();
        PyThreadState_LeaveTracing(ts);
        if (raised)
            PyErr_Restore(type, value, tb);
    }
    Py_XDECREF(started);
    Py_XDECREF(frame);
    return result;
}

/* A frame evaluated half way down the C stack: without the eval hook until it returns. */
static PyObject *eval_deep(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag)
{
    PyInterpreterState *interp = ts->interp;
    if (_PyInterpreterState_GetEvalFrameFunc(interp) != eval_frame)
        return _PyEval_EvalFrameDefault(ts, f, throwflag);
    _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
    PyObject *result = _PyEval_EvalFrameDefault(ts, f, throwflag);
    if (g_eval_steps > 0
        && _PyInterpreterState_GetEvalFrameFunc(interp) == _PyEval_EvalFrameDefault)
        _PyInterpreterState_SetEvalFrameFunc(interp, eval_frame);
    return result;
}

static PyObject *eval_frame(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag)
{
    if (f->owner == FRAME_OWNED_BY_GENERATOR
        && (f->f_code->co_flags & (CO_COROUTINE | CO_ASYNC_GENERATOR)) && eval_gate(ts))
        return eval_traced(ts, f, throwflag);
    if (t_eval_on && (uintptr_t)__builtin_frame_address(0) < t_stack_half)
        return eval_deep(ts, f, throwflag);
    return _PyEval_EvalFrameDefault(ts, f, throwflag);
}

/* Someone else's eval function (tests only): the default evaluation. */
static PyObject *foreign_eval(PyThreadState *ts, struct _PyInterpreterFrame *f, int throwflag)
{
    return _PyEval_EvalFrameDefault(ts, f, throwflag);
}

static getter getset_getter(PyTypeObject *type, const char *name)
{
    for (PyGetSetDef *g = type->tp_getset; g != NULL && g->name != NULL; ++g) {
        if (strcmp(g->name, name) == 0)
            return g->get;
    }
    return NULL;
}

/* use_eval_hook(): steps are hooked by the eval hook if the interpreter evaluates frames its
 * default way now; whether it does. */
static PyObject *ctracer_use_eval_hook(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    PyInterpreterState *interp = PyThreadState_Get()->interp;
    g_coro_frame = getset_getter(&PyCoro_Type, "cr_frame");
    g_agen_frame = getset_getter(&PyAsyncGen_Type, "ag_frame");
    g_eval_enabled = g_coro_frame != NULL && g_agen_frame != NULL
        && _PyInterpreterState_GetEvalFrameFunc(interp) == _PyEval_EvalFrameDefault;
    return PyBool_FromLong(g_eval_enabled);
}

/* --- task steps: _handle_run --------------------------------------------------------------- */

static PyObject *g_tunits;

static PyObject *s_callback, *s_self, *s_context, *s_args, *s_run, *s_done, *s_get_name,
    *s_cancelling, *s_fut_waiter, *s_children, *s_step_profile, *s_timer_handle, *s_orig_handle_run,
    *s_handle_run, *s_finish_task, *s_resolve_pending, *s_awaiting_frame, *s_link, *s_check_rename,
    *s_origin, *s_orig_call_soon, *s_cancel_wakeup, *s_py_track_task, *s_internal_files,
    *s_internals, *s_loop_count, *s_base_event_loop, *s_loopscope_main, *s_main_unit, *s_inline,
    *s_coro_label, *s_classify, *s_C, *s_task_kind, *s_get_running_loop,
    *s_cancelled, *s_exception, *s_py_task_factory, *s_user_factory, *s_Task,
    *s_source_traceback, *s_task_kwnames, *s_loopscope_initial, *s_loopscope_counter, *s_value,
    *s_py_sample_semaphore;

static PyObject *call_global2(PyObject *name, PyObject *a, PyObject *b)
{
    return call_global(name, (PyObject *[]) { a, b }, 2);
}

static int call_done(PyObject *r)
{
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

/* Whether the method `name` of obj returns a true value: 1, 0, or -1 (error). */
static int method_true(PyObject *obj, PyObject *name)
{
    PyObject *r = PyObject_VectorcallMethod(name, &obj, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    if (r == NULL)
        return -1;
    const int truth = PyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

/* The innermost unit of u's stack (stack_depth(stack) >= 0), else u. */
static PyObject *leaf_of(PyObject *u, PyObject *stack)
{
    const Py_ssize_t n = stack_depth(stack);
    return Py_NewRef(n > 0 ? PyList_GET_ITEM(stack, n - 1) : u);
}

/* An S line appended: "S\t{t}\t{id}\t{state}\t0", "\t{place}" if place is not NULL, "\n".
 * 0, or -1 (error). */
static int append_state(PyObject *t, PyObject *id, const char *state, PyObject *place)
{
    char text[160], *p = put_text(text, "S\t");
    if ((p = put_int(p, t)) != NULL)
        p = put_text(p, "\t");
    if (p != NULL && (p = put_int(p, id)) != NULL) {
        p = put_text(p, "\t");
        p = put_text(p, state);
        p = put_text(p, "\t0");
    }
    if (p != NULL && place != NULL) {
        p = put_text(p, "\t");
        p = put_int(p, place);
    }
    if (p != NULL) {
        p = put_text(p, "\n");
        return append_ascii(text, (size_t)(p - text), "", 0);
    }
    PyObject *line = place == NULL
        ? PyUnicode_FromFormat("S\t%S\t%S\t%s\t0\n", t, id, state)
        : PyUnicode_FromFormat("S\t%S\t%S\t%s\t0\t%S\n", t, id, state, place);
    const int r = line == NULL ? -1 : append_line(line);
    Py_XDECREF(line);
    return r;
}

/* The profile hook is on while a program's task step runs (the tracer's _STEP_PROFILE). */
static int step_profile_wanted(void)
{
    PyObject *flag = global(s_step_profile);
    return flag == NULL ? -1 : PyObject_IsTrue(flag);
}

/* The tracer's _finish_task(u, t) for a task that completed with nothing else to say (its C
 * written, no inline unit left, nothing pending, its name unchanged): its F line, and u leaves
 * _tunits and _frame_units. Any other end by the Python _finish_task. 0, or -1 (error). */
static int finish_task(PyObject *u, PyObject *task, PyObject *t)
{
    int result = -1, plain = 0;
    PyObject *cev = unit_get(u, U_CEV), *stack = NULL, *pending = NULL, *exc = NULL, *name = NULL,
             *uname = NULL, *id = NULL, *root = NULL;
    stack = cev == NULL ? NULL : unit_get(u, U_STACK);
    pending = stack == NULL ? NULL : unit_get(u, U_PENDING);
    if (pending == NULL)
        goto done;
    const int has_pending = PyObject_IsTrue(pending);
    if (has_pending < 0)
        goto done;
    if (cev == Py_None && stack_depth(stack) == 0 && !has_pending) {
        const int cancelled = method_true(task, s_cancelled);
        if (cancelled < 0)
            goto done;
        if (!cancelled) {
            exc = PyObject_GetAttr(task, s_exception);
            name = exc == NULL ? NULL
                               : PyObject_VectorcallMethod(
                                   s_get_name, &task, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
            uname = name == NULL ? NULL : unit_get(u, U_NAME);
            if (uname == NULL)
                goto done;
            plain = exc == Py_None && name == uname;
        }
    }
    if (!plain) {
        result = call_done(call_global2(s_finish_task, u, t));
        goto done;
    }
    id = unit_id(u);
    if (id == NULL)
        goto done;
    char text[96], *p = put_text(text, "F\t");
    if ((p = put_int(p, t)) != NULL)
        p = put_text(p, "\t");
    if (p != NULL && (p = put_int(p, id)) != NULL)
        p = put_text(p, "\tcompleted\t\n");
    if (p == NULL) {
        result = call_done(call_global2(s_finish_task, u, t));
        goto done;
    }
    if (append_ascii(text, (size_t)(p - text), "", 0) < 0)
        goto done;
    gc_track(u);
    root = dict_discard(g_tunits, task) < 0 ? NULL : unit_get(u, U_ROOT);
    if (root == NULL || (root != Py_None
            && (dict_discard(g_frame_units, root) < 0 || unit_set(u, U_ROOT, Py_None) < 0)))
        goto done;
    result = unit_set(u, U_AWAITING, Py_None);
done:
    Py_XDECREF(root);
    Py_XDECREF(id);
    Py_XDECREF(uname);
    Py_XDECREF(name);
    Py_XDECREF(exc);
    Py_XDECREF(pending);
    Py_XDECREF(stack);
    Py_XDECREF(cev);
    return result;
}

/* The part of _handle_run after the step (the task unit u of the task `task`). */
static int step_ended(PyObject *u, PyObject *task)
{
    int result = -1;
    PyObject *t = now(), *stack = NULL, *leaf = NULL, *frame = NULL, *place = NULL, *line = NULL,
             *fw = NULL, *awaiting = NULL, *name = NULL, *uname = NULL, *cause = NULL,
             *pending = NULL;
    if (t == NULL)
        goto done;
    const int finished = method_true(task, s_done);
    if (finished != 0) {
        if (finished > 0)
            result = finish_task(u, task, t);
        goto done;
    }
    pending = unit_get(u, U_PENDING);
    if (pending == NULL)
        goto done;
    const int has_pending = PyObject_IsTrue(pending);
    if (has_pending < 0 || (has_pending && call_done(call_global2(s_resolve_pending, u, t)) < 0))
        goto done;
    stack = unit_get(u, U_STACK);
    if (stack == NULL)
        goto done;
    if (stack_depth(stack) < 0) {
        PyErr_SetString(PyExc_TypeError, "loopscope tracer: a unit's stack is not a list");
        goto done;
    }
    leaf = leaf_of(u, stack);
    if (stack_depth(stack) > 0) {
        frame = unit_frame(leaf);
    } else {
        frame = unit_get(u, U_WFRAME);
        if (frame != NULL && !PyObject_IsTrue(frame)) {
            PyObject *coro = unit_get(u, U_CORO);
            Py_SETREF(frame, coro == NULL ? NULL : call_global1(s_awaiting_frame, coro));
            Py_XDECREF(coro);
        }
    }
    if (frame == NULL)
        goto done;
    place = frame == Py_None      ? PyLong_FromLong(0)
        : PyFrame_Check(frame)    ? place_of((PyFrameObject *)frame)
        : PyCoro_CheckExact(frame) ? coro_place(frame)
                                  : call_global1(s_place, frame);
    if (place == NULL)
        goto done;
    PyObject *queued = Py_IS_TYPE(leaf, &InlineType) ? Py_NewRef(((Inline *)leaf)->queued)
                                                     : unit_get(leaf, U_QUEUED);
    if (queued == NULL)
        goto done;
    const int is_queued = PyObject_IsTrue(queued);
    Py_DECREF(queued);
    if (is_queued < 0)
        goto done;
    PyObject *id = unit_id(leaf);
    if (id == NULL)
        goto done;
    const int appended = append_state(t, id, is_queued ? "queued" : "waiting", place);
    Py_DECREF(id);
    if (appended < 0)
        goto done;
    /* _link's common cases here: no future awaited, or a plain one (no task, no gather). */
    fw = PyObject_GetAttr(task, s_fut_waiter);
    awaiting = fw == NULL ? NULL : unit_get(u, U_AWAITING);
    if (awaiting == NULL)
        goto done;
    if (fw != awaiting) {
        int plain = fw == Py_None;
        if (!plain) {
            PyObject *unit = PyDict_GetItemWithError(g_tunits, fw);
            if (unit == NULL && PyErr_Occurred())
                goto done;
            PyObject *children = NULL;
            if (unit == NULL && _PyObject_LookupAttr(fw, s_children, &children) < 0)
                goto done;
            plain = unit == NULL && (children == NULL || children == Py_None);
            if (children != NULL && !plain && PyObject_IsTrue(children) == 0)
                plain = unit == NULL; /* an empty _children: nothing linked */
            Py_XDECREF(children);
        }
        if (plain ? unit_set(u, U_AWAITING, fw) < 0 : call_done(call_global2(s_link, u, t)) < 0)
            goto done;
    }
    name = PyObject_VectorcallMethod(s_get_name, &task, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    uname = name == NULL ? NULL : unit_get(u, U_NAME);
    if (uname == NULL)
        goto done;
    if (name != uname && call_done(call_global2(s_check_rename, u, t)) < 0)
        goto done;
    cause = unit_get(u, U_CAUSE);
    if (cause == NULL)
        goto done;
    if (cause != Py_None) {
        const int cancelling = method_true(task, s_cancelling);
        if (cancelling < 0 || (!cancelling && unit_set(u, U_CAUSE, Py_None) < 0))
            goto done;
    }
    result = 0;
done:
    Py_XDECREF(pending);
    Py_XDECREF(cause);
    Py_XDECREF(uname);
    Py_XDECREF(name);
    Py_XDECREF(awaiting);
    Py_XDECREF(fw);
    Py_XDECREF(line);
    Py_XDECREF(place);
    Py_XDECREF(frame);
    Py_XDECREF(leaf);
    Py_XDECREF(stack);
    Py_XDECREF(t);
    return result;
}

/* events.Handle._run under the tracer: a task's step between its running and waiting lines. The
 * common case here, the rest (timers, anything unexpected before the step runs) by the Python
 * _handle_run. */
static PyObject *handle_run(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *callback = PyObject_GetAttr(self, s_callback);
    if (callback == NULL)
        return NULL;
    PyObject *owner = NULL;
    if (_PyObject_LookupAttr(callback, s_self, &owner) < 0) {
        Py_DECREF(callback);
        return NULL;
    }
    assert(PyGILState_Check());
    PyObject *u = owner == NULL ? NULL : PyDict_GetItemWithError(g_tunits, owner);
    Py_XDECREF(owner);
    if (u == NULL) {
        Py_DECREF(callback);
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError))
                return NULL;
            PyErr_Clear(); /* an unhashable owner (call_soon(a_list.append, x)) is no task */
        }
        PyObject *timer = global(s_timer_handle);
        if (timer == NULL)
            return NULL;
        return call_global1(
            (PyObject *)Py_TYPE(self) == timer ? s_handle_run : s_orig_handle_run, self);
    }
    Py_INCREF(u);
    PyObject *result = NULL, *context = NULL, *args = NULL, *cev = NULL, *stack = NULL,
             *leaf = NULL, *ready = NULL, *t = NULL, *prev = NULL, *task = NULL, *id = NULL,
             *line = NULL;
    int hooked = 0, evaled = 0, ran = 0;
    cev = unit_get(u, U_CEV);
    stack = cev == NULL ? NULL : unit_get(u, U_STACK);
    ready = stack == NULL ? NULL : unit_get(u, U_READY);
    context = ready == NULL ? NULL : PyObject_GetAttr(self, s_context);
    args = context == NULL ? NULL : PyObject_GetAttr(self, s_args);
    if (args == NULL)
        goto done;
    if (stack_depth(stack) < 0 || !PyLong_CheckExact(ready) || !PyTuple_CheckExact(args)
        || PyTuple_GET_SIZE(args) > 6) {
        result = call_global1(s_handle_run, self);
        goto done;
    }
    t = now();
    if (t == NULL || (cev != Py_None && emit_created(u) < 0))
        goto done;
    leaf = leaf_of(u, stack);
    id = unit_id(leaf);
    if (id == NULL)
        goto done;
    int overflow = 0;
    const long long r = PyLong_AsLongLongAndOverflow(ready, &overflow);
    const long long tn = PyLong_AsLongLongAndOverflow(t, &overflow);
    if (overflow || PyErr_Occurred()) {
        PyErr_Clear();
        result = call_global1(s_handle_run, self);
        goto done;
    }
    PyObject *zero = PyLong_FromLong(0);
    if (zero == NULL || unit_set(u, U_READY, zero) < 0) {
        Py_XDECREF(zero);
        goto done;
    }
    Py_DECREF(zero);
    if ((r && tn - r > 1000000 && append_state(ready, id, "ready", NULL) < 0)
        || append_state(t, id, "running", NULL) < 0)
        goto done;
    prev = PyObject_GetAttr(g_here, s_cur);
    if (prev == NULL || PyObject_SetAttr(g_here, s_cur, u) < 0)
        goto done;
    const int wanted = step_profile_wanted();
    if (wanted < 0)
        goto restore;
    /* The eval hook if it is the interpreter's (then beside any profile function of the
     * program's), else the profile hook unless the program has a profile function. */
    const int theirs = PyThreadState_Get()->c_profileobj != NULL;
    evaled = wanted && !t_eval_on && !theirs && eval_on();
    hooked = wanted && !evaled && !t_eval_on && !theirs;
    if (hooked)
        PyEval_SetProfile(profile_hook, g_profile);
    PyObject *const outer_step = t_step_unit;
    t_step_unit = u;
    {
        /* Handle._run without its frame: self._context.run(self._callback, *self._args). */
        PyObject *call[8] = { context, callback };
        const Py_ssize_t n = PyTuple_GET_SIZE(args);
        for (Py_ssize_t i = 0; i < n; ++i)
            call[2 + i] = PyTuple_GET_ITEM(args, i);
        PyObject *r2 = PyObject_VectorcallMethod(s_run, call, (size_t)(2 + n), NULL);
        ran = r2 != NULL;
        Py_XDECREF(r2);
    }
    t_step_unit = outer_step;
restore:
    if (evaled)
        eval_off();
    /* not a profile function the program set meanwhile: that one stays */
    if (hooked && PyThreadState_Get()->c_profilefunc == profile_hook)
        PyEval_SetProfile(NULL, NULL);
    if (!ran) {
        /* SystemExit / KeyboardInterrupt out of a step (or our error): the task may have ended. */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        if (PyObject_SetAttr(g_here, s_cur, prev) == 0 && (task = unit_get(u, U_TASK)) != NULL) {
            const int finished = method_true(task, s_done);
            PyObject *when = finished > 0 ? now() : NULL;
            if (when != NULL) {
                call_done(call_global2(s_finish_task, u, when));
                Py_DECREF(when);
            }
        }
        PyErr_Clear();
        PyErr_Restore(type, value, tb);
        goto done;
    }
    if (PyObject_SetAttr(g_here, s_cur, prev) < 0)
        goto done;
    task = unit_get(u, U_TASK);
    if (task == NULL || step_ended(u, task) < 0)
        goto done;
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(line);
    Py_XDECREF(id);
    Py_XDECREF(task);
    Py_XDECREF(prev);
    Py_XDECREF(t);
    Py_XDECREF(leaf);
    Py_XDECREF(args);
    Py_XDECREF(context);
    Py_XDECREF(ready);
    Py_XDECREF(stack);
    Py_XDECREF(cev);
    Py_DECREF(u);
    Py_DECREF(callback);
    return result;
}

static PyMethodDef handle_run_def
    = { "_run", handle_run, METH_NOARGS, "Handle._run under Loopscope's tracer" };

static PyObject *ctracer_handle_run(PyObject *module, PyObject *type)
{
    (void)module;
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "handle_run() takes asyncio.events.Handle");
        return NULL;
    }
    return PyDescr_NewMethod((PyTypeObject *)type, &handle_run_def);
}

/* The tracer's _scheduled: a task's step or wake-up (callback, with args) was scheduled, so the
 * task is ready from now (or since its timer was due: _here.origin), and a wake-up during its
 * cancellation names who cancelled it (by the Python _cancel_wakeup). 0, or -1 (error). */
static int scheduled(PyObject *callback, PyObject *args)
{
    PyObject *owner = NULL;
    if (_PyObject_LookupAttr(callback, s_self, &owner) < 0)
        return -1;
    PyObject *u = owner == NULL ? NULL : PyDict_GetItemWithError(g_tunits, owner);
    Py_XDECREF(owner);
    if (u == NULL) {
        if (!PyErr_Occurred())
            return 0;
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear(); /* an unhashable owner is no task */
        return 0;
    }
    Py_INCREF(u);
    int result = -1;
    PyObject *cev = unit_get(u, U_CEV), *ready = NULL, *cause = NULL, *task = NULL;
    if (cev == NULL)
        goto done;
    if (cev != Py_None) {
        result = 0; /* not started yet: it is ready from its creation */
        goto done;
    }
    ready = PyObject_GetAttr(g_here, s_origin);
    if (ready == Py_None)
        Py_SETREF(ready, now());
    if (ready == NULL || unit_set(u, U_READY, ready) < 0)
        goto done;
    const int has_args = PyObject_IsTrue(args);
    if (has_args < 0 || (cause = has_args ? unit_get(u, U_CAUSE) : Py_NewRef(Py_None)) == NULL)
        goto done;
    if (has_args && cause == Py_None) {
        task = unit_get(u, U_TASK);
        const int cancelling = task == NULL ? -1 : method_true(task, s_cancelling);
        PyObject *first = cancelling > 0 ? PySequence_GetItem(args, 0) : NULL;
        if (cancelling < 0 || (cancelling > 0 && first == NULL))
            goto done;
        if (first != NULL) {
            const int called = call_done(call_global2(s_cancel_wakeup, u, first));
            Py_DECREF(first);
            if (called < 0)
                goto done;
        }
    }
    result = 0;
done:
    Py_XDECREF(task);
    Py_XDECREF(cause);
    Py_XDECREF(ready);
    Py_XDECREF(cev);
    Py_DECREF(u);
    return result;
}

static PyObject *ctracer_setprofile(PyObject *module, PyObject *func);
static PyObject *ctracer_getprofile(PyObject *module, PyObject *unused);

/* The tracer's hook off on this thread while asyncio's machinery and ours run inside a step (as
 * the Python side's `hooked = _STEP_PROFILE and _getprofile() is _profile`): whether it was on
 * (hook_resume() turns it on again), or -1 (error). */
static int hook_pause(void)
{
    const int wanted = step_profile_wanted();
    if (wanted <= 0)
        return wanted;
    PyObject *profile = ctracer_getprofile(NULL, NULL);
    const int hooked = profile == g_profile;
    Py_DECREF(profile);
    if (hooked && call_done(ctracer_setprofile(NULL, Py_None)) < 0)
        return -1;
    return hooked;
}

/* The hook on again if hook_pause() found it on; result passed on (its error kept), or NULL if
 * turning the hook on failed. */
static PyObject *hook_resume(int hooked, PyObject *result)
{
    if (!hooked)
        return result;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (call_done(ctracer_setprofile(NULL, g_profile)) < 0) {
        Py_XDECREF(result);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return NULL;
    }
    PyErr_Restore(type, value, tb);
    return result;
}

/* BaseEventLoop._call_soon(callback, args, context) under the tracer: the tracer's _call_soon
 * (the original, then _scheduled, with the tracer's hook off meanwhile) in C. */
static PyObject *call_soon(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "_call_soon() takes callback, args and context");
        return NULL;
    }
    /* A step schedules its task's next one from inside: the hook need not see that. */
    const int hooked = hook_pause();
    if (hooked < 0)
        return NULL;
    PyObject *call[4] = { self, args[0], args[1], args[2] };
    PyObject *handle = call_global(s_orig_call_soon, call, 4);
    if (handle != NULL && scheduled(args[0], args[1]) < 0)
        Py_CLEAR(handle);
    return hook_resume(hooked, handle);
}

static PyMethodDef call_soon_def = { "_call_soon", (PyCFunction)(void (*)(void))call_soon,
    METH_FASTCALL, "BaseEventLoop._call_soon under Loopscope's tracer" };

static PyObject *ctracer_call_soon(PyObject *module, PyObject *type)
{
    (void)module;
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "call_soon() takes asyncio.base_events.BaseEventLoop");
        return NULL;
    }
    return PyDescr_NewMethod((PyTypeObject *)type, &call_soon_def);
}

/* recycle(items): the full-size chunks among the flusher's written items that nothing else
 * holds are kept as spares (up to SPARE_MAX). */
static PyObject *ctracer_recycle(PyObject *module, PyObject *items)
{
    (void)module;
    if (!PyList_CheckExact(items)) {
        PyErr_SetString(PyExc_TypeError, "recycle() takes a list");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items) && g_nspare < SPARE_MAX; ++i) {
        PyObject *item = PyList_GET_ITEM(items, i);
        if (PyByteArray_CheckExact(item) && Py_REFCNT(item) == 1 && item != g_chunk
            && ((PyByteArrayObject *)item)->ob_exports == 0
            && ((PyByteArrayObject *)item)->ob_alloc > CHUNK_MAX)
            g_spare[g_nspare++] = Py_NewRef(item);
    }
    Py_RETURN_NONE;
}

/* untrack(unit): the garbage collector leaves a task unit alone while _tunits holds it (which
 * keeps it and all it holds alive anyway): a full collection's walk over every live object has
 * one object fewer per live task. track(unit) gives it back when it leaves _tunits, so that any
 * cycle through it is found as without us. */
static PyObject *ctracer_untrack(PyObject *module, PyObject *obj)
{
    (void)module;
    if (PyObject_IS_GC(obj))
        PyObject_GC_UnTrack(obj);
    Py_RETURN_NONE;
}

static PyObject *ctracer_track(PyObject *module, PyObject *obj)
{
    (void)module;
    gc_track(obj);
    Py_RETURN_NONE;
}

/* A new _Unit without its __init__: its slots copied from a unit _Unit(0) made once by install()
 * (when every one of them holds an immutable value: None, a bool, an int, a str or the empty
 * tuple), then its id and task set. Untracked by the garbage collector (see untrack()). */
static PyObject *g_unit_template;

static int unit_template_usable(PyObject *template)
{
    PyTypeObject *type = Py_TYPE(template);
    if (type->tp_members == NULL || type->tp_dictoffset != 0 || type->tp_weaklistoffset != 0)
        return 0;
    for (PyMemberDef *m = type->tp_members; m->name != NULL; ++m) {
        if (m->type != T_OBJECT_EX || (m->flags & READONLY))
            return 0;
        PyObject *v = *(PyObject **)((char *)template + m->offset);
        if (!(v == NULL || v == Py_None || PyBool_Check(v) || PyLong_CheckExact(v)
                || PyUnicode_CheckExact(v) || (PyTuple_CheckExact(v) && PyTuple_GET_SIZE(v) == 0)))
            return 0;
    }
    return 1;
}

static PyObject *new_unit(PyObject *id, PyObject *task)
{
    PyTypeObject *type = Py_TYPE(g_unit_template);
    PyObject *u = type->tp_alloc(type, 0);
    if (u == NULL)
        return NULL;
    PyObject_GC_UnTrack(u);
    for (PyMemberDef *m = type->tp_members; m->name != NULL; ++m) {
        PyObject *v = *(PyObject **)((char *)g_unit_template + m->offset);
        *(PyObject **)((char *)u + m->offset) = Py_XNewRef(v);
    }
    if (unit_set(u, U_ID, id) < 0 || unit_set(u, U_TASK, task) < 0) {
        Py_DECREF(u);
        return NULL;
    }
    return u;
}

/* The tracer's _track_task(loop, task, coro) in C for its common case: a coroutine of the
 * program's (or asyncio's API) made by a task's code on the only loop, a BaseEventLoop; every
 * other case by the Python _track_task (kept as _py_track_task). */
static PyObject *track_task(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "_track_task() takes loop, task and coro");
        return NULL;
    }
    PyObject *loop = args[0], *task = args[1], *coro = args[2];
    if (g_unit_template == NULL || !PyCoro_CheckExact(coro))
        return call_global(s_py_track_task, args, 3);
    PyObject *code = (PyObject *)((PyCoroObject *)coro)->cr_code;
    PyObject *files = global(s_internal_files);
    if (files == NULL)
        return NULL;
    const int internal = PySet_Contains(files, ((PyCodeObject *)code)->co_filename);
    if (internal < 0)
        return NULL;
    if (internal) {
        PyObject *internals = global(s_internals);
        const int shown = internals == NULL ? -1 : PyObject_IsTrue(internals);
        if (shown < 0)
            return NULL;
        if (!shown)
            Py_RETURN_NONE;
        return call_global(s_py_track_task, args, 3);
    }
    /* made by a task's code (no running loop: it may be main, asyncio.run's) on the only loop */
    PyObject *loops = global(s_loop_count), *base = global(s_base_event_loop);
    if (loops == NULL || base == NULL)
        return NULL;
    const int is_base = PyObject_IsInstance(loop, base);
    if (is_base < 0)
        return NULL;
    if (!is_base || !PyLong_CheckExact(loops) || PyLong_AsLong(loops) > 1)
        return PyErr_Occurred() ? NULL : call_global(s_py_track_task, args, 3);
    PyObject *running = call_global(s_get_running_loop, NULL, 0);
    if (running == NULL)
        return NULL;
    Py_DECREF(running);
    if (running == Py_None)
        return call_global(s_py_track_task, args, 3);
    PyObject *result = NULL, *t = NULL, *id = NULL, *u = NULL, *name = NULL, *cur = NULL,
             *parent = NULL, *label = NULL, *cev = NULL, *frame = NULL, *layout = NULL;
    t = now();
    id = t == NULL ? NULL : new_id();
    u = id == NULL ? NULL : new_unit(id, task);
    name = u == NULL ? NULL
                     : PyObject_VectorcallMethod(
                         s_get_name, &task, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    if (name == NULL || unit_set(u, U_NAME, name) < 0)
        goto done;
    cur = t_step_unit != NULL ? Py_NewRef(t_step_unit) : PyObject_GetAttr(g_here, s_cur);
    if (cur == NULL)
        goto done;
    if (cur != Py_None) {
        parent = unit_id(cur);
    } else {
        PyObject *main = NULL;
        if (_PyObject_LookupAttr(loop, s_loopscope_main, &main) < 0)
            goto done;
        if (main == NULL || main == Py_None) {
            Py_XDECREF(main);
            main = global(s_main_unit);
            Py_XINCREF(main);
        }
        parent = main == NULL ? NULL : main == Py_None ? PyLong_FromLong(0) : unit_id(main);
        Py_XDECREF(main);
    }
    if (parent == NULL)
        goto done;
    CodeEntry *entry = code_entry(code);
    if (entry == NULL) {
        if (PyErr_Occurred() || call_done(call_global1(s_classify, code)) < 0
            || (entry = code_entry(code)) == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "loopscope tracer: _classify filed nothing");
            goto done;
        }
    }
    layout = layout_of(code, entry);
    if (layout == NULL)
        goto done;
    char text[LABEL_ROOM + 8];
    /* read from the coroutine's own frame: no frame object is made (it would stay with it) */
    struct _PyInterpreterFrame *iframe
        = (struct _PyInterpreterFrame *)((PyCoroObject *)coro)->cr_iframe;
    char *end = put_frame_label(text, code, iframe, layout);
    if (end != NULL) {
        label = PyUnicode_FromStringAndSize(text, end - text);
    } else {
        label = label_of(code, NULL, iframe, entry);
        if (label == NULL && !PyErr_Occurred())
            label = call_global1(s_coro_label, coro);
    }
    if (label == NULL)
        goto done;
    cev = PyList_New(6);
    if (cev == NULL)
        goto done;
    PyObject *items[6] = { s_C, t, id, s_task_kind, parent, label };
    for (int i = 0; i < 6; ++i)
        PyList_SET_ITEM(cev, i, Py_NewRef(items[i]));
    if (unit_set(u, U_CEV, cev) < 0 || unit_set(u, U_CORO, coro) < 0)
        goto done;
    const int own = PyObject_IsTrue(entry->info);
    if (own < 0)
        goto done;
    PyObject *inline_flag = global(s_inline);
    const int inlined = inline_flag == NULL ? -1 : PyObject_IsTrue(inline_flag);
    if (inlined < 0)
        goto done;
    /* Without inline units a root of the program's is kept as its coroutine (_root_frame):
     * its frame object is made only if something reads it. */
    if (own && !inlined && unit_set(u, U_WFRAME, coro) < 0)
        goto done;
    if (inlined) {
        frame = PyObject_GetAttr(coro, s_cr_frame);
        if (frame == NULL || (own && unit_set(u, U_WFRAME, frame) < 0))
            goto done;
    }
    if (PyDict_SetItem(g_tunits, task, u) < 0)
        goto done;
    if (inlined && frame != Py_None
        && (unit_set(u, U_ROOT, frame) < 0 || PyDict_SetItem(g_frame_units, frame, u) < 0))
        goto done;
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(layout);
    Py_XDECREF(frame);
    Py_XDECREF(cev);
    Py_XDECREF(label);
    Py_XDECREF(parent);
    Py_XDECREF(cur);
    Py_XDECREF(name);
    Py_XDECREF(u);
    Py_XDECREF(id);
    Py_XDECREF(t);
    return result;
}

/* The tracer's _task_factory(loop, coro, context=None, name=None) in C when the program set no
 * factory of its own and names no task here (else the Python one, kept as _py_task_factory): a
 * Task made as asyncio makes it, with the tracer's hook off meanwhile, then tracked. */
static PyObject *task_factory(PyObject *module, PyObject *const *args, size_t nargsf,
    PyObject *kwnames)
{
    const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *context = nargs > 2 ? args[2] : Py_None, *name = nargs > 3 ? args[3] : Py_None;
    const Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    int usual = nargs >= 2 && nargs + nkw <= 4;
    for (Py_ssize_t i = 0; usual && i < nkw; ++i) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, i);
        if (PyUnicode_CompareWithASCIIString(key, "context") == 0 && nargs <= 2)
            context = args[nargs + i];
        else if (PyUnicode_CompareWithASCIIString(key, "name") == 0 && nargs <= 3)
            name = args[nargs + i];
        else
            usual = 0;
    }
    PyObject *user = NULL;
    if (usual && _PyObject_LookupAttr(args[0], s_user_factory, &user) < 0)
        return NULL;
    const int theirs = user != NULL && user != Py_None;
    Py_XDECREF(user);
    PyObject *task_type = usual && !theirs && name == Py_None ? global(s_Task) : NULL;
    if (task_type == NULL) {
        if (PyErr_Occurred())
            return NULL;
        PyObject *py = global(s_py_task_factory);
        return py == NULL ? NULL : PyObject_Vectorcall(py, args, nargsf, kwnames);
    }
    PyObject *loop = args[0], *coro = args[1];
    /* Inside a step the tracer's hook is on: none of this (asyncio's and ours) needs it. */
    const int hooked = hook_pause();
    if (hooked < 0)
        return NULL;
    PyObject *call[4] = { coro, loop, Py_None, context };
    PyObject *task = PyObject_Vectorcall(task_type, call, 1, s_task_kwnames);
    PyObject *tb = task == NULL ? NULL : PyObject_GetAttr(task, s_source_traceback);
    if (tb == NULL) {
        Py_CLEAR(task);
    } else {
        const int has_tb = PyObject_IsTrue(tb);
        if (has_tb < 0 || (has_tb && PySequence_DelItem(tb, -1) < 0))
            Py_CLEAR(task);
        Py_DECREF(tb);
    }
    if (task != NULL) {
        PyObject *track_args[3] = { loop, task, coro };
        PyObject *tracked = track_task(module, track_args, 3);
        if (tracked != NULL)
            Py_DECREF(tracked);
        else if (PyErr_ExceptionMatches(PyExc_Exception))
            PyErr_Clear(); /* as the Python side: tracking a task never fails its creation */
        else
            Py_CLEAR(task);
    }
    return hook_resume(hooked, task);
}

/* The tracer's _sample_semaphore(sem) in C once the semaphore's counter is named: its N line
 * (the permits in use) as ASCII; the first sample, and anything unexpected, by the Python one
 * (kept as _py_sample_semaphore). */
static PyObject *sample_semaphore(PyObject *module, PyObject *sem)
{
    (void)module;
    PyObject *initial = NULL, *name = NULL, *value = NULL, *result = NULL;
    if (_PyObject_LookupAttr(sem, s_loopscope_initial, &initial) < 0)
        return NULL;
    if (initial == NULL || initial == Py_None) {
        Py_XDECREF(initial);
        Py_RETURN_NONE;
    }
    if (_PyObject_LookupAttr(sem, s_loopscope_counter, &name) < 0)
        goto done;
    value = name == NULL ? NULL : PyObject_GetAttr(sem, s_value);
    if (value == NULL && PyErr_Occurred())
        goto done;
    long long ns = 0;
    const int plain = value != NULL && PyUnicode_CheckExact(name) && PyUnicode_IS_ASCII(name)
        && PyUnicode_GET_LENGTH(name) > 0 && PyUnicode_GET_LENGTH(name) < LABEL_ROOM
        && PyLong_CheckExact(initial) && PyLong_CheckExact(value);
    if (!plain) {
        result = call_global1(s_py_sample_semaphore, sem);
        goto done;
    }
    int overflow = 0;
    const long long used = PyLong_AsLongLongAndOverflow(initial, &overflow)
        - PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow || PyErr_Occurred()) {
        PyErr_Clear();
        result = call_global1(s_py_sample_semaphore, sem);
        goto done;
    }
    if (now_ns(&ns) < 0)
        goto done;
    char text[LABEL_ROOM + 64], *p = put_text(text, "N\t");
    p = put_text(put_ll(p, ns), "\t");
    memcpy(p, PyUnicode_1BYTE_DATA(name), (size_t)PyUnicode_GET_LENGTH(name));
    p += PyUnicode_GET_LENGTH(name);
    p = put_text(put_ll(put_text(p, "\t"), used), "\n");
    if (append_ascii(text, (size_t)(p - text), "", 0) == 0)
        result = Py_NewRef(Py_None);
done:
    Py_XDECREF(value);
    Py_XDECREF(name);
    Py_XDECREF(initial);
    return result;
}

/* --- the module ----------------------------------------------------------------------------- */

static PyObject *ctracer_install(PyObject *module, PyObject *globals)
{
    (void)module;
    if (!PyDict_Check(globals)) {
        PyErr_SetString(PyExc_TypeError, "install() takes the tracer's globals");
        return NULL;
    }
    struct
    {
        PyObject **slot;
        const char *name;
        int dict;
    } wanted[] = {
        { &g_frame_units, "_frame_units", 1 },
        { &g_code_info, "_code_info", 1 },
        { &g_gen_info, "_gen_info", 1 },
        { &g_layouts, "_layouts", 1 },
        { &g_places, "_places", 1 },
        { &g_here, "_here", 0 },
        { &g_profile, "_profile", 0 },
        { &g_tunits, "_tunits", 1 },
        { &g_buf, "_buf", 0 },
        { &g_real_ns, "_real_ns", 0 },
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; ++i) {
        PyObject *value = PyDict_GetItemString(globals, wanted[i].name);
        if (value == NULL || (wanted[i].dict && !PyDict_CheckExact(value))) {
            PyErr_Format(PyExc_RuntimeError, "loopscope tracer: unexpected %s", wanted[i].name);
            return NULL;
        }
        Py_XSETREF(*wanted[i].slot, Py_NewRef(value));
    }
    PyObject *unit = PyDict_GetItemString(globals, "_Unit");
    Py_CLEAR(g_unit_type);
    if (unit != NULL && PyType_Check(unit)) {
        PyTypeObject *type = (PyTypeObject *)unit;
        for (int i = 0; i < U_COUNT; ++i)
            g_slot_off[i] = slot_offset(type, g_slot_names[i]);
        g_unit_type = (PyTypeObject *)Py_NewRef(unit);
    }
    Py_CLEAR(g_unit_template);
    if (g_unit_type != NULL) {
        PyObject *zero = PyLong_FromLong(0);
        PyObject *template = zero == NULL ? NULL : PyObject_CallOneArg(unit, zero);
        Py_XDECREF(zero);
        if (template == NULL)
            return NULL;
        if (unit_template_usable(template))
            g_unit_template = template;
        else
            Py_DECREF(template);
    }
    PyObject *id_func = PyDict_GetItemString(globals, "_new_id");
    Py_CLEAR(g_id_func);
    Py_CLEAR(g_id_count);
    if (id_func != NULL && !PyCFunction_Check(id_func)) {
        PyObject *count = NULL;
        if (_PyObject_LookupAttr(id_func, s_self, &count) < 0)
            return NULL;
        /* itertools.count(n).__next__: the count's tp_iternext is what it calls */
        if (count != NULL && strcmp(Py_TYPE(count)->tp_name, "itertools.count") == 0
            && Py_TYPE(count)->tp_iternext != NULL) {
            g_id_func = Py_NewRef(id_func);
            g_id_count = Py_NewRef(count);
        }
        Py_XDECREF(count);
    }
    Py_XSETREF(g_globals, Py_NewRef(globals));
    memset(g_global_cache, 0, sizeof g_global_cache);
    clear_caches();
    if (warm_spares() < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* setprofile(_profile) turns the tracer's hook on for this thread: the eval hook if it is the
 * interpreter's, else the profile hook; setprofile(None) turns it off (the eval hook's alone if
 * that one was on: a profile function of the program's stays). */
static PyObject *ctracer_setprofile(PyObject *module, PyObject *func)
{
    (void)module;
    if (func == Py_None) {
        if (t_eval_on)
            eval_off();
        else
            PyEval_SetProfile(NULL, NULL);
        Py_RETURN_NONE;
    }
    if (g_profile != NULL && func == g_profile) {
        if (!t_eval_on && !eval_on())
            PyEval_SetProfile(profile_hook, func);
        Py_RETURN_NONE;
    }
    return PyObject_CallOneArg(g_sys_setprofile, func); /* anyone else's: as sys.setprofile */
}

/* getprofile(): _profile while the tracer's hook is on on this thread, else sys.getprofile(). */
static PyObject *ctracer_getprofile(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    if (t_eval_on && g_profile != NULL)
        return Py_NewRef(g_profile);
    PyObject *profile = PyThreadState_Get()->c_profileobj;
    return Py_NewRef(profile != NULL ? profile : Py_None);
}

static PyMethodDef ctracer_methods[] = {
    { "install", ctracer_install, METH_O, "install(globals): the tracer's state" },
    { "setprofile", ctracer_setprofile, METH_O,
        "setprofile(func): the C hook for the tracer's _profile, else sys.setprofile(func)" },
    { "getprofile", ctracer_getprofile, METH_NOARGS,
        "getprofile(): _profile while the tracer's hook is on here, else as sys.getprofile()" },
    { "use_eval_hook", ctracer_use_eval_hook, METH_NOARGS,
        "use_eval_hook(): the PEP 523 hook instead of the profile hook, if the interpreter "
        "evaluates frames its default way; whether it does" },
    { "handle_run", ctracer_handle_run, METH_O,
        "handle_run(Handle): a method for Handle._run that runs a task's step (the tracer's "
        "_handle_run in C)" },
    { "call_soon", ctracer_call_soon, METH_O,
        "call_soon(BaseEventLoop): a method for BaseEventLoop._call_soon (the tracer's "
        "_call_soon and _scheduled in C)" },
    { "task_factory", (PyCFunction)(void (*)(void))task_factory, METH_FASTCALL | METH_KEYWORDS,
        "task_factory(loop, coro, context=None, name=None): the tracer's _task_factory, its "
        "common case in C" },
    { "sample_semaphore", sample_semaphore, METH_O,
        "sample_semaphore(sem): the tracer's _sample_semaphore, its common case in C" },
    { "track_task", (PyCFunction)(void (*)(void))track_task, METH_FASTCALL,
        "track_task(loop, task, coro): the tracer's _track_task, its common case in C" },
    { "recycle", ctracer_recycle, METH_O,
        "recycle(items): full-size chunks of lines written out, kept for the next ones" },
    { "untrack", ctracer_untrack, METH_O,
        "untrack(unit): the garbage collector leaves it alone (while _tunits holds it)" },
    { "track", ctracer_track, METH_O, "track(unit): the garbage collector sees it again" },
    { NULL, NULL, 0, NULL },
};

static int ctracer_exec(PyObject *module)
{
    struct
    {
        PyObject **slot;
        const char *text;
    } strings[] = {
        { &s_cur, "cur" },
        { &s_stack, "stack" },
        { &s_cev, "cev" },
        { &s_id, "id" },
        { &s_frame, "frame" },
        { &s_task, "task" },
        { &s_f_locals, "f_locals" },
        { &s_ev, "_ev" },
        { &s_now, "_now" },
        { &s_new_id, "_new_id" },
        { &s_emit_created, "_emit_created" },
        { &s_own_caller, "_own_caller" },
        { &s_place, "_place" },
        { &s_layout, "_layout" },
        { &s_frame_label, "_frame_label" },
        { &s_short_repr, "_short_repr" },
        { &s_esc, "_esc" },
        { &s_inline_ended, "_inline_ended" },
        { &s_call, "call" },
        { &s_return, "return" },
        { &s_comma, ", " },
        { &s_dots, "..." },
        { &s_open, "(" },
        { &s_close, ")" },
        { &s_callback, "_callback" },
        { &s_self, "__self__" },
        { &s_context, "_context" },
        { &s_args, "_args" },
        { &s_run, "run" },
        { &s_done, "done" },
        { &s_get_name, "get_name" },
        { &s_cancelling, "cancelling" },
        { &s_fut_waiter, "_fut_waiter" },
        { &s_children, "_children" },
        { &s_step_profile, "_STEP_PROFILE" },
        { &s_timer_handle, "_TimerHandle" },
        { &s_orig_handle_run, "_orig_handle_run" },
        { &s_handle_run, "_handle_run" },
        { &s_finish_task, "_finish_task" },
        { &s_resolve_pending, "_resolve_pending" },
        { &s_awaiting_frame, "_awaiting_frame" },
        { &s_link, "_link" },
        { &s_check_rename, "_check_rename" },
        { &s_origin, "origin" },
        { &s_orig_call_soon, "_orig_call_soon" },
        { &s_cancel_wakeup, "_cancel_wakeup" },
        { &s_py_track_task, "_py_track_task" },
        { &s_internal_files, "_INTERNAL_FILES" },
        { &s_internals, "_INTERNALS" },
        { &s_loop_count, "_loop_count" },
        { &s_base_event_loop, "_BaseEventLoop" },
        { &s_loopscope_main, "_loopscope_main" },
        { &s_main_unit, "_main_unit" },
        { &s_inline, "_INLINE" },
        { &s_coro_label, "_coro_label" },
        { &s_classify, "_classify" },
        { &s_cr_frame, "cr_frame" },
        { &s_C, "C" },
        { &s_task_kind, "task" },
        { &s_get_running_loop, "_get_running_loop" },
        { &s_cancelled, "cancelled" },
        { &s_exception, "_exception" },
        { &s_py_task_factory, "_py_task_factory" },
        { &s_user_factory, "_loopscope_user_factory" },
        { &s_Task, "_Task" },
        { &s_source_traceback, "_source_traceback" },
        { &s_loopscope_initial, "_loopscope_initial" },
        { &s_loopscope_counter, "_loopscope_counter" },
        { &s_value, "_value" },
        { &s_py_sample_semaphore, "_py_sample_semaphore" },
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; ++i) {
        if (*strings[i].slot == NULL) {
            *strings[i].slot = PyUnicode_InternFromString(strings[i].text);
            if (*strings[i].slot == NULL)
                return -1;
        }
    }
    if (s_task_kwnames == NULL) {
        s_task_kwnames = Py_BuildValue("(sss)", "loop", "name", "context");
        if (s_task_kwnames == NULL)
            return -1;
    }
    for (int i = 0; i < U_COUNT; ++i) {
        if (g_slot_strs[i] == NULL
            && (g_slot_strs[i] = PyUnicode_InternFromString(g_slot_names[i])) == NULL)
            return -1;
    }
    if (g_sys_setprofile == NULL) {
        g_sys_setprofile = PySys_GetObject("setprofile");
        if (g_sys_setprofile == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "no sys.setprofile");
            return -1;
        }
        Py_INCREF(g_sys_setprofile);
    }
    const char *fault = getenv("LOOPSCOPE_CTRACER_LABEL_FAULT");
    g_label_fault = fault != NULL && fault[0] == '1';
    /* Tests only (LOOPSCOPE_CTRACER_FOREIGN_EVAL=1): an eval function of someone else's is the
     * interpreter's, as a debugger's would be: the tracer must keep to the profile hook. */
    const char *foreign = getenv("LOOPSCOPE_CTRACER_FOREIGN_EVAL");
    if (foreign != NULL && foreign[0] == '1')
        _PyInterpreterState_SetEvalFrameFunc(PyThreadState_Get()->interp, foreign_eval);
    const char *debug = getenv("LOOPSCOPE_DEBUG");
    g_debug = debug != NULL && debug[0] == '1';
    if (PyType_Ready(&InlineType) < 0)
        return -1;
    if (PyModule_AddObjectRef(module, "Inline", (PyObject *)&InlineType) < 0)
        return -1;
    /* The interpreter it was built for: the tracer uses it only on the same minor version. */
    return PyModule_AddIntConstant(module, "PY_VERSION_HEX", PY_VERSION_HEX);
}

static PyModuleDef_Slot ctracer_slots[] = {
    { Py_mod_exec, ctracer_exec },
    { 0, NULL },
};

static struct PyModuleDef ctracer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_loopscope_ctracer",
    .m_doc = "The hot paths of Loopscope's tracer for CPython 3.11 (private).",
    .m_size = 0,
    .m_methods = ctracer_methods,
    .m_slots = ctracer_slots,
};

PyMODINIT_FUNC PyInit__loopscope_ctracer(void)
{
    return PyModuleDef_Init(&ctracer_module);
}
