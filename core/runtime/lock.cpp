#include "lock.h"

namespace Loopscope {

Lock::Lock(const QString &name)
    : m_waiters(EventLoop::current(), name + QStringLiteral(" queue"))
    , m_held(EventLoop::current(), name + QStringLiteral(" held"))
    , m_loop(EventLoop::current())
    , m_name(m_loop ? m_loop->intern(name) : 0)
{
    m_held.set(0);
}

void Lock::setLocked(bool locked, TaskCore *holder)
{
    m_locked = locked;
    m_held.set(locked ? 1 : 0);
    if (m_loop)
        m_loop->trace().holder(m_name, locked && holder ? holder->unit() : 0);
}

void Lock::release()
{
    if (!m_locked)
        throw ScenarioError(QStringLiteral("RuntimeError"), QStringLiteral("Lock is not acquired."));
    // The first waiter gets the lock now (asyncio's _wake_up_first; it stays locked for it).
    TaskCore *next = m_waiters.front();
    m_waiters.wakeFirst();
    setLocked(next != nullptr, next);
}

bool Lock::Acquire::ready()
{
    // Never free while tasks wait: release() hands the lock over (FIFO, no barging).
    if (m_lock->m_locked)
        return false;
    EventLoop *loop = EventLoop::current();
    m_lock->setLocked(true, loop ? loop->currentTask() : nullptr);
    return true;
}

void Lock::Acquire::abandon()
{
    // Handed the lock, then cancelled before it ran: pass the lock on.
    if (woken())
        m_lock->release();
}

} // namespace Loopscope
