#include "condition.h"

namespace Loopscope {

Condition::Condition(Lock *lock, const QString &name)
    : m_ownLock(lock ? nullptr : std::make_unique<Lock>(name + QStringLiteral(" lock")))
    , m_lock(lock ? lock : m_ownLock.get())
    , m_waiters(EventLoop::current(), name + QStringLiteral(" waiters"))
{
}

void Condition::requireLocked(const char *what) const
{
    if (!m_lock->locked())
        throw ScenarioError(QStringLiteral("RuntimeError"),
                            QStringLiteral("cannot %1 on un-acquired lock").arg(QLatin1String(what)));
}

Co<void> Condition::wait()
{
    requireLocked("wait");
    m_lock->release();
    bool cancelled = false;
    try {
        co_await NotifyRequest{&m_waiters};
    } catch (const CancelledError &) {
        cancelled = true;
    }
    // The lock is re-acquired even when the wait was cancelled (the caller's guard owns it).
    for (;;) {
        try {
            LockGuard guard = co_await m_lock->acquire();
            guard.dismiss();
            break;
        } catch (const CancelledError &) {
            cancelled = true;
        }
    }
    if (cancelled)
        throw CancelledError();
}

void Condition::notify(int n)
{
    requireLocked("notify");
    for (int i = 0; i < n && m_waiters.wakeFirst(); ++i) { }
}

} // namespace Loopscope
