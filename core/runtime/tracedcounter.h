#pragma once

#include "eventloop.h"

#include <QString>

namespace Loopscope::detail {

//! One counter series of a primitive ("queue items", "lock held"): records a sample on the
//! loop stream whenever the value changes. A counter made off a loop, or with an empty name,
//! records nothing. Loop thread only.
class TracedCounter
{
public:
    TracedCounter(EventLoop *loop, const QString &name)
        : m_loop(name.isEmpty() ? nullptr : loop)
        , m_name(m_loop ? m_loop->intern(name) : 0)
    {
    }
    void set(qint64 value)
    {
        // A sample per change only: the counters stay exact and the trace small.
        if (!m_loop || value == m_last)
            return;
        m_last = value;
        m_loop->trace().counter(m_name, value);
    }

private:
    EventLoop *m_loop;
    quint32 m_name;
    qint64 m_last = -1;
};

} // namespace Loopscope::detail
