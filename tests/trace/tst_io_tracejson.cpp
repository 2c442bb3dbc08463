#include <catch2/catch.hpp>

#include "iotestdata.h"
#include "summarywriter.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <map>

using namespace Loopscope;

namespace {

QJsonArray traceEvents(const QByteArray &json, QJsonObject *root = nullptr)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    INFO(error.errorString().toStdString());
    REQUIRE(error.error == QJsonParseError::NoError);
    REQUIRE(doc.isObject());
    if (root)
        *root = doc.object();
    REQUIRE(doc.object().value(QLatin1String("traceEvents")).isArray());
    return doc.object().value(QLatin1String("traceEvents")).toArray();
}

QString str(const QJsonObject &e, const char *key)
{
    return e.value(QLatin1String(key)).toString();
}
double num(const QJsonObject &e, const char *key)
{
    return e.value(QLatin1String(key)).toDouble();
}
int tidOf(const QJsonObject &e)
{
    return e.value(QLatin1String("tid")).toInt();
}

struct Slice
{
    double ts;
    double end;
};

//! True if `ts` lies in one of the slices (a slice starting exactly at ts counts).
bool inSlice(const std::vector<Slice> &slices, double ts)
{
    for (const Slice &s : slices) {
        if (s.ts <= ts && (ts < s.end || s.ts == ts))
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("Trace JSON is a Chrome trace Perfetto can bind", "[io][tracejson]")
{
    const TraceData data = Test::sampleTrace();
    QJsonObject root;
    const QJsonArray events = traceEvents(TraceJsonWriter::toJson(data), &root);
    CHECK(str(root, "displayTimeUnit") == QStringLiteral("ms"));

    QHash<int, QString> threadNames;
    std::map<int, std::vector<Slice>> slices;
    QHash<QString, int> counterEvents;
    std::map<double, QJsonObject> flowStarts, flowEnds;
    int outcomes = 0, outputs = 0, deadlines = 0, lags = 0, slicesSeen = 0;
    std::vector<QJsonObject> holds;

    for (const QJsonValue &v : events) {
        REQUIRE(v.isObject());
        const QJsonObject e = v.toObject();
        const QString ph = str(e, "ph");
        CHECK(e.value(QLatin1String("pid")).toInt() == 1);
        REQUIRE(e.contains(QLatin1String("name")));
        if (ph != QLatin1String("M")) {
            REQUIRE(e.value(QLatin1String("ts")).isDouble());
        }
        if (ph == QLatin1String("M")) {
            if (str(e, "name") == QLatin1String("thread_name"))
                threadNames.insert(tidOf(e),
                    e.value(QLatin1String("args"))
                        .toObject()
                        .value(QLatin1String("name"))
                        .toString());
        } else if (ph == QLatin1String("X") && str(e, "cat") == QLatin1String("holder")) {
            REQUIRE(e.value(QLatin1String("dur")).isDouble());
            holds.push_back(e);
        } else if (ph == QLatin1String("X")) {
            ++slicesSeen;
            INFO("X slice on tid " << tidOf(e));
            REQUIRE(e.value(QLatin1String("dur")).isDouble());
            CHECK(num(e, "dur") >= 0);
            slices[tidOf(e)].push_back({ num(e, "ts"), num(e, "ts") + num(e, "dur") });
        } else if (ph == QLatin1String("C")) {
            const QJsonObject args = e.value(QLatin1String("args")).toObject();
            REQUIRE(args.value(QLatin1String("value")).isDouble());
            counterEvents[str(e, "name")]++;
            if (str(e, "name") == QLatin1String("loop lag (ms)")) {
                ++lags;
                CHECK(args.value(QLatin1String("value")).toDouble() == 0.5);
            }
        } else if (ph == QLatin1String("s")) {
            flowStarts[num(e, "id")] = e;
        } else if (ph == QLatin1String("f")) {
            CHECK(str(e, "bp") == QStringLiteral("e"));
            flowEnds[num(e, "id")] = e;
        } else if (ph == QLatin1String("i")) {
            CHECK(str(e, "s") == QStringLiteral("t"));
            const QString cat = str(e, "cat");
            if (cat == QLatin1String("outcome"))
                ++outcomes;
            else if (cat == QLatin1String("output"))
                ++outputs;
            else if (cat == QLatin1String("deadline"))
                ++deadlines;
        }
    }

    SECTION("one named thread per unit, each with its slices")
    {
        REQUIRE(threadNames.size() == 8 + 1); // and the lock's track
        for (const UnitRecord &u : data.units) {
            CHECK(threadNames.value(int(u.id)) == u.label);
            CHECK(slices[int(u.id)].size() == u.intervals.size());
        }
        CHECK(threadNames.value(4) == QStringLiteral("blocking_io_operation(file1.txt)"));
        int intervals = 0;
        for (const UnitRecord &u : data.units)
            intervals += int(u.intervals.size());
        CHECK(slicesSeen == intervals);
    }

    SECTION("slices are in microseconds, exact to the nanosecond")
    {
        // Executor job: queued 2000 ns .. 500000123 ns, then running on lane 2.
        bool found = false;
        for (const QJsonValue &v : events) {
            const QJsonObject e = v.toObject();
            if (str(e, "ph") == QLatin1String("X") && tidOf(e) == 4
                && str(e, "name") == QLatin1String("running")) {
                found = true;
                CHECK(num(e, "ts") == 500000.123);
                CHECK(num(e, "dur") == 2000000.0);
                CHECK(e.value(QLatin1String("args")).toObject().value(QLatin1String("lane")).toInt()
                    == 2);
            }
        }
        CHECK(found);
    }

    SECTION("every flow has both ends, each on a slice of its unit")
    {
        REQUIRE(flowStarts.size() == data.flows.size());
        REQUIRE(flowEnds.size() == data.flows.size());
        for (const auto &[id, s] : flowStarts) {
            INFO("flow " << id);
            REQUIRE(flowEnds.count(id) == 1);
            const QJsonObject f = flowEnds[id];
            CHECK(str(s, "cat") == str(f, "cat"));
            CHECK(str(s, "name") == str(f, "name"));
            CHECK(inSlice(slices[tidOf(s)], num(s, "ts")));
            CHECK(inSlice(slices[tidOf(f)], num(f, "ts")));
        }
        const FlowLink &first = data.flows.front();
        CHECK(tidOf(flowStarts.begin()->second) == int(first.from));
        CHECK(tidOf(flowEnds.begin()->second) == int(first.to));
    }

    SECTION("outcomes, counters, output, deadlines and loop lag are all there")
    {
        CHECK(outcomes == 8);
        CHECK(counterEvents.value(QStringLiteral("semaphore in use")) == 3);
        CHECK(counterEvents.value(QStringLiteral("executor queue")) == 2);
        CHECK(lags == 1);
        CHECK(outputs == 2);
        CHECK(deadlines == 1);
    }

    SECTION("a lock's holders: a track of its own, a slice per hold named by the holder")
    {
        const int tid = int(data.units.size()) + 2;
        CHECK(threadNames.value(tid) == QStringLiteral("lock"));
        REQUIRE(holds.size() == 3);
        QStringList names;
        for (const QJsonObject &e : holds) {
            CHECK(tidOf(e) == tid);
            const QJsonObject args = e.value(QLatin1String("args")).toObject();
            CHECK(str(args, "resource") == QStringLiteral("lock"));
            names << str(e, "name") + QLatin1Char('#')
                    + QString::number(args.value(QLatin1String("unit")).toInt());
        }
        CHECK(names
              == QStringList{QStringLiteral("API-1#2"), QStringLiteral("item 5#6"),
                             QStringLiteral("main#1")});
        CHECK(num(holds[0], "ts") == 1.0);
        CHECK(num(holds[0], "dur") == 1.001);
        CHECK(num(holds[2], "ts") == 2500000.2);
        CHECK(num(holds[2], "dur") == 499999.8);
    }

    SECTION("run info sits in otherData")
    {
        const QJsonObject other = root.value(QLatin1String("otherData")).toObject();
        CHECK(str(other, "format") == QStringLiteral("loopscope-trace"));
        CHECK(str(other, "scenario") == QStringLiteral("executor"));
        CHECK(num(other, "total_s") == 3.0);
        CHECK(other.value(QLatin1String("main_id")).toInt() == 1);
    }
}

TEST_CASE("Trace JSON of a live run closes open slices at the live edge", "[io][tracejson]")
{
    const TraceData data = Test::sampleTrace(false);
    const QJsonArray events = traceEvents(TraceJsonWriter::toJson(data));
    int open = 0;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (str(e, "ph") != QLatin1String("X"))
            continue;
        REQUIRE(e.value(QLatin1String("dur")).isDouble());
        CHECK(num(e, "dur") >= 0);
        if (e.value(QLatin1String("args")).toObject().value(QLatin1String("open")).toBool()) {
            ++open;
            CHECK(num(e, "ts") + num(e, "dur") == Approx(data.endNs() / 1000.0));
        }
    }
    // main running, the never-awaited coroutine still pending, main holding the lock
    CHECK(open == 3);
}

TEST_CASE("Trace JSON without a main unit puts output on a tid of its own", "[io][tracejson]")
{
    TraceData data;
    data.output.push_back({ 5, QStringLiteral("hello") });
    const QJsonArray events = traceEvents(TraceJsonWriter::toJson(data));
    bool named = false, line = false;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (str(e, "ph") == QLatin1String("M") && str(e, "name") == QLatin1String("thread_name")
            && tidOf(e) == 1)
            named = true;
        if (str(e, "cat") == QLatin1String("output")) {
            line = true;
            CHECK(tidOf(e) == 1);
            CHECK(num(e, "ts") == 0.005);
        }
    }
    CHECK(named);
    CHECK(line);
}

TEST_CASE("A line printed on stderr keeps its stream in the trace and the summary",
          "[io][tracejson]")
{
    TraceData data;
    data.output.push_back({5, QStringLiteral("to stdout")});
    data.output.push_back({6, QStringLiteral("to stderr"), OutputStream::Stderr});
    data.recomputeLastEventNs();
    QString error;
    const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data), &error);
    REQUIRE(back);
    REQUIRE(back->output.size() == 2);
    CHECK(back->output[0].stream == OutputStream::Stdout);
    CHECK(back->output[1].stream == OutputStream::Stderr);
    const QJsonObject summary = QJsonDocument::fromJson(SummaryWriter::toJson(data)).object();
    const QJsonArray lines = summary.value(QLatin1String("output")).toArray();
    REQUIRE(lines.size() == 2);
    CHECK_FALSE(lines[0].toObject().contains(QLatin1String("stream")));
    CHECK(lines[1].toObject().value(QLatin1String("stream")).toString() == QLatin1String("stderr"));
}

TEST_CASE("Bookmarks are saved in the trace JSON and read back in time order", "[io][tracejson]")
{
    TraceData data;
    data.addBookmark(2'000'000'000, QStringLiteral("second wave"));
    data.addBookmark(500'000'000, QStringLiteral("first: \"queued\"\ttab"));
    REQUIRE(data.bookmarks.size() == 2);
    CHECK(data.bookmarks[0].timeNs == 500'000'000); // addBookmark keeps them sorted
    QString error;
    const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data), &error);
    REQUIRE(back);
    REQUIRE(back->bookmarks.size() == 2);
    CHECK(back->bookmarks[0].timeNs == 500'000'000);
    CHECK(back->bookmarks[0].note == QStringLiteral("first: \"queued\"\ttab"));
    CHECK(back->bookmarks[1].note == QStringLiteral("second wave"));
}
