#include "queue.h"

namespace Loopscope::detail {

QueueBase::QueueBase(int maxsize, const QString &name)
    : m_maxsize(maxsize)
    , m_getters(EventLoop::current(), name + QStringLiteral(" getters"))
    , m_putters(EventLoop::current(), maxsize > 0 ? name + QStringLiteral(" putters") : QString())
    , m_finished(QString())
    , m_items(EventLoop::current(), name + QStringLiteral(" items"))
{
    m_finished.set();
    m_items.set(0);
}

void QueueBase::itemAdded()
{
    ++m_size;
    ++m_unfinished;
    m_finished.clear();
    m_items.set(m_size);
    m_getters.wakeFirst();
}

void QueueBase::itemRemoved()
{
    --m_size;
    m_items.set(m_size);
    m_putters.wakeFirst();
}

void QueueBase::taskDone()
{
    if (m_unfinished <= 0)
        throw ScenarioError(QStringLiteral("ValueError"),
                            QStringLiteral("task_done() called too many times"));
    if (--m_unfinished == 0)
        m_finished.set();
}

Co<void> QueueBase::join()
{
    if (m_unfinished > 0)
        co_await m_finished.wait();
}

void QueueBase::SlotWait::abandon()
{
    // Woken, then cancelled before it ran: the wake-up goes to the next one in line.
    if (!woken())
        return;
    if (m_getter && !m_queue->empty())
        m_queue->m_getters.wakeFirst();
    else if (!m_getter && !m_queue->full())
        m_queue->m_putters.wakeFirst();
}

} // namespace Loopscope::detail
