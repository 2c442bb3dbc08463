#pragma once

#include "clock.h"
#include "run/runsource.h"
#include "scenarios/scenario.h"

#include <QProcess>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <thread>

class QTimer;

namespace Loopscope {

class TracerDecoder;

//! One run of the user's own asyncio program under our Python tracer, as a RunSource: the
//! program runs as `python3 PROGRAM.py ARGS...` would (its folder on sys.path, the current
//! directory, stdin, stdout and stderr inherited, or output discarded when quiet), and the
//! tracer writes its events to a pipe only this process reads (nothing listens anywhere).
//! A thread of ours reads the pipe and decodes the events into the recorder as they come.
//!
//! stop() ends the program like Ctrl+C: SIGINT, then SIGTERM and SIGKILL 2 s apart; what was
//! recorded stays. ended() comes once the program has exited and its events are all read.
//! Lives on the thread that creates it (it needs that thread's event loop for QProcess).
class ProgramRunner : public RunSource
{
    Q_OBJECT
public:
    struct Options {
        QString program;          //!< the .py file
        QStringList arguments;    //!< its sys.argv[1:]
        QString python = QStringLiteral("python3");
        QString workingDirectory; //!< empty: ours
        Clock::Mode clock = Clock::Mode::Real;
        bool tasksOnly = false;   //!< no inline coroutine units
        bool internals = false;   //!< show asyncio's own tasks too
        ScenarioParams params;    //!< values for the program's marked constants
        bool forwardOutput = true; //!< false: the program's stdout/stderr go nowhere (still traced)
    };

    explicit ProgramRunner(Options options, QObject *parent = nullptr);
    ~ProgramRunner() override;

    //! The program's marked constants (`LIMIT = 3  # loopscope: 1..20`) as parameter specs,
    //! read from its source; `--set` and the sliders go through them.
    static std::vector<ParamSpec> markedConstants(const QString &source);
    //! Checks what can be checked before starting: the program is a readable file and the
    //! interpreter is Python 3.11 or newer. False with one line naming the problem.
    static bool check(const Options &options, QString *error);

    RunInfo describe() const override;
    bool start(std::shared_ptr<TraceRecorder> recorder, QString *error) override;
    void stop() override;
    void wait() override;
    qint64 nowNs() const override;

    //! After ended(): the program's exit status (128 + signal when a signal ended it).
    int exitStatus() const { return m_exitStatus; }

private:
    void onProcessFinished(int code, QProcess::ExitStatus status);
    void onReaderDone();
    void endIfDone();

    Options m_options;
    std::shared_ptr<TraceRecorder> m_recorder;
    std::unique_ptr<TracerDecoder> m_decoder;
    QProcess *m_process = nullptr;
    QTimer *m_escalate = nullptr;
    std::thread m_reader;
    int m_readFd = -1;
    std::atomic<bool> m_stopReading{false};
    bool m_readerDone = false;
    bool m_processDone = false;
    bool m_ended = false;
    int m_stopStep = 0;
    int m_exitStatus = 0;
    QString m_problem;
    qint64 m_startedSteadyNs = 0;
};

} // namespace Loopscope
