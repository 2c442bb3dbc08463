#pragma once

#include "task.h"

namespace Loopscope {

namespace detail {

//! The await of waitFor: wakes when the inner task is done. At the deadline it cancels the
//! inner task (cause: timeout) and keeps waiting for it to end; if the waiter is cancelled, it
//! cancels the inner task and waits too. No exception is thrown until the waiter resumes.
class WaitForBase : public DoneCallback, private TimerNode
{
public:
    WaitForBase(TaskCore *inner, qint64 deadlineNs);
    WaitForBase(WaitForBase &&o) noexcept;
    ~WaitForBase();
    bool ready() const { return false; }
    void suspend(TaskCore *task, quint32 unit);

protected:
    //! Throws CancelledError (waiter cancelled) or TimeoutError (inner cancelled by the
    //! deadline); returns when the inner task's own result is the answer. Inline: the throw
    //! starts in the awaiting coroutine's own code, a frame less to unwind.
    void check() const
    {
        if (m_waiterCancelled)
            throw CancelledError();
        if (m_timedOut
            && (m_inner->outcome() == Outcome::TimedOut
                || m_inner->outcome() == Outcome::Cancelled))
            throw TimeoutError();
    }
    TaskCore *m_inner;
    TaskCore *m_waiter = nullptr;
    qint64 m_deadlineNs;
    bool m_timedOut = false;
    bool m_waiterCancelled = false;
};

template<typename T>
class WaitFor : public WaitForBase
{
public:
    using WaitForBase::WaitForBase;
    T resume()
    {
        check();
        return resultOf<T>(m_inner);
    }
};

//! Arms a timer that cancels a task with CancelCause::Timeout (asyncio.timeout's handle).
class TimeoutHandle : private TimerNode
{
public:
    TimeoutHandle(TaskCore *task, qint64 deadlineNs);
    ~TimeoutHandle();
    bool expired() const { return m_expired; }
    void disarm();

private:
    TaskCore *m_task;
    bool m_expired = false;
};

} // namespace detail

//! asyncio.wait_for: runs co as a task of its own; if it is not done after `timeout`, cancels it
//! (its outcome: timed_out), waits for it to end, and raises TimeoutError. If the caller is
//! cancelled meanwhile, the task is cancelled too and CancelledError propagates.
template<typename T>
detail::WaitFor<T> waitFor(Co<T> co, Seconds timeout)
{
    EventLoop *loop = EventLoop::current();
    Task<T> inner = createTask(std::move(co));
    const qint64 deadline = loop->nowNs() + EventLoop::toNs(timeout);
    loop->traceAt(deadline).deadline(inner.unit());
    return detail::WaitFor<T>(inner.core(), deadline);
}

//! asyncio.wait_for on a task (or a shield of one): at the deadline the task is cancelled and
//! waited for, then TimeoutError is raised. A shield ends cancelled at once; what it shields
//! goes on.
template<typename T>
detail::WaitFor<T> waitFor(Task<T> task, Seconds timeout)
{
    EventLoop *loop = EventLoop::current();
    const qint64 deadline = loop->nowNs() + EventLoop::toNs(timeout);
    loop->traceAt(deadline).deadline(task.unit());
    return detail::WaitFor<T>(task.core(), deadline);
}

//! asyncio.timeout as a scope: awaits co inline in the current task; at the deadline the task is
//! cancelled (what runs inside ends timed_out) and the scope raises TimeoutError instead.
template<typename T>
Co<T> timeout(Seconds limit, Co<T> co)
{
    EventLoop *loop = EventLoop::current();
    TaskCore *task = loop->currentTask();
    const qint64 deadline = loop->nowNs() + EventLoop::toNs(limit);
    loop->traceAt(deadline).deadline(task->currentUnit);
    detail::TimeoutHandle handle(task, deadline);
    bool cancelled = false;
    if constexpr (std::is_void_v<T>) {
        try {
            co_await std::move(co);
        } catch (const CancelledError &) {
            cancelled = true;
        }
    } else {
        std::optional<T> value;
        try {
            value.emplace(co_await std::move(co));
        } catch (const CancelledError &) {
            cancelled = true;
        }
        if (!cancelled) {
            handle.disarm();
            co_return std::move(*value);
        }
    }
    handle.disarm();
    if (cancelled) {
        if (handle.expired() && task->uncancel() == 0)
            throw TimeoutError();
        throw CancelledError();
    }
}

} // namespace Loopscope
