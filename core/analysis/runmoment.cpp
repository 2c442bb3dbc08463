#include "runmoment.h"

#include "tracedata.h"

#include <algorithm>

namespace Loopscope {

RunMoment RunMoment::at(const TraceData &data, qint64 t)
{
    RunMoment m;
    m.timeNs = t;
    for (const UnitRecord &u : data.units) {
        if (u.id == 0 || u.label.isEmpty() || u.outcome == Outcome::NeverAwaited
            || u.intervals.empty() || u.createdNs > t || (u.endNs >= 0 && u.endNs < t))
            continue;
        // The interval holding t: the first whose end is after t (open ones never end).
        const auto it = std::upper_bound(
            u.intervals.begin(), u.intervals.end(), t, [](qint64 v, const StateInterval &iv) {
                return iv.endNs < 0 || v < iv.endNs;
            });
        if (it == u.intervals.end() || it->startNs > t)
            continue;
        m.entries.push_back({u.id, it->state, it->startNs, it->lane, 0});
    }
    // What each waiting unit waits for: its latest link that started by t.
    for (const FlowLink &link : data.flows) {
        if (link.timeNs > t)
            continue;
        const auto e = std::lower_bound(
            m.entries.begin(), m.entries.end(), link.from,
            [](const Entry &entry, quint32 unit) { return entry.unit < unit; });
        if (e != m.entries.end() && e->unit == link.from && e->state == UnitState::Waiting
            && link.timeNs >= e->sinceNs)
            e->awaiting = link.to;
    }
    return m;
}

int RunMoment::count(UnitState state) const
{
    return int(std::count_if(entries.begin(), entries.end(),
                             [state](const Entry &e) { return e.state == state; }));
}

RunEventTimes::RunEventTimes(const TraceData &data)
{
    for (const UnitRecord &u : data.units) {
        for (const StateInterval &iv : u.intervals) {
            m_times.push_back(iv.startNs);
            if (iv.endNs >= 0)
                m_times.push_back(iv.endNs);
        }
    }
    std::sort(m_times.begin(), m_times.end());
    m_times.erase(std::unique(m_times.begin(), m_times.end()), m_times.end());
}

qint64 RunEventTimes::next(qint64 t) const
{
    const auto it = std::upper_bound(m_times.begin(), m_times.end(), t);
    return it == m_times.end() ? -1 : *it;
}

qint64 RunEventTimes::previous(qint64 t) const
{
    const auto it = std::lower_bound(m_times.begin(), m_times.end(), t);
    return it == m_times.begin() ? -1 : *(it - 1);
}

} // namespace Loopscope
