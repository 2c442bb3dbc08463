#pragma once

#include <QElapsedTimer>
#include <QTimer>

namespace Loopscope::Test {

//! QCoro's event-loop checker: measures how long the thread's event loop was kept from running.
//! A precise timer ticks every intervalMs; a tick that comes late by d means the loop was
//! blocked for about d (plus the timer's own jitter, well below a millisecond). Lives on and is
//! used from the thread it measures (the GUI thread in the widget tests).
class EventLoopChecker
{
public:
    explicit EventLoopChecker(int intervalMs = 10);

    //! Starts measuring (again) from now.
    void start();
    //! Stops measuring; counts the time since the last tick as a stall if it is one.
    void stop();
    //! The longest stall seen (real milliseconds) and how many ticks were seen.
    double longestStallMs() const { return m_longestMs; }
    int ticks() const { return m_ticks; }

private:
    void tick();

    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_longestMs = 0;
    int m_ticks = 0;
};

} // namespace Loopscope::Test
