#pragma once

#include "clock.h"
#include "scenario.h"
#include "tracedata.h"

#include <QObject>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace Loopscope {

class EventLoop;
class TraceRecorder;

//! The only thing that starts scenario coroutines. Runs one scenario at a time on a loop thread
//! of its own (so a scenario that blocks its loop never blocks the caller), can stop it mid-run
//! (every task ends cancelled) and start the next at once.
//!
//! Lives on the thread that creates it (the GUI thread, or the CLI's main thread); its signals
//! arrive there. recorder() and nowNs() may be read from that thread while a run goes on.
class ScenarioRunner : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QString scenario;
        ScenarioParams params;
        double timeScale = 1.0;
        Clock::Mode clock = Clock::Mode::Real;
    };

    explicit ScenarioRunner(QObject *parent = nullptr);
    ~ScenarioRunner() override;

    //! Checks the options and starts the run. A run still going is told to stop and ends on its
    //! own (its signals are dropped); this never waits for it.
    //! False with a one-line error for an unknown scenario, a bad parameter or time scale.
    bool start(const Options &options, QString *error = nullptr);
    //! Asks the running scenario to cancel everything; finished() follows. Never blocks.
    void stop();
    //! Blocks until the current run has ended (returns at once when none runs).
    void wait();
    bool isRunning() const;

    //! The current (or last) run's trace; shared so readers may keep it after the next start.
    std::shared_ptr<TraceRecorder> recorder() const;
    //! The current (or last) run's description; info().totalNs is set when it finished.
    RunInfo info() const;
    //! The scenario clock of the current run (the live edge), in scenario ns.
    qint64 nowNs() const;
    //! Builds the whole TraceData of the last run (after finished()).
    TraceData traceData() const;

    //! Checks a time scale: one-line error if it is not in [0.01, 100].
    static bool checkTimeScale(double scale, QString *error);

Q_SIGNALS:
    void started();
    //! A line the scenario printed (scenario time in ns), delivered on the runner's thread.
    void outputLine(qint64 timeNs, const QString &line);
    void finished();

private:
    class RunThread;
    void onThreadFinished(quint64 generation);

    mutable std::mutex m_mutex;
    std::unique_ptr<RunThread> m_thread;
    std::vector<std::unique_ptr<RunThread>> m_retiring; //!< replaced runs still ending
    std::shared_ptr<TraceRecorder> m_recorder;
    std::shared_ptr<Clock> m_clock;
    RunInfo m_info;
    quint64 m_generation = 0;
};

} // namespace Loopscope
