#include "tracejsonwriter.h"

#include "jsonwriter.h"
#include "tracedata.h"

#include <algorithm>
#include <numeric>

namespace Loopscope {

namespace {

using detail::JsonWriter;

constexpr int Pid = 1;

void writeMicros(JsonWriter &w, qint64 ns)
{
    w.fixed(ns, 3, 0);
}

// Opens an event object with the fields every event has.
template <typename Name>
void beginEvent(JsonWriter &w, char phase, QLatin1String cat, const Name &name, quint32 tid)
{
    w.newline();
    w.beginObject();
    w.key(QLatin1String("ph"));
    w.value(QLatin1String(&phase, 1));
    if (!cat.isEmpty()) {
        w.key(QLatin1String("cat"));
        w.value(cat);
    }
    w.key(QLatin1String("name"));
    w.value(name);
    w.key(QLatin1String("pid"));
    w.value(Pid);
    if (tid) {
        w.key(QLatin1String("tid"));
        w.value(tid);
    }
}

void writeMetadata(JsonWriter &w, const QString &what, quint32 tid)
{
    beginEvent(w, 'M', QLatin1String(), what, tid);
    w.key(QLatin1String("args"));
    w.beginObject();
}

void writeOtherData(JsonWriter &w, const TraceData &data)
{
    const RunInfo &info = data.info;
    w.beginObject();
    w.key(QLatin1String("format"));
    w.value(QLatin1String("loopscope-trace"));
    w.key(QLatin1String("version"));
    w.value(1);
    w.key(QLatin1String("scenario"));
    w.value(info.scenario);
    w.key(QLatin1String("params"));
    w.beginArray();
    for (const auto &[name, value] : info.params) {
        w.beginObject();
        w.key(QLatin1String("name"));
        w.value(name);
        w.key(QLatin1String("value"));
        w.value(value);
        w.endObject();
    }
    w.endArray();
    w.key(QLatin1String("time_scale"));
    w.value(info.timeScale);
    w.key(QLatin1String("clock"));
    w.value(info.clock);
    w.key(QLatin1String("total_ns"));
    w.value(info.totalNs);
    w.key(QLatin1String("total_s"));
    w.fixed(info.totalNs, 9, 1);
    w.key(QLatin1String("main_id"));
    w.value(info.mainId);
    w.key(QLatin1String("finished"));
    w.value(info.finished);
    w.key(QLatin1String("counters"));
    w.beginArray();
    for (const CounterSeries &series : data.counters)
        w.value(series.name);
    w.endArray();
    w.key(QLatin1String("holders"));
    w.beginArray();
    for (const HolderSeries &series : data.holders)
        w.value(series.name);
    w.endArray();
    w.endObject();
}

void writeUnitMetadata(JsonWriter &w, const UnitRecord &u, int sortIndex)
{
    writeMetadata(w, QStringLiteral("thread_name"), u.id);
    w.key(QLatin1String("name"));
    w.value(u.label.isEmpty() ? QStringLiteral("unit %1").arg(u.id) : u.label);
    w.key(QLatin1String("unit"));
    w.beginObject();
    w.key(QLatin1String("id"));
    w.value(u.id);
    w.key(QLatin1String("parent"));
    w.value(u.parent);
    w.key(QLatin1String("kind"));
    w.value(QLatin1String(unitKindName(u.kind)));
    w.key(QLatin1String("label"));
    w.value(u.label);
    w.key(QLatin1String("created_ns"));
    w.value(u.createdNs);
    w.key(QLatin1String("start_ns"));
    w.value(u.startNs);
    w.key(QLatin1String("end_ns"));
    w.value(u.endNs);
    w.key(QLatin1String("outcome"));
    if (u.outcome == Outcome::None)
        w.null();
    else
        w.value(QLatin1String(outcomeName(u.outcome)));
    w.key(QLatin1String("error"));
    w.value(u.error);
    if (u.loop) {
        // Numbered from 1 as the window and the summary name loops; absent: the first loop.
        w.key(QLatin1String("loop"));
        w.value(int(u.loop) + 1);
    }
    w.endObject();
    w.endObject();
    w.endObject();

    writeMetadata(w, QStringLiteral("thread_sort_index"), u.id);
    w.key(QLatin1String("sort_index"));
    w.value(sortIndex);
    w.endObject();
    w.endObject();
}

// Opens a complete slice [startNs, endNs) and its args; an open one (endNs < 0, a live run)
// ends at the live edge. endSlice closes what this opened.
template <typename Name>
void beginSlice(JsonWriter &w, QLatin1String cat, const Name &name, quint32 tid, qint64 startNs,
    qint64 endNs, qint64 liveEdgeNs)
{
    const qint64 end = endNs < 0 ? std::max(liveEdgeNs, startNs) : endNs;
    beginEvent(w, 'X', cat, name, tid);
    w.key(QLatin1String("ts"));
    writeMicros(w, startNs);
    w.key(QLatin1String("dur"));
    writeMicros(w, std::max<qint64>(0, end - startNs));
    w.key(QLatin1String("args"));
    w.beginObject();
}

// Closes a slice's args (marking an open slice "open", for the reader) and the slice.
void endSlice(JsonWriter &w, qint64 endNs)
{
    if (endNs < 0) {
        w.key(QLatin1String("open"));
        w.value(true);
    }
    w.endObject();
    w.endObject();
}

void writeUnitEvents(JsonWriter &w, const TraceData &data, const UnitRecord &u,
                     qint64 liveEdgeNs)
{
    for (const StateInterval &iv : u.intervals) {
        beginSlice(w, QLatin1String("state"), QLatin1String(unitStateName(iv.state)), u.id,
            iv.startNs, iv.endNs, liveEdgeNs);
        w.key(QLatin1String("lane"));
        w.value(int(iv.lane));
        if (iv.at) {
            w.key(QLatin1String("at"));
            w.value(data.placeOf(iv));
        }
        endSlice(w, iv.endNs);
    }
    if (u.outcome != Outcome::None) {
        const QLatin1String outcome(outcomeName(u.outcome));
        beginEvent(w, 'i', QLatin1String("outcome"), outcome, u.id);
        w.key(QLatin1String("s"));
        w.value(QLatin1String("t"));
        w.key(QLatin1String("ts"));
        writeMicros(w, u.endNs >= 0 ? u.endNs : u.createdNs);
        w.key(QLatin1String("args"));
        w.beginObject();
        w.key(QLatin1String("outcome"));
        w.value(outcome);
        w.key(QLatin1String("error"));
        w.value(u.error);
        if (u.cancelCause != CancelCause::None) {
            w.key(QLatin1String("cancelled_by"));
            w.beginObject();
            w.key(QLatin1String("reason"));
            w.value(QLatin1String(cancelCauseName(u.cancelCause)));
            w.key(QLatin1String("unit"));
            w.value(u.cancelledBy);
            w.endObject();
        }
        w.endObject();
        w.endObject();
    }
}

// Perfetto binds the `f` end to the slice enclosing its time, so it must lie inside one: the
// link time, else the next slice's start, else (awaiting a unit that already ended) its last.
qint64 flowEndNs(const UnitRecord &to, qint64 linkNs, qint64 liveEdgeNs)
{
    for (const StateInterval &iv : to.intervals) {
        const qint64 end = iv.endNs < 0 ? std::max(liveEdgeNs, iv.startNs) : iv.endNs;
        if (iv.startNs <= linkNs && linkNs < end)
            return linkNs;
        if (iv.startNs >= linkNs)
            return iv.startNs;
    }
    if (to.intervals.empty())
        return linkNs;
    const StateInterval &last = to.intervals.back();
    const qint64 end = last.endNs < 0 ? std::max(liveEdgeNs, last.startNs) : last.endNs;
    return end > last.startNs ? end - 1 : last.startNs;
}

void writeFlows(JsonWriter &w, const TraceData &data, qint64 liveEdgeNs)
{
    const QString name = QStringLiteral("await");
    qint64 id = 0;
    for (const FlowLink &link : data.flows) {
        ++id;
        const UnitRecord *from = data.unit(link.from);
        const UnitRecord *to = data.unit(link.to);
        if (!from || !to)
            continue;
        beginEvent(w, 's', QLatin1String("await"), name, link.from);
        w.key(QLatin1String("id"));
        w.value(id);
        w.key(QLatin1String("ts"));
        writeMicros(w, link.timeNs);
        w.endObject();

        beginEvent(w, 'f', QLatin1String("await"), name, link.to);
        w.key(QLatin1String("bp"));
        w.value(QLatin1String("e"));
        w.key(QLatin1String("id"));
        w.value(id);
        w.key(QLatin1String("ts"));
        writeMicros(w, flowEndNs(*to, link.timeNs, liveEdgeNs));
        w.endObject();
    }
}

// A resource's holders on a track of its own (tid), one complete slice per hold named by the
// holder, so that Perfetto shows the lock lane as the timeline does.
void writeHolders(JsonWriter &w, const TraceData &data, const HolderSeries &series, quint32 tid,
    int sortIndex, qint64 liveEdgeNs)
{
    writeMetadata(w, QStringLiteral("thread_name"), tid);
    w.key(QLatin1String("name"));
    w.value(series.name);
    w.endObject();
    w.endObject();
    writeMetadata(w, QStringLiteral("thread_sort_index"), tid);
    w.key(QLatin1String("sort_index"));
    w.value(sortIndex);
    w.endObject();
    w.endObject();
    for (const HolderInterval &hold : series.intervals) {
        const UnitRecord *u = data.unit(hold.unit);
        beginSlice(w, QLatin1String("holder"),
            u && !u->label.isEmpty() ? u->label : QStringLiteral("unit %1").arg(hold.unit), tid,
            hold.startNs, hold.endNs, liveEdgeNs);
        w.key(QLatin1String("resource"));
        w.value(series.name);
        w.key(QLatin1String("unit"));
        w.value(hold.unit);
        endSlice(w, hold.endNs);
    }
}

void writeInstant(JsonWriter &w, QLatin1String cat, const QString &name, quint32 tid, qint64 timeNs)
{
    beginEvent(w, 'i', cat, name, tid);
    w.key(QLatin1String("s"));
    w.value(QLatin1String("t"));
    w.key(QLatin1String("ts"));
    writeMicros(w, timeNs);
    w.key(QLatin1String("args"));
    w.beginObject();
}

void writeCounter(JsonWriter &w, QLatin1String cat, const QString &name, qint64 timeNs)
{
    beginEvent(w, 'C', cat, name, 0);
    w.key(QLatin1String("ts"));
    writeMicros(w, timeNs);
    w.key(QLatin1String("args"));
    w.beginObject();
    w.key(QLatin1String("value"));
}

} // namespace

QByteArray TraceJsonWriter::toJson(const TraceData &data)
{
    qsizetype events = qsizetype(data.units.size()) * 3 + qsizetype(data.flows.size()) * 2;
    for (const UnitRecord &u : data.units)
        events += qsizetype(u.intervals.size());
    JsonWriter w(0, events * 120 + 1024);
    const qint64 liveEdgeNs = data.endNs();

    // Output lines and bad deadlines need a tid: main's, or one past the last unit.
    const bool haveMain = data.unit(data.info.mainId) != nullptr;
    const quint32 outputTid = haveMain ? data.info.mainId : quint32(data.units.size() + 1);

    w.beginObject();
    w.key(QLatin1String("displayTimeUnit"));
    w.value(QLatin1String("ms"));
    w.key(QLatin1String("otherData"));
    writeOtherData(w, data);
    w.key(QLatin1String("traceEvents"));
    w.beginArray();

    writeMetadata(w, QStringLiteral("process_name"), 0);
    w.key(QLatin1String("name"));
    w.value(data.info.scenario.isEmpty() ? QStringLiteral("Loopscope")
                                         : QStringLiteral("Loopscope: ") + data.info.scenario);
    w.endObject();
    w.endObject();

    // Lanes sorted by creation, as the timeline shows them.
    std::vector<std::size_t> order(data.units.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return data.units[a].createdNs < data.units[b].createdNs;
    });
    std::vector<int> sortIndex(data.units.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        sortIndex[order[i]] = int(i);
    for (std::size_t i = 0; i < data.units.size(); ++i)
        writeUnitMetadata(w, data.units[i], sortIndex[i]);
    if (!haveMain) {
        writeMetadata(w, QStringLiteral("thread_name"), outputTid);
        w.key(QLatin1String("name"));
        w.value(QLatin1String("output"));
        w.endObject();
        w.endObject();
    }

    // Slices before flows: for equal times Perfetto keeps file order, and a flow binds to the
    // slice that is open when it is read.
    for (const UnitRecord &u : data.units)
        writeUnitEvents(w, data, u, liveEdgeNs);
    writeFlows(w, data, liveEdgeNs);
    // Holder tracks after the output track's tid, above the units in Perfetto.
    const auto holderCount = int(data.holders.size());
    for (int k = 0; k < holderCount; ++k)
        writeHolders(w, data, data.holders[std::size_t(k)], quint32(data.units.size() + 2 + k),
                     k - holderCount, liveEdgeNs);

    for (const CounterSeries &series : data.counters) {
        for (const CounterSample &sample : series.samples) {
            writeCounter(w, QLatin1String("counter"), series.name, sample.timeNs);
            w.value(sample.value);
            w.endObject();
            w.endObject();
        }
    }
    const QString lagName = QStringLiteral("loop lag (ms)");
    for (const LoopLagSample &sample : data.loopLag) {
        writeCounter(w, QLatin1String("loop_lag"), lagName, sample.timeNs);
        w.fixed(sample.lagNs, 6, 0);
        w.endObject();
        if (sample.loop) {
            // A counter's id makes a track of its own per loop in Perfetto and chrome://tracing.
            w.key(QLatin1String("id"));
            w.value(int(sample.loop) + 1);
        }
        w.endObject();
    }

    const QString deadlineName = QStringLiteral("deadline");
    for (const DeadlineMarker &d : data.deadlines) {
        writeInstant(w, QLatin1String("deadline"), deadlineName,
            data.unit(d.unit) ? d.unit : outputTid, d.timeNs);
        w.key(QLatin1String("unit"));
        w.value(d.unit);
        w.endObject();
        w.endObject();
    }
    for (const Bookmark &mark : data.bookmarks) {
        writeInstant(w, QLatin1String("bookmark"), mark.note, outputTid, mark.timeNs);
        w.key(QLatin1String("note"));
        w.value(mark.note);
        w.endObject();
        w.endObject();
    }
    for (const OutputLine &line : data.output) {
        writeInstant(w, QLatin1String("output"), line.text, outputTid, line.timeNs);
        w.key(QLatin1String("text"));
        w.value(line.text);
        if (line.stream == OutputStream::Stderr) {
            w.key(QLatin1String("stream"));
            w.value(QLatin1String("stderr"));
        }
        w.endObject();
        w.endObject();
    }

    w.endArray();
    w.newline();
    w.endObject();
    w.newline();
    return w.take();
}

} // namespace Loopscope
