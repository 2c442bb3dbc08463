#pragma once

#include "task.h"

namespace Loopscope {

namespace detail {

//! Waits until a task is done or a deadline passes; resume() says whether the task is done.
//! Cancelling the waiter does not cancel the task (waitFor decides what to do).
class RaceWait : public DoneCallback, private TimerNode
{
public:
    RaceWait(TaskCore *target, qint64 deadlineNs);
    RaceWait(RaceWait &&o) noexcept;
    ~RaceWait();
    bool ready() const { return m_target->isDone(); }
    void suspend(TaskCore *task, quint32 unit);
    bool resume() const { return m_target->isDone(); }

private:
    TaskCore *m_target;
    TaskCore *m_waiter = nullptr;
    qint64 m_deadlineNs;
};

//! Waits until a task is done, whatever happens to the waiter (used after cancelling it).
class DoneWait : public DoneCallback
{
public:
    explicit DoneWait(TaskCore *target);
    DoneWait(DoneWait &&o) noexcept;
    ~DoneWait();
    bool ready() const { return m_target->isDone(); }
    void suspend(TaskCore *task, quint32 unit);
    void resume() const { }

private:
    TaskCore *m_target;
    TaskCore *m_waiter = nullptr;
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
Co<T> waitFor(Co<T> co, Seconds timeout)
{
    EventLoop *loop = EventLoop::current();
    Task<T> inner = createTask(std::move(co));
    const qint64 deadline = loop->nowNs() + EventLoop::toNs(timeout);
    loop->traceAt(deadline, EventType::Deadline, inner.unit());
    bool done = false;
    bool cancelled = false;
    try {
        done = co_await detail::RaceWait(inner.core(), deadline);
    } catch (const CancelledError &) {
        cancelled = true;
    }
    if (cancelled) {
        inner.cancel();
        co_await detail::DoneWait(inner.core());
        throw CancelledError();
    }
    if (!done) {
        inner.core()->cancel(CancelCause::Timeout);
        co_await detail::DoneWait(inner.core());
        if (inner.isCancelled())
            throw TimeoutError();
    }
    co_return inner.result();
}

//! asyncio.timeout as a scope: awaits co inline in the current task; at the deadline the task is
//! cancelled (what runs inside ends timed_out) and the scope raises TimeoutError instead.
template<typename T>
Co<T> timeout(Seconds limit, Co<T> co)
{
    EventLoop *loop = EventLoop::current();
    TaskCore *task = loop->currentTask();
    const qint64 deadline = loop->nowNs() + EventLoop::toNs(limit);
    loop->traceAt(deadline, EventType::Deadline, task->currentUnit);
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
