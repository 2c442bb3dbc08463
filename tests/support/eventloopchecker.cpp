#include "eventloopchecker.h"

#include <algorithm>

namespace Loopscope::Test {

EventLoopChecker::EventLoopChecker(int intervalMs)
    : m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
}

void EventLoopChecker::start()
{
    m_longestMs = 0;
    m_ticks = 0;
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void EventLoopChecker::stop()
{
    tick();
    m_timer.stop();
}

void EventLoopChecker::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double lateMs = double(now - m_lastNs) / 1e6 - m_intervalMs;
    m_longestMs = std::max(m_longestMs, lateMs);
    m_lastNs = now;
    ++m_ticks;
}

} // namespace Loopscope::Test
