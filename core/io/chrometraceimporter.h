#pragma once

#include "chrometraceevent.h"
#include "tracedata.h"
#include "traceimportreport.h"

#include <QHash>
#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace Loopscope {

//! Turns the events of a foreign Chrome trace (not written by Loopscope) into TraceData that a
//! person can read as lanes, best effort, and counts what it could not show.
//!
//! - Processes: with events from two or more pids, each process becomes a unit labelled by its
//!   process_name ("node (pid 7)") whose children are its lanes, ordered by
//!   process_sort_index; with one pid, its lanes are at the top.
//! - Threads: each (pid, tid) with slices (X, or B/E pairs) becomes a task labelled by its
//!   thread_name, ordered by thread_sort_index, then by first slice. Its top-level slices are
//!   its intervals (state = the slice name if it is a state name, else running). When slices
//!   nest, the calls become a tree of `coroutine` units under the thread: one unit per call
//!   path (thread > handle > parse), whose intervals are every time that path was on the stack.
//!   Rows grow with the distinct paths, not with the calls, and the replay cursor finds the
//!   call stack of the moment as the running units.
//! - Async: each async id (b/e, or the legacy S/F, by cat and id) becomes a task labelled by its
//!   first slice's name and the id ("Timeout 0x5"): waiting from its b to its e, running while
//!   a nested b/e of the same id is open (Node's "Timeout_CALLBACK"); after the threads.
//! - Instants (i, I, and n on an async id) become bookmarks (at most MaxBookmarks); C counters
//!   become counter series; s/f flows link the lanes they were recorded on.
//! - Times start at the first event; every unit is `completed` at its last slice's end;
//!   scenario "imported", clock "real".
//!
//! Never drops silently: every event it cannot show is counted in report() by kind
//! ("'O' object events", "unmatched E"), and so is every guess (a B without E is drawn to the
//! trace's end). Deep nesting is handled without recursion. Not thread-safe; one per file.
class ChromeTraceImporter
{
public:
    //! Instants beyond this many are counted, not bookmarked: the bookmarks menu lists them all.
    static constexpr int MaxBookmarks = 1000;

    ChromeTraceImporter();
    ~ChromeTraceImporter();

    //! Takes one event, in file order (B/E and b/e pair up in that order).
    void add(const ChromeTraceEvent &event);
    //! Counts an entry that is not an event at all (e.g. not a JSON object).
    void skip(const QString &kind) { m_report.addSkipped(kind); }
    //! The data, or nullopt and *error (one line) when there was nothing to show.
    std::optional<TraceData> finish(QString *error);
    const TraceImportReport &report() const { return m_report; }

private:
    struct Lane;
    struct Process;
    Lane &threadLane(const ChromeTraceEvent &e);
    Lane &asyncLane(const ChromeTraceEvent &e);
    Lane &lane(const QString &key, const QString &pid);
    Process &process(const QString &pid);
    int nameIndex(const QString &name);
    void seen(qint64 ns);
    void emitLane(Lane &lane, quint32 parent, qint64 baseNs, TraceData &data);

    std::vector<std::unique_ptr<Lane>> m_lanes;
    QHash<QString, std::size_t> m_laneIndex;
    std::vector<Process> m_processes;
    QHash<QString, std::size_t> m_processIndex;
    std::vector<QString> m_names;
    QHash<QString, int> m_nameIndex;
    struct Instant
    {
        qint64 timeNs;
        int name;
        int lane; //!< for n: the async lane; -1: none
    };
    std::vector<Instant> m_instants;
    struct Sample
    {
        QString series;
        qint64 timeNs;
        qint64 value;
    };
    std::vector<Sample> m_samples;
    struct FlowEnd
    {
        std::size_t lane;
        qint64 timeNs;
    };
    std::map<QString, FlowEnd> m_flowStarts;
    std::vector<std::pair<FlowEnd, FlowEnd>> m_flows;
    qint64 m_firstNs;
    qint64 m_lastNs;
    TraceImportReport m_report;
};

} // namespace Loopscope
