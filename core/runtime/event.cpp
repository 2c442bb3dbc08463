#include "event.h"

namespace Loopscope {

Event::Event(const QString &name)
    : m_waiters(EventLoop::current(), name.isEmpty() ? name : name + QStringLiteral(" waiters"))
{
}

void Event::set()
{
    if (m_value)
        return;
    m_value = true;
    m_waiters.wakeAll();
}

} // namespace Loopscope
