#include "runstats.h"

#include "timelinelayout.h"
#include "tracedata.h"

#include <algorithm>
#include <vector>

namespace Loopscope {

RunStats RunStats::compute(const TraceData &data, const TimelineLayout *layout, qint64 nowNs)
{
    RunStats s;
    const qint64 liveEnd = std::max(data.endNs(), nowNs);
    s.totalNs = data.info.finished && data.info.totalNs > 0 ? data.info.totalNs : liveEnd;

    const std::size_t n = data.units.size();
    std::vector<char> counted(n + 1, 0), enclosed(n + 1, 0);
    std::vector<std::pair<qint64, int>> edges; // (time, +1 / -1)
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
        // Merge consecutive running/waiting intervals into busy spans for the concurrency sweep.
        qint64 spanStart = -1, spanEnd = -1;
        for (const StateInterval &iv : u.intervals) {
            const qint64 end = iv.endNs < 0 ? liveEnd : iv.endNs;
            const bool busy = iv.state == UnitState::Running || iv.state == UnitState::Waiting;
            if (!busy)
                continue;
            s.sequentialNs += end - iv.startNs;
            if (spanStart >= 0 && iv.startNs <= spanEnd) {
                spanEnd = std::max(spanEnd, end);
            } else {
                if (spanStart >= 0) {
                    edges.push_back({spanStart, +1});
                    edges.push_back({spanEnd, -1});
                }
                spanStart = iv.startNs;
                spanEnd = end;
            }
        }
        if (spanStart >= 0) {
            edges.push_back({spanStart, +1});
            edges.push_back({spanEnd, -1});
        }
    }
    // Ends before starts at the same instant: a task handing over to the next is not overlap.
    std::sort(edges.begin(), edges.end());
    int now = 0;
    for (const auto &[t, d] : edges) {
        now += d;
        if (now > s.maxConcurrency) {
            s.maxConcurrency = now;
            s.maxConcurrencyAtNs = t;
        }
    }
    s.speedUp = s.totalNs > 0 && s.sequentialNs > 0 ? double(s.sequentialNs) / double(s.totalNs)
                                                    : 0.0;

    for (const LoopLagSample &lag : data.loopLag) {
        if (lag.lagNs > s.longestStallNs) {
            s.longestStallNs = lag.lagNs;
            s.longestStallAtNs = lag.timeNs - lag.lagNs;
        }
    }
    if (layout) {
        for (const TimelineSpan &b : layout->loopBlocked()) {
            const qint64 d = (b.endNs < 0 ? liveEnd : b.endNs) - b.startNs;
            if (d > s.longestStallNs) {
                s.longestStallNs = d;
                s.longestStallAtNs = b.startNs;
            }
        }
    }
    return s;
}

} // namespace Loopscope
