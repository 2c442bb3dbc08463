#pragma once

#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace Loopscope::Test {

//! QCoro's habit: a coroutine test that hangs fails on its own, naming itself, after a limit of
//! real time, instead of running into ctest's timeout.
//!
//! On expiry it calls stop on its own thread (so stop must be thread-safe: EventLoop::requestStop,
//! QMetaObject::invokeMethod with a queued call), which lets the test end and report message().
//! If the test is still running `grace` later, it prints message() and aborts: Catch2 reports
//! the abort as a failure of the running test. Create and destroy it on the test's thread; the
//! destructor joins the watchdog's thread.
class Watchdog
{
public:
    static constexpr std::chrono::milliseconds DefaultLimit{60'000}; //!< below ctest's 120 s
    static constexpr std::chrono::milliseconds DefaultGrace{10'000};

    explicit Watchdog(std::function<void()> stop, std::chrono::milliseconds limit = DefaultLimit,
                      std::chrono::milliseconds grace = DefaultGrace);
    ~Watchdog();
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

    //! True once the limit has passed (stop was called).
    bool fired() const;
    //! "watchdog: 'NAME' still running after N ms of real time".
    QString message() const;

private:
    void watch();

    std::function<void()> m_stop;
    std::chrono::milliseconds m_limit;
    std::chrono::milliseconds m_grace;
    QString m_testName;
    mutable std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    bool m_fired = false;
    std::thread m_thread;
};

} // namespace Loopscope::Test
