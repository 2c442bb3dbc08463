#include "runcomparison.h"

#include "runanalysis.h"
#include "tracedata.h"
#include "wording.h"

#include <QHash>
#include <QStringList>

#include <algorithm>

namespace Loopscope {

namespace {

bool counts(const TraceData &data, const UnitRecord &u)
{
    // A hole (an id never created) has no label.
    return u.id != 0 && !u.label.isEmpty() && u.id != data.info.mainId;
}

qint64 waitingNs(const UnitRecord &u, qint64 liveEnd)
{
    qint64 sum = 0;
    for (const StateInterval &iv : u.intervals) {
        if (iv.state == UnitState::Waiting || iv.state == UnitState::Queued)
            sum += (iv.endNs < 0 ? liveEnd : iv.endNs) - iv.startNs;
    }
    return sum;
}

//! "limit=3": the parameters of a that b has not, or has with another value.
QString differingParams(const RunInfo &a, const RunInfo &b)
{
    QStringList parts;
    for (const auto &[name, value] : a.params) {
        const auto same = std::find_if(b.params.begin(), b.params.end(),
            [&](const auto &p) { return p.first == name && p.second == value; });
        if (same == b.params.end())
            parts << name + QLatin1Char('=') + QString::number(value, 'g', 8);
    }
    return parts.join(QStringLiteral(", "));
}

quint32 moved(quint32 id, quint32 offset)
{
    return id ? id + offset : 0;
}

} // namespace

std::vector<RunComparison::UnitMatch> RunComparison::match(const TraceData &a, const TraceData &b)
{
    // label -> A's units with it, in creation order; each B unit takes the next one.
    QHash<QString, std::vector<quint32>> byLabel;
    for (const UnitRecord &u : a.units) {
        if (counts(a, u))
            byLabel[u.label].push_back(u.id);
    }
    QHash<QString, std::size_t> taken;
    std::vector<char> matchedA(a.units.size() + 1, 0);
    std::vector<UnitMatch> out;
    out.reserve(std::max(a.units.size(), b.units.size()) + 1);
    const bool mains = a.unit(a.info.mainId) || b.unit(b.info.mainId);
    if (mains) {
        out.push_back({ a.unit(a.info.mainId) ? a.info.mainId : 0,
            b.unit(b.info.mainId) ? b.info.mainId : 0 });
    }
    for (const UnitRecord &u : b.units) {
        if (!counts(b, u))
            continue;
        quint32 partner = 0;
        const auto it = byLabel.constFind(u.label);
        if (it != byLabel.constEnd()) {
            std::size_t &next = taken[u.label];
            if (next < it->size())
                partner = (*it)[next++];
        }
        if (partner)
            matchedA[partner] = 1;
        out.push_back({ partner, u.id });
    }
    for (const UnitRecord &u : a.units) {
        if (counts(a, u) && !matchedA[u.id])
            out.push_back({ u.id, 0 });
    }
    return out;
}

RunComparison RunComparison::compare(const TraceData &a, const TraceData &b)
{
    RunComparison c;
    const RunAnalysis analysisA = RunAnalysis::compute(a);
    const RunAnalysis analysisB = RunAnalysis::compute(b);
    c.m_a = analysisA.stats();
    c.m_b = analysisB.stats();
    const qint64 liveEndA = a.endNs(), liveEndB = b.endNs();
    for (const UnitMatch &m : match(a, b)) {
        const UnitRecord *ua = a.unit(m.a);
        const UnitRecord *ub = b.unit(m.b);
        if ((ua && ua->id == a.info.mainId) || (ub && ub->id == b.info.mainId))
            continue;
        TaskDelta d;
        d.label = ub ? ub->label : ua->label;
        if (ua) {
            d.aId = ua->id;
            d.aEndNs = ua->endNs;
            d.aWaitNs = waitingNs(*ua, liveEndA);
        }
        if (ub) {
            d.bId = ub->id;
            d.bEndNs = ub->endNs;
            d.bWaitNs = waitingNs(*ub, liveEndB);
        }
        c.m_tasks.push_back(d);
    }
    return c;
}

quint32 RunComparison::pinnedId(const TraceData &b, quint32 aId)
{
    return quint32(b.units.size()) + aId;
}

quint32 RunComparison::unpinnedId(const TraceData &b, quint32 overlayId)
{
    return overlayId > b.units.size() ? overlayId - quint32(b.units.size()) : 0;
}

TraceData RunComparison::overlay(const TraceData &a, const TraceData &b)
{
    TraceData o = b;
    const quint32 offset = quint32(b.units.size());
    const quint32 placeOffset = quint32(b.places.size());
    o.units.reserve(b.units.size() + a.units.size());
    for (const UnitRecord &u : a.units) {
        UnitRecord m = u;
        m.id = moved(u.id, offset);
        m.parent = moved(u.parent, offset);
        m.cancelledBy = moved(u.cancelledBy, offset);
        for (StateInterval &iv : m.intervals)
            iv.at = moved(iv.at, placeOffset);
        o.units.push_back(std::move(m));
    }
    o.places.insert(o.places.end(), a.places.begin(), a.places.end());
    for (const FlowLink &f : a.flows)
        o.flows.push_back({ moved(f.from, offset), moved(f.to, offset), f.timeNs });
    for (const DeadlineMarker &d : a.deadlines)
        o.deadlines.push_back({ moved(d.unit, offset), d.timeNs });
    o.lastEventNs = std::max(b.lastEventNs, a.endNs());

    QStringList pinned;
    if (a.info.scenario != b.info.scenario)
        pinned << a.info.scenario;
    if (const QString params = differingParams(a.info, b.info); !params.isEmpty())
        pinned << params;
    pinned << QStringLiteral("total ") + Wording::moment(a.endNs());
    o.info.scenario
        = QStringLiteral("%1 vs pinned run (%2)")
              .arg(b.info.scenario.isEmpty() ? QStringLiteral("trace") : b.info.scenario,
                  pinned.join(QStringLiteral(", ")));
    return o;
}

} // namespace Loopscope
