#pragma once

#include "task.h"

namespace Loopscope {

//! What sleep() returns: only the duration (ns), so the frame of a coroutine that awaits it holds
//! the timer state once (in the SleepWait the await builds from it), and an enum, so that the
//! awaited temporary the frame keeps besides takes no room (detail::AwaiterFor).
enum class SleepAwaitable : qint64 {};

//! The wait of asyncio.sleep: one entry in the loop's timer heap, living in the coroutine frame.
//! sleep(0) yields for one loop turn. Cancelling removes the timer at once.
class SleepWait : private TimerNode
{
public:
    SleepWait(SleepAwaitable sleep) { deadlineNs = qint64(sleep); }
    SleepWait(SleepWait &&o) noexcept
        : TimerNode()
    {
        deadlineNs = o.deadlineNs;
    }
    ~SleepWait()
    {
        if (heapIndex >= 0 && m_task)
            m_task->loop()->removeTimer(this);
    }

    bool ready() const { return false; }
    void suspend(TaskCore *task, quint32)
    {
        m_task = task;
        EventLoop *loop = task->loop();
        const qint64 now = loop->nowNs();
        const qint64 duration = deadlineNs; // until it is armed, the deadline field holds it
        if (duration <= 0) {
            loop->schedule(task, now);
            return;
        }
        fire = [](TimerNode *n) {
            auto *self = static_cast<SleepWait *>(n);
            self->m_task->loop()->schedule(self->m_task, n->deadlineNs);
        };
        loop->addTimer(this, now + duration);
        task->withdraw = {[](void *ctx) {
                              auto *self = static_cast<SleepWait *>(ctx);
                              self->m_task->loop()->removeTimer(self);
                              return false;
                          },
                          this};
    }
    void resume() const { }

private:
    TaskCore *m_task = nullptr;
};

SleepWait runtimeAwaiterOf(SleepAwaitable); // names the awaiter (detail::AwaiterFor)

inline SleepAwaitable sleep(Seconds duration) { return SleepAwaitable(EventLoop::toNs(duration)); }
template<typename N>
    requires std::is_arithmetic_v<N>
SleepAwaitable sleep(N seconds)
{
    return sleep(Seconds(double(seconds)));
}

} // namespace Loopscope
