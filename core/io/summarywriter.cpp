#include "summarywriter.h"

#include "jsonwriter.h"
#include "runanalysis.h"
#include "tracedata.h"
#include "wording.h"

#include <array>

namespace Loopscope {

namespace {

using detail::JsonWriter;

void writeSeconds(JsonWriter &w, qint64 ns)
{
    w.fixed(ns, 9, 1);
}

void writeOptionalSeconds(JsonWriter &w, qint64 ns)
{
    if (ns < 0)
        w.null();
    else
        writeSeconds(w, ns);
}

// withLoop: the run has more than one event loop, so each unit says which (numbered from 1).
void writeUnit(JsonWriter &w, const TraceData &data, const UnitRecord &u, bool withLoop)
{
    w.beginObject();
    w.key(QLatin1String("id"));
    w.value(u.id);
    w.key(QLatin1String("label"));
    w.value(u.label);
    w.key(QLatin1String("kind"));
    w.value(QLatin1String(unitKindName(u.kind)));
    w.key(QLatin1String("parent"));
    if (u.parent)
        w.value(u.parent);
    else
        w.null();
    if (withLoop) {
        w.key(QLatin1String("loop"));
        w.value(int(u.loop) + 1);
    }
    w.key(QLatin1String("created_s"));
    writeSeconds(w, u.createdNs);
    w.key(QLatin1String("start_s"));
    writeOptionalSeconds(w, u.startNs);
    w.key(QLatin1String("end_s"));
    writeOptionalSeconds(w, u.endNs);
    w.key(QLatin1String("outcome"));
    if (u.outcome == Outcome::None)
        w.null();
    else
        w.value(QLatin1String(outcomeName(u.outcome)));
    w.key(QLatin1String("error"));
    if (u.error.isEmpty())
        w.null();
    else
        w.value(u.error);
    if (u.outcome == Outcome::Cancelled || u.outcome == Outcome::TimedOut) {
        w.key(QLatin1String("cancelled_by"));
        if (u.cancelCause == CancelCause::None) {
            w.null();
        } else {
            w.beginObject();
            w.key(QLatin1String("reason"));
            w.value(QLatin1String(cancelCauseName(u.cancelCause)));
            w.key(QLatin1String("unit"));
            if (u.cancelledBy)
                w.value(u.cancelledBy);
            else
                w.null();
            w.endObject();
        }
    }
    w.key(QLatin1String("intervals"));
    w.beginArray();
    for (const StateInterval &iv : u.intervals) {
        w.beginObject();
        w.key(QLatin1String("state"));
        w.value(QLatin1String(unitStateName(iv.state)));
        w.key(QLatin1String("start_s"));
        writeSeconds(w, iv.startNs);
        w.key(QLatin1String("end_s"));
        writeOptionalSeconds(w, iv.endNs);
        w.key(QLatin1String("lane"));
        w.value(int(iv.lane));
        if (iv.state == UnitState::Waiting || iv.state == UnitState::Queued) {
            w.key(QLatin1String("at"));
            const QString at = data.placeOf(iv);
            if (at.isEmpty())
                w.null();
            else
                w.value(at);
        }
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

void writeStats(JsonWriter &w, const RunStats &s)
{
    w.beginObject();
    w.key(QLatin1String("total_s"));
    writeSeconds(w, s.totalNs);
    w.key(QLatin1String("sequential_s"));
    writeSeconds(w, s.sequentialNs);
    w.key(QLatin1String("speedup"));
    if (s.speedUp > 0)
        w.value(s.speedUp);
    else
        w.null();
    w.key(QLatin1String("max_concurrency"));
    w.value(s.maxConcurrency);
    w.key(QLatin1String("longest_stall_s"));
    writeSeconds(w, s.longestStallNs);
    w.key(QLatin1String("longest_stall_at_s"));
    writeOptionalSeconds(w, s.longestStallNs > 0 ? s.longestStallAtNs : -1);
    w.key(QLatin1String("outcomes"));
    w.beginObject();
    for (const Outcome o : {Outcome::Completed, Outcome::Failed, Outcome::Cancelled,
                            Outcome::TimedOut, Outcome::NeverAwaited}) {
        w.key(QLatin1String(outcomeName(o)));
        w.value(s.outcomes[std::size_t(o)]);
    }
    w.key(QLatin1String("not_ended"));
    w.value(s.outcomes[std::size_t(Outcome::None)]);
    w.endObject();
    w.endObject();
}

} // namespace

QByteArray SummaryWriter::toJson(const TraceData &data)
{
    // Depth 2: the top-level keys and each task / output line on a line of its own.
    JsonWriter w(2, qsizetype(data.units.size()) * 256 + 1024);
    w.beginObject();
    w.key(QLatin1String("scenario"));
    w.value(data.info.scenario);
    w.key(QLatin1String("params"));
    w.numbers(data.info.params);
    w.key(QLatin1String("time_scale"));
    w.value(data.info.timeScale);
    w.key(QLatin1String("clock"));
    w.value(data.info.clock);
    w.key(QLatin1String("total_s"));
    writeSeconds(w, data.info.totalNs);
    const RunAnalysis analysis = RunAnalysis::compute(data);
    w.key(QLatin1String("stats"));
    writeStats(w, analysis.stats());
    w.key(QLatin1String("findings"));
    w.beginArray();
    for (const Finding &f : analysis.findings()) {
        w.beginObject();
        w.key(QLatin1String("kind"));
        w.value(QLatin1String(findingKindName(f.kind)));
        w.key(QLatin1String("unit"));
        if (f.unit)
            w.value(f.unit);
        else
            w.null();
        w.key(QLatin1String("t_s"));
        writeSeconds(w, f.timeNs);
        w.key(QLatin1String("text"));
        w.value(f.text);
        w.endObject();
    }
    w.endArray();
    w.key(QLatin1String("main"));
    if (const UnitRecord *main = data.unit(data.info.mainId))
        writeUnit(w, data, *main, analysis.loopCount() > 1);
    else
        w.null();
    w.key(QLatin1String("tasks"));
    w.beginArray();
    for (const UnitRecord &u : data.units) {
        if (u.id != data.info.mainId)
            writeUnit(w, data, u, analysis.loopCount() > 1);
    }
    w.endArray();
    w.key(QLatin1String("output"));
    w.beginArray();
    for (const OutputLine &line : data.output) {
        w.beginObject();
        w.key(QLatin1String("t_s"));
        writeSeconds(w, line.timeNs);
        w.key(QLatin1String("text"));
        w.value(line.text);
        if (line.stream == OutputStream::Stderr) {
            w.key(QLatin1String("stream"));
            w.value(QLatin1String("stderr"));
        }
        w.endObject();
    }
    w.endArray();
    // Who held each lock, and when (end null: still held).
    w.key(QLatin1String("holders"));
    w.beginArray();
    for (const HolderSeries &series : data.holders) {
        w.beginObject();
        w.key(QLatin1String("name"));
        w.value(series.name);
        w.key(QLatin1String("holds"));
        w.beginArray();
        for (const HolderInterval &hold : series.intervals) {
            const UnitRecord *u = data.unit(hold.unit);
            w.beginObject();
            w.key(QLatin1String("unit"));
            w.value(hold.unit);
            w.key(QLatin1String("label"));
            w.value(u ? u->label : QString());
            w.key(QLatin1String("start_s"));
            writeSeconds(w, hold.startNs);
            w.key(QLatin1String("end_s"));
            writeOptionalSeconds(w, hold.endNs);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
    w.newline();
    return w.take();
}

QStringList SummaryWriter::findingLines(const TraceData &data)
{
    QStringList lines;
    const RunAnalysis analysis = RunAnalysis::compute(data);
    for (const Finding &f : analysis.findings())
        lines << QStringLiteral("finding %1 at %2: %3")
                     .arg(QLatin1String(findingKindName(f.kind)), Wording::moment(f.timeNs),
                          f.text);
    return lines;
}

QString SummaryWriter::resultLine(const TraceData &data)
{
    // Index = Outcome value; None (not ended) is listed last.
    std::array<int, 6> counts {};
    int units = 0;
    for (const UnitRecord &u : data.units) {
        if (u.id == data.info.mainId)
            continue;
        ++units;
        const auto index = std::size_t(u.outcome);
        if (index < counts.size())
            ++counts[index];
    }
    const QString outcomes = Wording::outcomeCounts(counts);

    const QString scenario
        = data.info.scenario.isEmpty() ? QStringLiteral("run") : data.info.scenario;
    QString line = QStringLiteral("%1: %2 s, %3 %4")
                       .arg(scenario, QString::number(double(data.info.totalNs) / 1e9, 'f', 2))
                       .arg(units)
                       .arg(units == 1 ? QStringLiteral("unit") : QStringLiteral("units"));
    if (!outcomes.isEmpty())
        line += QStringLiteral(": ") + outcomes;
    if (!data.info.finished)
        line += QStringLiteral(", unfinished");
    return line;
}

} // namespace Loopscope
