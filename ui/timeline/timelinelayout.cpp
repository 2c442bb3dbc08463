#include "timelinelayout.h"

#include "runcomparison.h"
#include "timelinegeometry.h"
#include "timelinestyle.h"
#include "timelineviewport.h"

#include <QPointF>

#include <algorithm>
#include <limits>

namespace Loopscope {

namespace {

// Index of the interval containing t, or the nearest one within tolerance, or -1.
template<typename Seq, typename Start, typename End>
int findAt(const Seq &items, qint64 t, qint64 tolerance, Start start, End end)
{
    const auto it = std::lower_bound(items.begin(), items.end(), t - tolerance,
                                     [&](const auto &item, qint64 v) { return end(item) < v; });
    int best = -1;
    qint64 bestDistance = tolerance + 1;
    for (auto i = it; i != items.end() && start(*i) <= t + tolerance; ++i) {
        const qint64 s = start(*i), e = end(*i);
        const qint64 distance = t < s ? s - t : (t > e ? t - e : 0);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = int(i - items.begin());
            if (distance == 0)
                break;
        }
    }
    return best;
}

} // namespace

TimelineLayout::TimelineLayout(const TraceData &data, const TimelineStyle &style,
                               const QSet<quint32> &collapsed)
{
    build(data, nullptr, style, collapsed);
}

TimelineLayout::TimelineLayout(const TraceData &b, const TraceData &pinned,
                               const TimelineStyle &style, const QSet<quint32> &collapsed)
{
    build(b, &pinned, style, collapsed);
}

void TimelineLayout::build(const TraceData &data, const TraceData *pinned,
                           const TimelineStyle &style, const QSet<quint32> &collapsed)
{
    const int h = style.rowHeight;
    m_analysis = RunAnalysis::compute(data);

    // More than one event loop: each gets its row heading a group of its own units, below.
    const int loops = m_analysis.loopCount();
    if (loops == 1 && (!loopBusy().empty() || !loopBlocked().empty() || !data.loopLag.empty()))
        addRow({TimelineRow::Kind::Loop, 0, 0, 0, false, false, 0, h});
    for (int lane = 1; lane < m_analysis.workerLaneCount(); ++lane) {
        if (!workerSpans(lane).empty())
            addRow({TimelineRow::Kind::Worker, 0, lane, 0, false, false, 0, h});
    }
    // A lock's holder lane goes right under its own counters ("lock queue", "lock held"), not
    // after everyone's; a holder without counters of its own comes after all of them.
    std::vector<std::vector<int>> holdersAfter(data.counters.size());
    std::vector<int> holdersLast;
    for (int k = 0; k < int(data.holders.size()); ++k) {
        const QString prefix = data.holders[std::size_t(k)].name + QLatin1Char(' ');
        int after = -1;
        for (int i = 0; i < int(data.counters.size()); ++i) {
            if (data.counters[std::size_t(i)].name.startsWith(prefix))
                after = i;
        }
        (after >= 0 ? holdersAfter[std::size_t(after)] : holdersLast).push_back(k);
    }
    m_counterMax.reserve(data.counters.size());
    m_counterBlockMax.reserve(data.counters.size());
    for (int i = 0; i < int(data.counters.size()); ++i) {
        const auto &samples = data.counters[std::size_t(i)].samples;
        // Full blocks only: a live run appends samples, and a block that was partial here would
        // miss the later ones.
        std::vector<qint64> blocks(samples.size() / PeakBlock, std::numeric_limits<qint64>::min());
        qint64 max = 1;
        for (std::size_t k = 0; k < samples.size(); ++k) {
            max = std::max(max, samples[k].value);
            if (k / PeakBlock < blocks.size())
                blocks[k / PeakBlock] = std::max(blocks[k / PeakBlock], samples[k].value);
        }
        m_counterMax.push_back(max);
        m_counterBlockMax.push_back(std::move(blocks));
        addRow({TimelineRow::Kind::Counter, 0, i, 0, false, false, 0, h + h / 2});
        for (int k : holdersAfter[std::size_t(i)])
            addRow({TimelineRow::Kind::Holder, 0, k, 0, false, false, 0, h});
    }
    for (int k : holdersLast)
        addRow({TimelineRow::Kind::Holder, 0, k, 0, false, false, 0, h});
    if (!m_rows.empty())
        m_contentHeight += style.groupGap;

    // Children lists in creation order (ids grow with creation). A parent must be older than its
    // child, which also rules out cycles in a damaged trace.
    const std::size_t n = data.units.size();
    std::vector<std::vector<quint32>> children(n + 1);
    const auto loopGroups = std::size_t(loops);
    std::vector<std::vector<quint32>> roots(loopGroups); // index = loop
    for (const UnitRecord &u : data.units) {
        if (u.id == 0 || u.label.isEmpty())
            continue; // a hole: an id that was never created
        m_unitCount += u.kind != UnitKind::Main;
        if (u.parent >= 1 && u.parent < u.id && u.parent <= n)
            children[u.parent].push_back(u.id);
        else
            roots[u.loop].push_back(u.id);
    }

    // Comparing: B's unit id -> its partner's id in the overlay (0: none), and A's units alone.
    std::vector<quint32> partner(pinned ? n + 1 : 0, 0);
    std::vector<quint32> alone;
    if (pinned) {
        for (const RunComparison::UnitMatch &m : RunComparison::match(*pinned, data)) {
            if (m.a && m.b && m.b <= n)
                partner[m.b] = RunComparison::pinnedId(data, m.a);
            else if (m.a)
                alone.push_back(RunComparison::pinnedId(data, m.a));
        }
    }

    m_unitRow.assign(n + 1 + (pinned ? pinned->units.size() : 0), -1);
    for (int loop = 0; loop < loops; ++loop) {
        if (loops > 1) {
            if (loop > 0)
                m_contentHeight += style.groupGap;
            addRow({TimelineRow::Kind::Loop, 0, loop, 0, false, false, 0, h});
        }
        addUnitRows(roots[std::size_t(loop)], children, partner, collapsed, h);
    }
    for (const quint32 id : alone)
        addPinnedRow(id, 0, h);
}

void TimelineLayout::addPinnedRow(quint32 overlayId, int depth, int h)
{
    m_unitRow[overlayId] = int(m_rows.size());
    TimelineRow row{TimelineRow::Kind::Unit, overlayId, 0, depth, false, false, 0, h};
    row.faint = true;
    addRow(row);
}

void TimelineLayout::addUnitRows(const std::vector<quint32> &roots,
                                 const std::vector<std::vector<quint32>> &children,
                                 const std::vector<quint32> &partner,
                                 const QSet<quint32> &collapsed, int h)
{
    std::vector<std::pair<quint32, int>> stack; // (unit, depth), iterative to survive deep trees
    for (auto r = roots.rbegin(); r != roots.rend(); ++r)
        stack.push_back({*r, 0});
    while (!stack.empty()) {
        const auto [id, depth] = stack.back();
        stack.pop_back();
        const bool isCollapsed = collapsed.contains(id);
        const bool hasChildren = !children[id].empty();
        m_unitRow[id] = int(m_rows.size());
        addRow({TimelineRow::Kind::Unit, id, 0, depth, hasChildren, isCollapsed && hasChildren, 0,
                h});
        if (id < partner.size() && partner[id])
            addPinnedRow(partner[id], depth, h);
        if (isCollapsed)
            continue;
        const auto &kids = children[id];
        for (auto c = kids.rbegin(); c != kids.rend(); ++c)
            stack.push_back({*c, depth + 1});
    }
}

void TimelineLayout::addRow(TimelineRow row)
{
    row.y = m_contentHeight;
    m_contentHeight += row.height;
    m_rows.push_back(row);
}

int TimelineLayout::rowOfUnit(quint32 unitId) const
{
    return unitId < m_unitRow.size() ? m_unitRow[unitId] : -1;
}

int TimelineLayout::rowOfFinding(const Finding &finding) const
{
    if (finding.kind == FindingKind::BlockedLoop) {
        // The loop, worker and counter rows come first: stop at the first unit row.
        for (const TimelineRow &row : m_rows) {
            if (row.kind == TimelineRow::Kind::Loop)
                return int(&row - m_rows.data());
            if (row.kind == TimelineRow::Kind::Unit)
                break;
        }
    }
    return rowOfUnit(finding.unit);
}

int TimelineLayout::firstRowAt(const TraceData &data, qint64 timeNs, int state) const
{
    const qint64 liveEnd = data.endNs();
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const UnitRecord *u =
            m_rows[r].kind == TimelineRow::Kind::Unit ? data.unit(m_rows[r].unitId) : nullptr;
        if (!u || u->kind == UnitKind::Main)
            continue;
        const auto &ivs = u->intervals;
        auto it = std::upper_bound(ivs.begin(), ivs.end(), timeNs,
                                   [](qint64 t, const StateInterval &i) { return t < i.startNs; });
        if (it == ivs.begin())
            continue;
        --it;
        const qint64 end = it->endNs < 0 ? liveEnd : it->endNs;
        if (timeNs < end && (state < 0 || int(it->state) == state))
            return int(r);
    }
    return -1;
}

int TimelineLayout::rowAt(double y) const
{
    if (m_rows.empty() || y < 0)
        return -1;
    auto it = std::upper_bound(m_rows.begin(), m_rows.end(), y,
                               [](double v, const TimelineRow &r) { return v < r.y; });
    if (it == m_rows.begin())
        return -1;
    --it;
    return y < it->y + it->height ? int(it - m_rows.begin()) : -1;
}

std::pair<int, int> TimelineLayout::rowsIn(double top, double bottom) const
{
    const auto first = std::upper_bound(
        m_rows.begin(), m_rows.end(), top,
        [](double v, const TimelineRow &r) { return v < r.y + r.height; });
    const auto last = std::lower_bound(m_rows.begin(), m_rows.end(), bottom,
                                       [](const TimelineRow &r, double v) { return r.y < v; });
    return {int(first - m_rows.begin()), int(last - m_rows.begin()) - 1};
}

qint64 TimelineLayout::counterMax(int counterIndex) const
{
    return counterIndex >= 0 && counterIndex < int(m_counterMax.size())
        ? m_counterMax[std::size_t(counterIndex)]
        : 1;
}

qint64 TimelineLayout::counterPeak(int counterIndex, const std::vector<CounterSample> &samples,
                                   std::size_t first, std::size_t last) const
{
    last = std::min(last, samples.size());
    if (first >= last)
        return 0;
    qint64 peak = std::numeric_limits<qint64>::min();
    const std::vector<qint64> *blocks = counterIndex >= 0
            && counterIndex < int(m_counterBlockMax.size())
        ? &m_counterBlockMax[std::size_t(counterIndex)]
        : nullptr;
    std::size_t k = first;
    while (k < last) {
        // Whole blocks from their maxima (those the layout was built with), the rest one by one.
        if (blocks && k % PeakBlock == 0 && k + PeakBlock <= last
            && k / PeakBlock < blocks->size()) {
            peak = std::max(peak, (*blocks)[k / PeakBlock]);
            k += PeakBlock;
        } else {
            peak = std::max(peak, samples[k].value);
            ++k;
        }
    }
    return peak;
}

TimelineHit TimelineLayout::itemAt(const QPointF &pos, const TraceData &data,
                                   const TimelineViewport &viewport,
                                   const TimelineGeometry &geometry) const
{
    TimelineHit hit;
    hit.row = geometry.rowAt(*this, pos, viewport.scrollY());
    if (hit.row < 0)
        return hit;
    const TimelineRow &r = row(hit.row);
    if (r.kind == TimelineRow::Kind::Unit)
        hit.unitId = r.unitId;
    if (pos.x() < viewport.timeLeft() || pos.x() > viewport.timeRight())
        return hit;

    const qint64 t = viewport.mapXToTime(pos.x());
    const qint64 tolerance = qint64(3 * viewport.nsPerPixel());
    const qint64 liveEnd = data.endNs();
    auto end = [liveEnd](qint64 e) { return e < 0 ? liveEnd : e; };
    if (r.kind == TimelineRow::Kind::Unit) {
        if (const UnitRecord *u = data.unit(r.unitId)) {
            hit.interval = findAt(
                u->intervals, t, tolerance, [](const StateInterval &i) { return i.startNs; },
                [&](const StateInterval &i) { return end(i.endNs); });
        }
    } else if (r.kind == TimelineRow::Kind::Holder) {
        const auto &holds = data.holders[std::size_t(r.index)].intervals;
        hit.hold = findAt(
            holds, t, tolerance, [](const HolderInterval &h) { return h.startNs; },
            [&](const HolderInterval &h) { return end(h.endNs); });
        if (hit.hold >= 0)
            hit.unitId = holds[std::size_t(hit.hold)].unit;
    } else if (r.kind == TimelineRow::Kind::Worker) {
        const auto &spans = workerSpans(r.index);
        const int i = findAt(
            spans, t, tolerance, [](const TimelineSpan &s) { return s.startNs; },
            [&](const TimelineSpan &s) { return end(s.endNs); });
        if (i >= 0) {
            hit.unitId = spans[std::size_t(i)].unitId;
            hit.interval = spans[std::size_t(i)].interval;
        }
    }
    return hit;
}

} // namespace Loopscope
