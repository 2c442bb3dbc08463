#pragma once

#include "runsource.h"
#include "tracedata.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace Loopscope {

class TraceBuilder;
class TraceRecorder;

//! Owns a run from start to finished: its source, its recorder, the builder that turns the
//! events into TraceData, the frame pump that reads them at display rate, the run's RunInfo
//! (set once at start from the source, completed once at the end) and its live edge. The GUI's
//! main window and the CLI both run through one; traced programs are one more RunSource.
//!
//! start() replaces the run on screen at once: a run still going is told to stop and left to end
//! on its own (never waited for: a scenario may block its loop on purpose); its signals are
//! dropped. data() stays valid until the next start() (the view keeps a pointer to it).
//!
//! Each frame applies at most FrameBudgetMs worth of new events; a burst (a million tasks
//! created in one loop turn) spreads over frames, and finished() comes once every event is
//! applied. A DataHold (holdData()) freezes data() so that another thread may read it.
//! Lives on the thread that creates it (the GUI thread, or the CLI's main thread).
class RunController : public QObject
{
    Q_OBJECT
public:
    //! How long a frame may spend applying new events (real ms, on this thread).
    static constexpr int FrameBudgetMs = 6;
    //! How long each catch-up slice between frames may spend (real ms): a timer or a paint due
    //! meanwhile waits for at most one of them.
    static constexpr int CatchUpBudgetMs = 2;
    //! data() frozen and kept alive for a reader on another thread: while any hold of the
    //! current run is kept, no new event is applied (they wait in the recorder) and the run's
    //! end waits; addBookmark() is the one change still made. Made and destroyed on this
    //! thread; it keeps its run's data alive across start() (only holds of the current run
    //! freeze anything).
    using DataHold = std::shared_ptr<const TraceData>;

    explicit RunController(QObject *parent = nullptr);
    //! Stops every run and waits for them.
    ~RunController() override;

    //! Starts source as the current run. False with a one-line error if it cannot start (the
    //! run on screen is kept then).
    bool start(std::unique_ptr<RunSource> source, QString *error = nullptr);
    //! Asks the current run to end early; finished() follows. Never blocks.
    void stop();
    //! Blocks until the current run has ended.
    void wait();
    bool isRunning() const { return m_running; }
    bool hasRun() const { return m_builder != nullptr; }

    //! The current (or last) run as built so far; info.finished once it ended.
    const TraceData &data() const;
    //! Takes the data of a finished run (the CLI's summary and files).
    TraceData takeData();
    //! Keeps a copy of data as the pinned run, A, to compare the runs after it with (the
    //! window pins the run or the opened trace it shows); replaces the one pinned before. It
    //! stays pinned across start() until unpin().
    void pin(const TraceData &data);
    void unpin();
    //! The pinned run, or null. Valid until the next pin() or unpin().
    const TraceData *pinned() const { return m_pinned.get(); }
    //! Marks timeNs of the current run with a note (kept in time order; saved with the trace).
    void addBookmark(qint64 timeNs, const QString &note);
    //! Why the current run could not run at all (its source's ended() error); empty if it ran.
    QString error() const { return m_error; }
    //! The current run's source (a ScenarioRunner, a ProgramRunner), or null.
    RunSource *source() const { return m_source.get(); }
    //! The current run's recorder (tests read a replaced run's trace through it).
    std::shared_ptr<TraceRecorder> recorder() const { return m_recorder; }
    //! The live edge (scenario ns): the source's clock while running, the run's end after.
    qint64 liveEdgeNs() const;

    //! How often the frame pump reads new events while running (default 16 ms; 0: never, only
    //! at the end and on update()).
    void setFrameInterval(int ms);
    //! Reads what is new now (Frame: at most FrameBudgetMs of it, the rest at the next frame);
    //! true if anything changed. Nothing while the data is held.
    enum class Amount { All, Frame };
    bool update(Amount amount = Amount::All);
    //! Freezes data() for a reader on another thread (see DataHold); null if there is no run.
    DataHold holdData();
    bool isHeld() const { return m_holds > 0; }

Q_SIGNALS:
    void started();
    //! New events were read (every frame that had any, while running).
    void updated();
    //! A line the run printed, as it happens.
    void outputLine(qint64 timeNs, const QString &line);
    //! The run ended and data() holds all of it.
    void finished();
    //! A run was pinned or unpinned.
    void pinnedChanged();

private:
    void onEnded(RunSource *source, qint64 endNs, const QString &error);
    //! The run's end, once every event is applied and nothing holds the data.
    void completeEnd();
    void release(const TraceBuilder *builder);
    void retire(std::unique_ptr<RunSource> source);
    //! Applies new events for at most budgetMs (whole slices); arms the catch-up if some remain.
    bool applyFor(int budgetMs);

    std::unique_ptr<RunSource> m_source;
    std::vector<std::unique_ptr<RunSource>> m_retiring; //!< replaced runs still ending
    std::shared_ptr<TraceRecorder> m_recorder;
    std::shared_ptr<TraceBuilder> m_builder; //!< shared with the holds of its data
    TraceData m_empty;
    std::unique_ptr<TraceData> m_pinned;
    QTimer m_frameTimer;
    QTimer m_catchUp;               //!< another frame's worth at once, while behind
    bool m_behind = false;          //!< the last update left events for the next
    bool m_changedSinceFrame = false; //!< the catch-up applied events not shown yet
    QString m_error;
    bool m_running = false;
    int m_holds = 0;       //!< holds of m_builder's data kept
    bool m_ending = false; //!< the source ended; the end completes once all is applied
    qint64 m_endNs = 0;
};

} // namespace Loopscope
