#include "taskcore.h"

#include "errors.h"
#include "eventloop.h"

#include <utility>

namespace Loopscope {

// A big run holds one per task: growing it shows in the benchmarks' bytes per task.
static_assert(sizeof(TaskCore) <= 88, "TaskCore outgrew its 88 bytes");

namespace {
bool isShared(const DoneCallback *link) { return quintptr(link) & 1u; }
//! The node a callback link points to; null for none or a SharedDoneCallback.
DoneCallback *nodeOf(DoneCallback *link) { return isShared(link) ? nullptr : link; }
SharedDoneCallback *sharedOf(DoneCallback *link)
{
    return isShared(link) ? reinterpret_cast<SharedDoneCallback *>(quintptr(link) & ~quintptr(1))
                          : nullptr;
}
DoneCallback *linkTo(SharedDoneCallback *cb)
{
    return reinterpret_cast<DoneCallback *>(quintptr(cb) | 1u);
}

//! A core without a coroutine (EventLoop::createExternalCore) and what it keeps alive: only
//! those need it, so the cores of a run's tasks do not carry the 24 bytes.
struct ExternalCore : TaskCore {
    ExternalCore(EventLoop *loop, quint32 unit, std::shared_ptr<void> owned)
        : TaskCore(loop, unit, nullptr)
        , m_owned(std::move(owned))
    {
    }
    std::shared_ptr<void> m_owned;
    void *m_result = nullptr;
    std::exception_ptr m_error;
};
} // namespace

TaskCore *TaskCore::createExternal(EventLoop *loop, quint32 unit, std::shared_ptr<void> owned)
{
    return new ExternalCore(loop, unit, std::move(owned));
}

void *TaskCore::externalResult() const
{
    Q_ASSERT(isExternal());
    return static_cast<const ExternalCore *>(this)->m_result;
}

void TaskCore::setExternalResult(void *storage)
{
    Q_ASSERT(isExternal());
    static_cast<ExternalCore *>(this)->m_result = storage;
}

std::exception_ptr TaskCore::otherError() const
{
    return isExternal() ? static_cast<const ExternalCore *>(this)->m_error : cancelledError();
}

TaskCore::TaskCore(EventLoop *loop, quint32 unit, std::coroutine_handle<> root)
    : m_loop(loop)
    , m_root(root)
    , m_unit(unit)
{
}

TaskCore::~TaskCore()
{
    if (m_root)
        m_root.destroy();
}

void TaskCore::destroy()
{
    // No virtual destructor (eight bytes more in every core): only external cores lack a root.
    if (m_root)
        delete this;
    else
        delete static_cast<ExternalCore *>(this);
}

bool TaskCore::cancel(CancelCause cause)
{
    TaskCore *caller = cause == CancelCause::Explicit ? m_loop->currentTask() : nullptr;
    return cancel(cause, caller ? caller->currentUnit : 0);
}

bool TaskCore::cancel(CancelCause cause, quint32 byUnit)
{
    if (m_done)
        return false;
    ++m_cancelRequests;
    if (m_cause == CancelCause::None) {
        m_cause = cause;
        m_causeUnit = byUnit;
    }
    if (withdraw.fn && withdraw.fn(withdraw.ctx))
        return true;
    if (!m_root)
        return true;
    mustCancel = true;
    if (!scheduled && m_loop->currentTask() != this)
        m_loop->schedule(this, m_loop->nowNs());
    return true;
}

int TaskCore::uncancel()
{
    if (m_cancelRequests > 0)
        --m_cancelRequests;
    if (m_cancelRequests == 0) {
        m_cause = CancelCause::None;
        m_causeUnit = 0;
    }
    return m_cancelRequests;
}

void TaskCore::traceCancelled(quint32 unit) const
{
    // A CancelledError raised by the code itself, with no cancel(): nothing to say why.
    if (m_cause != CancelCause::None)
        m_loop->trace().cancelledBy(unit, m_cause, m_causeUnit);
}

void TaskCore::addDoneCallback(DoneCallback *cb)
{
    cb->prev = nullptr;
    cb->next = m_callbacks;
    if (DoneCallback *first = nodeOf(m_callbacks))
        first->prev = cb;
    m_callbacks = cb;
}

bool TaskCore::addSharedDoneCallback(SharedDoneCallback *cb)
{
    if (m_callbacks)
        return false;
    m_callbacks = linkTo(cb);
    return true;
}

void TaskCore::removeSharedDoneCallback(SharedDoneCallback *cb)
{
    DoneCallback **link = &m_callbacks;
    while (DoneCallback *n = nodeOf(*link))
        link = &n->next;
    if (*link == linkTo(cb))
        *link = nullptr;
}

void TaskCore::removeDoneCallback(DoneCallback *cb)
{
    if (cb->prev)
        cb->prev->next = cb->next;
    else if (m_callbacks == cb)
        m_callbacks = cb->next;
    else
        return; // not linked
    if (DoneCallback *next = nodeOf(cb->next))
        next->prev = cb->prev;
    cb->prev = cb->next = nullptr;
}

void TaskCore::finishUncaught(bool started)
{
    if (started) {
        TaskCore *const outer = std::exchange(t_endingUncaught, this);
        m_root.destroy();
        t_endingUncaught = outer;
        // Not null: a core without a root is an external one (destroy()); this one has no
        // frame left to destroy, nor a result (it was in the frame: a reader gets the error).
        m_root = std::noop_coroutine();
        m_loop->stepEndsClockNs(); // the end, as the root's final step reads it
    } else {
        currentUnit = m_unit;
        m_loop->trace().stateChanged(m_unit, UnitState::Running);
    }
    mustCancel = false;
    finish(cancelledError(), true);
}

void TaskCore::finish(std::exception_ptr error, bool cancelled)
{
    m_done = true;
    if (isExternal())
        static_cast<ExternalCore *>(this)->m_error = error;
    else if (!rootGone())
        rootHead().exception = error; // the root's own, handed in by its final step
    if (!error)
        m_outcome = Outcome::Completed;
    else if (cancelled)
        m_outcome = m_cause == CancelCause::Timeout ? Outcome::TimedOut : Outcome::Cancelled;
    else
        m_outcome = Outcome::Failed;
    // Without a coroutine this is an executor job, whose unit the executor traces, its end
    // included: a worker knows its lane and when the job ended, the loop learns it later.
    if (m_root) {
        const quint32 errorId =
            m_outcome == Outcome::Failed ? m_loop->intern(errorText(error)) : 0;
        if (cancelled)
            traceCancelled(m_unit);
        m_loop->trace().finished(m_unit, m_outcome, errorId);
    }
    withdraw = {};
    // Callbacks run in registration order (oldest first), like asyncio's.
    DoneCallback *last = nodeOf(m_callbacks);
    while (last && nodeOf(last->next))
        last = last->next;
    SharedDoneCallback *shared = sharedOf(last ? last->next : m_callbacks);
    m_callbacks = nullptr;
    if (shared)
        shared->fn(shared, this);
    while (last) {
        DoneCallback *cb = last;
        last = cb->prev;
        cb->prev = cb->next = nullptr;
        cb->fn(cb, this);
    }
    m_loop->taskFinished(this);
}

} // namespace Loopscope
