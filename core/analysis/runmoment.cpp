#include "runmoment.h"

#include "tracedata.h"

#include <algorithm>
#include <tuple>

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
        const bool suspended = it->state == UnitState::Waiting || it->state == UnitState::Queued;
        m.entries.push_back({u.id, it->state, it->startNs, it->lane, 0, suspended ? it->at : 0});
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

std::vector<RunMoment::Place> RunMoment::suspendedAt(const TraceData &data) const
{
    std::vector<Place> out;
    for (const Entry &e : entries) {
        if (e.at == 0 || e.at > data.places.size())
            continue;
        Place p;
        if (!splitPlace(data.places[e.at - 1], &p.file, &p.line))
            continue;
        p.state = e.state;
        const auto same = std::find_if(out.begin(), out.end(), [&p](const Place &q) {
            return q.line == p.line && q.state == p.state && q.file == p.file;
        });
        if (same != out.end()) {
            same->units.push_back(e.unit);
        } else {
            p.units.push_back(e.unit);
            out.push_back(std::move(p));
        }
    }
    std::sort(out.begin(), out.end(), [](const Place &a, const Place &b) {
        return std::tie(a.file, a.line, a.state) < std::tie(b.file, b.line, b.state);
    });
    return out;
}

bool RunMoment::splitPlace(const QString &place, QString *file, int *line)
{
    const qsizetype colon = place.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const int n = colon > 0 ? place.mid(colon + 1).toInt(&ok) : 0;
    *line = ok && n > 0 ? n : 0;
    if (*line == 0)
        return false;
    *file = place.left(colon);
    return true;
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
