#include "clock.h"

namespace Loopscope {

Clock::Clock(Mode mode, double timeScale)
    : m_mode(mode)
    , m_scale(timeScale > 0 ? timeScale : 1.0)
    , m_invScale(1.0 / m_scale)
{
    start();
}

void Clock::start()
{
    m_startNs.store(steadyNs(), std::memory_order_relaxed);
    m_virtualNs.store(0, std::memory_order_relaxed);
    m_runningSinceNs.store(-1, std::memory_order_relaxed);
}

qint64 Clock::steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 Clock::nowNs() const
{
    if (m_mode == Mode::Real)
        return qint64(double(steadyNs() - m_startNs.load(std::memory_order_relaxed)) * m_invScale);
    const qint64 base = m_virtualNs.load(std::memory_order_acquire);
    const qint64 since = m_runningSinceNs.load(std::memory_order_acquire);
    if (since < 0)
        return base;
    return base + qint64(double(steadyNs() - since) * m_invScale);
}

void Clock::advance(qint64 deltaNs)
{
    if (m_mode == Mode::Virtual && deltaNs > 0)
        m_virtualNs.fetch_add(deltaNs, std::memory_order_acq_rel);
}

void Clock::setRunning(bool running)
{
    if (m_mode != Mode::Virtual)
        return;
    const qint64 since = m_runningSinceNs.load(std::memory_order_acquire);
    if (running && since < 0) {
        m_runningSinceNs.store(steadyNs(), std::memory_order_release);
    } else if (!running && since >= 0) {
        const qint64 elapsed = qint64(double(steadyNs() - since) * m_invScale);
        m_virtualNs.fetch_add(elapsed, std::memory_order_acq_rel);
        m_runningSinceNs.store(-1, std::memory_order_release);
    }
}

qint64 Clock::toRealNs(qint64 scenarioNs) const { return qint64(double(scenarioNs) * m_scale); }

} // namespace Loopscope
