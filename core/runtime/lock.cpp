#include "lock.h"

namespace Loopscope {

Lock::Lock(const QString &name)
    : m_waiters(EventLoop::current(), name + QStringLiteral(" queue"))
    , m_held(EventLoop::current(), name + QStringLiteral(" held"))
{
    m_held.set(0);
}

void Lock::setLocked(bool locked)
{
    m_locked = locked;
    m_held.set(locked ? 1 : 0);
}

void Lock::release()
{
    if (!m_locked)
        throw ScenarioError(QStringLiteral("RuntimeError"), QStringLiteral("Lock is not acquired."));
    // The first waiter gets the lock now (asyncio's _wake_up_first; it stays locked for it).
    if (!m_waiters.wakeFirst())
        setLocked(false);
}

bool Lock::Acquire::ready()
{
    // Never free while tasks wait: release() hands the lock over (FIFO, no barging).
    if (m_lock->m_locked)
        return false;
    m_lock->setLocked(true);
    return true;
}

void Lock::Acquire::abandon()
{
    // Handed the lock, then cancelled before it ran: pass the lock on.
    if (woken())
        m_lock->release();
}

} // namespace Loopscope
