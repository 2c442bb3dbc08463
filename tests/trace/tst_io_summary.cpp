#include <catch2/catch.hpp>

#include "iotestdata.h"
#include "summarywriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Loopscope;

namespace {

QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    INFO(error.errorString().toStdString());
    REQUIRE(error.error == QJsonParseError::NoError);
    REQUIRE(doc.isObject());
    return doc.object();
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

const QStringList TaskKeys = { QStringLiteral("id"), QStringLiteral("label"),
    QStringLiteral("kind"), QStringLiteral("parent"), QStringLiteral("created_s"),
    QStringLiteral("start_s"), QStringLiteral("end_s"), QStringLiteral("outcome"),
    QStringLiteral("error"), QStringLiteral("intervals") };

} // namespace

TEST_CASE("Summary JSON has the design's keys and the run's values", "[io][summary]")
{
    const TraceData data = Test::sampleTrace();
    const QByteArray json = SummaryWriter::toJson(data);
    const QJsonObject s = parseObject(json);

    SECTION("top level, in the design's order")
    {
        CHECK(sortedKeys(s)
            == sorted({ QStringLiteral("scenario"), QStringLiteral("params"),
                QStringLiteral("time_scale"), QStringLiteral("clock"), QStringLiteral("total_s"),
                QStringLiteral("stats"), QStringLiteral("findings"), QStringLiteral("main"),
                QStringLiteral("tasks"), QStringLiteral("output"), QStringLiteral("holders") }));
        const auto at = [&](const char *key) { return json.indexOf(QByteArray("\"") + key); };
        CHECK(at("scenario") < at("params"));
        CHECK(at("params") < at("time_scale"));
        CHECK(at("total_s") < at("stats"));
        CHECK(at("stats") < at("findings"));
        CHECK(at("findings") < at("main"));
        CHECK(at("main") < at("tasks"));
        CHECK(at("tasks") < at("output"));
        CHECK(at("output") < at("holders"));

        CHECK(s.value(QLatin1String("scenario")).toString() == QStringLiteral("executor"));
        const QJsonObject params = s.value(QLatin1String("params")).toObject();
        CHECK(params.size() == 3);
        CHECK(params.value(QLatin1String("workers")).toDouble() == 3.0);
        CHECK(params.value(QLatin1String("io_duration")).toDouble() == 2.5);
        CHECK(params.value(QLatin1String("cpu_n")).toDouble() == 0.0);
        CHECK(s.value(QLatin1String("time_scale")).toDouble() == 0.1);
        CHECK(s.value(QLatin1String("clock")).toString() == QStringLiteral("virtual"));
        CHECK(s.value(QLatin1String("total_s")).toDouble() == 3.0);
    }

    SECTION("holders: who held each lock, when")
    {
        const QJsonArray holders = s.value(QLatin1String("holders")).toArray();
        REQUIRE(holders.size() == 1);
        const QJsonObject lock = holders.at(0).toObject();
        CHECK(lock.value(QLatin1String("name")).toString() == QStringLiteral("lock"));
        QStringList holds;
        for (const QJsonValue &v : lock.value(QLatin1String("holds")).toArray()) {
            const QJsonObject h = v.toObject();
            holds << QStringLiteral("%1 (%2) %3-%4")
                         .arg(h.value(QLatin1String("label")).toString())
                         .arg(h.value(QLatin1String("unit")).toInt())
                         .arg(h.value(QLatin1String("start_s")).toDouble(), 0, 'g', 10)
                         .arg(h.value(QLatin1String("end_s")).toDouble(), 0, 'g', 10);
        }
        INFO(holds.join(QStringLiteral(", ")).toStdString());
        CHECK(holds
            == QStringList { QStringLiteral("API-1 (2) 1e-06-2.001e-06"),
                QStringLiteral("item 5 (6) 2.001e-06-1.25"), QStringLiteral("main (1) 2.5000002-3") });
    }

    SECTION("stats: the Stats panel's figures")
    {
        const QJsonObject stats = s.value(QLatin1String("stats")).toObject();
        CHECK(sortedKeys(stats)
            == sorted({ QStringLiteral("total_s"), QStringLiteral("sequential_s"),
                QStringLiteral("speedup"), QStringLiteral("max_concurrency"),
                QStringLiteral("longest_stall_s"), QStringLiteral("longest_stall_at_s"),
                QStringLiteral("outcomes") }));
        CHECK(stats.value(QLatin1String("total_s")).toDouble() == 3.0);
        // Running or waiting time of API-1 (its coroutine inside it counts once), the executor
        // job, item 5, slow_operation and cancellable_task; queued and pending time left out.
        const qint64 sequentialNs
            = 2'000'999'500LL + 2'000'000'000 + 1'249'997'999 + 1'999'997'997 + 1'499'998'002;
        CHECK(stats.value(QLatin1String("sequential_s")).toDouble() == 8.750993498);
        CHECK(stats.value(QLatin1String("speedup")).toDouble()
            == double(sequentialNs) / 3'000'000'000.0);
        // All five at 0.500000123 s, when the executor job leaves the queue for its worker.
        CHECK(stats.value(QLatin1String("max_concurrency")).toInt() == 5);
        // The loop-lag sample: 500 us late at 2.0005 s.
        CHECK(stats.value(QLatin1String("longest_stall_s")).toDouble() == 0.0005);
        CHECK(stats.value(QLatin1String("longest_stall_at_s")).toDouble() == 2.0);
        const QJsonObject outcomes = stats.value(QLatin1String("outcomes")).toObject();
        CHECK(outcomes.size() == 6);
        CHECK(outcomes.value(QLatin1String("completed")).toInt() == 3);
        CHECK(outcomes.value(QLatin1String("failed")).toInt() == 1);
        CHECK(outcomes.value(QLatin1String("cancelled")).toInt() == 1);
        CHECK(outcomes.value(QLatin1String("timed_out")).toInt() == 1);
        CHECK(outcomes.value(QLatin1String("never_awaited")).toInt() == 1);
        CHECK(outcomes.value(QLatin1String("not_ended")).toInt() == 0);
    }

    SECTION("main is the driver, with its intervals in seconds")
    {
        const QJsonObject main = s.value(QLatin1String("main")).toObject();
        CHECK(sortedKeys(main) == sorted(TaskKeys));
        CHECK(main.value(QLatin1String("id")).toInt() == 1);
        CHECK(main.value(QLatin1String("kind")).toString() == QStringLiteral("main"));
        CHECK(main.value(QLatin1String("label")).toString() == QStringLiteral("main"));
        CHECK(main.value(QLatin1String("parent")).isNull());
        CHECK(main.value(QLatin1String("created_s")).toDouble() == 0.0);
        CHECK(main.value(QLatin1String("start_s")).toDouble() == 0.0);
        CHECK(main.value(QLatin1String("end_s")).toDouble() == 3.0);
        CHECK(main.value(QLatin1String("outcome")).toString() == QStringLiteral("completed"));
        CHECK(main.value(QLatin1String("error")).isNull());
        const QJsonArray intervals = main.value(QLatin1String("intervals")).toArray();
        REQUIRE(intervals.size() == 3);
        const QJsonObject waiting = intervals.at(1).toObject();
        CHECK(sortedKeys(waiting)
            == sorted({ QStringLiteral("state"), QStringLiteral("start_s"), QStringLiteral("end_s"),
                QStringLiteral("lane"), QStringLiteral("at") }));
        CHECK(waiting.value(QLatin1String("at")).isNull()); // main's wait has no known place
        CHECK(!intervals.at(0).toObject().contains(QLatin1String("at"))); // running: no place
        CHECK(waiting.value(QLatin1String("state")).toString() == QStringLiteral("waiting"));
        CHECK(waiting.value(QLatin1String("start_s")).toDouble() == 1e-6);
        CHECK(waiting.value(QLatin1String("end_s")).toDouble() == 2.5000002);
        CHECK(waiting.value(QLatin1String("lane")).toInt() == 0);
    }

    SECTION("tasks: every other unit in id order, with kinds, outcomes and errors")
    {
        const QJsonArray tasks = s.value(QLatin1String("tasks")).toArray();
        REQUIRE(tasks.size() == 7);
        for (int i = 0; i < tasks.size(); ++i) {
            const QJsonObject t = tasks.at(i).toObject();
            // Only the cancelled and the timed-out unit say what cancelled them.
            const bool cancelled = i + 2 == 7 || i + 2 == 8;
            CHECK(sortedKeys(t)
                == sorted(TaskKeys + (cancelled ? QStringList{QStringLiteral("cancelled_by")}
                                                : QStringList())));
            CHECK(t.value(QLatin1String("id")).toInt() == i + 2);
        }
        const auto task = [&](int id) { return tasks.at(id - 2).toObject(); };

        CHECK(task(3).value(QLatin1String("kind")).toString() == QStringLiteral("coroutine"));
        CHECK(task(3).value(QLatin1String("parent")).toInt() == 2);
        CHECK(task(3).value(QLatin1String("start_s")).toDouble() == 1.5e-6);
        CHECK(
            task(3).value(QLatin1String("label")).toString() == QStringLiteral("fetch(\"API-1\")"));

        const QJsonObject executor = task(4);
        CHECK(executor.value(QLatin1String("kind")).toString() == QStringLiteral("executor"));
        const QJsonArray lanes = executor.value(QLatin1String("intervals")).toArray();
        REQUIRE(lanes.size() == 2);
        CHECK(lanes.at(0).toObject().value(QLatin1String("state")).toString()
            == QStringLiteral("queued"));
        CHECK(lanes.at(1).toObject().value(QLatin1String("state")).toString()
            == QStringLiteral("running"));
        CHECK(lanes.at(1).toObject().value(QLatin1String("lane")).toInt() == 2);
        CHECK(lanes.at(0).toObject().value(QLatin1String("at")).toString()
            == QStringLiteral("executor.cpp:30"));
        CHECK(lanes.at(1).toObject().value(QLatin1String("start_s")).toDouble() == 0.500000123);
        CHECK(executor.value(QLatin1String("end_s")).toDouble() == 2.500000123);

        const QJsonObject never = task(5);
        CHECK(never.value(QLatin1String("outcome")).toString() == QStringLiteral("never_awaited"));
        CHECK(never.value(QLatin1String("start_s")).isNull());
        CHECK(never.value(QLatin1String("end_s")).isNull());
        CHECK(never.value(QLatin1String("intervals")).toArray().isEmpty());

        CHECK(task(6).value(QLatin1String("outcome")).toString() == QStringLiteral("failed"));
        CHECK(task(6).value(QLatin1String("error")).toString()
            == QStringLiteral("ValueError: item 5 failed"));
        CHECK(task(6).value(QLatin1String("start_s")).toDouble() == 2.001e-6);
        CHECK(task(7).value(QLatin1String("outcome")).toString() == QStringLiteral("timed_out"));
        CHECK(task(8).value(QLatin1String("outcome")).toString() == QStringLiteral("cancelled"));
        CHECK(task(8).value(QLatin1String("end_s")).toDouble() == 1.500000007);
    }

    SECTION("findings: kind, unit, time and text of each")
    {
        const QJsonArray findings = s.value(QLatin1String("findings")).toArray();
        REQUIRE(findings.size() == 1); // the never-awaited coroutine; the failure was awaited
        const QJsonObject f = findings.at(0).toObject();
        CHECK(sortedKeys(f)
            == sorted({ QStringLiteral("kind"), QStringLiteral("unit"), QStringLiteral("t_s"),
                QStringLiteral("text") }));
        CHECK(f.value(QLatin1String("kind")).toString() == QStringLiteral("never_awaited"));
        CHECK(f.value(QLatin1String("unit")).toInt() == 5);
        CHECK(f.value(QLatin1String("t_s")).toDouble() == 0.0);
        CHECK(f.value(QLatin1String("text")).toString().startsWith(
            QStringLiteral("get_data #1 was created in main at 0 s but never awaited")));
        CHECK(SummaryWriter::findingLines(data)
            == QStringList { QStringLiteral("finding never_awaited at 0 s: ")
                + f.value(QLatin1String("text")).toString() });
    }

    SECTION("cancelled_by: the reason and the unit that caused it, null when there is none")
    {
        const QJsonArray tasks = s.value(QLatin1String("tasks")).toArray();
        const QJsonObject timedOut
            = tasks.at(7 - 2).toObject().value(QLatin1String("cancelled_by")).toObject();
        CHECK(timedOut.value(QLatin1String("reason")).toString() == QStringLiteral("timeout"));
        CHECK(timedOut.contains(QLatin1String("unit")));
        CHECK(timedOut.value(QLatin1String("unit")).isNull());
        const QJsonObject cancelled
            = tasks.at(8 - 2).toObject().value(QLatin1String("cancelled_by")).toObject();
        CHECK(cancelled.value(QLatin1String("reason")).toString() == QStringLiteral("cancel"));
        CHECK(cancelled.value(QLatin1String("unit")).toInt() == 1);
    }

    SECTION("cancelled_by is null for a cancelled unit whose trace does not say why")
    {
        TraceData unknown = data;
        unknown.units[8 - 1].cancelCause = CancelCause::None;
        const QJsonArray tasks
            = parseObject(SummaryWriter::toJson(unknown)).value(QLatin1String("tasks")).toArray();
        const QJsonObject t = tasks.at(8 - 2).toObject();
        CHECK(t.contains(QLatin1String("cancelled_by")));
        CHECK(t.value(QLatin1String("cancelled_by")).isNull());
    }

    SECTION("output lines keep their text (escaped) and time")
    {
        const QJsonArray output = s.value(QLatin1String("output")).toArray();
        REQUIRE(output.size() == 2);
        const QJsonObject first = output.at(0).toObject();
        CHECK(first.value(QLatin1String("t_s")).toDouble() == 2.0010005);
        CHECK(first.value(QLatin1String("text")).toString()
            == QString::fromUtf8("API-1 done: {\"ok\": true}\t\xc3\x85 \xe2\x86\x92 \\path"));
        CHECK(output.at(1).toObject().value(QLatin1String("text")).toString()
            == QStringLiteral("all done"));
    }
}

TEST_CASE("Summary JSON says each unit's loop when the run has more than one", "[io][summary]")
{
    const QJsonObject s = parseObject(SummaryWriter::toJson(Test::twoLoopTrace()));
    CHECK(s.value(QLatin1String("main")).toObject().value(QLatin1String("loop")).toInt() == 1);
    const QJsonArray tasks = s.value(QLatin1String("tasks")).toArray();
    REQUIRE(tasks.size() == 7);
    for (const QJsonValue &value : tasks) {
        const QJsonObject t = value.toObject();
        const int id = t.value(QLatin1String("id")).toInt();
        INFO("unit " << id);
        CHECK(t.value(QLatin1String("loop")).toInt() == (id >= 6 && id <= 8 ? 2 : 1));
    }
}

TEST_CASE("Summary JSON of a live run: open ends are null", "[io][summary]")
{
    const QJsonObject s = parseObject(SummaryWriter::toJson(Test::sampleTrace(false)));
    const QJsonObject main = s.value(QLatin1String("main")).toObject();
    CHECK(main.value(QLatin1String("end_s")).isNull());
    CHECK(main.value(QLatin1String("outcome")).isNull());
    const QJsonArray intervals = main.value(QLatin1String("intervals")).toArray();
    REQUIRE_FALSE(intervals.isEmpty());
    CHECK(intervals.last().toObject().value(QLatin1String("end_s")).isNull());
    // main still holds the lock.
    const QJsonObject lock = s.value(QLatin1String("holders")).toArray().at(0).toObject();
    const QJsonArray holds = lock.value(QLatin1String("holds")).toArray();
    REQUIRE(holds.size() == 3);
    CHECK(holds.last().toObject().value(QLatin1String("end_s")).isNull());

    // Figures so far: up to the last event; the coroutine never awaited has not ended yet.
    const QJsonObject stats = s.value(QLatin1String("stats")).toObject();
    CHECK(stats.value(QLatin1String("total_s")).toDouble() == 2.5000003);
    const QJsonObject outcomes = stats.value(QLatin1String("outcomes")).toObject();
    CHECK(outcomes.value(QLatin1String("never_awaited")).toInt() == 0);
    CHECK(outcomes.value(QLatin1String("not_ended")).toInt() == 1);
}

TEST_CASE("Summary JSON of an empty trace is still valid", "[io][summary]")
{
    TraceData empty;
    const QJsonObject s = parseObject(SummaryWriter::toJson(empty));
    CHECK(s.value(QLatin1String("main")).isNull());
    CHECK(s.value(QLatin1String("tasks")).toArray().isEmpty());
    CHECK(s.value(QLatin1String("output")).toArray().isEmpty());
    CHECK(s.value(QLatin1String("params")).toObject().isEmpty());
    CHECK(s.value(QLatin1String("total_s")).toDouble() == 0.0);
    const QJsonObject stats = s.value(QLatin1String("stats")).toObject();
    CHECK(stats.value(QLatin1String("speedup")).isNull());
    CHECK(stats.value(QLatin1String("max_concurrency")).toInt() == 0);
    CHECK(stats.value(QLatin1String("longest_stall_s")).toDouble() == 0.0);
    CHECK(stats.value(QLatin1String("longest_stall_at_s")).isNull());
}

TEST_CASE("Result line counts units by outcome", "[io][summary]")
{
    CHECK(SummaryWriter::resultLine(Test::sampleTrace()).toStdString()
        == "executor: 3.00 s, 7 units: 3 completed, 1 failed, 1 cancelled, 1 timed out, "
           "1 never awaited");
    CHECK(SummaryWriter::resultLine(Test::sampleTrace(false)).toStdString()
        == "executor: 2.50 s, 7 units: 3 completed, 1 failed, 1 cancelled, 1 timed out, "
           "1 not ended, unfinished");

    TraceData sequential;
    sequential.info.scenario = QStringLiteral("sequential");
    sequential.info.totalNs = 6'000'000'000;
    sequential.info.finished = true;
    sequential.info.mainId = 1;
    for (quint32 id = 1; id <= 4; ++id) {
        UnitRecord u;
        u.id = id;
        u.kind = id == 1 ? UnitKind::Main : UnitKind::Coroutine;
        u.outcome = Outcome::Completed;
        sequential.units.push_back(u);
    }
    CHECK(SummaryWriter::resultLine(sequential).toStdString()
        == "sequential: 6.00 s, 3 units: 3 completed");
    sequential.units.resize(2);
    CHECK(SummaryWriter::resultLine(sequential).toStdString()
        == "sequential: 6.00 s, 1 unit: 1 completed");
}
