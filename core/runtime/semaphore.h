#pragma once

#include "releaseguard.h"
#include "task.h"

namespace Loopscope {

class Semaphore;

//! Holds one permit of a Semaphore; gives it back when destroyed (`async with semaphore:`).
using SemaphorePermit = ReleaseGuard<Semaphore>;

//! asyncio.Semaphore: acquire() waits FIFO for a permit (the task shows Queued meanwhile);
//! release hands the permit straight to the first waiter. A cancelled waiter is unlinked at once;
//! one cancelled after it was granted a permit gives it back. Occupancy is traced as two counters,
//! "<name> in use" and "<name> queue". Loop thread only.
class Semaphore
{
public:
    explicit Semaphore(int permits, const QString &name = QStringLiteral("semaphore"));
    Semaphore(const Semaphore &) = delete;
    Semaphore &operator=(const Semaphore &) = delete;
    ~Semaphore();

    int available() const { return m_value; }
    int waiting() const { return m_waitCount; }
    int permits() const { return m_permits; }
    bool locked() const { return m_value == 0 || m_waitCount > 0; }
    void release();

    class Acquire;
    //! What acquire() returns: only the semaphore (its address), the await builds the Acquire in
    //! the frame; an enum, so that the awaited temporary takes no room there (detail::AwaiterFor).
    enum class AcquireRequest : quintptr {};
    friend Acquire runtimeAwaiterOf(AcquireRequest); // names the awaiter, never defined
    //! The wait for a permit, in the waiting frame: 32 bytes, a node of the semaphore's FIFO.
    class Acquire
    {
    public:
        static constexpr UnitState WaitState = UnitState::Queued;
        Acquire(AcquireRequest request)
            : m_sem(reinterpret_cast<Semaphore *>(request))
        {
        }
        Acquire(Acquire &&o) noexcept
            : m_sem(o.m_sem)
        {
        }
        ~Acquire();
        bool ready();
        void suspend(TaskCore *task, quint32 unit);
        SemaphorePermit resume() { return SemaphorePermit(m_sem); }
        void abandon();

    private:
        friend class Semaphore;
        //! In the FIFO. Asks nothing of the semaphore, which may be gone.
        bool linked() const { return m_task && m_prev != this; }
        //! Given a permit by release(); marked by a node that is its own previous one.
        bool granted() const { return m_prev == this; }
        Semaphore *m_sem;
        TaskCore *m_task = nullptr; // while linked
        Acquire *m_prev = nullptr;  // this: granted
        Acquire *m_next = nullptr;
    };

    //! `auto permit = co_await semaphore.acquire();`
    AcquireRequest acquire() { return AcquireRequest(reinterpret_cast<quintptr>(this)); }

private:
    void unlink(Acquire *a);
    void traceCounters();

    int m_permits;
    int m_value;
    int m_waitCount = 0;
    Acquire *m_head = nullptr;
    Acquire *m_tail = nullptr;
    EventLoop *m_loop;
    quint32 m_inUseName = 0;
    quint32 m_queueName = 0;
    int m_tracedInUse = -1;
    int m_tracedQueue = -1;
};

} // namespace Loopscope
