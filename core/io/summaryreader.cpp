#include "summaryreader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace Loopscope {

namespace {

// Far beyond any run, and small enough that a start plus a duration cannot overflow.
constexpr double MaxSeconds = 1e9;

struct Bad
{
    QString message;
};

qint64 seconds(const QJsonValue &v, const QString &what)
{
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || std::fabs(v.toDouble()) > MaxSeconds)
        throw Bad { QStringLiteral("%1 is not a number of seconds").arg(what) };
    return std::llround(v.toDouble() * 1e9);
}

qint64 optionalSeconds(const QJsonValue &v, const QString &what)
{
    return v.isNull() || v.isUndefined() ? -1 : seconds(v, what);
}

QString text(const QJsonObject &o, QLatin1String key, const QString &what, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isString())
        return v.toString();
    if (!required && (v.isNull() || v.isUndefined()))
        return QString();
    throw Bad { QStringLiteral("%1: \"%2\" is not a string").arg(what, key) };
}

class Reader
{
public:
    TraceData read(const QJsonObject &root);

private:
    UnitRecord unit(const QJsonObject &o, const QString &what);
    quint32 place(const QString &at);

    TraceData m_data;
    QHash<QString, quint32> m_places;
};

quint32 Reader::place(const QString &at)
{
    if (at.isEmpty())
        return 0;
    auto it = m_places.constFind(at);
    if (it != m_places.constEnd())
        return *it;
    m_data.places.push_back(at);
    return *m_places.insert(at, quint32(m_data.places.size()));
}

UnitRecord Reader::unit(const QJsonObject &o, const QString &what)
{
    UnitRecord u;
    const QJsonValue id = o.value(QLatin1String("id"));
    if (!id.isDouble() || id.toDouble() < 1 || id.toDouble() > 1e8
        || id.toDouble() != std::floor(id.toDouble()))
        throw Bad { QStringLiteral("%1: \"id\" is not a whole number of 1 or more").arg(what) };
    u.id = quint32(id.toDouble());
    const QString name = QStringLiteral("%1 (id %2)").arg(what).arg(u.id);
    u.label = text(o, QLatin1String("label"), name, true);
    if (!parseUnitKind(text(o, QLatin1String("kind"), name, true), &u.kind))
        throw Bad { QStringLiteral("%1: unknown kind").arg(name) };
    const QJsonValue parent = o.value(QLatin1String("parent"));
    if (!parent.isNull() && !parent.isUndefined()) {
        if (!parent.isDouble() || parent.toDouble() < 1 || parent.toDouble() > 1e8)
            throw Bad { QStringLiteral("%1: \"parent\" is not a unit id").arg(name) };
        u.parent = quint32(parent.toDouble());
    }
    u.createdNs = seconds(o.value(QLatin1String("created_s")), name + QStringLiteral(" created_s"));
    u.startNs
        = optionalSeconds(o.value(QLatin1String("start_s")), name + QStringLiteral(" start_s"));
    u.endNs = optionalSeconds(o.value(QLatin1String("end_s")), name + QStringLiteral(" end_s"));
    const QString outcome = text(o, QLatin1String("outcome"), name, false);
    if (!outcome.isEmpty() && !parseOutcome(outcome, &u.outcome))
        throw Bad { QStringLiteral("%1: unknown outcome \"%2\"").arg(name, outcome) };
    u.error = text(o, QLatin1String("error"), name, false);
    const QJsonObject cause = o.value(QLatin1String("cancelled_by")).toObject();
    if (!cause.isEmpty()) {
        if (!parseCancelCause(text(cause, QLatin1String("reason"), name, true), &u.cancelCause))
            throw Bad { QStringLiteral("%1: unknown cancelled_by reason").arg(name) };
        u.cancelledBy = quint32(std::max(0.0, cause.value(QLatin1String("unit")).toDouble()));
    }
    const QJsonValue intervals = o.value(QLatin1String("intervals"));
    if (!intervals.isArray())
        throw Bad { QStringLiteral("%1: \"intervals\" is not an array").arg(name) };
    for (const QJsonValue &v : intervals.toArray()) {
        const QJsonObject i = v.toObject();
        StateInterval iv;
        if (!parseUnitState(text(i, QLatin1String("state"), name, true), &iv.state))
            throw Bad { QStringLiteral("%1: unknown interval state").arg(name) };
        iv.startNs = seconds(i.value(QLatin1String("start_s")), name + QStringLiteral(" interval"));
        iv.endNs
            = optionalSeconds(i.value(QLatin1String("end_s")), name + QStringLiteral(" interval"));
        if (iv.endNs >= 0 && iv.endNs < iv.startNs)
            throw Bad { QStringLiteral("%1: an interval ends before it starts").arg(name) };
        const double lane = i.value(QLatin1String("lane")).toDouble(0);
        if (lane < 0 || lane > 65535)
            throw Bad { QStringLiteral("%1: \"lane\" out of range").arg(name) };
        iv.lane = quint16(lane);
        iv.at = place(text(i, QLatin1String("at"), name, false));
        u.intervals.push_back(iv);
    }
    return u;
}

TraceData Reader::read(const QJsonObject &root)
{
    RunInfo &info = m_data.info;
    info.scenario = text(root, QLatin1String("scenario"), QStringLiteral("summary"), true);
    const QJsonObject params = root.value(QLatin1String("params")).toObject();
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!it->isDouble())
            throw Bad { QStringLiteral("params: \"%1\" is not a number").arg(it.key()) };
        info.params.push_back({ it.key(), it->toDouble() });
    }
    info.timeScale = root.value(QLatin1String("time_scale")).toDouble(1.0);
    info.clock = root.value(QLatin1String("clock")).toString(info.clock);
    info.totalNs = seconds(root.value(QLatin1String("total_s")), QStringLiteral("total_s"));
    info.finished = true;

    std::vector<UnitRecord> units;
    const QJsonValue main = root.value(QLatin1String("main"));
    if (main.isObject()) {
        units.push_back(unit(main.toObject(), QStringLiteral("main")));
        info.mainId = units.back().id;
    }
    const QJsonArray tasks = root.value(QLatin1String("tasks")).toArray();
    for (qsizetype i = 0; i < tasks.size(); ++i) {
        if (!tasks.at(i).isObject())
            throw Bad { QStringLiteral("tasks[%1] is not an object").arg(i) };
        units.push_back(unit(tasks.at(i).toObject(), QStringLiteral("tasks[%1]").arg(i)));
    }
    quint32 maxId = 0;
    for (const UnitRecord &u : units)
        maxId = std::max(maxId, u.id);
    // Ids are dense in a Loopscope run; a few holes are fine, a huge id in a short file is not.
    if (maxId > 2 * units.size() + 1024)
        throw Bad {
            QStringLiteral("unit id %1 is far beyond the %2 units").arg(maxId).arg(units.size())
        };
    m_data.units.resize(maxId);
    for (quint32 id = 1; id <= maxId; ++id)
        m_data.units[id - 1].id = id;
    for (UnitRecord &u : units) {
        UnitRecord &slot = m_data.units[u.id - 1];
        if (!slot.label.isEmpty() || slot.intervals.size())
            throw Bad { QStringLiteral("unit id %1 appears twice").arg(u.id) };
        if (u.label.isEmpty())
            u.label = QStringLiteral("unit %1").arg(u.id);
        slot = std::move(u);
    }
    for (const QJsonValue &v : root.value(QLatin1String("output")).toArray()) {
        const QJsonObject line = v.toObject();
        OutputLine out;
        out.timeNs = seconds(line.value(QLatin1String("t_s")), QStringLiteral("output t_s"));
        out.text = line.value(QLatin1String("text")).toString();
        if (line.value(QLatin1String("stream")).toString() == QLatin1String("stderr"))
            out.stream = OutputStream::Stderr;
        m_data.output.push_back(out);
    }
    m_data.recomputeLastEventNs();
    return std::move(m_data);
}

bool hasSummaryKeys(const QJsonObject &root)
{
    return root.contains(QLatin1String("scenario")) && root.contains(QLatin1String("total_s"))
        && root.value(QLatin1String("tasks")).isArray();
}

} // namespace

bool SummaryReader::looksLikeSummary(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    return doc.isObject() && hasSummaryKeys(doc.object());
}

std::optional<TraceData> SummaryReader::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    auto fail = [error](const QString &message) -> std::optional<TraceData> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject() || !hasSummaryKeys(doc.object()))
        return fail(QStringLiteral("not a Loopscope summary: no \"scenario\", \"total_s\" and "
                                   "\"tasks\""));
    try {
        return Reader().read(doc.object());
    } catch (const Bad &bad) {
        return fail(QStringLiteral("not a valid Loopscope summary: ") + bad.message);
    }
}

} // namespace Loopscope
