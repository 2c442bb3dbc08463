#include "tracebuilder.h"

#include <algorithm>

namespace Loopscope {

namespace {

//! A run that has issued this many unit ids is a big one (a stress run of 1e5 and up).
constexpr std::size_t BigRunFrom = 16384;
//! The units a big run has room for from the start (the stress scenario's top is 1e6 tasks).
constexpr std::size_t BigRunUnits = std::size_t(1) << 21;

} // namespace

TraceBuilder::TraceBuilder(const TraceRecorder *recorder)
    : m_recorder(recorder)
{
}

bool TraceBuilder::update(std::size_t maxEvents)
{
    if (!m_recorder || maxEvents == 0)
        return false;
    m_buffer.clear();
    m_recorder->readNew(m_cursor, m_buffer, maxEvents);
    if (m_buffer.empty())
        return false;
    apply(m_buffer, *m_recorder);
    return true;
}

UnitRecord &TraceBuilder::unit(quint32 id)
{
    if (id > m_data.units.size()) {
        if (id > m_data.units.capacity()) {
            // Room for every unit made so far at once: a burst of creations is read over many
            // frames, and each doubling would move every record (a million take a frame's time
            // many times over to move, and more to fault in).
            const std::size_t issued = m_recorder ? m_recorder->unitIdsIssued() : 0;
            std::size_t room = std::max({std::size_t(id), issued, 2 * m_data.units.capacity()});
            // A big run gets address space for BigRunUnits at once: pages not yet written
            // cost no memory, and each doubling on the way moved every record on this thread
            // (71 ms at 740 000 units).
            if (room >= BigRunFrom)
                room = std::max(room, BigRunUnits);
            m_data.units.reserve(room);
        }
        const auto old = m_data.units.size();
        m_data.units.resize(id);
        for (auto i = old; i < m_data.units.size(); ++i)
            m_data.units[i].id = quint32(i + 1);
    }
    return m_data.units[id - 1];
}

const QString &TraceBuilder::text(const TraceRecorder &strings, quint32 id)
{
    if (id >= m_strings.size()) {
        if (m_stringSource != &strings) {
            m_strings.clear();
            m_stringSource = &strings;
        }
        // Everything interned by now: the strings of the rest of this batch come with it.
        strings.readStrings(m_strings);
        if (id >= m_strings.size()) {
            static const QString none;
            return none;
        }
    }
    return m_strings[id];
}

quint32 TraceBuilder::place(quint32 stringId, const TraceRecorder &strings)
{
    if (!stringId)
        return 0;
    auto it = m_placeIndex.constFind(stringId);
    if (it != m_placeIndex.cend())
        return it.value();
    m_data.places.push_back(text(strings, stringId));
    const auto index = quint32(m_data.places.size());
    m_placeIndex.insert(stringId, index);
    return index;
}

void TraceBuilder::setState(UnitRecord &u, qint64 t, UnitState state, quint16 lane, quint32 at)
{
    if (state == UnitState::Running && u.startNs < 0)
        u.startNs = t;
    if (!u.intervals.empty()) {
        StateInterval &last = u.intervals.back();
        if (last.endNs < 0) {
            if (last.state == state && last.lane == lane)
                return;
            if (last.startNs >= t) {
                // Zero-length: replace rather than keep an empty bar, and join it to the bar
                // before when that one had the same state at the same place.
                const std::size_t n = u.intervals.size();
                if (n >= 2) {
                    StateInterval &prev = u.intervals[n - 2];
                    if (prev.state == state && prev.lane == lane && prev.at == at
                        && prev.endNs == last.startNs) {
                        u.intervals.pop_back();
                        u.intervals.back().endNs = -1;
                        return;
                    }
                }
                last.state = state;
                last.lane = lane;
                last.at = at;
                last.startNs = std::max(last.startNs, t);
                return;
            }
            last.endNs = t;
        }
    }
    u.intervals.push_back({t, -1, state, lane, at});
}

void TraceBuilder::setHolder(quint32 name, qint64 t, quint32 unit, const TraceRecorder &strings)
{
    auto it = m_holderIndex.constFind(name);
    if (it == m_holderIndex.cend()) {
        it = m_holderIndex.insert(name, int(m_data.holders.size()));
        m_data.holders.push_back({text(strings, name), {}});
    }
    auto &holds = m_data.holders[it.value()].intervals;
    if (!holds.empty() && holds.back().endNs < 0) {
        if (holds.back().unit == unit)
            return;
        // A hand-over within one instant leaves no hold of zero length behind.
        if (holds.back().startNs >= t)
            holds.pop_back();
        else
            holds.back().endNs = t;
    }
    if (unit)
        holds.push_back({unit, t, -1});
}

void TraceBuilder::apply(const TraceEvent *begin, const TraceEvent *end,
                         const TraceRecorder &strings)
{
    qint64 &last = m_data.lastEventNs;
    for (const TraceEvent *p = begin; p != end; ++p) {
        const TraceEvent &e = *p;
        switch (e.type) {
        case EventType::Created: {
            UnitRecord &u = unit(e.unit);
            u.kind = static_cast<UnitKind>(e.code);
            u.parent = e.a;
            u.loop = e.lane;
            u.createdNs = e.timeNs;
            u.label = e.b ? text(strings, e.b)
                          : QStringLiteral("task %1").arg(e.unit);
            if (u.kind == UnitKind::Main && !m_data.info.mainId)
                m_data.info.mainId = e.unit;
            if (u.intervals.empty()) {
                // A task goes pending, running, waiting, ready, running: room for four at once
                // rather than growing 1, 2, 4 (a burst of a million creations allocated three
                // times per task on the GUI thread).
                u.intervals.reserve(4);
                u.intervals.push_back({e.timeNs, -1, UnitState::Pending, 0});
            }
            last = std::max(last, u.latestNs());
            break;
        }
        case EventType::State: {
            UnitRecord &u = unit(e.unit);
            setState(u, e.timeNs, static_cast<UnitState>(e.code), e.lane, place(e.a, strings));
            last = std::max(last, u.latestNs());
            break;
        }
        case EventType::Finished: {
            UnitRecord &u = unit(e.unit);
            if (!u.intervals.empty() && u.intervals.back().endNs < 0) {
                StateInterval &last = u.intervals.back();
                if (last.startNs >= e.timeNs && u.intervals.size() > 1)
                    u.intervals.pop_back();
                else
                    last.endNs = std::max(e.timeNs, last.startNs);
            }
            u.outcome = static_cast<Outcome>(e.code);
            u.endNs = e.timeNs;
            if (u.outcome == Outcome::NeverAwaited) {
                u.intervals.clear();
                u.startNs = -1;
                u.endNs = -1;
            }
            if (e.b)
                u.error = text(strings, e.b);
            last = std::max(last, u.latestNs());
            break;
        }
        case EventType::Link:
            m_data.flows.push_back({e.unit, e.a, e.timeNs});
            break;
        case EventType::Counter: {
            auto it = m_counterIndex.constFind(e.unit);
            int index;
            if (it == m_counterIndex.cend()) {
                index = int(m_data.counters.size());
                m_counterIndex.insert(e.unit, index);
                m_data.counters.push_back({text(strings, e.unit), {}});
            } else {
                index = it.value();
            }
            auto &samples = m_data.counters[index].samples;
            if (!samples.empty() && samples.back().timeNs == e.timeNs)
                samples.back().value = qint32(e.a);
            else
                samples.push_back({e.timeNs, qint32(e.a)});
            break;
        }
        case EventType::Output:
            m_data.output.push_back({e.timeNs, text(strings, e.a),
                                     e.code ? OutputStream::Stderr : OutputStream::Stdout});
            last = std::max(last, e.timeNs);
            break;
        case EventType::Deadline:
            m_data.deadlines.push_back({e.unit, e.timeNs});
            break;
        case EventType::LoopLag:
            m_data.loopLag.push_back({e.timeNs, qint64(e.a) * 1000, e.lane});
            break;
        case EventType::Label:
            unit(e.unit).label = text(strings, e.b);
            break;
        case EventType::CancelledBy: {
            UnitRecord &u = unit(e.unit);
            u.cancelCause = static_cast<CancelCause>(e.code);
            u.cancelledBy = e.a;
            break;
        }
        case EventType::Holder:
            setHolder(e.unit, e.timeNs, e.a, strings);
            break;
        }
    }
}

} // namespace Loopscope
