#pragma once

#include "runstats.h"

#include <QString>

#include <vector>

namespace Loopscope {

struct TraceData;

//! Two runs side by side: A (the pinned run, the reference) and B (the run after it). The one
//! owner of "which unit of A is which unit of B" and of the delta table that the window's
//! Compare panel, `loopscope compare` and its summary show.
//!
//! Matching: main with main (RunInfo::mainId); every other unit by its label, the k-th unit of
//! A with a label with the k-th unit of B with that label, both in creation (id) order. A
//! unit without a partner is listed too, with 0 for the missing side.
//!
//! Figures per unit: its end (scenario seconds from its run's start; -1: never ended) and its
//! waiting time: the time it spent waiting (on a timer, I/O, another unit) or queued for a
//! slot, open intervals counted up to the run's live edge. The run figures (total, most at
//! once, longest stall) are each run's RunStats (RunAnalysis computes them; nothing is
//! recomputed here). A delta is always B minus A.
//!
//! The overlay is both runs as one TraceData, for one picture on one time axis: B as it is, and
//! A's units appended after B's (A's unit id k becomes pinnedId(b, k), parents and causes moved
//! the same way). Its info, counters, lag samples and bookmarks are B's; A's flows and deadlines
//! come along, moved to A's new ids; lastEventNs covers both runs. Its scenario names the pinned
//! run for the picture's title: "semaphore vs pinned run (limit=3, total 4 s)" (A's scenario
//! if it differs, A's parameters that differ from B's, A's total).
//!
//! A plain value computed once by compare(); it holds no pointer into the data. Pure
//! functions; any thread.
class RunComparison
{
public:
    //! One matched pair (or a unit of one run only: the other id is 0).
    struct UnitMatch
    {
        quint32 a = 0;
        quint32 b = 0;
    };

    //! One line of the delta table.
    struct TaskDelta
    {
        QString label;
        quint32 aId = 0; //!< 0: only in B
        quint32 bId = 0; //!< 0: only in A
        qint64 aEndNs = -1; //!< -1: not in A, or never ended there
        qint64 bEndNs = -1;
        qint64 aWaitNs = 0; //!< waiting or queued in A
        qint64 bWaitNs = 0;
        bool matched() const { return aId && bId; }
        //! bEndNs - aEndNs, if both ended.
        bool hasEndDelta() const { return aEndNs >= 0 && bEndNs >= 0; }
        qint64 endDeltaNs() const { return hasEndDelta() ? bEndNs - aEndNs : 0; }
        qint64 waitDeltaNs() const { return bWaitNs - aWaitNs; }
    };

    RunComparison() = default;
    static RunComparison compare(const TraceData &a, const TraceData &b);

    //! Every unit but main, matched: B's units in creation order (each with its A partner, if
    //! any), then A's units that have no partner, in creation order.
    const std::vector<TaskDelta> &tasks() const { return m_tasks; }
    const RunStats &a() const { return m_a; }
    const RunStats &b() const { return m_b; }
    qint64 totalDeltaNs() const { return m_b.totalNs - m_a.totalNs; }

    //! Every unit of both runs (main included), in the order of tasks(): main's pair first.
    static std::vector<UnitMatch> match(const TraceData &a, const TraceData &b);
    //! Where A's unit aId is in the overlay of a over b.
    static quint32 pinnedId(const TraceData &b, quint32 aId);
    //! Both runs as one TraceData (see the class comment).
    static TraceData overlay(const TraceData &a, const TraceData &b);
    //! A's unit overlayId of the overlay of a over b (0 if overlayId is one of B's).
    static quint32 unpinnedId(const TraceData &b, quint32 overlayId);

private:
    std::vector<TaskDelta> m_tasks;
    RunStats m_a;
    RunStats m_b;
};

} // namespace Loopscope
