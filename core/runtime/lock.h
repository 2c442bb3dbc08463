#pragma once

#include "releaseguard.h"
#include "task.h"
#include "waiterlist.h"

namespace Loopscope {

class Lock;

//! Holds a Lock; releases it when destroyed (`async with lock:`).
using LockGuard = ReleaseGuard<Lock>;

//! asyncio.Lock: acquire() takes the lock or waits FIFO for it (the task shows Queued
//! meanwhile); release() hands it straight to the first waiter. A cancelled waiter is unlinked at
//! once; one cancelled after it was handed the lock passes it on. Traced as the counters
//! "<name> held" (0 or 1) and "<name> queue" (tasks waiting), and as the holder series <name>:
//! which task holds it, from the moment it took it or was handed it. Loop thread only.
class Lock
{
public:
    explicit Lock(const QString &name = QStringLiteral("lock"));
    Lock(const Lock &) = delete;
    Lock &operator=(const Lock &) = delete;

    bool locked() const { return m_locked; }
    int waiting() const { return m_waiters.size(); }
    //! Throws RuntimeError("Lock is not acquired.") when the lock is not held.
    void release();

    class Acquire : public detail::ListWait
    {
    public:
        static constexpr UnitState WaitState = UnitState::Queued;
        explicit Acquire(Lock *lock)
            : ListWait(&lock->m_waiters)
            , m_lock(lock)
        {
        }
        bool ready();
        LockGuard resume() { return LockGuard(m_lock); }
        void abandon();

    private:
        Lock *m_lock;
    };
    //! What acquire() returns: only the lock; the await builds the Acquire in the frame.
    struct AcquireRequest {
        using RuntimeAwaiter = Acquire;
        Lock *lock;
        operator Acquire() const { return Acquire(lock); }
    };

    //! `auto guard = co_await lock.acquire();`
    AcquireRequest acquire() { return AcquireRequest{this}; }

private:
    //! Locked by holder (the task that took it or is handed it; null: not known) or free.
    void setLocked(bool locked, TaskCore *holder);

    bool m_locked = false;
    detail::WaiterList m_waiters;
    detail::TracedCounter m_held;
    EventLoop *m_loop;
    quint32 m_name;
};

} // namespace Loopscope
