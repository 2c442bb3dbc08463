#pragma once

#include "lock.h"

#include <memory>

namespace Loopscope {

//! asyncio.Condition over a Lock (its own, or one shared with others). acquire()/release() are
//! the lock's. wait() must be called with the lock held: it releases the lock, waits to be
//! notified (Queued), then re-acquires the lock (Queued) before it returns, even when it is
//! cancelled, and only then raises CancelledError. A waiter cancelled after it was notified
//! loses that notification, as in CPython 3.11. Waiters are traced as "<name> waiters".
//! Loop thread only.
class Condition
{
public:
    explicit Condition(Lock *lock = nullptr, const QString &name = QStringLiteral("condition"));
    Condition(const Condition &) = delete;
    Condition &operator=(const Condition &) = delete;

    Lock &lock() { return *m_lock; }
    bool locked() const { return m_lock->locked(); }
    int waiting() const { return m_waiters.size(); }
    //! `auto guard = co_await condition.acquire();` (`async with condition:`)
    Lock::AcquireRequest acquire() { return m_lock->acquire(); }
    void release() { m_lock->release(); }

    //! Throws RuntimeError when the lock is not held.
    Co<void> wait();
    //! Waits until predicate() is true (checked first, then after each notification).
    template<typename P>
    Co<bool> waitFor(P predicate)
    {
        bool result = predicate();
        while (!result) {
            co_await wait();
            result = predicate();
        }
        co_return result;
    }
    //! Wakes up to n waiters, first come first. Throws RuntimeError when the lock is not held.
    void notify(int n = 1);
    void notifyAll() { notify(m_waiters.size()); }

private:
    class NotifyWait : public detail::ListWait
    {
    public:
        static constexpr UnitState WaitState = UnitState::Queued;
        using ListWait::ListWait;
        bool ready() const { return false; }
        void resume() const { }
    };
    struct NotifyRequest {
        using RuntimeAwaiter = NotifyWait;
        detail::WaiterList *waiters;
        operator NotifyWait() const { return NotifyWait(waiters); }
    };
    void requireLocked(const char *what) const;

    std::unique_ptr<Lock> m_ownLock;
    Lock *m_lock;
    detail::WaiterList m_waiters;
};

} // namespace Loopscope
