#include "watchdog.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

namespace Loopscope::Test {

Watchdog::Watchdog(std::function<void()> stop, std::chrono::milliseconds limit,
                   std::chrono::milliseconds grace)
    : m_stop(std::move(stop))
    , m_limit(limit)
    , m_grace(grace)
    , m_testName(QString::fromStdString(Catch::getResultCapture().getCurrentTestName()))
    , m_thread([this] { watch(); })
{
}

Watchdog::~Watchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
    }
    m_done.notify_all();
    m_thread.join();
}

bool Watchdog::fired() const
{
    std::lock_guard lock(m_mutex);
    return m_fired;
}

QString Watchdog::message() const
{
    return QStringLiteral("watchdog: '%1' still running after %2 ms of real time")
        .arg(m_testName)
        .arg(m_limit.count());
}

void Watchdog::watch()
{
    std::unique_lock lock(m_mutex);
    if (m_done.wait_for(lock, m_limit, [this] { return m_finished; }))
        return;
    m_fired = true;
    lock.unlock();
    if (m_stop)
        m_stop();
    lock.lock();
    if (m_done.wait_for(lock, m_grace, [this] { return m_finished; }))
        return;
    // The test is stuck where stop cannot reach it (a thread wait, not its event loop).
    std::fprintf(stderr, "%s; aborting\n", qPrintable(message()));
    std::fflush(stderr);
    std::abort();
}

} // namespace Loopscope::Test
