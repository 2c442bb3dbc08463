#include "comparisonwriter.h"

#include "jsonwriter.h"
#include "runcomparison.h"
#include "tracedata.h"

namespace Loopscope {

namespace {

using detail::JsonWriter;

QString seconds(qint64 ns)
{
    return QString::number(double(ns) / 1e9, 'f', 3) + QStringLiteral(" s");
}

QString signedSeconds(qint64 ns)
{
    return (ns > 0 ? QStringLiteral("+") : QString()) + seconds(ns);
}

QString endOf(qint64 ns)
{
    return ns < 0 ? QStringLiteral("never ended") : seconds(ns);
}

void writeSeconds(JsonWriter &w, qint64 ns)
{
    if (ns < 0)
        w.null();
    else
        w.fixed(ns, 9, 1);
}

void writeDelta(JsonWriter &w, bool known, qint64 ns)
{
    if (known)
        w.fixed(ns, 9, 1);
    else
        w.null();
}

void writeRun(JsonWriter &w, const TraceData &data, const QString &file)
{
    w.beginObject();
    w.key(QLatin1String("file"));
    w.value(file);
    w.key(QLatin1String("scenario"));
    w.value(data.info.scenario);
    w.key(QLatin1String("params"));
    w.numbers(data.info.params);
    w.key(QLatin1String("clock"));
    w.value(data.info.clock);
    w.endObject();
}

void writeTimes(JsonWriter &w, QLatin1String name, qint64 a, qint64 b)
{
    w.key(name);
    w.beginObject();
    w.key(QLatin1String("a_s"));
    writeSeconds(w, a);
    w.key(QLatin1String("b_s"));
    writeSeconds(w, b);
    w.key(QLatin1String("delta_s"));
    writeDelta(w, true, b - a);
    w.endObject();
}

} // namespace

QStringList ComparisonWriter::lines(const RunComparison &c)
{
    QStringList out;
    for (const RunComparison::TaskDelta &d : c.tasks()) {
        if (!d.matched()) {
            out << QStringLiteral("%1: only in %2, end %3")
                       .arg(d.label, d.aId ? QStringLiteral("A") : QStringLiteral("B"),
                           endOf(d.aId ? d.aEndNs : d.bEndNs));
            continue;
        }
        QString line
            = QStringLiteral("%1: A %2, B %3").arg(d.label, endOf(d.aEndNs), endOf(d.bEndNs));
        if (d.hasEndDelta())
            line += QStringLiteral(", delta ") + signedSeconds(d.endDeltaNs());
        out << line;
    }
    const RunStats &a = c.a(), &b = c.b();
    out << QStringLiteral("total: A %1, B %2, delta %3")
               .arg(seconds(a.totalNs), seconds(b.totalNs), signedSeconds(c.totalDeltaNs()));
    const int more = b.maxConcurrency - a.maxConcurrency;
    out << QStringLiteral("most at once: A %1, B %2, delta %3%4")
               .arg(a.maxConcurrency)
               .arg(b.maxConcurrency)
               .arg(more > 0 ? QStringLiteral("+") : QString())
               .arg(more);
    out << QStringLiteral("longest stall: A %1, B %2, delta %3")
               .arg(seconds(a.longestStallNs), seconds(b.longestStallNs),
                   signedSeconds(b.longestStallNs - a.longestStallNs));
    return out;
}

QByteArray ComparisonWriter::toJson(const RunComparison &c, const TraceData &a, const TraceData &b,
    const QString &aFile, const QString &bFile)
{
    // Depth 2: the top-level keys and each task on a line of its own.
    JsonWriter w(2, qsizetype(c.tasks().size()) * 160 + 512);
    w.beginObject();
    w.key(QLatin1String("a"));
    writeRun(w, a, aFile);
    w.key(QLatin1String("b"));
    writeRun(w, b, bFile);
    writeTimes(w, QLatin1String("total"), c.a().totalNs, c.b().totalNs);
    w.key(QLatin1String("max_concurrency"));
    w.beginObject();
    w.key(QLatin1String("a"));
    w.value(c.a().maxConcurrency);
    w.key(QLatin1String("b"));
    w.value(c.b().maxConcurrency);
    w.key(QLatin1String("delta"));
    w.value(c.b().maxConcurrency - c.a().maxConcurrency);
    w.endObject();
    writeTimes(w, QLatin1String("longest_stall"), c.a().longestStallNs, c.b().longestStallNs);
    w.key(QLatin1String("tasks"));
    w.beginArray();
    for (const RunComparison::TaskDelta &d : c.tasks()) {
        w.beginObject();
        w.key(QLatin1String("label"));
        w.value(d.label);
        // A figure of the task in A, in B, and B - A (null where a side has none).
        auto figure = [&w, &d](const char *a, const char *b, const char *delta, qint64 aNs,
                          qint64 bNs, bool known, qint64 deltaNs) {
            w.key(QLatin1String(a));
            writeSeconds(w, d.aId ? aNs : -1);
            w.key(QLatin1String(b));
            writeSeconds(w, d.bId ? bNs : -1);
            w.key(QLatin1String(delta));
            writeDelta(w, known, deltaNs);
        };
        figure(
            "a_end_s", "b_end_s", "delta_s", d.aEndNs, d.bEndNs, d.hasEndDelta(), d.endDeltaNs());
        figure("a_wait_s", "b_wait_s", "wait_delta_s", d.aWaitNs, d.bWaitNs, d.matched(),
            d.waitDeltaNs());
        w.endObject();
    }
    w.endArray();
    w.endObject();
    w.newline();
    return w.take();
}

} // namespace Loopscope
