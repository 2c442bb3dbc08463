#pragma once

#include "tracedata.h"

#include <QObject>
#include <QString>

#include <memory>

namespace Loopscope {

class TraceRecorder;

//! A source of trace events that starts, streams and ends: a built-in scenario on a loop thread
//! of its own (ScenarioRunner), or a traced program. One object is one run. RunController owns
//! sources and drives them; everything downstream (builder, analysis, painter, exporters,
//! summary) reads the trace and never knows which kind of source wrote it.
//!
//! Lives on the thread that creates it; its signals arrive there. The source writes into the
//! recorder it is given from any thread it likes (the recorder is thread-safe) and keeps it
//! alive until it has ended.
class RunSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    //! What is run and how (name, parameters, clock, time scale), known before it starts.
    virtual RunInfo describe() const = 0;
    //! Starts writing events into recorder and returns at once; false with a one-line error
    //! naming the problem if it cannot start (then it never emits ended()).
    virtual bool start(std::shared_ptr<TraceRecorder> recorder, QString *error) = 0;
    //! Asks the run to end early (every task still going ends cancelled); ended() follows.
    //! Never blocks.
    virtual void stop() = 0;
    //! Blocks until the run has ended (returns at once if it never started).
    virtual void wait() = 0;
    //! The run's clock, scenario ns: the live edge while it runs, its end after.
    virtual qint64 nowNs() const = 0;

Q_SIGNALS:
    //! A line the run printed (scenario ns), as it happens (the CLI prints it at once).
    void outputLine(qint64 timeNs, const QString &line);
    //! The run is over at endNs (the loop's end: asyncio.run returned). error: why it could not
    //! run at all (empty when it ran, even if its main failed).
    void ended(qint64 endNs, const QString &error);
};

} // namespace Loopscope
