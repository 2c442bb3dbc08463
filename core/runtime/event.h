#pragma once

#include "task.h"
#include "waiterlist.h"

namespace Loopscope {

//! asyncio.Event: wait() returns at once while the flag is set, else suspends (the task shows
//! Waiting) until set(); set() wakes every waiter, in the order they came. A cancelled waiter is
//! unlinked at once. Waiters are traced as the counter "<name> waiters" (empty name: not
//! traced). Loop thread only.
class Event
{
public:
    explicit Event(const QString &name = QStringLiteral("event"));
    Event(const Event &) = delete;
    Event &operator=(const Event &) = delete;

    bool isSet() const { return m_value; }
    int waiting() const { return m_waiters.size(); }
    void set();
    void clear() { m_value = false; }

    class Wait : public detail::ListWait
    {
    public:
        explicit Wait(Event *event)
            : ListWait(&event->m_waiters)
            , m_event(event)
        {
        }
        bool ready() const { return m_event->m_value; }
        void resume() const { }

    private:
        Event *m_event;
    };
    struct WaitRequest {
        using RuntimeAwaiter = Wait;
        Event *event;
        operator Wait() const { return Wait(event); }
    };

    //! `co_await event.wait();`
    WaitRequest wait() { return WaitRequest{this}; }

private:
    bool m_value = false;
    detail::WaiterList m_waiters;
};

} // namespace Loopscope
