#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>

namespace Loopscope {

//! The scenario clock. Times are scenario nanoseconds since start().
//!
//! Real: real time elapsed divided by the time scale (0.1 = ten times faster).
//! Virtual: time stands still while the loop runs code and jumps (advance()) to the next timer
//! when nothing is runnable; while an executor job or a request is in flight (setRunning(true))
//! it follows real time, scaled, because the outside world does not wait for us.
//!
//! nowNs() may be called from any thread; the other calls only from the loop thread.
class Clock
{
public:
    enum class Mode { Real, Virtual };

    explicit Clock(Mode mode = Mode::Virtual, double timeScale = 1.0);

    Mode mode() const { return m_mode; }
    bool isVirtual() const { return m_mode == Mode::Virtual; }
    double timeScale() const { return m_scale; }

    //! Makes now time 0 (the constructor starts the clock; the loop starts it again when it is
    //! ready to run main).
    void start();
    qint64 nowNs() const;
    //! Virtual only: move time forward by deltaNs (a jump, or a block of the loop).
    void advance(qint64 deltaNs);
    //! Virtual only: follow real time while something outside the loop is in flight.
    void setRunning(bool running);
    //! Real nanoseconds that scenario nanoseconds take (for timers and blocking sleeps).
    qint64 toRealNs(qint64 scenarioNs) const;

private:
    static qint64 steadyNs();

    Mode m_mode;
    double m_scale;
    double m_invScale;
    std::atomic<qint64> m_startNs{0}; // restarted on the loop thread while others read it
    std::atomic<qint64> m_virtualNs{0};
    std::atomic<qint64> m_runningSinceNs{-1};
};

} // namespace Loopscope
