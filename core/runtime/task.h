#pragma once

#include "blockpool.h"
#include "canceldelivery.h"
#include "errors.h"
#include "eventloop.h"
#include "taskcore.h"

#include <QString>

#include <concepts>
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace Loopscope {

template<typename T = void>
class Co;
template<typename T = void>
class Task;

//! The protocol of the runtime's own awaitables (sleep, semaphore, task join, executor, ...).
//! ready(): done without suspending; suspend(task, unit): arrange a wake-up with
//! task->loop()->schedule() and, if it can be withdrawn, set task->withdraw; resume(): result.
//! Optional: `static constexpr UnitState WaitState` (default Waiting) and abandon(), called
//! when the task is resumed by a cancellation instead of its result (give back what was granted).
namespace detail {
//! What a coroutine frame holds while it awaits A: A itself, or, when A is only a description
//! of the wait (sleep's duration, the semaphore to acquire), the A::RuntimeAwaiter built from
//! it, so the frame holds the wait's state once and not a second copy besides (g++ keeps the
//! awaited temporary in the frame next to the awaiter).
template<typename A>
struct AwaiterFor {
    using type = A;
};
template<typename A>
    requires requires { typename A::RuntimeAwaiter; }
struct AwaiterFor<A> {
    using type = typename A::RuntimeAwaiter;
};
//! A description that is an enum (a duration, a pointer's bits) takes no room of its own in the
//! frame, where a struct of one field takes eight bytes: it names its awaiter with a declaration
//! `Awaiter runtimeAwaiterOf(Description);` found by argument-dependent lookup (never defined).
template<typename A>
    requires std::is_enum_v<A> && requires(A a) { runtimeAwaiterOf(a); }
struct AwaiterFor<A> {
    using type = decltype(runtimeAwaiterOf(std::declval<A>()));
};
template<typename A>
using AwaiterOf = typename AwaiterFor<A>::type;
} // namespace detail

template<typename A>
concept RuntimeAwaitable = requires(detail::AwaiterOf<A> a, TaskCore *t, quint32 unit) {
    { a.ready() } -> std::convertible_to<bool>;
    a.suspend(t, unit);
    a.resume();
};

namespace detail {

template<typename A>
constexpr UnitState waitStateOf()
{
    if constexpr (requires { A::WaitState; })
        return A::WaitState;
    else
        return UnitState::Waiting;
}

//! True while the exception being handled is a CancelledError (no rethrow needed).
bool currentExceptionIsCancelled() noexcept;

//! CancelDelivery::Checked: the exception the next cancelled await throws (the runtime then
//! checks that the task ended with this very one), or null: a new CancelledError.
inline thread_local const std::exception_ptr *t_checkedCancel = nullptr;

//! Records that unit of t runs again after a wait (Ready first, if the loop kept it waiting).
//! Out of line, as recordSuspended: the recorder's inline fast path grows these, not every
//! coroutine that awaits (a bigger await_resume stops being inlined, and the TimeoutError it
//! throws then unwinds a frame more: twice the cost of the throw).
void recordResumed(TaskCore *t, quint32 unit);
//! Records that unit of t waits in state at the place `at` from now (the clock read again: the
//! step's time so far ends here).
void recordSuspended(TaskCore *t, quint32 unit, UnitState state, quint32 at);

//! What every Co<T> promise shares: which task drives it, which unit its awaits record for.
//! It begins with PromiseHead (task, continuation / createdNs / readyNs, exception).
struct PromiseBase : PromiseHead {
    quint32 unit = 0;       // the unit its awaits record states for (own, or the parent's)
    // A frame of each coroutine holds this: the two share their four bytes, as no coroutine
    // needs both (anonymousInline() tells which one is meant).
    union {
        //! A task, or a named coroutine: the unit that awaits it (inline) or created it (task).
        quint32 parentUnit = 0;
        //! An anonymous inline coroutine (gather's, a helper's) waits for its parent's unit: its
        //! waits show the place (EventLoop::place) of the parent's co_await that runs it, the
        //! outermost one. 0: its own co_awaits' places.
        quint32 callerPlace;
    };
    quint32 label = 0;      // interned label; 0: anonymous (not traced on its own)
    UnitKind kind = UnitKind::Coroutine;
    bool isRoot : 1 = false;
    bool started : 1 = false;
    bool cancelled : 1 = false; // the exception is a CancelledError
    //! The body declared cancelPassesThrough(): no code of it catches a CancelledError.
    bool passesCancel : 1 = false;

    // Coroutine frames come from the block pool (huge pages, per-thread free lists).
    static void *operator new(std::size_t size) { return BlockPool::allocate(size); }
    static void operator delete(void *p, std::size_t size) noexcept
    {
        BlockPool::deallocate(p, size);
    }


    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template<typename P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept
        {
            return h.promise().finalStep();
        }
        void await_resume() const noexcept { }
    };

    //! Empty, so that it takes no room in the frame: a task's first Running is recorded by the
    //! loop's step (EventLoop::resumeTask), an inline coroutine's by enterChild.
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept
    {
        exception = std::current_exception();
        cancelled = currentExceptionIsCancelled();
    }

    std::coroutine_handle<> finalStep() noexcept;
    //! The coroutine was destroyed without ever running: report it like CPython's warning.
    void reportNeverAwaited() noexcept;

    //! The awaiter of a runtime awaitable: traces the wait around inner. It lives in the frame
    //! of every coroutine that waits (a run of tasks holds one each), so it keeps no promise
    //! pointer: the task is the one the loop runs (EventLoop::runningTask()).
    template<typename A>
    struct Traced {
        AwaiterOf<A> inner;
        quint32 unit; //!< the unit its states are recorded for (the promise's)
        quint32 at : 31; //!< the co_await's place (EventLoop::place), recorded with the wait
        quint32 suspended : 1;

        Traced(A a, quint32 u, quint32 place)
            : inner(std::move(a))
            , unit(u)
            , at(place & 0x7fffffffu)
            , suspended(0)
        {
        }

        bool await_ready() { return EventLoop::runningTask()->mustCancel || inner.ready(); }
        void await_suspend(std::coroutine_handle<> h)
        {
            TaskCore *t = EventLoop::runningTask();
            t->resumePoint = h;
            suspended = 1;
            recordSuspended(t, unit, waitStateOf<AwaiterOf<A>>(), at);
            inner.suspend(t, unit);
        }
        decltype(auto) await_resume()
        {
            TaskCore *t = EventLoop::runningTask();
            t->currentUnit = unit;
            if (suspended) {
                suspended = 0;
                recordResumed(t, unit);
            }
            if (t->mustCancel) {
                t->mustCancel = false;
                if constexpr (requires { inner.abandon(); })
                    inner.abandon();
                if (const std::exception_ptr *checked = std::exchange(t_checkedCancel, nullptr))
                    std::rethrow_exception(*checked);
                throw CancelledError();
            }
            return inner.resume();
        }
        ~Traced()
        {
            // Destroyed while suspended by a cancellation delivered without resuming the task
            // (TaskCore::finishUncaught): give back what was granted, as await_resume would.
            if constexpr (requires { inner.abandon(); }) {
                if (suspended && TaskCore::endingUncaught())
                    inner.abandon();
            }
        }
    };

    //! `co_await cancelPassesThrough();`: the body declares it catches no CancelledError.
    std::suspend_never await_transform(CancelPassesThrough) noexcept
    {
        passesCancel = true;
        return {};
    }

    // The co_await's place comes in as two scalars (file, line) of default arguments, which
    // are evaluated where co_await calls: a std::source_location would be a temporary that the
    // frame keeps across the suspension, eight bytes in every waiting frame.
    template<typename U>
    auto await_transform(Co<U> &&co, const char *file = __builtin_FILE(),
                         unsigned line = __builtin_LINE());
    template<typename U>
    auto await_transform(Task<U> &task, const char *file = __builtin_FILE(),
                         unsigned line = __builtin_LINE());
    template<typename U>
    auto await_transform(Task<U> &&task, const char *file = __builtin_FILE(),
                         unsigned line = __builtin_LINE())
    {
        return await_transform(task, file, line);
    }
    //! Awaiters that run code inline in the task (a generator's next()) pass through.
    template<typename A>
        requires requires { std::remove_cvref_t<A>::IsInlineAwaiter; }
    std::remove_cvref_t<A> await_transform(A &&a)
    {
        return std::forward<A>(a);
    }
    //! By value, so that A is the awaitable's own type (never a reference) for AwaiterOf.
    //! file, line: the co_await's own place.
    template<RuntimeAwaitable A>
    Traced<A> await_transform(A a, const char *file = __builtin_FILE(),
                              unsigned line = __builtin_LINE())
    {
        return Traced<A>(std::move(a), unit, placeOf(file, line));
    }
    //! The place a wait at file:line records: its own, or the caller's for an anonymous child.
    quint32 placeOf(const char *file, unsigned line) const
    {
        return anonymousInline() && callerPlace ? callerPlace : task->loop()->place(file, line);
    }
    //! Started inline without a label: it has no unit of its own (callerPlace is meant).
    bool anonymousInline() const { return started && !isRoot && !label; }
};

template<typename T>
struct Promise : PromiseBase {
    std::optional<T> result;
    Co<T> get_return_object() noexcept;
    template<typename V>
    void return_value(V &&v)
    {
        result.emplace(std::forward<V>(v));
    }
    T take()
    {
        if (exception)
            std::rethrow_exception(exception);
        return std::move(*result);
    }
};

template<>
struct Promise<void> : PromiseBase {
    Co<void> get_return_object() noexcept;
    void return_void() noexcept { }
    void take()
    {
        if (exception)
            std::rethrow_exception(exception);
    }
};

//! Starts a child inline, awaited at the place `at` in the parent (PromiseBase::placeOf; 0: not
//! known): a named child gets a unit of its own (kind) under the parent, which waits at `at`;
//! an anonymous one waits for the parent's unit, its waits all at `at`.
void enterChild(PromiseBase &parent, PromiseBase &child, UnitKind kind = UnitKind::Coroutine,
                quint32 at = 0);
//! Records the end of an inline child's unit (outcome from its exception) and hands the task
//! back to the parent unit.
void leaveChild(PromiseBase &child);
//! Destroys an inline child's frame that is suspended mid-body. When its task is ending by a
//! cancellation delivered without a throw (TaskCore::endingUncaught()), records the child's
//! unit's end as leaveChild does for a CancelledError, after the frame's destructors ran.
void destroyUnfinished(std::coroutine_handle<> h, PromiseBase &child);
//! The loop's step of a task suspended at an await with a cancellation pending: if every frame
//! from that await to the root declared cancelPassesThrough(), delivers it as cancelDelivery()
//! says (Direct: ends the task without resuming it; Checked: resumes it and checks the throw
//! reached the root untouched) and returns true; otherwise returns false and changes nothing
//! (the caller resumes the task, and the await throws).
bool deliverCancelUncaught(TaskCore *task);

} // namespace detail

//! A lazy coroutine, like Python's coroutine object: `Co<int> f()` is `async def f() -> int`.
//! Nothing runs until it is awaited (inline, in the awaiting task) or wrapped in a task
//! (createTask, gather, TaskGroup::spawn, waitFor). One that is destroyed without either is
//! reported as never awaited (if it was named). Move-only; loop thread only.
template<typename T>
class [[nodiscard]] Co
{
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    explicit Co(Handle h)
        : m_h(h)
    {
    }
    Co(Co &&other) noexcept
        : m_h(std::exchange(other.m_h, nullptr))
    {
    }
    Co &operator=(Co &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_h = std::exchange(other.m_h, nullptr);
        }
        return *this;
    }
    ~Co() { reset(); }

    //! Gives the coroutine a label: it is traced as a unit of its own (a lane on the timeline).
    Co named(const QString &label) &&
    {
        if (EventLoop *loop = EventLoop::current()) {
            auto &p = m_h.promise();
            p.label = loop->intern(label);
            p.createdNs = loop->nowNs();
            if (TaskCore *t = loop->currentTask())
                p.parentUnit = t->currentUnit;
        }
        return std::move(*this);
    }
    quint32 labelId() const { return m_h ? m_h.promise().label : 0; }
    Handle release() { return std::exchange(m_h, nullptr); }

    struct Awaiter {
        Handle h;
        quint32 at; //!< the co_await's place
        bool await_ready() const noexcept { return false; }
        template<typename P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) noexcept
        {
            detail::enterChild(parent.promise(), h.promise(), UnitKind::Coroutine, at);
            h.promise().continuation = parent;
            return h;
        }
        T await_resume() { return h.promise().take(); }
        ~Awaiter()
        {
            if (!h)
                return;
            if (h.done()) [[likely]]
                h.destroy();
            else
                detail::destroyUnfinished(h, h.promise());
        }
    };

private:
    void reset()
    {
        if (!m_h)
            return;
        if (!m_h.promise().started)
            m_h.promise().reportNeverAwaited();
        m_h.destroy();
        m_h = nullptr;
    }
    Handle m_h;
};

namespace detail {
// The runtime reads the promise of a suspended frame through a handle of PromiseBase
// (deliverCancelUncaught): the promise sits where the frame puts one of PromiseBase's alignment.
template<typename T>
Co<T> Promise<T>::get_return_object() noexcept
{
    static_assert(alignof(Promise<T>) == alignof(PromiseBase));
    return Co<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Co<void> Promise<void>::get_return_object() noexcept
{
    return Co<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

template<typename U>
auto PromiseBase::await_transform(Co<U> &&co, const char *file, unsigned line)
{
    return typename Co<U>::Awaiter{co.release(), placeOf(file, line)};
}

//! Where a Task<T>'s result is: a std::optional<T> in its root coroutine's promise, or where an
//! external core's owner put it; null for void. Valid while the core lives and has no error.
template<typename T>
void *resultStorageOf(TaskCore *core)
{
    if constexpr (std::is_void_v<T>)
        return nullptr;
    else if (core->isExternal())
        return core->externalResult();
    else
        return &std::coroutine_handle<Promise<T>>::from_address(core->root().address())
                    .promise()
                    .result;
}

//! The result of a done task (copied; a task's result may be read more than once).
template<typename T>
T resultOf(TaskCore *core)
{
    if (core->error())
        std::rethrow_exception(core->error());
    if constexpr (!std::is_void_v<T>)
        return **static_cast<std::optional<T> *>(resultStorageOf<T>(core));
}

//! Awaiting a task: wakes when it is done; cancelling the awaiter cancels the awaited task
//! (as asyncio does) and still waits for it to end.
class TaskJoinBase : public DoneCallback
{
public:
    explicit TaskJoinBase(TaskCore *target)
        : m_target(target)
    {
        m_target->ref();
    }
    TaskJoinBase(TaskJoinBase &&o) noexcept
        : m_target(std::exchange(o.m_target, nullptr))
    {
    }
    ~TaskJoinBase()
    {
        if (!m_target)
            return;
        m_target->removeDoneCallback(this);
        m_target->deref();
    }
    bool ready() const { return m_target->isDone(); }
    void suspend(TaskCore *task, quint32 unit);

protected:
    TaskCore *m_target;
    TaskCore *m_waiter = nullptr;
};

template<typename T>
class TaskJoin : public TaskJoinBase
{
public:
    using TaskJoinBase::TaskJoinBase;
    T resume() { return resultOf<T>(m_target); }
};

template<typename U>
auto PromiseBase::await_transform(Task<U> &task, const char *file, unsigned line)
{
    return Traced<TaskJoin<U>>(TaskJoin<U>(task.core()), unit, placeOf(file, line));
}

//! Wraps co in a new task (kind, label) under the current unit and schedules it.
TaskCore *spawnTask(PromiseBase &p, std::coroutine_handle<> h, UnitKind kind,
                    const QString &label);

} // namespace detail

//! A handle to a scheduled task (asyncio.Task). Copyable; the task runs whether or not a
//! handle is kept. Awaiting it waits for its result (and rethrows its error).
template<typename T>
class Task
{
public:
    Task() = default;
    explicit Task(TaskCore *core, bool adopt = false)
        : m_core(core)
    {
        if (m_core && !adopt)
            m_core->ref();
    }
    Task(const Task &o)
        : m_core(o.m_core)
    {
        if (m_core)
            m_core->ref();
    }
    Task(Task &&o) noexcept
        : m_core(std::exchange(o.m_core, nullptr))
    {
    }
    Task &operator=(Task o) noexcept
    {
        std::swap(m_core, o.m_core);
        return *this;
    }
    ~Task()
    {
        if (m_core)
            m_core->deref();
    }

    TaskCore *core() const { return m_core; }
    quint32 unit() const { return m_core->unit(); }
    bool isDone() const { return m_core->isDone(); }
    bool cancel() { return m_core->cancel(CancelCause::Explicit); }
    Outcome outcome() const { return m_core->outcome(); }
    bool isCancelled() const
    {
        return m_core->outcome() == Outcome::Cancelled || m_core->outcome() == Outcome::TimedOut;
    }
    //! The result of a done task; rethrows its error.
    T result() const { return detail::resultOf<T>(m_core); }
    std::exception_ptr error() const { return m_core->error(); }

private:
    TaskCore *m_core = nullptr;
};

//! asyncio.create_task: schedules co as a new task; it first runs on a later loop turn.
//! The label defaults to the coroutine's name() label, else "task <id>".
template<typename T>
Task<T> createTask(Co<T> co, const QString &label = QString())
{
    auto h = co.release();
    return Task<T>(detail::spawnTask(h.promise(), h, UnitKind::Task, label), true);
}

//! asyncio.run: runs main on the calling thread's loop until it and everything it left are done.
//! Returns main's task (done).
template<typename T>
Task<T> runMain(EventLoop &loop, Co<T> main, const QString &label = QStringLiteral("main"))
{
    auto h = main.release();
    auto &p = h.promise();
    p.isRoot = true;
    p.started = true;
    p.kind = UnitKind::Main;
    p.unit = loop.newUnit();
    loop.traceAt(0).created(p.unit, UnitKind::Main, 0, loop.intern(label));
    p.task = loop.beginMain(h, p.unit);
    Task<T> task(p.task);
    loop.execMain();
    return task;
}

//! Prints a line from scenario code (recorded with its time, shown in the output panel).
inline void print(const QString &line)
{
    if (EventLoop *loop = EventLoop::current())
        loop->print(line);
}

} // namespace Loopscope
