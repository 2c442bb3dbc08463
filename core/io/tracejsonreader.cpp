#include "tracejsonreader.h"

#include "chrometraceimporter.h"
#include "jsontree.h"
#include "traceeventcapture.h"
#include "tracejsonparser.h"

#include <QFile>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string_view>

namespace Loopscope {

namespace {

using Node = JsonTree::Node;
using Field = TraceEventCapture::Field;

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

// V: a JsonTree::Node or a TraceEventCapture::Value, which read alike.
template <typename V> bool toInt(const V &v, qint64 min, qint64 max, qint64 *out)
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
template <typename V> bool toNs(const V &v, double unit, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double ns = v.toDouble() * unit;
    if (!std::isfinite(ns) || std::fabs(ns) > double(MaxNs))
        return false;
    *out = std::llround(ns);
    return true;
}

// A machine name (traceevent.h) without making a QString: name(E(0..count-1)) == text; "" never
// matches (the names of "none").
template <typename V, typename E>
bool parseName(const V &v, int count, const char *(*name)(E), E *out)
{
    if (v.utf8().empty())
        return false;
    for (int i = 0; i < count; ++i) {
        if (v.is(name(E(i)))) {
            *out = E(i);
            return true;
        }
    }
    return false;
}

// A map from non-negative ids (tids, flow ids: 1..N in a Loopscope trace) to values: a vector
// below Dense (no hashing, no cache misses on a million units), an ordered map above.
template <typename V> class IdMap
{
public:
    const V *find(qint64 key) const
    {
        if (key < Dense)
            return std::size_t(key) < m_has.size() && m_has[key] ? &m_dense[key] : nullptr;
        const auto it = m_sparse.find(key);
        return it == m_sparse.end() ? nullptr : &it->second;
    }
    //! False (and nothing changed) if key is there already.
    bool insert(qint64 key, const V &value)
    {
        if (key >= Dense) {
            if (!m_sparse.emplace(key, value).second)
                return false;
        } else {
            if (std::size_t(key) >= m_has.size()) {
                const std::size_t size = std::max(std::size_t(key) + 1, m_has.size() * 2);
                m_has.resize(size, 0);
                m_dense.resize(size);
            }
            if (m_has[key])
                return false;
            m_has[key] = 1;
            m_dense[key] = value;
        }
        ++m_count;
        return true;
    }
    std::size_t size() const { return m_count; }
    //! f(key, value) in ascending key order until it returns false; false if it did.
    template <typename F> bool forEach(F f) const
    {
        for (std::size_t k = 0; k < m_has.size(); ++k) {
            if (m_has[k] && !f(qint64(k), m_dense[k]))
                return false;
        }
        for (const auto &[key, value] : m_sparse) {
            if (!f(key, value))
                return false;
        }
        return true;
    }

private:
    static constexpr qint64 Dense = qint64(1) << 21;
    std::vector<V> m_dense;
    std::vector<char> m_has;
    std::map<qint64, V> m_sparse;
    std::size_t m_count = 0;
};

// Texts that repeat (places, error messages) by their UTF-8 bytes, each held once: looking up one
// seen before makes no QString.
class TextIndex
{
public:
    std::size_t size() const { return std::size_t(m_index.size()); }
    //! The text's number (1, 2, ... in the order first seen) into *number, and the one QString
    //! held for it.
    QString intern(std::string_view utf8, quint32 *number = nullptr)
    {
        const QByteArray key = QByteArray::fromRawData(utf8.data(), qsizetype(utf8.size()));
        auto it = m_index.constFind(key);
        if (it == m_index.cend()) {
            const Entry entry { quint32(m_index.size() + 1),
                QString::fromUtf8(utf8.data(), qsizetype(utf8.size())) };
            it = m_index.insert(QByteArray(utf8.data(), qsizetype(utf8.size())), entry);
        }
        if (number)
            *number = it->number;
        return it->text;
    }

private:
    struct Entry
    {
        quint32 number = 0;
        QString text;
    };
    QHash<QByteArray, Entry> m_index;
};

// A Loopscope event's members by Field, from its tree: the general path, whose checks say what is
// wrong.
class TreeFields
{
public:
    static constexpr bool Captured = false;
    explicit TreeFields(const Node &event)
        : m_event(event)
        , m_args(event.value("args"))
    {
    }
    Node value(Field field) const
    {
        const std::string_view key = TraceEventCapture::key(field);
        switch (TraceEventCapture::levelOf(field)) {
        case TraceEventCapture::Level::Event:
            return m_event.value(key);
        case TraceEventCapture::Level::Args:
            return m_args.value(key);
        case TraceEventCapture::Level::Unit:
            return m_args.value("unit").value(key);
        case TraceEventCapture::Level::By:
            return m_args.value("cancelled_by").value(key);
        }
        return {};
    }
    const Node &event() const { return m_event; }
    const Node &args() const { return m_args; }

private:
    Node m_event;
    Node m_args;
};

// The same from its capture: the fast path. A check that fails there only declines; the event then
// comes again as a tree, and the general path says what is wrong.
class CapturedFields
{
public:
    static constexpr bool Captured = true;
    explicit CapturedFields(const TraceEventCapture &capture)
        : m_capture(capture)
    {
    }
    TraceEventCapture::Value value(Field field) const { return m_capture.value(field); }

private:
    const TraceEventCapture &m_capture;
};

// Reads one JSON document into TraceData as TraceJsonParser streams it; the first problem found
// ends it (a document that is not JSON is reported as such whatever else is wrong).
class Reader : public TraceJsonParser::Sink
{
public:
    using Open = std::function<std::unique_ptr<JsonInput>()>;
    //! open: a fresh input at the document's start (called again if a second pass is needed).
    explicit Reader(bool capture)
        : m_capture(capture)
    {
    }
    std::optional<TraceData> read(const Open &open);
    QString error() const { return m_error; }
    bool inputFailed() const { return m_inputFailed; }
    const TraceImportReport &report() const { return m_report; }

    void eventsBegin() override;
    void event(const Node &event, qsizetype index) override;
    void otherData(const Node &other) override;
    bool captureEvents() override { return m_capture && m_mode == Mode::Ours; }
    bool capturedEvent(const TraceEventCapture &event, qsizetype index) override;

private:
    bool fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = message;
        return false;
    }
    bool failEvent(const QString &what)
    {
        const QString ph = QString::fromUtf8(m_ph.data(), qsizetype(m_ph.size())).simplified();
        return fail(QStringLiteral("event %1 (%2): %3")
                        .arg(m_index)
                        .arg(ph.isEmpty() ? QStringLiteral("?") : ph.left(4), what));
    }

    // How the events are read: decided by otherData, if it came before them.
    enum class Mode {
        Foreign, //!< by ChromeTraceImporter
        Ours, //!< strictly, as a Loopscope trace
        OursLate, //!< otherData after the events said Loopscope: read them again, strictly
    };

    bool readRunInfo(const Node &other);
    void beginLoopscope();
    bool readLoopscopeEvent(const Node &e);
    // The kinds of event both paths read (S: TreeFields or CapturedFields).
    template <typename S> bool readCommonEvent(const S &s);
    template <typename S> bool readUnitRecord(const S &s, qint64 tid);
    template <typename S> bool readState(const S &s, qint64 tid);
    template <typename S> bool readFlowEnd(const S &s, bool start, qint64 tid);
    template <typename S> bool readCause(const S &s, qint64 tid);
    // The other kinds, from the tree only.
    bool readOtherEvent(
        const Node &e, const Node &args, const Node &ph, const Node &cat, const Node &name);
    bool readHold(const Node &e, const Node &args);
    bool finishLoopscope();
    bool finishImported();

    // Checks of a member's value (a Node or a captured Value) for the current event; with
    // report they say which key is wrong, else they only fail.
    template <typename V>
    bool intValue(const V &v, std::string_view key, qint64 min, qint64 max, qint64 *out,
        bool required, bool report);
    template <typename V>
    bool nsValue(const V &v, std::string_view key, double unit, qint64 *out, bool report);
    template <typename V>
    bool stringValue(const V &v, std::string_view key, V *out, bool required, bool report);
    //! A problem with the current event: reported on the general path, a decline on the fast.
    template <typename S> bool reject(const S &, const QString &what)
    {
        if constexpr (S::Captured)
            return false;
        else
            return failEvent(what);
    }

    bool intField(const Node &o, std::string_view key, qint64 min, qint64 max, qint64 *out,
        bool required = true)
    {
        return intValue(o.value(key), key, min, max, out, required, true);
    }
    bool nsField(const Node &o, std::string_view key, double unit, qint64 *out)
    {
        return nsValue(o.value(key), key, unit, out, true);
    }
    bool stringField(const Node &o, std::string_view key, QString *out, bool required);
    template <typename S>
    bool intField(const S &s, Field f, qint64 min, qint64 max, qint64 *out, bool required = true)
    {
        return intValue(
            s.value(f), TraceEventCapture::key(f), min, max, out, required, !S::Captured);
    }
    template <typename S> bool nsField(const S &s, Field f, double unit, qint64 *out)
    {
        return nsValue(s.value(f), TraceEventCapture::key(f), unit, out, !S::Captured);
    }
    template <typename S, typename V> bool stringField(const S &s, Field f, V *out, bool required)
    {
        return stringValue(s.value(f), TraceEventCapture::key(f), out, required, !S::Captured);
    }

    const bool m_capture; // whether events may come captured (the fast path)
    TraceData m_data;
    QString m_error;
    bool m_inputFailed = false;
    TraceImportReport m_report;
    qsizetype m_index = 0;
    std::string_view m_ph; // the current event's, while it is read

    Mode m_mode = Mode::Foreign;
    bool m_eventsSeen = false;
    bool m_ours = false; // otherData says "loopscope-trace"
    Node m_other; // valid while the parse runs (TraceJsonParser::Sink)
    std::unique_ptr<ChromeTraceImporter> m_importer;

    // Loopscope files: what the events said, assembled at the end. Units go to m_data.units
    // in file order (put in id order at the end), their tids beside them.
    std::vector<qint64> m_unitTids;
    std::vector<std::pair<qint64, std::vector<StateInterval>>> m_intervalsByTid;
    IdMap<std::size_t> m_tidSlot;
    struct FlowEnd
    {
        qint64 tid = 0;
        qint64 timeNs = 0;
        qsizetype order = 0;
    };
    IdMap<FlowEnd> m_flowStarts;
    IdMap<FlowEnd> m_flowEnds;
    struct Cause
    {
        qint64 tid = 0;
        CancelCause cause = CancelCause::None;
        quint32 byUnit = 0;
    };
    std::vector<Cause> m_causes; // from the outcome instants' args.cancelled_by
    TextIndex m_places; // to 1 + the index in m_data.places
    QHash<QString, std::size_t> m_holderIndex;
    QHash<QString, std::size_t> m_counterIndex;
    TextIndex m_errors;
};

template <typename V>
bool Reader::intValue(const V &v, std::string_view key, qint64 min, qint64 max, qint64 *out,
    bool required, bool report)
{
    if (v.isUndefined() && !required)
        return true;
    if (toInt(v, min, max, out))
        return true;
    if (!report)
        return false;
    const QLatin1String name(key.data(), qsizetype(key.size()));
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(name));
    return failEvent(
        QStringLiteral("%1 is not a whole number in %2..%3").arg(name).arg(min).arg(max));
}

template <typename V>
bool Reader::nsValue(const V &v, std::string_view key, double unit, qint64 *out, bool report)
{
    if (toNs(v, unit, out))
        return true;
    if (!report)
        return false;
    const QLatin1String name(key.data(), qsizetype(key.size()));
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(name));
    return failEvent(QStringLiteral("%1 is not a time").arg(name));
}

template <typename V>
bool Reader::stringValue(const V &v, std::string_view key, V *out, bool required, bool report)
{
    if (v.isString()) {
        *out = v;
        return true;
    }
    if (v.isUndefined() && !required)
        return true;
    if (!report)
        return false;
    const QLatin1String name(key.data(), qsizetype(key.size()));
    if (v.isUndefined())
        return failEvent(QStringLiteral("no %1").arg(name));
    return failEvent(QStringLiteral("%1 is not a string").arg(name));
}

bool Reader::stringField(const Node &o, std::string_view key, QString *out, bool required)
{
    Node v;
    if (!stringValue(o.value(key), key, &v, required, true))
        return false;
    if (v.isString())
        *out = v.toString();
    return true;
}

std::optional<TraceData> Reader::read(const Open &open)
{
    for (int pass = 0; pass < 2; ++pass) {
        const std::unique_ptr<JsonInput> input = open();
        const TraceJsonParser::Result result = TraceJsonParser::parse(*input, *this);
        m_other = Node();
        if (!result.error.isEmpty()) {
            // Not JSON (or not readable) wins over whatever the events said.
            m_error = result.error;
            m_inputFailed = result.inputFailed;
            return std::nullopt;
        }
        if (result.rootType == JsonTree::Type::Array) {
            if (!finishImported())
                return std::nullopt;
            return std::move(m_data);
        }
        if (result.rootType != JsonTree::Type::Object) {
            fail(QStringLiteral("not a trace: the top level is not a JSON object"));
            return std::nullopt;
        }
        if (result.eventsType != JsonTree::Type::Array) {
            if (m_ours)
                fail(QStringLiteral("not a valid Loopscope trace: \"traceEvents\" is missing or "
                                    "not an array"));
            else if (result.hasTasks && result.hasScenario)
                fail(QStringLiteral("not a trace: this looks like a Loopscope summary; open the "
                                    "trace JSON (--trace) instead"));
            else
                fail(QStringLiteral("not a trace: no \"traceEvents\" array (expected Chrome "
                                    "Trace Event Format)"));
            return std::nullopt;
        }
        if (!m_error.isEmpty())
            return std::nullopt;
        if (m_mode == Mode::OursLate) {
            // The run info is read; now the events, strictly.
            m_mode = Mode::Ours;
            m_index = 0;
            continue;
        }
        const bool ok = m_mode == Mode::Ours ? finishLoopscope() : finishImported();
        if (!ok)
            return std::nullopt;
        return std::move(m_data);
    }
    return std::nullopt; // not reached: the second pass always ends the loop
}

void Reader::otherData(const Node &other)
{
    m_other = other;
    m_ours = other.value("format").is("loopscope-trace");
    if (m_ours && m_eventsSeen && m_mode == Mode::Foreign) {
        // A Loopscope trace whose otherData comes last (rewritten by another tool): what the
        // importer made of the events is dropped and they are read again.
        m_importer.reset();
        m_mode = Mode::OursLate;
        if (readRunInfo(other))
            beginLoopscope();
    }
}

void Reader::eventsBegin()
{
    if (m_eventsSeen)
        return;
    m_eventsSeen = true;
    if (m_mode == Mode::Ours)
        return; // the second pass: the run info is read
    if (m_ours) {
        m_mode = Mode::Ours;
        if (readRunInfo(m_other))
            beginLoopscope();
        return;
    }
    m_importer = std::make_unique<ChromeTraceImporter>();
}

// A pid, tid or id as text: files write numbers or strings.
QString idText(const Node &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    return QString();
}

// The JSON side of an imported event; what it means is ChromeTraceImporter's business.
ChromeTraceEvent foreignEvent(const Node &e)
{
    ChromeTraceEvent event;
    event.ph = e.value("ph").toString();
    event.name = e.value("name").toString();
    event.cat = e.value("cat").toString();
    event.pid = idText(e.value("pid"));
    event.tid = idText(e.value("tid"));
    event.id = idText(e.value("id"));
    if (event.id.isEmpty()) {
        const Node id2 = e.value("id2");
        if (const QString global = idText(id2.value("global")); !global.isEmpty())
            event.id = global;
        else if (const QString local = idText(id2.value("local")); !local.isEmpty())
            event.id = event.pid + QLatin1Char(':') + local;
    }
    qint64 ns = 0;
    if (toNs(e.value("ts"), 1e3, &ns))
        event.tsNs = ns;
    if (toNs(e.value("dur"), 1e3, &ns))
        event.durNs = ns;
    const Node args = e.value("args");
    if (event.ph == QLatin1String("M")) {
        event.metaName = args.value("name").toString();
        qint64 index = 0;
        if (toInt(args.value("sort_index"), -MaxNs, MaxNs, &index))
            event.sortIndex = index;
    } else if (event.ph == QLatin1String("C")) {
        // In key order, each key once (the last), as a QJsonObject held them.
        std::vector<std::pair<QString, Node>> members;
        for (Node m = args.firstChild(); !m.isUndefined(); m = m.nextSibling())
            members.emplace_back(QString::fromUtf8(m.key().data(), qsizetype(m.key().size())), m);
        std::stable_sort(members.begin(), members.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i + 1 < members.size() && members[i + 1].first == members[i].first)
                continue;
            const Node &value = members[i].second;
            const double v = value.toDouble(std::numeric_limits<double>::quiet_NaN());
            if (value.isDouble() && std::isfinite(v) && std::fabs(v) <= double(MaxNs))
                event.values.emplace_back(members[i].first, v);
            else
                ++event.badValues;
        }
    }
    return event;
}

bool Reader::readRunInfo(const Node &other)
{
    RunInfo &info = m_data.info;
    m_index = 0;
    auto failInfo = [this](const QString &what) {
        return fail(QStringLiteral("not a valid Loopscope trace: otherData: %1").arg(what));
    };

    qint64 version = 0;
    if (!toInt(other.value("version"), 1, MaxU32, &version))
        return failInfo(QStringLiteral("no valid \"version\""));
    if (version != 1)
        return failInfo(QStringLiteral("format version %1 is newer than this Loopscope reads (1)")
                            .arg(version));

    const Node scenario = other.value("scenario");
    if (!scenario.isString())
        return failInfo(QStringLiteral("\"scenario\" is not a string"));
    info.scenario = scenario.toString();

    const Node params = other.value("params");
    if (!params.isArray() && !params.isUndefined())
        return failInfo(QStringLiteral("\"params\" is not an array"));
    for (Node p = params.firstChild(); !p.isUndefined(); p = p.nextSibling()) {
        const Node name = p.value("name");
        const Node value = p.value("value");
        if (!name.isString() || !(value.isDouble() || value.isNull()))
            return failInfo(QStringLiteral("a parameter is not {\"name\": string, \"value\": "
                                           "number}"));
        // Not-finite values were written as null.
        info.params.emplace_back(name.toString(),
            value.isNull() ? std::numeric_limits<double>::quiet_NaN() : value.toDouble());
    }

    const Node scale = other.value("time_scale");
    if (!scale.isDouble() && !scale.isNull())
        return failInfo(QStringLiteral("\"time_scale\" is not a number"));
    info.timeScale = scale.isNull() ? std::numeric_limits<double>::quiet_NaN() : scale.toDouble();

    const Node clock = other.value("clock");
    if (!clock.isString())
        return failInfo(QStringLiteral("\"clock\" is not a string"));
    info.clock = clock.toString();

    if (!toInt(other.value("total_ns"), -MaxNs, MaxNs, &info.totalNs))
        return failInfo(QStringLiteral("\"total_ns\" is not a whole number of nanoseconds"));
    qint64 mainId = 0;
    if (!toInt(other.value("main_id"), 0, MaxU32, &mainId))
        return failInfo(QStringLiteral("\"main_id\" is not a unit id"));
    info.mainId = quint32(mainId);
    const Node finished = other.value("finished");
    if (!finished.isBool())
        return failInfo(QStringLiteral("\"finished\" is not true or false"));
    info.finished = finished.toBool();

    // The series by name, so that one without samples or holds survives the round trip.
    auto readSeriesNames = [&](const char *key, QLatin1String what, auto &series) {
        const Node names = other.value(key);
        if (!names.isArray() && !names.isUndefined())
            return failInfo(QStringLiteral("\"%1\" is not an array").arg(QLatin1String(key)));
        for (Node name = names.firstChild(); !name.isUndefined(); name = name.nextSibling()) {
            if (!name.isString())
                return failInfo(QStringLiteral("a %1 name is not a string").arg(what));
            series.push_back({ name.toString(), {} });
        }
        return true;
    };
    return readSeriesNames("counters", QLatin1String("counter"), m_data.counters)
        && readSeriesNames("holders", QLatin1String("holder series"), m_data.holders);
}

void Reader::beginLoopscope()
{
    for (std::size_t i = 0; i < m_data.counters.size(); ++i) {
        if (!m_counterIndex.contains(m_data.counters[i].name))
            m_counterIndex.insert(m_data.counters[i].name, i);
    }
    for (std::size_t i = 0; i < m_data.holders.size(); ++i) {
        if (!m_holderIndex.contains(m_data.holders[i].name))
            m_holderIndex.insert(m_data.holders[i].name, i);
    }
}

template <typename S> bool Reader::readUnitRecord(const S &s, qint64 tid)
{
    UnitRecord r;
    qint64 id = 0, parent = 0, loop = 1;
    decltype(s.value(Field::UnitError)) error, kind, label;
    if (!intField(s, Field::UnitId, 1, MaxU32, &id)
        || !intField(s, Field::UnitParent, 0, MaxU32, &parent)
        || !intField(s, Field::UnitLoop, 1, 0x10000, &loop, false)
        || !stringField(s, Field::UnitKind, &kind, true)
        || !stringField(s, Field::UnitLabel, &label, true)
        || !intField(s, Field::UnitCreatedNs, -MaxNs, MaxNs, &r.createdNs)
        || !intField(s, Field::UnitStartNs, -MaxNs, MaxNs, &r.startNs)
        || !intField(s, Field::UnitEndNs, -MaxNs, MaxNs, &r.endNs)
        || !stringField(s, Field::UnitError, &error, false))
        return false;
    r.id = quint32(id);
    r.parent = quint32(parent);
    r.loop = quint16(loop - 1);
    if (!parseName(kind, 5, unitKindName, &r.kind))
        return reject(s, QStringLiteral("unknown unit kind %1").arg(quoted(kind.toString())));
    const auto o = s.value(Field::UnitOutcome);
    if (o.isString()) {
        if (!parseName(o, 6, outcomeName, &r.outcome))
            return reject(s, QStringLiteral("unknown outcome %1").arg(quoted(o.toString())));
    } else if (!o.isNull() && !o.isUndefined()) {
        return reject(s, QStringLiteral("outcome is not a string"));
    }
    r.label = label.toString();
    // Many units fail or time out with the same text: share one copy.
    if (!error.utf8().empty())
        r.error = m_errors.intern(error.utf8());
    m_data.units.push_back(std::move(r));
    m_unitTids.push_back(tid);
    return true;
}

bool Reader::readHold(const Node &e, const Node &args)
{
    HolderInterval hold;
    QString resource;
    qint64 dur = 0, unit = 0;
    if (!stringField(args, "resource", &resource, true) || !intField(args, "unit", 1, MaxU32, &unit)
        || !nsField(e, "ts", 1e3, &hold.startNs) || !nsField(e, "dur", 1e3, &dur))
        return false;
    if (dur < 0)
        return failEvent(QStringLiteral("negative dur"));
    hold.unit = quint32(unit);
    hold.endNs = args.value("open").toBool() ? -1 : hold.startNs + dur;
    auto it = m_holderIndex.constFind(resource);
    if (it == m_holderIndex.cend()) {
        it = m_holderIndex.insert(resource, m_data.holders.size());
        m_data.holders.push_back({ resource, {} });
    }
    m_data.holders[it.value()].intervals.push_back(hold);
    return true;
}

void Reader::event(const Node &e, qsizetype index)
{
    if (!m_error.isEmpty())
        return; // the parse goes on only to check the rest is JSON
    m_index = index;
    switch (m_mode) {
    case Mode::Ours:
        readLoopscopeEvent(e);
        break;
    case Mode::Foreign:
        if (!m_importer)
            break; // an array that is not the top-level traceEvents
        if (e.isObject())
            m_importer->add(foreignEvent(e));
        else
            m_importer->skip(QStringLiteral("entries that are not objects"));
        break;
    case Mode::OursLate:
        break;
    }
}

bool Reader::capturedEvent(const TraceEventCapture &event, qsizetype index)
{
    if (!m_error.isEmpty())
        return true; // the parse goes on only to check the rest is JSON
    m_index = index;
    return readCommonEvent(CapturedFields(event));
}

bool Reader::readLoopscopeEvent(const Node &e)
{
    m_ph = {};
    if (!e.isObject())
        return failEvent(QStringLiteral("not an object"));
    m_ph = e.value("ph").utf8();
    return readCommonEvent(TreeFields(e));
}

template <typename S> bool Reader::readCommonEvent(const S &s)
{
    const qint64 MaxTid = std::numeric_limits<qint32>::max();
    const auto ph = s.value(Field::Ph);
    const auto cat = s.value(Field::Cat);
    const auto name = s.value(Field::Name);
    qint64 tid = 0;
    if (!intField(s, Field::Tid, 0, MaxTid, &tid, false))
        return false;

    if (ph.is("M")) {
        if (name.is("thread_name") && !s.value(Field::ArgsUnit).isUndefined()) {
            if (!s.value(Field::ArgsUnit).isObject())
                return reject(s, QStringLiteral("args.unit is not an object"));
            return readUnitRecord(s, tid);
        }
    } else if (ph.is("X") && cat.is("state")) {
        return readState(s, tid);
    } else if ((ph.is("s") || ph.is("f")) && cat.is("await")) {
        return readFlowEnd(s, ph.is("s"), tid);
    } else if (ph.is("i") && cat.is("outcome")) {
        if (!s.value(Field::ArgsCancelledBy).isUndefined())
            return readCause(s, tid);
    } else if constexpr (S::Captured) {
        return false; // holds, output, counters...: few, and read from their tree
    } else {
        return readOtherEvent(s.event(), s.args(), ph, cat, name);
    }
    // Anything else (outcome instants, sort indices, other tools' events) adds nothing.
    return true;
}

template <typename S> bool Reader::readState(const S &s, qint64 tid)
{
    StateInterval iv;
    qint64 dur = 0, lane = 0;
    const auto name = s.value(Field::Name);
    if (!parseName(name, 5, unitStateName, &iv.state))
        return reject(s, QStringLiteral("unknown state %1").arg(quoted(name.toString())));
    if (!nsField(s, Field::Ts, 1e3, &iv.startNs) || !nsField(s, Field::Dur, 1e3, &dur)
        || !intField(s, Field::ArgsLane, 0, 0xffff, &lane, false))
        return false;
    if (dur < 0)
        return reject(s, QStringLiteral("negative dur"));
    iv.lane = quint16(lane);
    iv.endNs = s.value(Field::ArgsOpen).toBool() ? -1 : iv.startNs + dur;
    if (const auto at = s.value(Field::ArgsAt); !at.isUndefined()) {
        if (!at.isString() || at.utf8().empty())
            return reject(s, QStringLiteral("args.at is not a place (\"FILE:LINE\")"));
        const std::size_t before = m_places.size();
        const QString place = m_places.intern(at.utf8(), &iv.at);
        if (m_places.size() > before)
            m_data.places.push_back(place);
    }
    const std::size_t *slot = m_tidSlot.find(tid);
    if (!slot) {
        m_tidSlot.insert(tid, m_intervalsByTid.size());
        m_intervalsByTid.push_back({ tid, {} });
        slot = m_tidSlot.find(tid);
    }
    m_intervalsByTid[*slot].second.push_back(iv);
    return true;
}

template <typename S> bool Reader::readFlowEnd(const S &s, bool start, qint64 tid)
{
    FlowEnd end;
    qint64 id = 0;
    end.tid = tid;
    end.order = m_index;
    if (!intField(s, Field::Id, 1, MaxNs, &id) || !nsField(s, Field::Ts, 1e3, &end.timeNs))
        return false;
    auto &ends = start ? m_flowStarts : m_flowEnds;
    if (!ends.insert(id, end))
        return reject(s, QStringLiteral("flow id %1 used twice").arg(id));
    return true;
}

template <typename S> bool Reader::readCause(const S &s, qint64 tid)
{
    Cause c;
    c.tid = tid;
    qint64 unit = 0;
    const auto reason = s.value(Field::ByReason);
    if (!parseName(reason, 6, cancelCauseName, &c.cause))
        return reject(
            s, QStringLiteral("unknown cancelled_by reason %1").arg(quoted(reason.toString())));
    if (!intField(s, Field::ByUnit, 0, MaxU32, &unit))
        return false;
    c.byUnit = quint32(unit);
    m_causes.push_back(c);
    return true;
}

bool Reader::readOtherEvent(
    const Node &e, const Node &args, const Node &ph, const Node &cat, const Node &name)
{
    if (ph.is("X") && cat.is("holder")) {
        return readHold(e, args);
    } else if (ph.is("i") && cat.is("output")) {
        OutputLine line;
        if (!nsField(e, "ts", 1e3, &line.timeNs))
            return false;
        const Node text = args.value("text");
        if (!text.isString())
            return failEvent(QStringLiteral("args.text is not a string"));
        line.text = text.toString();
        if (args.value("stream").is("stderr"))
            line.stream = OutputStream::Stderr;
        m_data.output.push_back(std::move(line));
    } else if (ph.is("i") && cat.is("bookmark")) {
        Bookmark mark;
        if (!nsField(e, "ts", 1e3, &mark.timeNs))
            return false;
        const Node note = args.value("note");
        if (!note.isString())
            return failEvent(QStringLiteral("args.note is not a string"));
        mark.note = note.toString();
        m_data.bookmarks.push_back(std::move(mark));
    } else if (ph.is("i") && cat.is("deadline")) {
        DeadlineMarker d;
        qint64 unit = 0;
        if (!nsField(e, "ts", 1e3, &d.timeNs) || !intField(args, "unit", 0, MaxU32, &unit))
            return false;
        d.unit = quint32(unit);
        m_data.deadlines.push_back(d);
    } else if (ph.is("C") && cat.is("counter")) {
        CounterSample s;
        if (!nsField(e, "ts", 1e3, &s.timeNs) || !intField(args, "value", -MaxNs, MaxNs, &s.value))
            return false;
        const QString series = name.toString();
        auto it = m_counterIndex.constFind(series);
        if (it == m_counterIndex.cend()) {
            it = m_counterIndex.insert(series, m_data.counters.size());
            m_data.counters.push_back({ series, {} });
        }
        m_data.counters[it.value()].samples.push_back(s);
    } else if (ph.is("C") && cat.is("loop_lag")) {
        LoopLagSample s;
        qint64 loop = 1;
        if (!nsField(e, "ts", 1e3, &s.timeNs) || !nsField(args, "value", 1e6, &s.lagNs)
            || !intField(e, "id", 1, 0x10000, &loop, false))
            return false;
        s.loop = quint16(loop - 1);
        m_data.loopLag.push_back(s);
    }
    return true;
}

bool Reader::finishLoopscope()
{
    // Units are stored densely by id, so the ids must be exactly 1..N.
    std::vector<UnitRecord> &units = m_data.units;
    const std::size_t count = units.size();
    auto failUnits = [this](const QString &what) {
        return fail(QStringLiteral("not a valid Loopscope trace: %1").arg(what));
    };
    std::vector<bool> seen(count, false);
    IdMap<quint32> unitByTid;
    for (std::size_t i = 0; i < count; ++i) {
        const quint32 id = units[i].id;
        if (id > count)
            return failUnits(QStringLiteral("unit id %1 is out of range (the trace has %2 units)")
                                 .arg(id)
                                 .arg(count));
        if (seen[id - 1])
            return failUnits(QStringLiteral("unit id %1 appears twice").arg(id));
        if (!unitByTid.insert(m_unitTids[i], id))
            return failUnits(QStringLiteral("tid %1 names two units").arg(m_unitTids[i]));
        seen[id - 1] = true;
    }
    m_unitTids = {};
    // The ids are 1..count: each swap puts one unit in its place (none when the file had them in
    // order, as TraceJsonWriter writes them), in place, so the units never exist twice.
    for (std::size_t i = 0; i < count; ++i) {
        while (units[i].id != i + 1)
            std::swap(units[i], units[units[i].id - 1]);
    }
    for (auto &[tid, intervals] : m_intervalsByTid) {
        const quint32 *id = unitByTid.find(tid);
        if (!id)
            return failUnits(QStringLiteral("state slices on tid %1, which is no unit").arg(tid));
        m_data.units[*id - 1].intervals = std::move(intervals);
    }
    m_intervalsByTid = {};
    for (const Cause &c : m_causes) {
        const quint32 *id = unitByTid.find(c.tid);
        if (!id)
            return failUnits(QStringLiteral("an outcome on tid %1, which is no unit").arg(c.tid));
        UnitRecord &u = m_data.units[*id - 1];
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
    flows.reserve(m_flowStarts.size());
    const bool linked = m_flowStarts.forEach([&](qint64 id, const FlowEnd &start) {
        const FlowEnd *end = m_flowEnds.find(id);
        if (!end)
            return failUnits(QStringLiteral("flow %1 has no \"f\" end").arg(id));
        const quint32 *from = unitByTid.find(start.tid);
        const quint32 *to = unitByTid.find(end->tid);
        if (!from || !to)
            return failUnits(QStringLiteral("flow %1 links a tid that is no unit").arg(id));
        flows.push_back({ start.order, { *from, *to, start.timeNs } });
        return true;
    });
    if (!linked)
        return false;
    if (m_flowEnds.size() != m_flowStarts.size())
        return failUnits(QStringLiteral("a flow \"f\" end has no \"s\" start"));
    std::sort(
        flows.begin(), flows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    m_data.flows.reserve(flows.size());
    for (const auto &f : flows)
        m_data.flows.push_back(f.second);
    return true;
}

bool Reader::finishImported()
{
    if (!m_importer)
        m_importer = std::make_unique<ChromeTraceImporter>();
    QString error;
    std::optional<TraceData> data = m_importer->finish(&error);
    m_report = m_importer->report();
    m_importer.reset();
    if (!data)
        return fail(error);
    m_data = std::move(*data);
    return true;
}

} // namespace

std::optional<TraceData> TraceJsonReader::fromJson(
    const QByteArray &json, QString *error, TraceImportReport *report, EventPath path)
{
    Reader reader(path == EventPath::Captured);
    std::optional<TraceData> data
        = reader.read([&json] { return std::make_unique<JsonInput>(json); });
    if (report)
        *report = reader.report();
    if (data)
        finish(*data);
    else if (error)
        *error = reader.error();
    return data;
}

std::optional<TraceData> TraceJsonReader::fromFile(
    const QString &path, QString *error, TraceImportReport *report, const Progress &progress)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    Reader reader(true);
    std::optional<TraceData> data = reader.read([&file, &progress] {
        file.seek(0);
        auto input = std::make_unique<JsonInput>(&file);
        input->setProgress(progress);
        return input;
    });
    if (report)
        *report = reader.report();
    if (data)
        finish(*data);
    else if (error && reader.inputFailed() && reader.error() != QLatin1String("cancelled"))
        *error = QStringLiteral("cannot read %1: %2").arg(path, reader.error());
    else if (error)
        *error = path + QStringLiteral(": ") + reader.error();
    return data;
}

void TraceJsonReader::finish(TraceData &data)
{
    data.recomputeLastEventNs();
    std::stable_sort(data.bookmarks.begin(), data.bookmarks.end(),
        [](const Bookmark &a, const Bookmark &b) { return a.timeNs < b.timeNs; });
}

} // namespace Loopscope
