#pragma once

#include "traceevent.h"

#include <QString>
#include <QStringList>

#include <algorithm>
#include <utility>
#include <vector>

namespace Loopscope {

//! One bar on a unit's lane: [startNs, endNs) in one state. endNs < 0: still open (live).
struct StateInterval {
    qint64 startNs = 0;
    qint64 endNs = -1;
    UnitState state = UnitState::Pending;
    quint16 lane = 0;
    quint32 at = 0; //!< where in the code it waits: TraceData::places[at - 1]; 0: not known
};

//! Everything known about one task / coroutine / executor job / generator step.
struct UnitRecord {
    quint32 id = 0;
    quint32 parent = 0;
    UnitKind kind = UnitKind::Task;
    QString label;
    qint64 createdNs = 0;
    qint64 startNs = -1; //!< first time it ran; -1: never ran
    qint64 endNs = -1;   //!< when it ended; -1: not ended
    Outcome outcome = Outcome::None;
    QString error;
    std::vector<StateInterval> intervals; //!< consecutive, sorted by time
    //! Why it was cancelled (outcome cancelled or timed out; None: not known, e.g. an imported
    //! trace) and the unit that caused it (0: none; see CancelCause). Last, so that aggregate
    //! initialisers written before them stay valid.
    CancelCause cancelCause = CancelCause::None;
    quint32 cancelledBy = 0;
    //! The event loop it belongs to (0: the run's first or only loop; see TraceWriter::created).
    quint16 loop = 0;

    //! The latest of its creation, its end and the start of its last interval.
    qint64 latestNs() const
    {
        const qint64 last = std::max(createdNs, endNs);
        return intervals.empty() ? last : std::max(last, intervals.back().startNs);
    }
};

struct CounterSample {
    qint64 timeNs = 0;
    qint64 value = 0;
};

//! A step function over time, e.g. "semaphore in use" or "executor queue".
struct CounterSeries {
    QString name;
    std::vector<CounterSample> samples;
};

//! One task holding a resource: [startNs, endNs). endNs < 0: still held (live).
struct HolderInterval {
    quint32 unit = 0;
    qint64 startNs = 0;
    qint64 endNs = -1;
};

//! Who holds a resource (a lock) over time: its holds, sorted by time, never overlapping (a
//! lock has one holder at a time); the gaps are when it was free.
struct HolderSeries {
    QString name;
    std::vector<HolderInterval> intervals;
};

//! awaiter -> awaited, from the moment the awaiter started waiting.
struct FlowLink {
    quint32 from = 0;
    quint32 to = 0;
    qint64 timeNs = 0;
};

struct OutputLine {
    qint64 timeNs = 0;
    QString text;
    OutputStream stream = OutputStream::Stdout;
};

//! A moment a person marked, with a note (Ctrl+B in the window); saved in the trace JSON.
struct Bookmark {
    qint64 timeNs = 0;
    QString note;
};

//! A timeout deadline cutting a unit's lane.
struct DeadlineMarker {
    quint32 unit = 0;
    qint64 timeNs = 0;
};

//! A loop turn that started lagNs late (the loop was blocked).
struct LoopLagSample {
    qint64 timeNs = 0;
    qint64 lagNs = 0;
    quint16 loop = 0; //!< which event loop (UnitRecord::loop)
};

//! Which scenario was run, how, and how long it took.
struct RunInfo {
    QString scenario;
    std::vector<std::pair<QString, double>> params;
    double timeScale = 1.0;
    QString clock = QStringLiteral("virtual");
    qint64 totalNs = 0;
    quint32 mainId = 0;
    bool finished = false;
};

//! A whole run as plain data: what the painter draws, the writers write and the reader reads.
//! Units are stored by id: units[id - 1] has id `id` (ids are dense, starting at 1).
struct TraceData {
    RunInfo info;
    std::vector<UnitRecord> units;
    std::vector<CounterSeries> counters;
    std::vector<HolderSeries> holders;
    std::vector<FlowLink> flows;
    std::vector<OutputLine> output;
    std::vector<DeadlineMarker> deadlines;
    std::vector<LoopLagSample> loopLag;
    std::vector<Bookmark> bookmarks; //!< sorted by time (addBookmark keeps them so)
    //! The places ("FILE:LINE") intervals name by StateInterval::at, each once.
    std::vector<QString> places;

    //! The latest time a unit was created, changed state (the start of its last interval) or
    //! ended, or a line was printed; a never-awaited unit counts with its creation only, and
    //! deadlines (ahead of the run), counters, flows and lag samples do not count. Whoever fills
    //! the data keeps it: TraceBuilder as it applies events (it never goes back), data filled
    //! another way (the trace reader, hand-made data) calls recomputeLastEventNs() once filled.
    qint64 lastEventNs = 0;

    const UnitRecord *unit(quint32 id) const
    {
        return id >= 1 && id <= units.size() ? &units[id - 1] : nullptr;
    }
    //! The place of an interval ("blockingpitfall.cpp:18"), or "" if not known.
    QString placeOf(const StateInterval &iv) const
    {
        return iv.at >= 1 && iv.at <= places.size() ? places[iv.at - 1] : QString();
    }
    //! The live edge: the run's total time or lastEventNs, whichever is later. O(1): the painter,
    //! the layout and the view's hit tests read it per frame and per mouse move.
    qint64 endNs() const { return std::max(info.totalNs, lastEventNs); }
    //! Sets lastEventNs from units and output: O(units), for data not built by TraceBuilder.
    void recomputeLastEventNs();
    //! Marks timeNs with a note, keeping the bookmarks in time order.
    void addBookmark(qint64 timeNs, const QString &note);
};

} // namespace Loopscope
