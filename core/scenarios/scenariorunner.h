#pragma once

#include "clock.h"
#include "run/runsource.h"
#include "scenario.h"

#include <QString>

#include <memory>
#include <mutex>

namespace Loopscope {

class TraceRecorder;

//! One run of a built-in scenario, as a RunSource: the only thing that starts scenario
//! coroutines. The scenario runs on a loop thread of its own (so a scenario that blocks its loop
//! never blocks the caller) and can be stopped mid-run (every task ends cancelled).
//!
//! Lives on the thread that creates it (the GUI thread, or the CLI's main thread); its signals
//! arrive there. Its destructor stops the run and waits for the loop thread.
class ScenarioRunner : public RunSource
{
    Q_OBJECT
public:
    struct Options {
        QString scenario;
        ScenarioParams params;
        double timeScale = 1.0;
        Clock::Mode clock = Clock::Mode::Real;
    };

    explicit ScenarioRunner(Options options, QObject *parent = nullptr);
    ~ScenarioRunner() override;

    RunInfo describe() const override;
    //! False with a one-line error for an unknown scenario, a bad parameter or time scale.
    bool start(std::shared_ptr<TraceRecorder> recorder, QString *error) override;
    void stop() override;
    void wait() override;
    qint64 nowNs() const override;

    //! Checks a time scale: one-line error if it is not in [0.01, 100].
    static bool checkTimeScale(double scale, QString *error);

private:
    class RunThread;

    Options m_options;
    const Scenario *m_scenario = nullptr;
    QString m_paramProblem; //!< why the parameters cannot be used (empty: they can)
    std::unique_ptr<RunThread> m_thread;
};

} // namespace Loopscope
