#include "runanalysis.h"

#include "findingdetector.h"
#include "tracedata.h"

#include <algorithm>
#include <limits>

namespace Loopscope {

namespace {

constexpr qint64 Open = std::numeric_limits<qint64>::max();

qint64 endOrOpen(qint64 endNs)
{
    return endNs < 0 ? Open : endNs;
}

bool startsEarlier(const LaneSpan &a, const LaneSpan &b)
{
    return a.startNs < b.startNs;
}

std::vector<LaneSpan> merged(std::vector<LaneSpan> spans)
{
    std::sort(spans.begin(), spans.end(), startsEarlier);
    std::vector<LaneSpan> out;
    for (const LaneSpan &s : spans) {
        if (!out.empty() && s.startNs <= endOrOpen(out.back().endNs)) {
            if (endOrOpen(s.endNs) > endOrOpen(out.back().endNs))
                out.back().endNs = s.endNs;
        } else {
            out.push_back({ s.startNs, s.endNs, 0, -1 });
        }
    }
    return out;
}

} // namespace

RunAnalysis RunAnalysis::compute(const TraceData &data, qint64 nowNs)
{
    RunAnalysis a;
    const qint64 liveEnd = std::max(data.endNs(), nowNs);
    a.findSpans(data, liveEnd);
    a.computeStats(data, liveEnd);
    a.m_findings = FindingDetector::find(data, liveEnd);
    a.m_density = StateDensity::compute(data, liveEnd);
    return a;
}

const std::vector<LaneSpan> &RunAnalysis::loopBusy(int loop) const
{
    static const std::vector<LaneSpan> none;
    if (m_loopCount <= 1)
        return loop == 0 ? m_loopBusy : none;
    return loop >= 0 && loop < m_loopCount ? m_busyPerLoop[std::size_t(loop)] : none;
}

const std::vector<LaneSpan> &RunAnalysis::loopBlocked(int loop) const
{
    static const std::vector<LaneSpan> none;
    if (m_loopCount <= 1)
        return loop == 0 ? m_loopBlocked : none;
    return loop >= 0 && loop < m_loopCount ? m_blockedPerLoop[std::size_t(loop)] : none;
}

const std::vector<LaneSpan> &RunAnalysis::workerSpans(int lane) const
{
    static const std::vector<LaneSpan> none;
    return lane >= 0 && lane < int(m_workerSpans.size()) ? m_workerSpans[std::size_t(lane)] : none;
}

void RunAnalysis::findSpans(const TraceData &data, qint64 liveEnd)
{
    int loops = 1;
    for (const UnitRecord &u : data.units)
        loops = std::max(loops, u.loop + 1);
    for (const LoopLagSample &lag : data.loopLag)
        loops = std::max(loops, lag.loop + 1);
    m_loopCount = loops;
    // Per loop: what ran on it, what was ready on it, and its lag samples.
    const auto perLoop = std::size_t(loops);
    std::vector<std::vector<LaneSpan>> running(perLoop), ready(perLoop), lags(perLoop);
    for (const LoopLagSample &lag : data.loopLag) {
        if (lag.lagNs > 0)
            lags[lag.loop].push_back({ lag.timeNs - lag.lagNs, lag.timeNs, 0, -1 });
    }
    for (const UnitRecord &u : data.units) {
        for (int i = 0; i < int(u.intervals.size()); ++i) {
            const StateInterval &iv = u.intervals[std::size_t(i)];
            if (iv.lane > 0) {
                if (m_workerSpans.size() <= iv.lane)
                    m_workerSpans.resize(iv.lane + 1u);
                m_workerSpans[iv.lane].push_back({ iv.startNs, iv.endNs, u.id, i });
            } else if (iv.state == UnitState::Running) {
                running[u.loop].push_back({ iv.startNs, iv.endNs, u.id, i });
            } else if (iv.state == UnitState::Ready) {
                ready[u.loop].push_back({ iv.startNs, iv.endNs, u.id, i });
            }
        }
    }
    for (auto &lane : m_workerSpans)
        std::sort(lane.begin(), lane.end(), startsEarlier);

    if (loops == 1) {
        m_loopBlocked = merged(blockedSpans(running[0], std::move(ready[0]), std::move(lags[0]),
                                            liveEnd));
        m_loopBusy = merged(std::move(running[0]));
        return;
    }
    std::vector<LaneSpan> allBusy, allBlocked;
    for (std::size_t k = 0; k < std::size_t(loops); ++k) {
        m_blockedPerLoop.push_back(
            merged(blockedSpans(running[k], std::move(ready[k]), std::move(lags[k]), liveEnd)));
        m_busyPerLoop.push_back(merged(std::move(running[k])));
        allBusy.insert(allBusy.end(), m_busyPerLoop.back().begin(), m_busyPerLoop.back().end());
        allBlocked.insert(allBlocked.end(), m_blockedPerLoop.back().begin(),
                          m_blockedPerLoop.back().end());
    }
    m_loopBusy = merged(std::move(allBusy));
    m_loopBlocked = merged(std::move(allBlocked));
}

std::vector<LaneSpan> RunAnalysis::blockedSpans(const std::vector<LaneSpan> &running,
                                                std::vector<LaneSpan> ready,
                                                std::vector<LaneSpan> lags, qint64 liveEnd)
{
    // Ready spans sorted by start with a running maximum of their ends make "does any ready span
    // overlap [s, e)" one binary search.
    std::sort(ready.begin(), ready.end(), startsEarlier);
    std::vector<qint64> maxEnd(ready.size());
    qint64 m = std::numeric_limits<qint64>::min();
    for (std::size_t i = 0; i < ready.size(); ++i) {
        m = std::max(m, endOrOpen(ready[i].endNs));
        maxEnd[i] = m;
    }
    std::vector<LaneSpan> blocked = std::move(lags);
    for (const LaneSpan &r : running) {
        const qint64 end = r.endNs < 0 ? liveEnd : r.endNs;
        if (end - r.startNs <= BlockedThresholdNs)
            continue;
        const auto last = std::lower_bound(ready.begin(), ready.end(), end,
            [](const LaneSpan &s, qint64 v) { return s.startNs < v; });
        if (last == ready.begin())
            continue;
        const std::size_t k = std::size_t(last - ready.begin()) - 1;
        if (maxEnd[k] > r.startNs)
            blocked.push_back(r);
    }
    return blocked;
}

void RunAnalysis::computeStats(const TraceData &data, qint64 liveEnd)
{
    RunStats &s = m_stats;
    s.totalNs = data.info.finished && data.info.totalNs > 0 ? data.info.totalNs : liveEnd;

    const std::size_t n = data.units.size();
    std::vector<char> counted(n + 1, 0), enclosed(n + 1, 0);
    std::vector<std::pair<qint64, int>> edges; // (time, +1 / -1)
    auto addSpan = [&edges](qint64 start, qint64 end) {
        edges.push_back({ start, +1 });
        edges.push_back({ end, -1 });
    };
    for (const UnitRecord &u : data.units) {
        if (u.id == 0 || u.id > n)
            continue;
        if (u.parent >= 1 && u.parent < u.id)
            enclosed[u.id] = counted[u.parent] || enclosed[u.parent];
        if (u.kind != UnitKind::Main && !u.label.isEmpty()) {
            ++s.units;
            ++s.outcomes[std::size_t(u.outcome)];
        }
        const bool work = u.kind == UnitKind::Task || u.kind == UnitKind::Coroutine
            || u.kind == UnitKind::Executor;
        if (!work || enclosed[u.id])
            continue;
        counted[u.id] = 1;
        // Consecutive running/waiting intervals make one span for the concurrency sweep.
        qint64 spanStart = -1, spanEnd = -1;
        for (std::size_t i = 0; i < u.intervals.size(); ++i) {
            const StateInterval &iv = u.intervals[i];
            const qint64 end = iv.endNs < 0 ? liveEnd : iv.endNs;
            if (iv.state != UnitState::Running && iv.state != UnitState::Waiting)
                continue;
            s.sequentialNs += end - iv.startNs;
            // With a real clock, the acquire of a full semaphore runs for some microseconds
            // while the holders wait: that task is not in flight yet, it is about to queue.
            const bool reachesQueue = iv.state == UnitState::Running && i + 1 < u.intervals.size()
                && u.intervals[i + 1].state == UnitState::Queued;
            if (reachesQueue)
                continue;
            if (spanStart >= 0 && iv.startNs <= spanEnd) {
                spanEnd = std::max(spanEnd, end);
            } else {
                if (spanStart >= 0)
                    addSpan(spanStart, spanEnd);
                spanStart = iv.startNs;
                spanEnd = end;
            }
        }
        if (spanStart >= 0)
            addSpan(spanStart, spanEnd);
    }
    // Ends sort before starts at the same instant: a task handing over to the next is no overlap.
    std::sort(edges.begin(), edges.end());
    int now = 0;
    for (const auto &[t, d] : edges) {
        now += d;
        if (now > s.maxConcurrency) {
            s.maxConcurrency = now;
            s.maxConcurrencyAtNs = t;
        }
    }
    s.speedUp
        = s.totalNs > 0 && s.sequentialNs > 0 ? double(s.sequentialNs) / double(s.totalNs) : 0.0;

    // Every loop-lag sample is itself a blocked span, so the longest merged one covers both.
    for (const LaneSpan &b : m_loopBlocked) {
        const qint64 d = (b.endNs < 0 ? liveEnd : b.endNs) - b.startNs;
        if (d > s.longestStallNs) {
            s.longestStallNs = d;
            s.longestStallAtNs = b.startNs;
        }
    }
}

} // namespace Loopscope
