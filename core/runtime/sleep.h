#pragma once

#include "task.h"

namespace Loopscope {

//! asyncio.sleep: one entry in the loop's timer heap. sleep(0) yields for one loop turn.
//! Cancelling removes the timer at once.
class SleepAwaitable : private TimerNode
{
public:
    explicit SleepAwaitable(qint64 durationNs)
        : m_durationNs(durationNs)
    {
    }
    SleepAwaitable(SleepAwaitable &&o) noexcept
        : TimerNode()
        , m_durationNs(o.m_durationNs)
    {
    }
    ~SleepAwaitable()
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
        if (m_durationNs <= 0) {
            loop->schedule(task, now);
            return;
        }
        fire = [](TimerNode *n) {
            auto *self = static_cast<SleepAwaitable *>(n);
            self->m_task->loop()->schedule(self->m_task, n->deadlineNs);
        };
        loop->addTimer(this, now + m_durationNs);
        task->withdraw = {[](void *ctx) {
                              auto *self = static_cast<SleepAwaitable *>(ctx);
                              self->m_task->loop()->removeTimer(self);
                              return false;
                          },
                          this};
    }
    void resume() const { }

private:
    qint64 m_durationNs;
    TaskCore *m_task = nullptr;
};

inline SleepAwaitable sleep(Seconds duration) { return SleepAwaitable(EventLoop::toNs(duration)); }
template<typename N>
    requires std::is_arithmetic_v<N>
SleepAwaitable sleep(N seconds)
{
    return sleep(Seconds(double(seconds)));
}

} // namespace Loopscope
