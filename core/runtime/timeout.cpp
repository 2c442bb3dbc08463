#include "timeout.h"

namespace Loopscope::detail {

RaceWait::RaceWait(TaskCore *target, qint64 deadlineNs)
    : m_target(target)
    , m_deadlineNs(deadlineNs)
{
    m_target->ref();
}

RaceWait::RaceWait(RaceWait &&o) noexcept
    : DoneCallback()
    , TimerNode()
    , m_target(std::exchange(o.m_target, nullptr))
    , m_deadlineNs(o.m_deadlineNs)
{
}

RaceWait::~RaceWait()
{
    if (!m_target)
        return;
    if (heapIndex >= 0)
        m_target->loop()->removeTimer(this);
    m_target->removeDoneCallback(this);
    m_target->deref();
}

void RaceWait::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    EventLoop *loop = task->loop();
    loop->trace(EventType::Link, unit, 0, m_target->unit());
    DoneCallback::fn = [](DoneCallback *cb, TaskCore *done) {
        auto *self = static_cast<RaceWait *>(cb);
        if (self->heapIndex >= 0)
            done->loop()->removeTimer(self);
        done->loop()->schedule(self->m_waiter, done->loop()->nowNs());
    };
    m_target->addDoneCallback(this);
    fire = [](TimerNode *n) {
        auto *self = static_cast<RaceWait *>(n);
        self->m_target->removeDoneCallback(self);
        self->m_waiter->loop()->schedule(self->m_waiter, n->deadlineNs);
    };
    loop->addTimer(this, m_deadlineNs);
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<RaceWait *>(ctx);
                          if (self->heapIndex >= 0)
                              self->m_waiter->loop()->removeTimer(self);
                          self->m_target->removeDoneCallback(self);
                          return false;
                      },
                      this};
}

DoneWait::DoneWait(TaskCore *target)
    : m_target(target)
{
    m_target->ref();
}

DoneWait::DoneWait(DoneWait &&o) noexcept
    : DoneCallback()
    , m_target(std::exchange(o.m_target, nullptr))
{
}

DoneWait::~DoneWait()
{
    if (!m_target)
        return;
    m_target->removeDoneCallback(this);
    m_target->deref();
}

void DoneWait::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    task->loop()->trace(EventType::Link, unit, 0, m_target->unit());
    fn = [](DoneCallback *cb, TaskCore *done) {
        auto *self = static_cast<DoneWait *>(cb);
        done->loop()->schedule(self->m_waiter, done->loop()->nowNs());
    };
    m_target->addDoneCallback(this);
    // Cancelling the waiter again does not stop it from waiting for the task to end.
    task->withdraw = {[](void *) { return true; }, nullptr};
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
