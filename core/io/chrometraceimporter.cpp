#include "chrometraceimporter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Loopscope {

namespace {

constexpr qint64 NoSortIndex = std::numeric_limits<qint64>::max();

struct Slice
{
    qint64 startNs;
    qint64 endNs;
    int name;
};

// A phase as it may be quoted in a one-line message.
QString phaseText(const QString &ph)
{
    return QLatin1Char('\'') + ph.simplified().left(4) + QLatin1Char('\'');
}

} // namespace

struct ChromeTraceImporter::Lane
{
    QString pid;
    QString tid; // threads
    QString asyncId; // async ids ("" for a thread)
    QString name; // thread_name
    qint64 sortIndex = NoSortIndex;
    std::size_t order = 0;
    std::vector<Slice> slices;
    std::vector<std::pair<qint64, int>> open; // B (b) without E (e) yet: start, name
    quint32 unit = 0; // set by finish(); 0: no unit (no slices)
    bool isAsync() const { return !asyncId.isEmpty(); }
};

struct ChromeTraceImporter::Process
{
    QString pid;
    QString name;
    qint64 sortIndex = NoSortIndex;
};

ChromeTraceImporter::ChromeTraceImporter()
    : m_firstNs(std::numeric_limits<qint64>::max())
    , m_lastNs(std::numeric_limits<qint64>::min())
{
}

ChromeTraceImporter::~ChromeTraceImporter() = default;

ChromeTraceImporter::Lane &ChromeTraceImporter::lane(const QString &key, const QString &pid)
{
    auto it = m_laneIndex.constFind(key);
    if (it == m_laneIndex.cend()) {
        it = m_laneIndex.insert(key, m_lanes.size());
        m_lanes.push_back(std::make_unique<Lane>());
        m_lanes.back()->pid = pid;
        m_lanes.back()->order = m_lanes.size() - 1;
    }
    return *m_lanes[it.value()];
}

ChromeTraceImporter::Lane &ChromeTraceImporter::threadLane(const ChromeTraceEvent &e)
{
    Lane &l = lane(QStringLiteral("t\x1f") + e.pid + QLatin1Char('\x1f') + e.tid, e.pid);
    l.tid = e.tid;
    return l;
}

ChromeTraceImporter::Lane &ChromeTraceImporter::asyncLane(const ChromeTraceEvent &e)
{
    Lane &l = lane(QStringLiteral("a\x1f") + e.cat + QLatin1Char('\x1f') + e.id, e.pid);
    l.asyncId = e.id;
    return l;
}

ChromeTraceImporter::Process &ChromeTraceImporter::process(const QString &pid)
{
    auto it = m_processIndex.constFind(pid);
    if (it == m_processIndex.cend()) {
        it = m_processIndex.insert(pid, m_processes.size());
        m_processes.push_back({ pid, {}, NoSortIndex });
    }
    return m_processes[it.value()];
}

int ChromeTraceImporter::nameIndex(const QString &name)
{
    auto it = m_nameIndex.constFind(name);
    if (it == m_nameIndex.cend()) {
        it = m_nameIndex.insert(name, int(m_names.size()));
        m_names.push_back(name);
    }
    return it.value();
}

void ChromeTraceImporter::seen(qint64 ns)
{
    m_firstNs = std::min(m_firstNs, ns);
    m_lastNs = std::max(m_lastNs, ns);
}

void ChromeTraceImporter::add(const ChromeTraceEvent &e)
{
    const QString &ph = e.ph;
    if (ph == QLatin1String("M")) {
        if (e.name == QLatin1String("process_name"))
            process(e.pid).name = e.metaName;
        else if (e.name == QLatin1String("process_sort_index") && e.sortIndex)
            process(e.pid).sortIndex = *e.sortIndex;
        else if (e.name == QLatin1String("thread_name"))
            threadLane(e).name = e.metaName;
        else if (e.name == QLatin1String("thread_sort_index") && e.sortIndex)
            threadLane(e).sortIndex = *e.sortIndex;
        else
            m_report.addSkipped(QStringLiteral("'M' metadata events"));
        return;
    }
    if (ph.isEmpty())
        return m_report.addSkipped(QStringLiteral("events without a phase"));
    if (!e.tsNs)
        return m_report.addSkipped(QStringLiteral("events without a valid ts"));
    const qint64 ts = *e.tsNs;
    const bool async = ph == QLatin1String("b") || ph == QLatin1String("e")
        || ph == QLatin1String("n") || ph == QLatin1String("S") || ph == QLatin1String("F");
    const bool flow = ph == QLatin1String("s") || ph == QLatin1String("f");
    if ((async || flow) && e.id.isEmpty())
        return m_report.addSkipped(phaseText(ph) + QStringLiteral(" events without an id"));

    if (ph == QLatin1String("X")) {
        if (!e.durNs || *e.durNs < 0)
            return m_report.addSkipped(QStringLiteral("'X' slices without a valid dur"));
        threadLane(e).slices.push_back({ ts, ts + *e.durNs, nameIndex(e.name) });
        seen(ts);
        seen(ts + *e.durNs);
    } else if (ph == QLatin1String("B") || ph == QLatin1String("b") || ph == QLatin1String("S")) {
        Lane &l = ph == QLatin1String("B") ? threadLane(e) : asyncLane(e);
        l.open.push_back({ ts, nameIndex(e.name) });
        seen(ts);
    } else if (ph == QLatin1String("E")) {
        Lane &l = threadLane(e);
        if (l.open.empty())
            return m_report.addSkipped(QStringLiteral("unmatched E"));
        const auto [start, name] = l.open.back();
        l.open.pop_back();
        if (ts < start)
            return m_report.addSkipped(QStringLiteral("E earlier than its B"));
        l.slices.push_back({ start, ts, name });
        seen(ts);
    } else if (ph == QLatin1String("e") || ph == QLatin1String("F")) {
        const auto it
            = m_laneIndex.constFind(QStringLiteral("a\x1f") + e.cat + QLatin1Char('\x1f') + e.id);
        Lane *l = it == m_laneIndex.cend() ? nullptr : m_lanes[it.value()].get();
        // It ends the innermost open slice of its name; a nameless end, the innermost one.
        std::size_t k = l ? l->open.size() : 0;
        bool found = false;
        while (l && !found && k > 0) {
            --k;
            found = e.name.isEmpty() || m_names[std::size_t(l->open[k].second)] == e.name;
        }
        if (!found)
            return m_report.addSkipped(QStringLiteral("unmatched ") + ph);
        const qint64 start = l->open[k].first;
        if (ts < start) {
            m_report.addSkipped(phaseText(ph) + QStringLiteral(" earlier than its begin"));
            l->open.resize(k);
            return;
        }
        // Slices opened inside it and still open end with it.
        for (std::size_t i = l->open.size(); i-- > k;)
            l->slices.push_back({ l->open[i].first, ts, l->open[i].second });
        l->open.resize(k);
        seen(ts);
    } else if (ph == QLatin1String("n") || ph == QLatin1String("i") || ph == QLatin1String("I")
        || ph == QLatin1String("R")) {
        const int laneIndex = ph == QLatin1String("n") ? int(asyncLane(e).order) : -1;
        m_instants.push_back({ ts, nameIndex(e.name), laneIndex });
        seen(ts);
    } else if (ph == QLatin1String("C")) {
        for (const auto &[key, v] : e.values) {
            const QString series
                = key == QLatin1String("value") ? e.name : e.name + QLatin1Char(' ') + key;
            m_samples.push_back({ series, ts, std::llround(v) });
        }
        if (e.badValues > 0)
            m_report.addSkipped(QStringLiteral("'C' values that are not numbers"), e.badValues);
        if (!e.values.empty())
            seen(ts);
    } else if (flow) {
        const QString key = e.cat + QLatin1Char('\x1f') + e.id;
        const FlowEnd end { threadLane(e).order, ts };
        if (ph == QLatin1String("s")) {
            if (!m_flowStarts.emplace(key, end).second)
                m_report.addSkipped(QStringLiteral("'s' flow starts reusing an open id"));
        } else {
            const auto start = m_flowStarts.find(key);
            if (start == m_flowStarts.end())
                return m_report.addSkipped(QStringLiteral("'f' flow ends without their 's'"));
            m_flows.push_back({ start->second, end });
            m_flowStarts.erase(start);
        }
    } else if (ph == QLatin1String("O") || ph == QLatin1String("N") || ph == QLatin1String("D")) {
        m_report.addSkipped(phaseText(ph) + QStringLiteral(" object events"));
    } else if (ph == QLatin1String("P")) {
        m_report.addSkipped(QStringLiteral("'P' sample events"));
    } else if (ph == QLatin1String("T") || ph == QLatin1String("p") || ph == QLatin1String("t")) {
        m_report.addSkipped(phaseText(ph) + QStringLiteral(" step events"));
    } else if (ph == QLatin1String("c")) {
        m_report.addSkipped(QStringLiteral("'c' clock sync events"));
    } else if (ph == QLatin1String("(") || ph == QLatin1String(")")) {
        m_report.addSkipped(phaseText(ph) + QStringLiteral(" context events"));
    } else {
        m_report.addSkipped(phaseText(ph) + QStringLiteral(" events of an unknown phase"));
    }
}

std::optional<TraceData> ChromeTraceImporter::finish(QString *error)
{
    // What was begun and never ended is drawn to the end of the trace, and said so.
    for (auto &l : m_lanes) {
        if (l->open.empty())
            continue;
        m_report.addGuessed(l->isAsync() ? QStringLiteral("b without e, drawn to the end")
                                         : QStringLiteral("B without E, drawn to the end"),
            qint64(l->open.size()));
        for (auto i = l->open.rbegin(); i != l->open.rend(); ++i)
            l->slices.push_back({ i->first, m_lastNs, i->second });
        l->open.clear();
    }

    std::vector<Lane *> used;
    for (auto &l : m_lanes) {
        if (l->slices.empty())
            continue;
        // Parents before their children: by start, the longer first, else in file order.
        std::stable_sort(l->slices.begin(), l->slices.end(), [](const Slice &a, const Slice &b) {
            return a.startNs != b.startNs ? a.startNs < b.startNs : a.endNs > b.endNs;
        });
        used.push_back(l.get());
    }
    if (used.empty()) {
        if (error)
            *error = QStringLiteral("not a Loopscope trace, and no thread slices or async slices "
                                    "(X, B/E or b/e events) to import");
        return std::nullopt;
    }
    // Threads of a process first (by sort index, then first slice), then its async ids.
    std::stable_sort(used.begin(), used.end(), [](const Lane *a, const Lane *b) {
        if (a->isAsync() != b->isAsync())
            return b->isAsync();
        if (a->sortIndex != b->sortIndex)
            return a->sortIndex < b->sortIndex;
        return a->slices.front().startNs < b->slices.front().startNs;
    });
    // process() may add to m_processes: make every one first, then point at them.
    for (const Lane *l : used)
        process(l->pid);
    std::vector<Process *> processes;
    for (const Lane *l : used) {
        Process &p = process(l->pid);
        if (std::find(processes.begin(), processes.end(), &p) == processes.end())
            processes.push_back(&p);
    }
    std::stable_sort(processes.begin(), processes.end(),
        [](const Process *a, const Process *b) { return a->sortIndex < b->sortIndex; });

    TraceData data;
    RunInfo &info = data.info;
    info.scenario = QStringLiteral("imported");
    info.clock = QStringLiteral("real");
    info.timeScale = 1.0;
    info.finished = true;
    info.totalNs = m_lastNs - m_firstNs;
    const bool grouped = processes.size() > 1;
    for (Process *p : processes) {
        quint32 parent = 0;
        if (grouped) {
            UnitRecord u;
            u.id = quint32(data.units.size() + 1);
            u.label = p->name.isEmpty() ? QStringLiteral("process %1").arg(p->pid)
                                        : QStringLiteral("%1 (pid %2)").arg(p->name, p->pid);
            u.createdNs = u.startNs = std::numeric_limits<qint64>::max();
            u.outcome = Outcome::Completed;
            parent = u.id;
            data.units.push_back(std::move(u));
        }
        for (Lane *l : used) {
            if (l->pid == p->pid)
                emitLane(*l, parent, m_firstNs, data);
        }
        if (grouped) {
            UnitRecord &u = data.units[parent - 1];
            for (std::size_t i = parent; i < data.units.size(); ++i) {
                u.startNs = std::min(u.startNs, data.units[i].startNs);
                u.endNs = std::max(u.endNs, data.units[i].endNs);
            }
            u.createdNs = u.startNs;
        }
    }

    std::stable_sort(m_instants.begin(), m_instants.end(),
        [](const Instant &a, const Instant &b) { return a.timeNs < b.timeNs; });
    for (const Instant &i : m_instants) {
        if (data.bookmarks.size() >= std::size_t(MaxBookmarks)) {
            m_report.addSkipped(QStringLiteral("instants beyond the first %1").arg(MaxBookmarks),
                qint64(m_instants.size()) - MaxBookmarks);
            break;
        }
        QString note = m_names[std::size_t(i.name)];
        if (i.lane >= 0) {
            if (const UnitRecord *u = data.unit(m_lanes[std::size_t(i.lane)]->unit))
                note = note.isEmpty() ? u->label : note + QStringLiteral(" \u2014 ") + u->label;
        }
        data.bookmarks.push_back({ i.timeNs - m_firstNs, note });
    }

    QHash<QString, std::size_t> counterIndex;
    for (const Sample &s : m_samples) {
        auto it = counterIndex.constFind(s.series);
        if (it == counterIndex.cend()) {
            it = counterIndex.insert(s.series, data.counters.size());
            data.counters.push_back({ s.series, {} });
        }
        data.counters[it.value()].samples.push_back({ s.timeNs - m_firstNs, s.value });
    }
    for (CounterSeries &series : data.counters) {
        std::stable_sort(series.samples.begin(), series.samples.end(),
            [](const auto &a, const auto &b) { return a.timeNs < b.timeNs; });
    }

    for (const auto &[from, to] : m_flows) {
        const quint32 a = m_lanes[from.lane]->unit, b = m_lanes[to.lane]->unit;
        if (a == 0 || b == 0) {
            m_report.addSkipped(QStringLiteral("flows to or from a thread without slices"));
            continue;
        }
        data.flows.push_back({ a, b, from.timeNs - m_firstNs });
    }
    std::stable_sort(data.flows.begin(), data.flows.end(),
        [](const FlowLink &a, const FlowLink &b) { return a.timeNs < b.timeNs; });
    if (!m_flowStarts.empty())
        m_report.addSkipped(
            QStringLiteral("'s' flow starts without their 'f'"), qint64(m_flowStarts.size()));
    return data;
}

void ChromeTraceImporter::emitLane(Lane &lane, quint32 parent, qint64 baseNs, TraceData &data)
{
    auto interval = [&](qint64 start, qint64 end, int name, UnitState state) {
        StateInterval iv { start - baseNs, end - baseNs, state, 0 };
        parseUnitState(m_names[std::size_t(name)], &iv.state);
        return iv;
    };
    // The call tree of a thread: node 0 is the thread itself, every other node one call path.
    struct Node
    {
        int name = -1;
        int parent = -1;
        std::vector<StateInterval> intervals;
        std::vector<int> children;
        quint32 unit = 0;
    };
    std::vector<Node> nodes(1);
    QHash<quint64, int> childIndex; // (parent node, name) -> node
    auto child = [&](int parentNode, int name) {
        const quint64 key = (quint64(quint32(parentNode)) << 32) | quint32(name);
        auto it = childIndex.constFind(key);
        if (it == childIndex.cend()) {
            it = childIndex.insert(key, int(nodes.size()));
            nodes[std::size_t(parentNode)].children.push_back(int(nodes.size()));
            nodes.push_back({ name, parentNode, {}, {}, 0 });
        }
        return it.value();
    };

    UnitRecord u;
    u.id = quint32(data.units.size() + 1);
    u.parent = parent;
    u.kind = UnitKind::Task;
    u.outcome = Outcome::Completed;
    std::vector<Slice> top, inner; // the lane's own slices; an async id's nested ones
    std::vector<std::pair<qint64, int>> stack; // open ancestors: end, node
    bool nested = false;
    qint64 endNs = std::numeric_limits<qint64>::min();
    for (Slice s : lane.slices) {
        while (!stack.empty() && stack.back().first <= s.startNs)
            stack.pop_back();
        if (!stack.empty() && s.endNs > stack.back().first) {
            s.endNs = stack.back().first;
            m_report.addGuessed(QStringLiteral("slices ending after their parent, cut there"));
        }
        const int parentNode = stack.empty() ? 0 : stack.back().second;
        if (stack.empty())
            top.push_back(s);
        else if (stack.size() == 1)
            inner.push_back(s);
        nested = nested || !stack.empty();
        endNs = std::max(endNs, s.endNs);
        int node = 0;
        if (!lane.isAsync()) {
            node = child(parentNode, s.name);
            nodes[std::size_t(node)].intervals.push_back(
                interval(s.startNs, s.endNs, s.name, UnitState::Running));
        }
        stack.push_back({ s.endNs, node });
    }
    u.createdNs = u.startNs = lane.slices.front().startNs - baseNs;
    u.endNs = endNs - baseNs;

    if (lane.isAsync()) {
        u.label = m_names[std::size_t(top.front().name)] + QLatin1Char(' ') + lane.asyncId;
        // Waiting from its begin to its end, running while a nested slice of it is open.
        auto next = inner.cbegin();
        for (const Slice &t : top) {
            qint64 cursor = t.startNs;
            for (; next != inner.cend() && next->startNs < t.endNs; ++next) {
                if (next->startNs > cursor)
                    u.intervals.push_back(
                        interval(cursor, next->startNs, t.name, UnitState::Waiting));
                u.intervals.push_back(
                    interval(next->startNs, next->endNs, next->name, UnitState::Running));
                cursor = next->endNs;
            }
            if (cursor < t.endNs || cursor == t.startNs)
                u.intervals.push_back(interval(cursor, t.endNs, t.name, UnitState::Waiting));
        }
    } else {
        u.label = lane.name.isEmpty() ? QStringLiteral("thread %1").arg(lane.tid) : lane.name;
        for (const Slice &t : top)
            u.intervals.push_back(interval(t.startNs, t.endNs, t.name, UnitState::Running));
    }
    lane.unit = u.id;
    data.units.push_back(std::move(u));
    if (lane.isAsync() || !nested)
        return;

    // One unit per call path, each under its caller's unit (ids in pre-order keep a parent's id
    // below its children's); iterative, as a recursion 10000 calls deep would not be.
    nodes[0].unit = lane.unit;
    std::vector<int> order(nodes[0].children.rbegin(), nodes[0].children.rend());
    while (!order.empty()) {
        Node &n = nodes[std::size_t(order.back())];
        order.pop_back();
        UnitRecord c;
        c.id = quint32(data.units.size() + 1);
        c.parent = nodes[std::size_t(n.parent)].unit;
        c.kind = UnitKind::Coroutine;
        c.label = m_names[std::size_t(n.name)];
        c.outcome = Outcome::Completed;
        c.createdNs = c.startNs = n.intervals.front().startNs;
        c.endNs = n.intervals.back().endNs;
        for (const StateInterval &iv : n.intervals)
            c.endNs = std::max(c.endNs, iv.endNs);
        c.intervals = std::move(n.intervals);
        n.unit = c.id;
        data.units.push_back(std::move(c));
        order.insert(order.end(), n.children.rbegin(), n.children.rend());
    }
}

} // namespace Loopscope
