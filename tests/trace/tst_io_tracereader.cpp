#include <catch2/catch.hpp>

#include "atomicfile.h"
#include "iotestdata.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Loopscope;

namespace {

QString readError(const QByteArray &json)
{
    QString error;
    const std::optional<TraceData> data = TraceJsonReader::fromJson(json, &error);
    CHECK_FALSE(data.has_value());
    CHECK_FALSE(error.isEmpty());
    CHECK_FALSE(error.contains(QLatin1Char('\n')));
    return error;
}

//! The sample trace written, parsed, changed by `edit`, and serialized again.
template <typename Edit> QByteArray editedTrace(Edit edit)
{
    QJsonObject root
        = QJsonDocument::fromJson(TraceJsonWriter::toJson(Test::sampleTrace())).object();
    edit(root);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

//! Replaces the first event matching ph (and cat, if given) by edit(event).
template <typename Edit> QByteArray editedEvent(const char *ph, const char *cat, Edit edit)
{
    return editedTrace([&](QJsonObject &root) {
        QJsonArray events = root.value(QLatin1String("traceEvents")).toArray();
        for (qsizetype i = 0; i < events.size(); ++i) {
            QJsonObject e = events.at(i).toObject();
            if (e.value(QLatin1String("ph")).toString() == QLatin1String(ph)
                && (!cat || e.value(QLatin1String("cat")).toString() == QLatin1String(cat))) {
                edit(e);
                events.replace(i, e);
                break;
            }
        }
        root.insert(QLatin1String("traceEvents"), events);
    });
}

} // namespace

TEST_CASE("Trace JSON reads back into the same TraceData", "[io][reader]")
{
    SECTION("a finished run")
    {
        const TraceData data = Test::sampleTrace();
        QString error;
        const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data), &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
    SECTION("a live run with open intervals")
    {
        const TraceData data = Test::sampleTrace(false);
        const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data));
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
    SECTION("a run of two event loops: each unit and lag sample keeps its loop")
    {
        const TraceData data = Test::twoLoopTrace();
        QString error;
        const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data), &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        CHECK(back->units[5].loop == 1);
        CHECK(back->loopLag.back().loop == 1);
        Test::requireSameTrace(data, *back);
    }
    SECTION("an empty trace")
    {
        const TraceData data;
        const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data));
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
    SECTION("unusual values: empty labels, big times, a counter without samples")
    {
        TraceData data = Test::sampleTrace();
        data.units[2].label.clear();
        data.units[1].intervals.back().endNs = 86'400'000'000'123; // a day and 123 ns
        data.units[1].endNs = 86'400'000'000'123;
        data.counters.push_back({ QStringLiteral("unused"), {} });
        data.holders.push_back({ QStringLiteral("unused lock"), {} });
        data.loopLag.push_back({ 7, 1 });
        data.deadlines.push_back({ 0, 9 });
        data.info.params.push_back({ QStringLiteral("tiny"), 1e-300 });
        data.info.timeScale = 1.0 / 3.0;
        data.recomputeLastEventNs(); // the edits moved the end of unit 2
        const auto back = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data));
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
    SECTION("units in any order in the file: stored by id")
    {
        const TraceData data = Test::sampleTrace();
        const QByteArray shuffled = editedTrace([&data](QJsonObject &root) {
            // The thread_name events (each unit's record) reversed, everything else in place.
            QJsonArray events = root.value(QLatin1String("traceEvents")).toArray();
            std::vector<qsizetype> at;
            for (qsizetype i = 0; i < events.size(); ++i) {
                const QJsonObject e = events.at(i).toObject();
                if (e.value(QLatin1String("name")) == QLatin1String("thread_name")
                    && e.value(QLatin1String("args")).toObject().contains(QLatin1String("unit")))
                    at.push_back(i);
            }
            REQUIRE(at.size() == data.units.size());
            const QJsonArray before = events;
            for (std::size_t k = 0; k < at.size(); ++k)
                events.replace(at[k], before.at(at[at.size() - 1 - k]));
            root.insert(QLatin1String("traceEvents"), events);
        });
        QString error;
        const auto back = TraceJsonReader::fromJson(shuffled, &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
    SECTION("through a file")
    {
        QTemporaryDir dir;
        REQUIRE(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("trace.json"));
        const TraceData data = Test::sampleTrace();
        QString error;
        REQUIRE(writeFileAtomically(path, TraceJsonWriter::toJson(data), &error));
        const auto back = TraceJsonReader::fromFile(path, &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
    }
}

TEST_CASE("Trace reader names what is wrong with a bad file", "[io][reader]")
{
    const QByteArray good = TraceJsonWriter::toJson(Test::sampleTrace());

    SECTION("not JSON")
    {
        CHECK(readError(QByteArray()).startsWith(QLatin1String("not JSON: ")));
        const QString truncated = readError(good.left(good.size() / 2));
        CHECK(truncated.startsWith(QLatin1String("not JSON: ")));
        CHECK(truncated.contains(QLatin1String(" at offset ")));
        CHECK(readError(QByteArrayLiteral("{\"traceEvents\": [\"abc"))
                  .contains(QLatin1String("at offset")));
    }
    SECTION("JSON that is not a trace")
    {
        CHECK(readError(QByteArrayLiteral("42")).startsWith(QLatin1String("not a trace")));
        CHECK(readError(QByteArrayLiteral(" \"text\" ")).startsWith(QLatin1String("not a trace")));
        CHECK(readError(QByteArrayLiteral("{\"foo\": 1}")).contains(QLatin1String("traceEvents")));
        CHECK(readError(QByteArrayLiteral("{\"scenario\": \"x\", \"tasks\": []}"))
                  .contains(QLatin1String("summary")));
        CHECK(readError(QByteArrayLiteral("{\"traceEvents\": []}"))
                  .contains(QLatin1String("no thread slices")));
        CHECK(readError(QByteArrayLiteral("[1, \"x\", null, {\"ph\": \"X\"}]"))
                  .contains(QLatin1String("no thread slices")));
    }
    SECTION("a Loopscope trace with wrong values")
    {
        const QString wrongType = readError(editedEvent("X", "state",
            [](QJsonObject &e) { e.insert(QLatin1String("ts"), QStringLiteral("soon")); }));
        CHECK(wrongType.contains(QLatin1String("ts is not a time")));
        CHECK(readError(editedEvent("X", "state", [](QJsonObject &e) {
            e.insert(QLatin1String("dur"), -5);
        })).contains(QLatin1String("negative dur")));
        CHECK(readError(editedEvent("X", "state", [](QJsonObject &e) {
            e.remove(QLatin1String("dur"));
        })).contains(QLatin1String("no dur")));
        CHECK(readError(editedEvent("X", "state", [](QJsonObject &e) {
            e.insert(QLatin1String("name"), QStringLiteral("sleeping"));
        })).contains(QLatin1String("unknown state \"sleeping\"")));
        CHECK(readError(editedEvent("X", "state", [](QJsonObject &e) {
            e.insert(QLatin1String("args"), QJsonObject { { QLatin1String("lane"), 70000 } });
        })).contains(QLatin1String("lane")));
        CHECK(readError(editedEvent("X", "state", [](QJsonObject &e) {
            e.insert(QLatin1String("tid"), 99);
        })).contains(QLatin1String("tid 99")));
        CHECK(readError(editedEvent("s", "await", [](QJsonObject &e) {
            e.insert(QLatin1String("id"), 1000);
        })).contains(QLatin1String("flow")));
        CHECK(readError(editedTrace([](QJsonObject &root) {
            QJsonObject other = root.value(QLatin1String("otherData")).toObject();
            other.insert(QLatin1String("version"), 2);
            root.insert(QLatin1String("otherData"), other);
        })).contains(QLatin1String("version 2")));
        CHECK(readError(editedTrace([](QJsonObject &root) {
            QJsonObject other = root.value(QLatin1String("otherData")).toObject();
            other.insert(QLatin1String("finished"), QStringLiteral("yes"));
            root.insert(QLatin1String("otherData"), other);
        })).contains(QLatin1String("finished")));
        CHECK(readError(editedTrace([](QJsonObject &root) {
            root.insert(QLatin1String("traceEvents"), QJsonObject());
        })).contains(QLatin1String("traceEvents")));
    }
    SECTION("unit ids must be exactly 1..N")
    {
        // Edits the first unit record (in the first thread_name event).
        auto firstUnitWithId = [](const QJsonValue &id) {
            return editedTrace([&](QJsonObject &root) {
                QJsonArray events = root.value(QLatin1String("traceEvents")).toArray();
                for (qsizetype i = 0; i < events.size(); ++i) {
                    QJsonObject e = events.at(i).toObject();
                    QJsonObject args = e.value(QLatin1String("args")).toObject();
                    if (!args.contains(QLatin1String("unit")))
                        continue;
                    QJsonObject unit = args.value(QLatin1String("unit")).toObject();
                    unit.insert(QLatin1String("id"), id);
                    args.insert(QLatin1String("unit"), unit);
                    e.insert(QLatin1String("args"), args);
                    events.replace(i, e);
                    break;
                }
                root.insert(QLatin1String("traceEvents"), events);
            });
        };
        CHECK(readError(firstUnitWithId(-1)).contains(QLatin1String("id")));
        CHECK(readError(firstUnitWithId(0)).contains(QLatin1String("id")));
        CHECK(readError(firstUnitWithId(4294967295.0)).contains(QLatin1String("out of range")));
        CHECK(readError(firstUnitWithId(1e300)).contains(QLatin1String("id")));
        CHECK(readError(firstUnitWithId(2)).contains(QLatin1String("twice")));
        CHECK(readError(firstUnitWithId(1.5)).contains(QLatin1String("id")));
        CHECK(readError(firstUnitWithId(QStringLiteral("1"))).contains(QLatin1String("id")));
    }
    SECTION("a missing file")
    {
        QString error;
        CHECK_FALSE(TraceJsonReader::fromFile(QStringLiteral("/nonexistent/trace.json"), &error));
        CHECK(error.startsWith(QLatin1String("cannot read /nonexistent/trace.json: ")));
    }
    SECTION("a file with bad content names the file")
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("trace.json"));
        REQUIRE(writeFileAtomically(path, QByteArrayLiteral("{\"traceEvents\": [")));
        QString error;
        CHECK_FALSE(TraceJsonReader::fromFile(path, &error));
        CHECK(error.startsWith(path + QStringLiteral(": not JSON: ")));
    }
}

TEST_CASE("Trace reader survives any damage to a trace", "[io][reader]")
{
    const QByteArray good = TraceJsonWriter::toJson(Test::sampleTrace());

    // Cut anywhere: never a crash, always an error.
    for (qsizetype cut = 0; cut < good.size() - 2; cut += 37) {
        QString error;
        CHECK_FALSE(TraceJsonReader::fromJson(good.left(cut), &error));
        CHECK_FALSE(error.isEmpty());
    }

    // Every field of every event replaced by values of the wrong type or out of range: either
    // a clear error or a trace whose units are dense.
    const QJsonObject root = QJsonDocument::fromJson(good).object();
    const QJsonArray events = root.value(QLatin1String("traceEvents")).toArray();
    const QJsonValue bad[] = { QJsonValue(QStringLiteral("x")), QJsonValue(-1), QJsonValue(1e300),
        QJsonValue(-1e300), QJsonValue(), QJsonValue(QJsonObject()),
        QJsonValue(QJsonArray { 1, 2 }), QJsonValue(4294967297.0) };
    int errors = 0, reads = 0;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject event = events.at(i).toObject();
        QStringList keys = event.keys();
        const QJsonObject args = event.value(QLatin1String("args")).toObject();
        for (const QString &k : args.keys())
            keys.append(QStringLiteral("args.") + k);
        for (const QString &key : keys) {
            for (const QJsonValue &value : bad) {
                QJsonObject e = event;
                if (key.startsWith(QLatin1String("args."))) {
                    QJsonObject a = args;
                    a.insert(key.mid(5), value);
                    e.insert(QLatin1String("args"), a);
                } else {
                    e.insert(key, value);
                }
                QJsonArray changed = events;
                changed.replace(i, e);
                QJsonObject r = root;
                r.insert(QLatin1String("traceEvents"), changed);
                QString error;
                const auto data = TraceJsonReader::fromJson(
                    QJsonDocument(r).toJson(QJsonDocument::Compact), &error);
                if (data) {
                    ++reads;
                    for (std::size_t u = 0; u < data->units.size(); ++u)
                        REQUIRE(data->units[u].id == u + 1);
                } else {
                    ++errors;
                    REQUIRE_FALSE(error.isEmpty());
                }
            }
        }
    }
    CHECK(errors > 0);
    CHECK(reads > 0);
}

TEST_CASE("Trace reader imports a foreign Chrome trace best effort", "[io][reader]")
{
    const QByteArray foreign = QByteArrayLiteral(R"({"traceEvents": [
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 11, "args": {"name": "worker"}},
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 12, "args": {"name": "io"}},
        {"ph": "X", "name": "compute", "pid": 7, "tid": 11, "ts": 1000, "dur": 500},
        {"ph": "X", "name": "inner", "pid": 7, "tid": 11, "ts": 1100, "dur": 100},
        {"ph": "X", "name": "waiting", "pid": 7, "tid": 11, "ts": 1500, "dur": 250},
        {"ph": "B", "name": "read", "pid": 7, "tid": 12, "ts": 1200},
        {"ph": "E", "pid": 7, "tid": 12, "ts": 1300},
        {"ph": "X", "name": "bad", "pid": 7, "tid": 12, "ts": 1400, "dur": -3},
        {"ph": "C", "name": "queue", "pid": 7, "ts": 1200, "args": {"value": 4}},
        {"ph": "i", "name": "ignored", "pid": 7, "tid": 11, "ts": 1300, "s": "t"}
    ]})");
    QString error;
    const auto data = TraceJsonReader::fromJson(foreign, &error);
    INFO(error.toStdString());
    REQUIRE(data.has_value());
    CHECK(data->info.scenario == QStringLiteral("imported"));
    // worker, its calls compute (with inner inside) and waiting, then io.
    REQUIRE(data->units.size() == 5);
    const UnitRecord &worker = data->units[0];
    CHECK(worker.id == 1);
    CHECK(worker.label == QStringLiteral("worker"));
    REQUIRE(worker.intervals.size() == 2); // its own lane: the top-level slices
    CHECK(worker.intervals[0].state == UnitState::Running);
    CHECK(worker.intervals[0].startNs == 0);
    CHECK(worker.intervals[0].endNs == 500'000);
    CHECK(worker.intervals[1].state == UnitState::Waiting);
    CHECK(worker.endNs == 750'000);
    CHECK(worker.outcome == Outcome::Completed);
    CHECK(data->units[1].label == QStringLiteral("compute"));
    CHECK(data->units[2].label == QStringLiteral("inner"));
    CHECK(data->units[2].parent == 2);
    CHECK(data->units[3].label == QStringLiteral("waiting"));
    CHECK(data->units[3].parent == 1);
    const UnitRecord &io = data->units[4];
    CHECK(io.label == QStringLiteral("io"));
    REQUIRE(io.intervals.size() == 1);
    CHECK(io.intervals[0].startNs == 200'000);
    CHECK(io.intervals[0].endNs == 300'000);
    CHECK(data->info.totalNs == 750'000);
    REQUIRE(data->counters.size() == 1);
    CHECK(data->counters[0].name == QStringLiteral("queue"));
    REQUIRE(data->counters[0].samples.size() == 1);
    CHECK(data->counters[0].samples[0].timeNs == 200'000);
    CHECK(data->counters[0].samples[0].value == 4);
}
