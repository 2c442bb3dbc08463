#include <catch2/catch.hpp>

#include "runanalysis.h"
#include "runmoment.h"
#include "testsupport.h"
#include "tracejsonreader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Loopscope;

namespace {

struct Imported
{
    TraceData data;
    TraceImportReport report;

    const UnitRecord *named(const QString &label) const
    {
        for (const UnitRecord &u : data.units) {
            if (u.label == label)
                return &u;
        }
        return nullptr;
    }
    const UnitRecord *parentOf(const UnitRecord *u) const
    {
        return u ? data.unit(u->parent) : nullptr;
    }
};

Imported import(const QByteArray &json)
{
    Imported result;
    QString error;
    std::optional<TraceData> data = TraceJsonReader::fromJson(json, &error, &result.report);
    INFO(error.toStdString());
    REQUIRE(data.has_value());
    result.data = std::move(*data);
    return result;
}

Imported importFile(const QString &relative)
{
    Imported result;
    QString error;
    std::optional<TraceData> data
        = TraceJsonReader::fromFile(Test::sourcePath(relative), &error, &result.report);
    INFO(error.toStdString());
    REQUIRE(data.has_value());
    result.data = std::move(*data);
    return result;
}

// Every imported trace keeps the data's invariants: dense ids, parents older than children,
// intervals sorted and inside the run.
void requireWellFormed(const TraceData &data)
{
    for (std::size_t i = 0; i < data.units.size(); ++i) {
        const UnitRecord &u = data.units[i];
        REQUIRE(u.id == i + 1);
        REQUIRE(u.parent < u.id);
        for (std::size_t k = 0; k < u.intervals.size(); ++k) {
            REQUIRE(u.intervals[k].startNs <= u.intervals[k].endNs);
            REQUIRE(u.intervals[k].startNs >= u.startNs);
            REQUIRE(u.intervals[k].endNs <= u.endNs);
            if (k > 0)
                REQUIRE(u.intervals[k - 1].endNs <= u.intervals[k].startNs);
        }
    }
}

} // namespace

TEST_CASE("Foreign trace: nested slices become a call tree under their thread", "[io][import]")
{
    // handle() runs twice, calling parse() each time; the second call also calls log().
    const Imported t = import(QByteArrayLiteral(R"([
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 5, "args": {"name": "main"}},
        {"ph": "B", "name": "handle", "pid": 1, "tid": 5, "ts": 0},
        {"ph": "X", "name": "parse", "pid": 1, "tid": 5, "ts": 10, "dur": 20},
        {"ph": "E", "pid": 1, "tid": 5, "ts": 100},
        {"ph": "X", "name": "handle", "pid": 1, "tid": 5, "ts": 200, "dur": 100},
        {"ph": "B", "name": "parse", "pid": 1, "tid": 5, "ts": 210},
        {"ph": "X", "name": "log", "pid": 1, "tid": 5, "ts": 220, "dur": 5},
        {"ph": "E", "pid": 1, "tid": 5, "ts": 250}
    ])"));
    requireWellFormed(t.data);
    REQUIRE(t.data.units.size() == 4);
    const UnitRecord *main = t.named(QStringLiteral("main"));
    const UnitRecord *handle = t.named(QStringLiteral("handle"));
    const UnitRecord *parse = t.named(QStringLiteral("parse"));
    const UnitRecord *log = t.named(QStringLiteral("log"));
    REQUIRE(main);
    REQUIRE(handle);
    REQUIRE(parse);
    REQUIRE(log);
    CHECK(main->kind == UnitKind::Task);
    CHECK(main->parent == 0);
    REQUIRE(main->intervals.size() == 2); // the thread's own lane: its top-level slices
    CHECK(main->intervals[1].startNs == 200'000);
    CHECK(handle->kind == UnitKind::Coroutine);
    CHECK(t.parentOf(handle) == main);
    CHECK(t.parentOf(parse) == handle);
    CHECK(t.parentOf(log) == parse);
    // One unit per call path: both calls of parse() under handle() are one lane.
    REQUIRE(parse->intervals.size() == 2);
    CHECK(parse->intervals[0].startNs == 10'000);
    CHECK(parse->intervals[0].endNs == 30'000);
    CHECK(parse->intervals[1].startNs == 210'000);
    CHECK(parse->intervals[1].endNs == 250'000);
    CHECK(parse->intervals[1].state == UnitState::Running);
    CHECK(t.report.isEmpty());
}

TEST_CASE("Foreign trace: async ids wait from b to e and run while nested", "[io][import]")
{
    const Imported t = import(QByteArrayLiteral(R"({"traceEvents": [
        {"ph": "X", "name": "tick", "pid": 1, "tid": 1, "ts": 0, "dur": 10},
        {"ph": "b", "cat": "net", "name": "Request", "id": "0x1", "pid": 1, "tid": 1, "ts": 100},
        {"ph": "b", "cat": "net", "name": "Request", "id": 2, "pid": 1, "tid": 1, "ts": 150},
        {"ph": "b", "cat": "net", "name": "Callback", "id": "0x1", "pid": 1, "tid": 1, "ts": 300},
        {"ph": "n", "cat": "net", "name": "headers", "id": "0x1", "pid": 1, "tid": 1, "ts": 310},
        {"ph": "e", "cat": "net", "name": "Callback", "id": "0x1", "pid": 1, "tid": 1, "ts": 350},
        {"ph": "e", "cat": "net", "name": "Request", "id": "0x1", "pid": 1, "tid": 1, "ts": 400},
        {"ph": "e", "cat": "other", "name": "Request", "id": 2, "pid": 1, "tid": 1, "ts": 420},
        {"ph": "e", "cat": "net", "name": "Request", "id": "0x9", "pid": 1, "tid": 1, "ts": 430},
        {"ph": "b", "cat": "net", "name": "Late", "id": "0x3", "pid": 1, "tid": 1, "ts": 500},
        {"ph": "e", "cat": "net", "name": "Late", "id": "0x3", "pid": 1, "tid": 1, "ts": 450}
    ]})"));
    requireWellFormed(t.data);
    const UnitRecord *request = t.named(QStringLiteral("Request 0x1"));
    REQUIRE(request);
    CHECK(request->kind == UnitKind::Task);
    REQUIRE(request->intervals.size() == 3);
    CHECK(request->intervals[0].state == UnitState::Waiting);
    CHECK(request->intervals[0].startNs == 100'000);
    CHECK(request->intervals[1].state == UnitState::Running);
    CHECK(request->intervals[1].startNs == 300'000);
    CHECK(request->intervals[1].endNs == 350'000);
    CHECK(request->intervals[2].state == UnitState::Waiting);
    CHECK(request->intervals[2].endNs == 400'000);
    CHECK(request->endNs == 400'000);
    // Async units come after the threads.
    CHECK(t.data.units[0].label == QStringLiteral("thread 1"));
    // An id is scoped by its category: "other" 2 never began, so net 2 never ends.
    const UnitRecord *second = t.named(QStringLiteral("Request 2"));
    REQUIRE(second);
    CHECK(second->endNs == 500'000); // drawn to the end of the trace
    REQUIRE(t.data.bookmarks.size() == 1);
    CHECK(t.data.bookmarks[0].timeNs == 310'000);
    CHECK(t.data.bookmarks[0].note == QStringLiteral("headers \u2014 Request 0x1"));
    CHECK(t.report.skippedCount(QStringLiteral("unmatched e")) == 2);
    CHECK(t.report.skippedCount(QStringLiteral("'e' earlier than its begin")) == 1);
    CHECK(t.report.guessedCount(QStringLiteral("b without e, drawn to the end")) == 1);
    CHECK_FALSE(t.named(QStringLiteral("Late 0x3")));
}

TEST_CASE("Foreign trace: several processes group their lanes, named and ordered", "[io][import]")
{
    const Imported t = import(QByteArrayLiteral(R"([
        {"ph": "M", "name": "process_name", "pid": 10, "args": {"name": "server"}},
        {"ph": "M", "name": "process_name", "pid": 20, "args": {"name": "client"}},
        {"ph": "M", "name": "process_sort_index", "pid": 20, "args": {"sort_index": -1}},
        {"ph": "M", "name": "thread_name", "pid": 10, "tid": 1, "args": {"name": "accept"}},
        {"ph": "M", "name": "thread_name", "pid": 10, "tid": 2, "args": {"name": "worker"}},
        {"ph": "M", "name": "thread_sort_index", "pid": 10, "tid": 2, "args": {"sort_index": 0}},
        {"ph": "M", "name": "thread_sort_index", "pid": 10, "tid": 1, "args": {"sort_index": 1}},
        {"ph": "X", "name": "serve", "pid": 10, "tid": 1, "ts": 5, "dur": 10},
        {"ph": "X", "name": "compute", "pid": 10, "tid": 2, "ts": 8, "dur": 10},
        {"ph": "X", "name": "send", "pid": 20, "tid": 1, "ts": 0, "dur": 4},
        {"ph": "s", "cat": "rpc", "id": 7, "name": "call", "pid": 20, "tid": 1, "ts": 2},
        {"ph": "f", "cat": "rpc", "id": 7, "name": "call", "pid": 10, "tid": 1, "ts": 6, "bp": "e"},
        {"ph": "f", "cat": "rpc", "id": 8, "name": "call", "pid": 10, "tid": 1, "ts": 7}
    ])"));
    requireWellFormed(t.data);
    REQUIRE(t.data.units.size() == 5);
    // client (sort index -1) first, then server with worker (0) before accept (1).
    CHECK(t.data.units[0].label == QStringLiteral("client (pid 20)"));
    CHECK(t.data.units[1].label == QStringLiteral("thread 1"));
    CHECK(t.data.units[1].parent == 1);
    CHECK(t.data.units[2].label == QStringLiteral("server (pid 10)"));
    CHECK(t.data.units[2].startNs == 5'000);
    CHECK(t.data.units[2].endNs == 18'000);
    CHECK(t.data.units[3].label == QStringLiteral("worker"));
    CHECK(t.data.units[3].parent == 3);
    CHECK(t.data.units[4].label == QStringLiteral("accept"));
    CHECK(t.data.units[4].parent == 3);
    // The flow links the client's thread to the server's accept thread.
    REQUIRE(t.data.flows.size() == 1);
    CHECK(t.data.flows[0].from == 2);
    CHECK(t.data.flows[0].to == 5);
    CHECK(t.data.flows[0].timeNs == 2'000);
    CHECK(t.report.skippedCount(QStringLiteral("'f' flow ends without their 's'")) == 1);
}

TEST_CASE("Foreign trace: what cannot be shown is counted by kind, in one line", "[io][import]")
{
    const Imported t = import(QByteArrayLiteral(R"([
        {"ph": "X", "name": "work", "pid": 1, "tid": 1, "ts": 0, "dur": 10},
        {"ph": "O", "name": "obj", "id": "0x1", "pid": 1, "ts": 1},
        {"ph": "O", "name": "obj", "id": "0x1", "pid": 1, "ts": 2},
        {"ph": "N", "name": "obj", "id": "0x1", "pid": 1, "ts": 0},
        {"ph": "E", "pid": 1, "tid": 1, "ts": 20},
        {"ph": "E", "pid": 1, "tid": 1, "ts": 21},
        {"ph": "B", "name": "open", "pid": 1, "tid": 2, "ts": 5},
        {"ph": "X", "name": "no dur", "pid": 1, "tid": 1, "ts": 3},
        {"ph": "X", "name": "no ts", "pid": 1, "tid": 1, "dur": 3},
        {"ph": "C", "name": "mem", "pid": 1, "ts": 4, "args": {"heap": 10, "label": "x"}},
        {"ph": "Q", "name": "odd", "pid": 1, "ts": 4},
        {"ph": "i", "name": "mark", "pid": 1, "tid": 1, "ts": 7, "s": "t"},
        17
    ])"));
    requireWellFormed(t.data);
    CHECK(t.report.text()
        == QStringLiteral("skipped 2 'O' object events, 1 'N' object events, 2 unmatched E, "
                          "1 'X' slices without a valid dur, 1 events without a valid ts, "
                          "1 'C' values that are not numbers, 1 'Q' events of an unknown "
                          "phase, 1 entries that are not objects; 1 B without E, drawn to "
                          "the end"));
    const UnitRecord *open = t.named(QStringLiteral("thread 1"));
    REQUIRE(open);
    REQUIRE(t.data.counters.size() == 1);
    CHECK(t.data.counters[0].name == QStringLiteral("mem heap"));
    REQUIRE(t.data.bookmarks.size() == 1);
    CHECK(t.data.bookmarks[0].note == QStringLiteral("mark"));
    // Our own format is read strictly and reports nothing.
    TraceImportReport report;
    report.addSkipped(QStringLiteral("stale"));
    REQUIRE(TraceJsonReader::fromJson(
        QByteArrayLiteral(R"({"traceEvents": [], "otherData": {"format": "loopscope-trace",
            "version": 1, "scenario": "x", "time_scale": 1, "clock": "virtual",
            "total_ns": 0, "main_id": 0, "finished": true}})"),
        nullptr, &report));
    CHECK(report.isEmpty());
}

TEST_CASE("Foreign trace: a real Node --trace-events-enabled recording", "[io][import]")
{
    // node --trace-events-enabled -e: two timers/promises sleeps (10 and 20 ms) in Promise.all.
    const Imported t = importFile(QStringLiteral("tests/trace/foreign_node_timers.json"));
    requireWellFormed(t.data);
    const UnitRecord *main = t.named(QStringLiteral("JavaScriptMainThread"));
    REQUIRE(main);
    CHECK(main->id == 1);
    // Nested native calls (RunAndClearNativeImmediates inside CheckImmediate) are a call tree.
    const UnitRecord *check = t.named(QStringLiteral("CheckImmediate"));
    REQUIRE(check);
    CHECK(check->parent == main->id);
    std::vector<const UnitRecord *> timeouts;
    for (const UnitRecord &u : t.data.units) {
        if (u.label.startsWith(QLatin1String("Timeout 0x")))
            timeouts.push_back(&u);
    }
    REQUIRE(timeouts.size() == 2);
    for (const UnitRecord *timeout : timeouts) {
        // Waiting for the timer, then running its callback, then waiting until destroyed.
        REQUIRE(timeout->intervals.size() == 3);
        CHECK(timeout->intervals[0].state == UnitState::Waiting);
        CHECK(timeout->intervals[1].state == UnitState::Running);
        CHECK(timeout->intervals[2].state == UnitState::Waiting);
    }
    // The 20 ms timer's callback runs about 10 ms after the 10 ms one's.
    const qint64 gap = timeouts[1]->intervals[1].startNs - timeouts[0]->intervals[1].startNs;
    CHECK(gap > 5'000'000);
    CHECK(gap < 40'000'000);
    // Node's bootstrap milestones (I events) are bookmarks, in time order, nodeStart first.
    REQUIRE(t.data.bookmarks.size() == 6);
    CHECK(t.data.bookmarks.front().note == QStringLiteral("nodeStart"));
    CHECK(t.data.bookmarks.front().timeNs == 0);
    // Promises never destroyed have no e; version metadata is not shown.
    CHECK(t.report.guessedCount(QStringLiteral("b without e, drawn to the end")) > 0);
    CHECK(t.report.skippedCount(QStringLiteral("'M' metadata events")) == 4);

    // Replay and analysis read it like a run: at the second timer's callback the main thread,
    // the RunTimers call and the Timeout run; promises wait; nothing was ready, so nothing
    // blocked the loop and there is no finding.
    const RunMoment moment = RunMoment::at(t.data, timeouts[1]->intervals[1].startNs);
    std::vector<QString> running;
    for (const RunMoment::Entry &e : moment.entries) {
        if (e.state == UnitState::Running)
            running.push_back(t.data.unit(e.unit)->label);
    }
    CHECK(running
        == std::vector<QString> { QStringLiteral("JavaScriptMainThread"),
            QStringLiteral("RunTimers"), timeouts[1]->label });
    CHECK(moment.count(UnitState::Waiting) > 5);
    const RunAnalysis analysis = RunAnalysis::compute(t.data);
    for (const Finding &f : analysis.findings())
        UNSCOPED_INFO(f.text.toStdString());
    CHECK(analysis.findings().empty());
    CHECK(analysis.loopBlocked().empty());
    CHECK_FALSE(analysis.loopBusy().empty());
    CHECK(analysis.stats().units == int(t.data.units.size()));
}

TEST_CASE("Foreign trace: VizTracer's async lanes (tasks as threads)", "[io][import]")
{
    const Imported t = importFile(QStringLiteral("tests/trace/foreign_viztracer_async.json"));
    requireWellFormed(t.data);
    for (const char *task : { "MainThread", "Task-1", "Task-2", "Task-3" }) {
        const UnitRecord *u = t.named(QString::fromLatin1(task));
        REQUIRE(u);
        CHECK(u->kind == UnitKind::Task);
        CHECK(u->parent == 0);
    }
    const UnitRecord *task2 = t.named(QStringLiteral("Task-2"));
    REQUIRE(task2->intervals.size() == 2); // its two steps, 100 ms apart
    CHECK(task2->intervals[1].startNs - task2->intervals[0].startNs == 100'100'000);
    // fetch() and the sleep() it calls, under each task.
    int fetches = 0;
    for (const UnitRecord &u : t.data.units) {
        if (u.label == QStringLiteral("fetch (/tmp/prog.py:3)")) {
            ++fetches;
            CHECK(u.kind == UnitKind::Coroutine);
            CHECK(u.intervals.size() == 2);
        }
    }
    CHECK(fetches == 2);
    REQUIRE(t.data.counters.size() == 1);
    CHECK(t.data.counters[0].name == QStringLiteral("pending tasks"));
    CHECK(t.report.text() == QStringLiteral("skipped 1 'O' object events"));
}

TEST_CASE("Foreign trace: damaged and extreme files never crash or hang", "[io][import]")
{
    auto event = [](const char *ph, qint64 ts, const QJsonValue &id = {}) {
        QJsonObject e { { QLatin1String("ph"), QLatin1String(ph) },
            { QLatin1String("name"), QStringLiteral("f") },
            { QLatin1String("cat"), QStringLiteral("c") }, { QLatin1String("pid"), 1 },
            { QLatin1String("tid"), 1 }, { QLatin1String("ts"), double(ts) } };
        if (!id.isUndefined())
            e.insert(QLatin1String("id"), id);
        return e;
    };
    auto read = [](const QJsonArray &events, TraceImportReport *report = nullptr) {
        QString error;
        const auto data = TraceJsonReader::fromJson(
            QJsonDocument(events).toJson(QJsonDocument::Compact), &error, report);
        if (data)
            requireWellFormed(*data);
        else
            REQUIRE_FALSE(error.isEmpty());
        return data;
    };

    SECTION("10000 levels of B/E, X and b/e nesting, without recursion")
    {
        constexpr int Depth = 10000;
        QJsonArray be, x, async;
        for (int i = 0; i < Depth; ++i) {
            be.append(event("B", i));
            QJsonObject slice = event("X", i);
            slice.insert(QLatin1String("dur"), 2.0 * (Depth - i));
            x.append(slice);
            async.append(event("b", i, QStringLiteral("0x1")));
        }
        for (int i = Depth - 1; i >= 0; --i) {
            be.append(event("E", 2 * Depth - i));
            async.append(event("e", 2 * Depth - i, QStringLiteral("0x1")));
        }
        const auto nestedBe = read(be);
        REQUIRE(nestedBe);
        CHECK(nestedBe->units.size() == Depth + 1); // the thread and one unit per level
        CHECK(nestedBe->units.back().parent == Depth);
        const auto nestedX = read(x);
        REQUIRE(nestedX);
        CHECK(nestedX->units.size() == Depth + 1);
        const auto nestedAsync = read(async);
        REQUIRE(nestedAsync);
        REQUIRE(nestedAsync->units.size() == 1);
        CHECK(nestedAsync->units[0].intervals.size() == 3);
    }
    SECTION("unmatched b and e, e before b, huge and odd ids")
    {
        TraceImportReport report;
        const auto data = read(
            QJsonArray { event("e", 5, QStringLiteral("0x1")),
                event("b", 10, QStringLiteral("0x1")), event("b", 11, 1e300), event("e", 12, 1e300),
                event("b", 13, -1e300), event("b", 14, QStringLiteral("x").repeated(10000)),
                event("e", 15, QJsonArray { 1 }), event("n", 16, QJsonObject()),
                event("s", 17, 4294967297.0), event("f", 18, 4294967297.0), event("b", 19, 0.5),
                event("e", 3, 0.5) },
            &report);
        REQUIRE(data);
        CHECK(report.skippedCount(QStringLiteral("unmatched e")) == 1);
        CHECK(report.skippedCount(QStringLiteral("'e' events without an id")) == 1);
        CHECK(report.skippedCount(QStringLiteral("'e' earlier than its begin")) == 1);
        CHECK(report.guessedCount(QStringLiteral("b without e, drawn to the end")) == 3);
        CHECK(data->units.size() == 4); // 0x1, 1e300, -1e300 and the long id
    }
    SECTION("every field of every event of a real trace replaced by bad values")
    {
        QFile file(Test::sourcePath(QStringLiteral("tests/trace/foreign_node_timers.json")));
        REQUIRE(file.open(QIODevice::ReadOnly));
        const QJsonArray events = QJsonDocument::fromJson(file.readAll())
                                      .object()
                                      .value(QLatin1String("traceEvents"))
                                      .toArray();
        REQUIRE(events.size() > 50);
        const QJsonValue bad[] = { QJsonValue(QStringLiteral("x")), QJsonValue(-1),
            QJsonValue(1e300), QJsonValue(), QJsonValue(QJsonObject()), QJsonValue(4294967297.0) };
        const char *keys[] = { "ph", "ts", "dur", "id", "pid", "tid", "name", "cat", "args" };
        int reads = 0;
        for (qsizetype i = 0; i < events.size(); i += 3) {
            for (const char *key : keys) {
                for (const QJsonValue &value : bad) {
                    QJsonArray changed = events;
                    QJsonObject e = events.at(i).toObject();
                    e.insert(QLatin1String(key), value);
                    changed.replace(i, e);
                    reads += read(changed).has_value();
                }
            }
        }
        CHECK(reads > 0);
    }
}
