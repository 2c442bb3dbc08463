#include "semaphore.h"

namespace Loopscope {

Semaphore::Semaphore(int permits, const QString &name)
    : m_permits(permits)
    , m_value(permits)
    , m_loop(EventLoop::current())
{
    if (m_loop) {
        m_inUseName = m_loop->intern(name + QStringLiteral(" in use"));
        m_queueName = m_loop->intern(name + QStringLiteral(" queue"));
        traceCounters();
    }
}

Semaphore::~Semaphore()
{
    while (m_head)
        unlink(m_head);
}

void Semaphore::traceCounters()
{
    if (!m_loop)
        return;
    // Only what changed: a sample per change keeps the counters exact and the trace small.
    const int inUse = m_permits - m_value;
    if (inUse != m_tracedInUse) {
        m_tracedInUse = inUse;
        m_loop->trace().counter(m_inUseName, inUse);
    }
    if (m_waitCount != m_tracedQueue) {
        m_tracedQueue = m_waitCount;
        m_loop->trace().counter(m_queueName, m_waitCount);
    }
}

void Semaphore::unlink(Acquire *a)
{
    if (!a->linked())
        return;
    (a->m_prev ? a->m_prev->m_next : m_head) = a->m_next;
    (a->m_next ? a->m_next->m_prev : m_tail) = a->m_prev;
    a->m_prev = a->m_next = nullptr;
    a->m_task = nullptr;
    --m_waitCount;
}

void Semaphore::release()
{
    ++m_value;
    if (Acquire *first = m_head) {
        // Hand the permit over to the first waiter (asyncio's _wake_up_next).
        TaskCore *task = first->m_task;
        unlink(first);
        --m_value;
        first->m_prev = first; // granted()
        task->loop()->schedule(task, task->loop()->nowNs());
    }
    traceCounters();
}

Semaphore::Acquire::~Acquire()
{
    if (linked())
        m_sem->unlink(this);
}

bool Semaphore::Acquire::ready()
{
    if (m_sem->locked())
        return false;
    --m_sem->m_value;
    m_sem->traceCounters();
    return true;
}

void Semaphore::Acquire::suspend(TaskCore *task, quint32)
{
    m_task = task;
    m_prev = m_sem->m_tail;
    (m_sem->m_tail ? m_sem->m_tail->m_next : m_sem->m_head) = this;
    m_sem->m_tail = this;
    ++m_sem->m_waitCount;
    m_sem->traceCounters();
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<Acquire *>(ctx);
                          self->m_sem->unlink(self);
                          self->m_sem->traceCounters();
                          return false;
                      },
                      this};
}

void Semaphore::Acquire::abandon()
{
    if (granted()) {
        m_prev = nullptr;
        m_sem->release();
    }
}

} // namespace Loopscope
