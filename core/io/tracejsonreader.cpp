#include "tracejsonreader.h"

#include "chrometraceimporter.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace Loopscope {

namespace {

// Nanoseconds kept well inside qint64 so that sums of a start and a duration cannot overflow.
constexpr qint64 MaxNs = qint64(1) << 61;
constexpr qint64 MaxU32 = std::numeric_limits<quint32>::max();

// A piece of user text fit for a one-line message.
QString quoted(const QString &text)
{
    QString s = text.simplified();
    if (s.size() > 40)
        s = s.left(37) + QStringLiteral("...");
    return QLatin1Char('"') + s + QLatin1Char('"');
}

bool toInt(const QJsonValue &v, qint64 min, qint64 max, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const qint64 sentinel = std::numeric_limits<qint64>::min();
    const qint64 i = v.toInteger(sentinel);
    if (i == sentinel || i < min || i > max)
        return false;
    *out = i;
    return true;
}

// A number in `unit` (1000 for microseconds, 1e6 for milliseconds) as whole nanoseconds.
bool toNs(const QJsonValue &v, double unit, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double ns = v.toDouble() * unit;
    if (!std::isfinite(ns) || std::fabs(ns) > double(MaxNs))
        return false;
    *out = std::llround(ns);
    return true;
}

// Reads one JSON document into TraceData; the first problem found ends it.
class Reader
{
public:
    std::optional<TraceData> read(const QByteArray &json);
    QString error() const { return m_error; }
    const TraceImportReport &report() const { return m_report; }

private:
    bool fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
        return false;
    }
    bool failEvent(const QString &what)
    {
        return fail(QStringLiteral("event %1 (%2): %3").arg(m_index).arg(m_phase, what));
    }

    bool readLoopscope(const QJsonObject &other, const QJsonArray &events);
    bool readRunInfo(const QJsonObject &other);
    bool readUnitRecord(const QJsonObject &record, qint64 tid);
    bool readImported(const QJsonArray &events);
    bool readHold(const QJsonObject &e, const QJsonObject &args);

    // Field readers for the current event; they report which field is wrong.
    bool intField(const QJsonObject &o, QLatin1String key, qint64 min, qint64 max, qint64 *out,
        bool required = true);
    bool nsField(const QJsonObject &o, QLatin1String key, double unit, qint64 *out);
    bool stringField(const QJsonObject &o, QLatin1String key, QString *out, bool required);

    TraceData m_data;
    QString m_error;
    TraceImportReport m_report;
    qsizetype m_index = 0;
    QString m_phase;

    // Loopscope files: what the events said, assembled at the end.
    struct PendingUnit
    {
        UnitRecord record;
        qint64 tid = 0;
    };
    std::vector<PendingUnit> m_units;
    std::vector<std::pair<qint64, std::vector<StateInterval>>> m_intervalsByTid;
    QHash<qint64, std::size_t> m_tidSlot;
    struct FlowEnd
    {
        qint64 tid = 0;
        qint64 timeNs = 0;
        qsizetype order = 0;
    };
    std::map<qint64, FlowEnd> m_flowStarts;
    std::map<qint64, FlowEnd> m_flowEnds;
    struct Cause
    {
        qint64 tid = 0;
        CancelCause cause = CancelCause::None;
        quint32 byUnit = 0;
    };
    std::vector<Cause> m_causes; // from the outcome instants' args.cancelled_by
    QHash<QString, quint32> m_placeIndex;
    QHash<QString, std::size_t> m_holderIndex;
};

bool Reader::intField(
    const QJsonObject &o, QLatin1String key, qint64 min, qint64 max, qint64 *out, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() && !required)
        return true;
    if (toInt(v, min, max, out))
        return true;
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(key));
    return failEvent(
        QStringLiteral("%1 is not a whole number in %2..%3").arg(key).arg(min).arg(max));
}

bool Reader::nsField(const QJsonObject &o, QLatin1String key, double unit, qint64 *out)
{
    const QJsonValue v = o.value(key);
    if (toNs(v, unit, out))
        return true;
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(key));
    return failEvent(QStringLiteral("%1 is not a time").arg(key));
}

bool Reader::stringField(const QJsonObject &o, QLatin1String key, QString *out, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isString()) {
        *out = v.toString();
        return true;
    }
    if (v.isUndefined() && !required)
        return true;
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(key));
    return failEvent(QStringLiteral("%1 is not a string").arg(key));
}

std::optional<TraceData> Reader::read(const QByteArray &json)
{
    if (json.trimmed().isEmpty()) {
        fail(QStringLiteral("not JSON: the file is empty"));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt 6.4 refuses a scalar at the top level, which is valid JSON, just not a trace.
        const char first = json.trimmed().at(0);
        if (first != '{' && first != '[' && !QJsonDocument::fromJson('[' + json + ']').isNull()) {
            fail(QStringLiteral("not a trace: the top level is not a JSON object"));
            return std::nullopt;
        }
        fail(QStringLiteral("not JSON: %1 at offset %2")
                 .arg(parseError.errorString())
                 .arg(parseError.offset));
        return std::nullopt;
    }
    if (doc.isArray()) {
        if (!readImported(doc.array()))
            return std::nullopt;
        return std::move(m_data);
    }
    if (!doc.isObject()) {
        fail(QStringLiteral("not a trace: the top level is not a JSON object"));
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    const QJsonValue events = root.value(QLatin1String("traceEvents"));
    const QJsonObject other = root.value(QLatin1String("otherData")).toObject();
    const bool ours
        = other.value(QLatin1String("format")).toString() == QLatin1String("loopscope-trace");
    if (!events.isArray()) {
        if (ours)
            fail(QStringLiteral("not a valid Loopscope trace: \"traceEvents\" is missing or not "
                                "an array"));
        else if (root.contains(QLatin1String("tasks")) && root.contains(QLatin1String("scenario")))
            fail(QStringLiteral("not a trace: this looks like a Loopscope summary; open the "
                                "trace JSON (--trace) instead"));
        else
            fail(QStringLiteral("not a trace: no \"traceEvents\" array (expected Chrome Trace "
                                "Event Format)"));
        return std::nullopt;
    }
    const bool ok = ours ? readLoopscope(other, events.toArray()) : readImported(events.toArray());
    if (!ok)
        return std::nullopt;
    return std::move(m_data);
}

bool Reader::readRunInfo(const QJsonObject &other)
{
    RunInfo &info = m_data.info;
    m_phase = QStringLiteral("otherData");
    m_index = 0;
    auto failInfo = [this](const QString &what) {
        return fail(QStringLiteral("not a valid Loopscope trace: otherData: %1").arg(what));
    };

    qint64 version = 0;
    if (!toInt(other.value(QLatin1String("version")), 1, MaxU32, &version))
        return failInfo(QStringLiteral("no valid \"version\""));
    if (version != 1)
        return failInfo(QStringLiteral("format version %1 is newer than this Loopscope reads (1)")
                            .arg(version));

    const QJsonValue scenario = other.value(QLatin1String("scenario"));
    if (!scenario.isString())
        return failInfo(QStringLiteral("\"scenario\" is not a string"));
    info.scenario = scenario.toString();

    const QJsonValue params = other.value(QLatin1String("params"));
    if (!params.isArray() && !params.isUndefined())
        return failInfo(QStringLiteral("\"params\" is not an array"));
    for (const QJsonValue &p : params.toArray()) {
        const QJsonObject o = p.toObject();
        const QJsonValue name = o.value(QLatin1String("name"));
        const QJsonValue value = o.value(QLatin1String("value"));
        if (!name.isString() || !(value.isDouble() || value.isNull()))
            return failInfo(QStringLiteral("a parameter is not {\"name\": string, \"value\": "
                                           "number}"));
        // Not-finite values were written as null.
        info.params.emplace_back(name.toString(),
            value.isNull() ? std::numeric_limits<double>::quiet_NaN() : value.toDouble());
    }

    const QJsonValue scale = other.value(QLatin1String("time_scale"));
    if (!scale.isDouble() && !scale.isNull())
        return failInfo(QStringLiteral("\"time_scale\" is not a number"));
    info.timeScale = scale.isNull() ? std::numeric_limits<double>::quiet_NaN() : scale.toDouble();

    const QJsonValue clock = other.value(QLatin1String("clock"));
    if (!clock.isString())
        return failInfo(QStringLiteral("\"clock\" is not a string"));
    info.clock = clock.toString();

    if (!toInt(other.value(QLatin1String("total_ns")), -MaxNs, MaxNs, &info.totalNs))
        return failInfo(QStringLiteral("\"total_ns\" is not a whole number of nanoseconds"));
    qint64 mainId = 0;
    if (!toInt(other.value(QLatin1String("main_id")), 0, MaxU32, &mainId))
        return failInfo(QStringLiteral("\"main_id\" is not a unit id"));
    info.mainId = quint32(mainId);
    const QJsonValue finished = other.value(QLatin1String("finished"));
    if (!finished.isBool())
        return failInfo(QStringLiteral("\"finished\" is not true or false"));
    info.finished = finished.toBool();

    // The series by name, so that one without samples or holds survives the round trip.
    auto readSeriesNames = [&](QLatin1String key, QLatin1String what, auto &series) {
        const QJsonValue names = other.value(key);
        if (!names.isArray() && !names.isUndefined())
            return failInfo(QStringLiteral("\"%1\" is not an array").arg(key));
        for (const QJsonValue &name : names.toArray()) {
            if (!name.isString())
                return failInfo(QStringLiteral("a %1 name is not a string").arg(what));
            series.push_back({ name.toString(), {} });
        }
        return true;
    };
    return readSeriesNames(QLatin1String("counters"), QLatin1String("counter"), m_data.counters)
        && readSeriesNames(QLatin1String("holders"), QLatin1String("holder series"),
            m_data.holders);
}

bool Reader::readUnitRecord(const QJsonObject &u, qint64 tid)
{
    PendingUnit p;
    p.tid = tid;
    UnitRecord &r = p.record;
    qint64 id = 0, parent = 0, loop = 1;
    QString kind, outcome;
    if (!intField(u, QLatin1String("id"), 1, MaxU32, &id)
        || !intField(u, QLatin1String("parent"), 0, MaxU32, &parent)
        || !intField(u, QLatin1String("loop"), 1, 0x10000, &loop, false)
        || !stringField(u, QLatin1String("kind"), &kind, true)
        || !stringField(u, QLatin1String("label"), &r.label, true)
        || !intField(u, QLatin1String("created_ns"), -MaxNs, MaxNs, &r.createdNs)
        || !intField(u, QLatin1String("start_ns"), -MaxNs, MaxNs, &r.startNs)
        || !intField(u, QLatin1String("end_ns"), -MaxNs, MaxNs, &r.endNs)
        || !stringField(u, QLatin1String("error"), &r.error, false))
        return false;
    r.id = quint32(id);
    r.parent = quint32(parent);
    r.loop = quint16(loop - 1);
    if (!parseUnitKind(kind, &r.kind))
        return failEvent(QStringLiteral("unknown unit kind %1").arg(quoted(kind)));
    const QJsonValue o = u.value(QLatin1String("outcome"));
    if (o.isString()) {
        if (!parseOutcome(o.toString(), &r.outcome))
            return failEvent(QStringLiteral("unknown outcome %1").arg(quoted(o.toString())));
    } else if (!o.isNull() && !o.isUndefined()) {
        return failEvent(QStringLiteral("outcome is not a string"));
    }
    m_units.push_back(std::move(p));
    return true;
}

bool Reader::readHold(const QJsonObject &e, const QJsonObject &args)
{
    HolderInterval hold;
    QString resource;
    qint64 dur = 0, unit = 0;
    if (!stringField(args, QLatin1String("resource"), &resource, true)
        || !intField(args, QLatin1String("unit"), 1, MaxU32, &unit)
        || !nsField(e, QLatin1String("ts"), 1e3, &hold.startNs)
        || !nsField(e, QLatin1String("dur"), 1e3, &dur))
        return false;
    if (dur < 0)
        return failEvent(QStringLiteral("negative dur"));
    hold.unit = quint32(unit);
    hold.endNs = args.value(QLatin1String("open")).toBool() ? -1 : hold.startNs + dur;
    auto it = m_holderIndex.constFind(resource);
    if (it == m_holderIndex.cend()) {
        it = m_holderIndex.insert(resource, m_data.holders.size());
        m_data.holders.push_back({ resource, {} });
    }
    m_data.holders[it.value()].intervals.push_back(hold);
    return true;
}

bool Reader::readLoopscope(const QJsonObject &other, const QJsonArray &events)
{
    if (!readRunInfo(other))
        return false;
    QHash<QString, std::size_t> counterIndex;
    for (std::size_t i = 0; i < m_data.counters.size(); ++i) {
        if (!counterIndex.contains(m_data.counters[i].name))
            counterIndex.insert(m_data.counters[i].name, i);
    }
    for (std::size_t i = 0; i < m_data.holders.size(); ++i) {
        if (!m_holderIndex.contains(m_data.holders[i].name))
            m_holderIndex.insert(m_data.holders[i].name, i);
    }

    const qint64 MaxTid = std::numeric_limits<qint32>::max();
    for (m_index = 0; m_index < events.size(); ++m_index) {
        m_phase = QStringLiteral("?");
        const QJsonValue value = events.at(m_index);
        if (!value.isObject())
            return failEvent(QStringLiteral("not an object"));
        const QJsonObject e = value.toObject();
        const QString ph = e.value(QLatin1String("ph")).toString();
        m_phase = ph.isEmpty() ? QStringLiteral("?") : ph.simplified().left(4);
        const QString cat = e.value(QLatin1String("cat")).toString();
        const QString name = e.value(QLatin1String("name")).toString();
        const QJsonObject args = e.value(QLatin1String("args")).toObject();
        qint64 tid = 0;
        if (!intField(e, QLatin1String("tid"), 0, MaxTid, &tid, false))
            return false;

        if (ph == QLatin1String("M")) {
            if (name == QLatin1String("thread_name") && args.contains(QLatin1String("unit"))) {
                const QJsonValue unit = args.value(QLatin1String("unit"));
                if (!unit.isObject())
                    return failEvent(QStringLiteral("args.unit is not an object"));
                if (!readUnitRecord(unit.toObject(), tid))
                    return false;
            }
        } else if (ph == QLatin1String("X") && cat == QLatin1String("state")) {
            StateInterval iv;
            qint64 dur = 0, lane = 0;
            if (!parseUnitState(name, &iv.state))
                return failEvent(QStringLiteral("unknown state %1").arg(quoted(name)));
            if (!nsField(e, QLatin1String("ts"), 1e3, &iv.startNs)
                || !nsField(e, QLatin1String("dur"), 1e3, &dur)
                || !intField(args, QLatin1String("lane"), 0, 0xffff, &lane, false))
                return false;
            if (dur < 0)
                return failEvent(QStringLiteral("negative dur"));
            iv.lane = quint16(lane);
            iv.endNs = args.value(QLatin1String("open")).toBool() ? -1 : iv.startNs + dur;
            if (const QJsonValue at = args.value(QLatin1String("at")); !at.isUndefined()) {
                if (!at.isString() || at.toString().isEmpty())
                    return failEvent(QStringLiteral("args.at is not a place (\"FILE:LINE\")"));
                auto place = m_placeIndex.constFind(at.toString());
                if (place == m_placeIndex.cend()) {
                    m_data.places.push_back(at.toString());
                    place = m_placeIndex.insert(at.toString(), quint32(m_data.places.size()));
                }
                iv.at = place.value();
            }
            auto it = m_tidSlot.constFind(tid);
            if (it == m_tidSlot.cend()) {
                it = m_tidSlot.insert(tid, m_intervalsByTid.size());
                m_intervalsByTid.push_back({ tid, {} });
            }
            m_intervalsByTid[it.value()].second.push_back(iv);
        } else if (ph == QLatin1String("X") && cat == QLatin1String("holder")) {
            if (!readHold(e, args))
                return false;
        } else if (ph == QLatin1String("i") && cat == QLatin1String("output")) {
            OutputLine line;
            if (!nsField(e, QLatin1String("ts"), 1e3, &line.timeNs))
                return false;
            const QJsonValue text = args.value(QLatin1String("text"));
            if (!text.isString())
                return failEvent(QStringLiteral("args.text is not a string"));
            line.text = text.toString();
            if (args.value(QLatin1String("stream")).toString() == QLatin1String("stderr"))
                line.stream = OutputStream::Stderr;
            m_data.output.push_back(std::move(line));
        } else if (ph == QLatin1String("i") && cat == QLatin1String("bookmark")) {
            Bookmark mark;
            if (!nsField(e, QLatin1String("ts"), 1e3, &mark.timeNs))
                return false;
            const QJsonValue note = args.value(QLatin1String("note"));
            if (!note.isString())
                return failEvent(QStringLiteral("args.note is not a string"));
            mark.note = note.toString();
            m_data.bookmarks.push_back(std::move(mark));
        } else if (ph == QLatin1String("i") && cat == QLatin1String("deadline")) {
            DeadlineMarker d;
            qint64 unit = 0;
            if (!nsField(e, QLatin1String("ts"), 1e3, &d.timeNs)
                || !intField(args, QLatin1String("unit"), 0, MaxU32, &unit))
                return false;
            d.unit = quint32(unit);
            m_data.deadlines.push_back(d);
        } else if (ph == QLatin1String("i") && cat == QLatin1String("outcome")
            && args.contains(QLatin1String("cancelled_by"))) {
            const QJsonObject by = args.value(QLatin1String("cancelled_by")).toObject();
            Cause c;
            c.tid = tid;
            qint64 unit = 0;
            const QString reason = by.value(QLatin1String("reason")).toString();
            if (!parseCancelCause(reason, &c.cause))
                return failEvent(
                    QStringLiteral("unknown cancelled_by reason %1").arg(quoted(reason)));
            if (!intField(by, QLatin1String("unit"), 0, MaxU32, &unit))
                return false;
            c.byUnit = quint32(unit);
            m_causes.push_back(c);
        } else if (ph == QLatin1String("C") && cat == QLatin1String("counter")) {
            CounterSample s;
            if (!nsField(e, QLatin1String("ts"), 1e3, &s.timeNs)
                || !intField(args, QLatin1String("value"), -MaxNs, MaxNs, &s.value))
                return false;
            auto it = counterIndex.constFind(name);
            if (it == counterIndex.cend()) {
                it = counterIndex.insert(name, m_data.counters.size());
                m_data.counters.push_back({ name, {} });
            }
            m_data.counters[it.value()].samples.push_back(s);
        } else if (ph == QLatin1String("C") && cat == QLatin1String("loop_lag")) {
            LoopLagSample s;
            qint64 loop = 1;
            if (!nsField(e, QLatin1String("ts"), 1e3, &s.timeNs)
                || !nsField(args, QLatin1String("value"), 1e6, &s.lagNs)
                || !intField(e, QLatin1String("id"), 1, 0x10000, &loop, false))
                return false;
            s.loop = quint16(loop - 1);
            m_data.loopLag.push_back(s);
        } else if ((ph == QLatin1String("s") || ph == QLatin1String("f"))
            && cat == QLatin1String("await")) {
            FlowEnd end;
            qint64 id = 0;
            end.tid = tid;
            end.order = m_index;
            if (!intField(e, QLatin1String("id"), 1, MaxNs, &id)
                || !nsField(e, QLatin1String("ts"), 1e3, &end.timeNs))
                return false;
            auto &ends = ph == QLatin1String("s") ? m_flowStarts : m_flowEnds;
            if (!ends.emplace(id, end).second)
                return failEvent(QStringLiteral("flow id %1 used twice").arg(id));
        }
        // Anything else (outcome instants, sort indices, other tools' events) adds nothing.
    }

    // Units are stored densely by id, so the ids must be exactly 1..N.
    m_phase = QStringLiteral("units");
    const std::size_t count = m_units.size();
    auto failUnits = [this](const QString &what) {
        return fail(QStringLiteral("not a valid Loopscope trace: %1").arg(what));
    };
    m_data.units.resize(count);
    std::vector<bool> seen(count, false);
    QHash<qint64, quint32> unitByTid;
    for (PendingUnit &p : m_units) {
        const quint32 id = p.record.id;
        if (id > count)
            return failUnits(QStringLiteral("unit id %1 is out of range (the trace has %2 units)")
                                 .arg(id)
                                 .arg(count));
        if (seen[id - 1])
            return failUnits(QStringLiteral("unit id %1 appears twice").arg(id));
        if (unitByTid.contains(p.tid))
            return failUnits(QStringLiteral("tid %1 names two units").arg(p.tid));
        seen[id - 1] = true;
        unitByTid.insert(p.tid, id);
        m_data.units[id - 1] = std::move(p.record);
    }
    for (auto &[tid, intervals] : m_intervalsByTid) {
        const auto it = unitByTid.constFind(tid);
        if (it == unitByTid.cend())
            return failUnits(QStringLiteral("state slices on tid %1, which is no unit").arg(tid));
        m_data.units[it.value() - 1].intervals = std::move(intervals);
    }
    for (const Cause &c : m_causes) {
        const auto it = unitByTid.constFind(c.tid);
        if (it == unitByTid.cend())
            return failUnits(QStringLiteral("an outcome on tid %1, which is no unit").arg(c.tid));
        UnitRecord &u = m_data.units[it.value() - 1];
        u.cancelCause = c.cause;
        u.cancelledBy = c.byUnit;
    }
    for (HolderSeries &series : m_data.holders) {
        std::stable_sort(series.intervals.begin(), series.intervals.end(),
            [](const HolderInterval &a, const HolderInterval &b) { return a.startNs < b.startNs; });
        for (const HolderInterval &hold : series.intervals) {
            if (hold.unit > count)
                return failUnits(QStringLiteral("%1 is held by unit %2, which is no unit")
                                     .arg(quoted(series.name))
                                     .arg(hold.unit));
        }
    }

    std::vector<std::pair<qsizetype, FlowLink>> flows;
    for (const auto &[id, start] : m_flowStarts) {
        const auto end = m_flowEnds.find(id);
        if (end == m_flowEnds.end())
            return failUnits(QStringLiteral("flow %1 has no \"f\" end").arg(id));
        const auto from = unitByTid.constFind(start.tid);
        const auto to = unitByTid.constFind(end->second.tid);
        if (from == unitByTid.cend() || to == unitByTid.cend())
            return failUnits(QStringLiteral("flow %1 links a tid that is no unit").arg(id));
        flows.push_back({ start.order, { from.value(), to.value(), start.timeNs } });
    }
    if (m_flowEnds.size() != m_flowStarts.size())
        return failUnits(QStringLiteral("a flow \"f\" end has no \"s\" start"));
    std::sort(
        flows.begin(), flows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &f : flows)
        m_data.flows.push_back(f.second);
    return true;
}

// A pid, tid or id as text: files write numbers or strings.
QString idText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    return QString();
}

// The JSON side of an imported event; what it means is ChromeTraceImporter's business.
ChromeTraceEvent foreignEvent(const QJsonObject &e)
{
    ChromeTraceEvent event;
    event.ph = e.value(QLatin1String("ph")).toString();
    event.name = e.value(QLatin1String("name")).toString();
    event.cat = e.value(QLatin1String("cat")).toString();
    event.pid = idText(e.value(QLatin1String("pid")));
    event.tid = idText(e.value(QLatin1String("tid")));
    event.id = idText(e.value(QLatin1String("id")));
    if (event.id.isEmpty()) {
        const QJsonObject id2 = e.value(QLatin1String("id2")).toObject();
        if (const QString global = idText(id2.value(QLatin1String("global"))); !global.isEmpty())
            event.id = global;
        else if (const QString local = idText(id2.value(QLatin1String("local"))); !local.isEmpty())
            event.id = event.pid + QLatin1Char(':') + local;
    }
    qint64 ns = 0;
    if (toNs(e.value(QLatin1String("ts")), 1e3, &ns))
        event.tsNs = ns;
    if (toNs(e.value(QLatin1String("dur")), 1e3, &ns))
        event.durNs = ns;
    const QJsonObject args = e.value(QLatin1String("args")).toObject();
    if (event.ph == QLatin1String("M")) {
        event.metaName = args.value(QLatin1String("name")).toString();
        qint64 index = 0;
        if (toInt(args.value(QLatin1String("sort_index")), -MaxNs, MaxNs, &index))
            event.sortIndex = index;
    } else if (event.ph == QLatin1String("C")) {
        for (auto it = args.constBegin(); it != args.constEnd(); ++it) {
            const double v = it.value().toDouble(std::numeric_limits<double>::quiet_NaN());
            if (it.value().isDouble() && std::isfinite(v) && std::fabs(v) <= double(MaxNs))
                event.values.emplace_back(it.key(), v);
            else
                ++event.badValues;
        }
    }
    return event;
}

bool Reader::readImported(const QJsonArray &events)
{
    ChromeTraceImporter importer;
    for (const QJsonValue &value : events) {
        if (value.isObject())
            importer.add(foreignEvent(value.toObject()));
        else
            importer.skip(QStringLiteral("entries that are not objects"));
    }
    QString error;
    std::optional<TraceData> data = importer.finish(&error);
    m_report = importer.report();
    if (!data)
        return fail(error);
    m_data = std::move(*data);
    return true;
}

} // namespace

std::optional<TraceData> TraceJsonReader::fromJson(
    const QByteArray &json, QString *error, TraceImportReport *report)
{
    Reader reader;
    std::optional<TraceData> data = reader.read(json);
    if (report)
        *report = reader.report();
    if (data) {
        data->recomputeLastEventNs();
        std::stable_sort(data->bookmarks.begin(), data->bookmarks.end(),
                         [](const Bookmark &a, const Bookmark &b) { return a.timeNs < b.timeNs; });
    } else if (error)
        *error = reader.error();
    return data;
}

std::optional<TraceData> TraceJsonReader::fromFile(
    const QString &path, QString *error, TraceImportReport *report)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QString why;
    std::optional<TraceData> data = fromJson(file.readAll(), &why, report);
    if (!data && error)
        *error = path + QStringLiteral(": ") + why;
    return data;
}

} // namespace Loopscope
