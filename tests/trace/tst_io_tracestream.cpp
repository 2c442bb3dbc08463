#include <catch2/catch.hpp>

#include "atomicfile.h"
#include "iotestdata.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QFile>
#include <QTemporaryDir>

using namespace Loopscope;

namespace {

//! A stress-like run of `tasks` tasks under main: each waits (at a place), then runs on lane 0
//! and completes; main awaits each (a flow); every 100th fails with an error. Every 1000th is
//! cancelled instead (its cause and canceller known, a deadline on it), runs on worker lane 3 and
//! belongs to a second loop; a semaphore counter, a lock's holds, loop lag, output on both
//! streams and bookmarks every 1000 tasks too: a bit of every kind of event, at scale.
TraceData bigTrace(int tasks)
{
    TraceData data;
    data.info.scenario = QStringLiteral("stress");
    data.info.params = { { QStringLiteral("tasks"), double(tasks) } };
    data.info.clock = QStringLiteral("virtual");
    data.info.finished = true;
    data.info.mainId = 1;
    data.places = { QStringLiteral("stress.cpp:35"), QStringLiteral("stress.cpp:17") };
    const qint64 endNs = 2'000'000'000 + tasks;
    data.info.totalNs = endNs;
    UnitRecord main;
    main.id = 1;
    main.kind = UnitKind::Main;
    main.label = QStringLiteral("main");
    main.startNs = 0;
    main.endNs = endNs;
    main.outcome = Outcome::Completed;
    main.intervals.push_back({ 0, endNs, UnitState::Waiting, 0, 1 });
    data.units.push_back(main);
    data.counters.push_back({ QStringLiteral("semaphore in use"), {} });
    data.holders.push_back({ QStringLiteral("lock"), {} });
    for (int i = 1; i <= tasks; ++i) {
        UnitRecord u;
        u.id = quint32(i + 1);
        u.parent = 1;
        u.label = QStringLiteral("task %1").arg(i);
        u.createdNs = i;
        u.startNs = i + 1;
        const qint64 wakeNs = 100'000'000 + qint64(i) * 1'777;
        u.endNs = wakeNs + 333;
        u.intervals.push_back({ i, i + 1, UnitState::Pending, 0, 0 });
        u.intervals.push_back({ i + 1, wakeNs, UnitState::Waiting, 0, 2 });
        u.intervals.push_back({ wakeNs, u.endNs, UnitState::Running, 0, 0 });
        u.outcome = i % 100 == 0 ? Outcome::Failed : Outcome::Completed;
        if (u.outcome == Outcome::Failed)
            u.error = QStringLiteral("ValueError: boom");
        if (i % 1000 == 0) {
            u.outcome = Outcome::Cancelled;
            u.error.clear();
            u.cancelCause = CancelCause::Explicit;
            u.cancelledBy = 1;
            u.loop = 1;
            u.intervals.back().lane = 3;
            data.deadlines.push_back({ u.id, u.endNs });
            data.counters[0].samples.push_back({ wakeNs, i / 1000 });
            data.holders[0].intervals.push_back({ u.id, wakeNs, u.endNs });
            data.loopLag.push_back({ wakeNs, 1000 + i, 1 });
            data.output.push_back({ u.endNs, QStringLiteral("task %1 \"cancelled\"").arg(i),
                i % 2000 == 0 ? OutputStream::Stderr : OutputStream::Stdout });
            data.bookmarks.push_back({ u.endNs, QStringLiteral("mark %1").arg(i) });
        }
        data.units.push_back(std::move(u));
        data.flows.push_back({ 1, quint32(i + 1), i + 1 });
    }
    data.output.push_back({ endNs, QStringLiteral("%1 tasks done").arg(tasks) });
    data.recomputeLastEventNs();
    return data;
}

QString readError(const QByteArray &json)
{
    QString error;
    const std::optional<TraceData> data = TraceJsonReader::fromJson(json, &error);
    CHECK_FALSE(data.has_value());
    CHECK_FALSE(error.contains(QLatin1Char('\n')));
    return error;
}

//! The trace with its otherData member moved after traceEvents (as a tool that rewrites the
//! file in its own key order may leave it).
QByteArray otherDataLast(const QByteArray &json)
{
    const qsizetype other = json.indexOf("\"otherData\":");
    const qsizetype events = json.indexOf(",\"traceEvents\":");
    REQUIRE(other > 0);
    REQUIRE(events > other);
    const QByteArray otherMember = json.mid(other, events - other);
    const qsizetype close = json.lastIndexOf('}');
    return json.left(other) + json.mid(events + 1, close - events - 1) + ',' + otherMember
        + json.mid(close);
}

} // namespace

TEST_CASE("A big trace keeps every event through write and read", "[io][reader][big]")
{
    const TraceData data = bigTrace(100'000);
    const QByteArray json = TraceJsonWriter::toJson(data);
    QString error;
    const auto back = TraceJsonReader::fromJson(json, &error);
    INFO(error.toStdString());
    REQUIRE(back.has_value());
    REQUIRE(back->units.size() == 100'001);
    Test::requireSameTrace(data, *back);
    // The same error text is held once.
    CHECK(back->units[100].error.constData() == back->units[200].error.constData());
}

// A million units (3 million intervals, 700 MB of JSON, about 2.2 GB at the peak): 15-20 s in the
// dev build, too slow and too big under the sanitizers, which the 1e5 trace above covers.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("A trace of a million units keeps every event through write and read",
    "[io][reader][big][million]")
{
    TraceData back;
    {
        const TraceData data = bigTrace(1'000'000);
        {
            QString error;
            std::optional<TraceData> read
                = TraceJsonReader::fromJson(TraceJsonWriter::toJson(data), &error);
            INFO(error.toStdString());
            REQUIRE(read.has_value());
            back = std::move(*read);
        }
        REQUIRE(back.units.size() == 1'000'001);
        REQUIRE(back.flows.size() == 1'000'000);
        Test::requireSameTrace(data, back);
    }
    CHECK(back.units.back().label == QStringLiteral("task 1000000"));
}
#endif

TEST_CASE("Trace reader reads a Loopscope trace whose otherData comes last", "[io][reader]")
{
    const TraceData data = Test::sampleTrace();
    const QByteArray moved = otherDataLast(TraceJsonWriter::toJson(data));
    REQUIRE(moved.indexOf("\"otherData\"") > moved.indexOf("\"traceEvents\""));

    SECTION("strictly, into the same data")
    {
        QString error;
        TraceImportReport report;
        const auto back = TraceJsonReader::fromJson(moved, &error, &report);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        CHECK(report.isEmpty()); // not imported
        Test::requireSameTrace(data, *back);
    }
    SECTION("with its checks: a bad otherData or a bad event is an error")
    {
        QByteArray badInfo = moved;
        badInfo.replace("\"version\":1", "\"version\":2");
        CHECK(readError(badInfo).contains(QLatin1String("version 2")));
        QByteArray badEvent = moved;
        badEvent.replace("\"name\":\"waiting\"", "\"name\":\"sleeping\"");
        CHECK(readError(badEvent).contains(QLatin1String("unknown state \"sleeping\"")));
    }
}

TEST_CASE("Trace reader: JSON errors win, and hostile input is an error", "[io][reader]")
{
    const QByteArray good = TraceJsonWriter::toJson(Test::sampleTrace());

    SECTION("a bad event in a document that is also cut short: not JSON")
    {
        QByteArray bad = good;
        bad.replace("\"name\":\"waiting\"", "\"name\":\"sleeping\"");
        CHECK(readError(bad.left(bad.size() - 10)).startsWith(QLatin1String("not JSON: ")));
    }
    SECTION("anything after the document")
    {
        CHECK(readError(good + "x").startsWith(QLatin1String("not JSON: ")));
        CHECK(readError(good + QByteArray(1, '\0') + "x")
                  .startsWith(QLatin1String("not JSON: a NUL byte at offset ")));
    }
    SECTION("nesting deeper than a JSON document may go")
    {
        const QByteArray deep = "{\"traceEvents\": [" + QByteArray(100'000, '[');
        CHECK(readError(deep).contains(QLatin1String("nested too deeply")));
        const QByteArray deepInSkipped = "{\"x\": " + QByteArray(100'000, '[');
        CHECK(readError(deepInSkipped).contains(QLatin1String("nested too deeply")));
    }
    SECTION("numbers too big for a double")
    {
        CHECK(readError("{\"traceEvents\": [{\"ts\": 1e400}]}")
                  .startsWith(QLatin1String("not JSON: ")));
    }
}

TEST_CASE("Trace reader reports progress and can be cancelled", "[io][reader]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("big.json"));
    const QByteArray json = TraceJsonWriter::toJson(bigTrace(20'000));
    REQUIRE(writeFileAtomically(path, json));

    SECTION("progress grows to the file's size")
    {
        std::vector<std::pair<qint64, qint64>> calls;
        const auto data = TraceJsonReader::fromFile(
            path, nullptr, nullptr, [&calls](qint64 done, qint64 total) {
                calls.emplace_back(done, total);
                return true;
            });
        REQUIRE(data.has_value());
        REQUIRE(calls.size() > 2);
        for (std::size_t i = 1; i < calls.size(); ++i)
            CHECK(calls[i].first > calls[i - 1].first);
        CHECK(calls.back().first == json.size());
        CHECK(calls.back().second == json.size());
    }
    SECTION("returning false cancels")
    {
        int calls = 0;
        QString error;
        const auto data = TraceJsonReader::fromFile(
            path, &error, nullptr, [&calls](qint64, qint64) { return ++calls < 2; });
        CHECK_FALSE(data.has_value());
        CHECK(calls == 2);
        CHECK(error == path + QStringLiteral(": cancelled"));
    }
}

TEST_CASE("A .json.gz trace is written and read transparently", "[io][reader][gzip]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const TraceData data = Test::sampleTrace();
    const QByteArray json = TraceJsonWriter::toJson(data);
    const QString path = dir.filePath(QStringLiteral("trace.json.gz"));
    QString error;
    REQUIRE(writeFileAtomically(path, json, &error));
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray gz = file.readAll();
    file.close();

    SECTION("the file is gzip, smaller than the JSON")
    {
        REQUIRE(gz.size() > 2);
        CHECK(quint8(gz[0]) == 0x1f);
        CHECK(quint8(gz[1]) == 0x8b);
        CHECK(gz.size() < json.size() / 3);
    }
    SECTION("it reads back into the same data, from the file and from memory")
    {
        const auto back = TraceJsonReader::fromFile(path, &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        Test::requireSameTrace(data, *back);
        const auto fromBytes = TraceJsonReader::fromJson(gz, &error);
        REQUIRE(fromBytes.has_value());
        Test::requireSameTrace(data, *fromBytes);
    }
    SECTION("a big trace keeps every event")
    {
        const TraceData big = bigTrace(20'000);
        const QString bigPath = dir.filePath(QStringLiteral("big.json.gz"));
        REQUIRE(writeFileAtomically(bigPath, TraceJsonWriter::toJson(big), &error));
        const auto back = TraceJsonReader::fromFile(bigPath, &error);
        INFO(error.toStdString());
        REQUIRE(back.has_value());
        Test::requireSameTrace(big, *back);
    }
    SECTION("a cut-short or damaged .gz is a one-line error naming the file")
    {
        const QString cut = dir.filePath(QStringLiteral("cut.json.gz"));
        QFile out(cut);
        REQUIRE(out.open(QIODevice::WriteOnly));
        out.write(gz.left(gz.size() * 2 / 3));
        out.close();
        CHECK_FALSE(TraceJsonReader::fromFile(cut, &error));
        CHECK(error
            == QStringLiteral("cannot read %1: the gzip data is cut short (unexpected "
                              "end of file)")
                   .arg(cut));

        QByteArray damaged = gz;
        for (qsizetype i = 20; i < 60; ++i)
            damaged[i] = char(damaged[i] ^ 0x5a);
        CHECK_FALSE(TraceJsonReader::fromJson(damaged, &error));
        CHECK(error.startsWith(QLatin1String("not valid gzip data: ")));
        CHECK_FALSE(error.contains(QLatin1Char('\n')));
    }
}
