#include "timeout.h"

namespace Loopscope::detail {

WaitForBase::WaitForBase(TaskCore *inner, qint64 deadlineNs)
    : m_inner(inner)
    , m_deadlineNs(deadlineNs)
{
    m_inner->ref();
}

WaitForBase::WaitForBase(WaitForBase &&o) noexcept
    : DoneCallback()
    , TimerNode()
    , m_inner(std::exchange(o.m_inner, nullptr))
    , m_deadlineNs(o.m_deadlineNs)
{
}

WaitForBase::~WaitForBase()
{
    if (!m_inner)
        return;
    if (heapIndex >= 0)
        m_inner->loop()->removeTimer(this);
    m_inner->removeDoneCallback(this);
    m_inner->deref();
}

void WaitForBase::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    EventLoop *loop = task->loop();
    loop->trace().linked(unit, m_inner->unit());
    DoneCallback::fn = [](DoneCallback *cb, TaskCore *done) {
        auto *self = static_cast<WaitForBase *>(cb);
        if (self->heapIndex >= 0)
            done->loop()->removeTimer(self);
        done->loop()->schedule(self->m_waiter, done->loop()->nowNs());
    };
    m_inner->addDoneCallback(this);
    fire = [](TimerNode *n) {
        auto *self = static_cast<WaitForBase *>(n);
        self->m_timedOut = true;
        self->m_inner->cancel(CancelCause::Timeout);
    };
    loop->addTimer(this, m_deadlineNs);
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<WaitForBase *>(ctx);
                          self->m_waiterCancelled = true;
                          if (self->heapIndex >= 0)
                              self->m_waiter->loop()->removeTimer(self);
                          self->m_waiter->propagateCancel(self->m_inner);
                          return true; // woken when the inner task has ended
                      },
                      this};
}

TimeoutHandle::TimeoutHandle(TaskCore *task, qint64 deadlineNs)
    : m_task(task)
{
    fire = [](TimerNode *n) {
        auto *self = static_cast<TimeoutHandle *>(n);
        self->m_expired = true;
        self->m_task->cancel(CancelCause::Timeout);
    };
    m_task->loop()->addTimer(this, deadlineNs);
}

TimeoutHandle::~TimeoutHandle() { disarm(); }

void TimeoutHandle::disarm()
{
    if (heapIndex >= 0)
        m_task->loop()->removeTimer(this);
}

} // namespace Loopscope::detail
