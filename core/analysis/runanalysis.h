#pragma once

#include "finding.h"
#include "lanespan.h"
#include "runstats.h"
#include "statedensity.h"

#include <vector>

namespace Loopscope {

struct TraceData;

//! What a run's trace says beyond its intervals: where the event loop was busy and blocked,
//! which job ran on each executor worker lane, the run's figures (RunStats), its findings
//! (FindingDetector: what is worth a look, in plain language) and how many units were in each
//! state over time (StateDensity: the timeline's overview of all lanes). The one owner
//! of these: the timeline layout, the Stats panel and the summary writer all read it.
//!
//! - Busy: the Running intervals on the loop (lane 0), merged where they overlap or touch.
//! - Blocked: a Running interval on the loop longer than BlockedThresholdNs while another unit
//!   was Ready at some moment of it, and the span [t - lag, t] of each loop-lag sample; merged.
//!   A long run while nobody was ready is busy, not blocked.
//! - Worker lane k > 0: every interval recorded on lane k, sorted by start.
//! - Several event loops (a traced program that runs asyncio.run twice, or loops in threads):
//!   busy and blocked are found per loop (UnitRecord::loop, LoopLagSample::loop), a unit's
//!   run blocking only the units ready on its own loop; loopBusy() / loopBlocked() merge them.
//! An open interval (a live run) ends at the live edge: the data's latest event, or nowNs if
//! later.
//!
//! A value computed once per data change, by compute(); it holds no pointer into the data.
//! Pure functions; any thread.
class RunAnalysis
{
public:
    //! A run on the loop longer than this while another unit was ready blocks the loop (50 ms of
    //! scenario time).
    static constexpr qint64 BlockedThresholdNs = 50'000'000;

    RunAnalysis() = default;
    //! nowNs: the live edge of a run still going, if later than the data's last event; < 0: none.
    static RunAnalysis compute(const TraceData &data, qint64 nowNs = -1);

    //! The loop's busy spans, sorted, not overlapping; unitId 0, interval -1.
    const std::vector<LaneSpan> &loopBusy() const { return m_loopBusy; }
    //! The loop's blocked spans, sorted, not overlapping; unitId 0, interval -1.
    const std::vector<LaneSpan> &loopBlocked() const { return m_loopBlocked; }
    //! One past the highest event loop a unit or lag sample names (1: one loop, also when none).
    int loopCount() const { return m_loopCount; }
    //! The busy / blocked spans of event loop `loop` alone (all of them with one loop).
    const std::vector<LaneSpan> &loopBusy(int loop) const;
    const std::vector<LaneSpan> &loopBlocked(int loop) const;
    //! One past the highest worker lane that has a span (0: no worker lanes).
    int workerLaneCount() const { return int(m_workerSpans.size()); }
    //! The jobs that ran on worker lane `lane`, sorted by start (empty for an unknown lane).
    const std::vector<LaneSpan> &workerSpans(int lane) const;
    const RunStats &stats() const { return m_stats; }
    //! What is worth a look (FindingDetector::find), sorted by time.
    const std::vector<Finding> &findings() const { return m_findings; }
    //! Units per state over the run, in StateDensity::DefaultBuckets buckets.
    const StateDensity &density() const { return m_density; }

private:
    void findSpans(const TraceData &data, qint64 liveEnd);
    //! One loop's blocked spans (unmerged): its long runs while another of its units was ready,
    //! and its lag samples' spans.
    static std::vector<LaneSpan> blockedSpans(const std::vector<LaneSpan> &running,
                                              std::vector<LaneSpan> ready,
                                              std::vector<LaneSpan> lags, qint64 liveEnd);
    void computeStats(const TraceData &data, qint64 liveEnd);

    std::vector<LaneSpan> m_loopBusy;
    std::vector<LaneSpan> m_loopBlocked;
    int m_loopCount = 1;
    //! index = loop; only with more than one loop (with one, the merged spans are the loop's)
    std::vector<std::vector<LaneSpan>> m_busyPerLoop;
    std::vector<std::vector<LaneSpan>> m_blockedPerLoop;
    std::vector<std::vector<LaneSpan>> m_workerSpans; //!< index = lane
    RunStats m_stats;
    std::vector<Finding> m_findings;
    StateDensity m_density;
};

} // namespace Loopscope
