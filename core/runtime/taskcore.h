#pragma once

#include "blockpool.h"
#include "traceevent.h"

#include <QtGlobal>

#include <coroutine>
#include <exception>
#include <memory>

namespace Loopscope {

class EventLoop;
class TaskCore;

//! Something other than a task's step queued on the loop's ready queue (EventLoop::pushReady):
//! run(this) runs in a later loop turn. Lives in whoever queues it, until it has run.
struct ReadyNode {
    void (*run)(ReadyNode *) = nullptr;
};

//! An entry of the loop's ready queue, 8 bytes (a turn of a big run holds a million): a task
//! whose next step runs, or a ReadyNode (told apart by the pointer's low bit).
class ReadyItem
{
public:
    static ReadyItem step(TaskCore *task) { return ReadyItem(quintptr(task)); }
    static ReadyItem node(ReadyNode *node) { return ReadyItem(quintptr(node) | 1u); }
    TaskCore *task() const { return m_word & 1u ? nullptr : reinterpret_cast<TaskCore *>(m_word); }
    ReadyNode *node() const { return reinterpret_cast<ReadyNode *>(m_word & ~quintptr(1)); }

private:
    explicit ReadyItem(quintptr word)
        : m_word(word)
    {
    }
    quintptr m_word;
};

//! A timer of the loop's. Lives inside the awaiter that waits on it, so a sleep costs no
//! allocation and cancelling it is removing its heap entry (EventLoop::TimerEntry, which holds
//! what orders it: the heap compares without reading the node).
struct TimerNode {
    qint64 deadlineNs = 0;
    void (*fire)(TimerNode *) = nullptr;
    int heapIndex = -1;
};

//! Called synchronously when a task finishes. Nodes live in whoever waits (intrusive list).
struct DoneCallback {
    DoneCallback *prev = nullptr;
    DoneCallback *next = nullptr;
    void (*fn)(DoneCallback *, TaskCore *) = nullptr;
};

//! A done callback that any number of tasks hold at once without a node each (a gather's
//! million children): a task holds one at most, and only as its oldest callback
//! (TaskCore::addSharedDoneCallback). Lives in whoever waits.
struct SharedDoneCallback {
    void (*fn)(SharedDoneCallback *, TaskCore *) = nullptr;
};

namespace detail {
//! The first fields of every coroutine promise of ours (detail::PromiseBase begins with them),
//! so that a task's core reads what it keeps in its root frame without knowing the promise's
//! type. Loop thread only.
struct PromiseHead {
    TaskCore *task = nullptr;
    // Never two at once: a coroutine awaited inline has started, only one not started yet
    // needs its creation time, and only a started root is scheduled. Eight bytes less in every
    // frame, and in every task's core (a run holds one of each per task).
    union {
        //! Awaited inline (or a generator's step): the coroutine to resume when it ends.
        std::coroutine_handle<> continuation{};
        //! Named and not started yet: when it was made (reportNeverAwaited()).
        qint64 createdNs;
        //! A task's root: when its next step was scheduled (TaskCore::readyNs()).
        qint64 readyNs;
    };
    //! What the body threw; a task's root holds its task's error (TaskCore::error()).
    std::exception_ptr exception;
};
} // namespace detail

//! How the current await point of a task can be withdrawn when the task is cancelled.
//! fn returns true when the awaited thing was cancelled and will wake the task itself
//! (awaiting another task: it is cancelled and our task wakes when it ends); false when the task
//! must be woken now with CancelledError (a sleep's timer was removed, a waiter unlinked).
struct Withdraw {
    bool (*fn)(void *) = nullptr;
    void *ctx = nullptr;
};

//! The state of one task (asyncio.Task): identity, the coroutine it drives and its cancel
//! state. Its result lives in its root coroutine's promise, or (a core without a coroutine)
//! where externalResult() points. Owned by Task<T> handles and, while it is not done, by its
//! loop. Loop thread only.
class TaskCore
{
public:
    TaskCore(EventLoop *loop, quint32 unit, std::coroutine_handle<> root);
    //! A core without a coroutine (an executor job, a shield) that keeps owned alive as long
    //! as it lives (what externalResult() points into). EventLoop::createExternalCore registers
    //! it.
    static TaskCore *createExternal(EventLoop *loop, quint32 unit, std::shared_ptr<void> owned);
    ~TaskCore();
    TaskCore(const TaskCore &) = delete;
    TaskCore &operator=(const TaskCore &) = delete;
    static void *operator new(std::size_t size) { return BlockPool::allocate(size); }
    static void operator delete(void *p, std::size_t size) noexcept
    {
        BlockPool::deallocate(p, size);
    }

    void ref() { ++m_refs; }
    void deref()
    {
        if (--m_refs == 0)
            destroy();
    }

    EventLoop *loop() const { return m_loop; }
    quint32 unit() const { return m_unit; }
    bool isDone() const { return m_done; }
    Outcome outcome() const { return m_outcome; }
    //! Kept in the root frame's promise (eight bytes less in every core); an external core's
    //! beside it; a task ended by finishUncaught() has the shared cancelledError().
    std::exception_ptr error() const
    {
        return m_root && !rootGone() ? rootHead().exception : otherError();
    }
    std::coroutine_handle<> root() const { return m_root; }
    //! A core without a coroutine (createExternal()).
    bool isExternal() const { return !m_root; }
    //! An external core's result: a std::optional<T> (null for void), set by its owner.
    void *externalResult() const;
    void setExternalResult(void *storage);
    //! When the task's next step was scheduled (EventLoop::schedule); kept in its root frame,
    //! which a task has while it can be scheduled (not an external core, not done).
    qint64 &readyNs()
    {
        Q_ASSERT(!isExternal());
        return rootHead().readyNs;
    }

    //! asyncio's Task.cancel(): returns false if the task is already done. The cause decides
    //! the outcome (TimedOut for Timeout, else Cancelled) and is traced with the unit's end;
    //! byUnit is the unit that caused it (CancelCause says which). The first cause of the
    //! requests outstanding is kept: that is what cancelled the task.
    bool cancel(CancelCause cause, quint32 byUnit);
    //! cancel(cause, by): by is the unit running on this loop now for Explicit (the code that
    //! called cancel()), else none.
    bool cancel(CancelCause cause = CancelCause::Explicit);
    //! asyncio's Task.uncancel(): returns the cancel requests still outstanding.
    int uncancel();
    int cancelling() const { return m_cancelRequests; }
    CancelCause cancelCause() const { return m_cause; }
    quint32 cancelledBy() const { return m_causeUnit; }
    //! Cancels `target` because this task is being cancelled (awaiting it, asyncio cancels the
    //! awaited thing too): same cause, same causing unit.
    bool propagateCancel(TaskCore *target) const { return target->cancel(m_cause, m_causeUnit); }
    //! Records on the loop stream why `unit` (this task's, or an inline child's) was cancelled.
    void traceCancelled(quint32 unit) const;

    void addDoneCallback(DoneCallback *cb);
    void removeDoneCallback(DoneCallback *cb);
    //! Registers cb if the task has no callback yet (it then runs first) and returns true;
    //! false otherwise (the caller links a DoneCallback of its own instead).
    bool addSharedDoneCallback(SharedDoneCallback *cb);
    //! Unregisters cb if the task holds it.
    void removeSharedDoneCallback(SharedDoneCallback *cb);

    // Used by the runtime's awaiters and the loop. Ordered by size: a run holds one per task.
    std::coroutine_handle<> resumePoint;
    //! How the current await point is withdrawn on cancel. For a core without a coroutine (an
    //! executor job) it is how the job is cancelled, and returns true when it handled it.
    Withdraw withdraw;
    quint32 currentUnit = 0; //!< the innermost traced unit running in this task
    bool mustCancel = false;
    bool scheduled = false;

private:
    // Here rather than below: they fill the padding after the flags, so that a run's cores
    // stay at 96 bytes each.
    CancelCause m_cause = CancelCause::None;
    bool m_done = false;

public:

    //! Called by the root coroutine's final suspend (or an executor job's completion):
    //! sets the outcome, records the unit's Finished (a task with a coroutine; an executor job's
    //! end is recorded by the executor), runs callbacks.
    //! cancelled: the error is a CancelledError (the caller knows without rethrowing it).
    void finish(std::exception_ptr error, bool cancelled);

    //! Ends the task cancelled without resuming its coroutine, where no code of it could catch
    //! the CancelledError, so none is thrown: its first step (the task never ran; records
    //! Running, then the end), or (started) an await whose frames all declared
    //! cancelPassesThrough() (the caller recorded the await's Running): the suspended frames
    //! are destroyed, their destructors run and the awaiters in them record and give back what
    //! a resumed cancellation would (endingUncaught()), then the end. The task's error is the
    //! runtime's shared cancelledError(). Loop thread, inside the task's step.
    void finishUncaught(bool started);
    //! The task whose frames finishUncaught() is destroying on this thread, or null.
    static TaskCore *endingUncaught() { return t_endingUncaught; }

private:
    static inline thread_local TaskCore *t_endingUncaught = nullptr;
    friend class EventLoop;
    void destroy();
    detail::PromiseHead &rootHead() const
    {
        return std::coroutine_handle<detail::PromiseHead>::from_address(m_root.address())
            .promise();
    }
    //! finishUncaught() destroyed the root frame (m_root is the no-op coroutine since).
    bool rootGone() const { return m_root.address() == std::noop_coroutine().address(); }
    std::exception_ptr otherError() const;

    EventLoop *m_loop;
    std::coroutine_handle<> m_root;
    // Newest first; the last node's next (or this, without nodes) may be a SharedDoneCallback,
    // tagged in the low bit: it takes no node in the task or in the waiter.
    DoneCallback *m_callbacks = nullptr;
    TaskCore *m_prevLive = nullptr;
    TaskCore *m_nextLive = nullptr;
    quint32 m_unit;
    int m_refs = 1; // the loop's reference while not done
    quint32 m_causeUnit = 0;
    quint16 m_cancelRequests = 0;
    Outcome m_outcome = Outcome::None;
    bool m_stepped = false; // its coroutine was resumed at least once
};

} // namespace Loopscope
