// Why: what cancelled each unit (cancelled_by) and the run's findings, on the scenarios that
// show them.
#include <catch2/catch.hpp>

#include "runanalysis.h"
#include "runtimetest.h"
#include "scenariotest.h"
#include "testsupport.h"
#include "wording.h"

#include <QFile>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

const UnitRecord &unitNamed(const TraceData &data, const QString &label)
{
    const UnitRecord *u = unitByLabel(data, label);
    INFO("no unit " << label.toStdString());
    REQUIRE(u);
    return *u;
}

//! "FILE:LINE" of the first line of core/scenarios/FILE (or of tests/core/FILE) with code.
QString placeOf(const char *file, const char *code)
{
    QString path = sourcePath(QStringLiteral("core/scenarios/") + QLatin1String(file));
    if (!QFile::exists(path))
        path = sourcePath(QStringLiteral("tests/core/") + QLatin1String(file));
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].contains(QLatin1String(code)))
            return QStringLiteral("%1:%2").arg(QLatin1String(file)).arg(i + 1);
    }
    FAIL("no " << code << " in " << file);
    return {};
}

//! The places of unit's intervals in state, in order.
QStringList placesIn(const TraceData &data, const UnitRecord &u, UnitState state)
{
    QStringList out;
    for (const StateInterval &iv : u.intervals) {
        if (iv.state == state)
            out << data.placeOf(iv);
    }
    return out;
}

void checkCause(const TraceData &data, const QString &label, CancelCause cause, quint32 byUnit)
{
    const UnitRecord &u = unitNamed(data, label);
    INFO(label.toStdString() << " ended " << outcomeName(u.outcome) << ", cancelled by "
                             << cancelCauseName(u.cancelCause) << " " << u.cancelledBy);
    CHECK((u.outcome == Outcome::Cancelled || u.outcome == Outcome::TimedOut));
    CHECK(u.cancelCause == cause);
    CHECK(u.cancelledBy == byUnit);
}

Co<void> sleeper(double seconds)
{
    co_await sleep(seconds);
}

// A task gathering two sleepers, cancelled from outside by main after 1 s.
Co<void> gatherer()
{
    std::vector<Task<void>> children{createTask(sleeper(5), QStringLiteral("child 1")),
                                     createTask(sleeper(5), QStringLiteral("child 2"))};
    co_await gather(children);
}

Co<void> cancelsGatherMain()
{
    auto outer = createTask(gatherer(), QStringLiteral("gatherer"));
    co_await sleep(1);
    outer.cancel();
    try {
        co_await outer;
    } catch (const CancelledError &) {
    }
}

// Main waits 1 s for a task that awaits another task: the deadline cancels both.
Co<void> awaitsChild()
{
    auto child = createTask(sleeper(5), QStringLiteral("awaited"));
    co_await child;
}

Co<void> propagatesMain()
{
    try {
        co_await waitFor(awaitsChild().named(QStringLiteral("waiter")), Seconds(1));
    } catch (const TimeoutError &) {
    }
}

} // namespace

TEST_CASE("TaskGroup: the failing child cancels its pending siblings", "[why][cancelled_by]")
{
    // Item i sleeps 0.5 + 0.1 (i - 1) s: item 5 fails at 0.9 s while 6 and 7 still sleep.
    const TraceData data = runScenario(QStringLiteral("taskgroup"), {QStringLiteral("stagger=0.1")});
    const quint32 failed = unitNamed(data, QStringLiteral("item 5")).id;
    checkCause(data, QStringLiteral("item 6"), CancelCause::TaskGroup, failed);
    checkCause(data, QStringLiteral("item 7"), CancelCause::TaskGroup, failed);
    CHECK(Wording::cancelledBy(data, unitNamed(data, QStringLiteral("item 6")))
          == QStringLiteral("cancelled by TaskGroup: item 5 failed with ValueError"));
}

TEST_CASE("wait_for and a timeout scope cancel by their deadline, with no unit",
          "[why][cancelled_by]")
{
    for (const char *id : {"wait_for_timeout", "timeout_context"}) {
        INFO(id);
        const TraceData data = runScenario(QLatin1String(id));
        checkCause(data, QStringLiteral("slow_operation"), CancelCause::Timeout, 0);
        CHECK(unitNamed(data, QStringLiteral("slow_operation")).outcome == Outcome::TimedOut);
    }
}

TEST_CASE("cancel(): the unit whose code called it", "[why][cancelled_by]")
{
    const TraceData data = runScenario(QStringLiteral("cancellation"));
    checkCause(data, QStringLiteral("cancellable_task"), CancelCause::Explicit, data.info.mainId);
    CHECK(Wording::cancelledBy(data, unitNamed(data, QStringLiteral("cancellable_task")))
          == QStringLiteral("cancelled by main: its code called cancel()"));
}

TEST_CASE("Shutdown: what main leaves behind is cancelled by asyncio.run's end",
          "[why][cancelled_by]")
{
    // Fail-fast gather: main returns at item 5's error; 6 and 7 are still sleeping.
    const TraceData data = runScenario(
        QStringLiteral("gather_return_exceptions"),
        {QStringLiteral("return_exceptions=0"), QStringLiteral("stagger=0.1")});
    checkCause(data, QStringLiteral("item 6"), CancelCause::Shutdown, data.info.mainId);
    checkCause(data, QStringLiteral("item 7"), CancelCause::Shutdown, data.info.mainId);
}

TEST_CASE("gather: cancelling the task that awaits a gather cancels its children",
          "[why][cancelled_by]")
{
    const TraceData data = runTraced([] { return cancelsGatherMain(); });
    const quint32 gathering = unitNamed(data, QStringLiteral("gatherer")).id;
    checkCause(data, QStringLiteral("gatherer"), CancelCause::Explicit, data.info.mainId);
    checkCause(data, QStringLiteral("child 1"), CancelCause::Gather, gathering);
    checkCause(data, QStringLiteral("child 2"), CancelCause::Gather, gathering);
}

TEST_CASE("A cancelled await passes its cause on to the awaited task", "[why][cancelled_by]")
{
    const TraceData data = runTraced([] { return propagatesMain(); });
    checkCause(data, QStringLiteral("awaited"), CancelCause::Timeout, 0);
    CHECK(unitNamed(data, QStringLiteral("awaited")).outcome == Outcome::TimedOut);
}

namespace {

std::vector<Finding> findingsOf(const TraceData &data)
{
    return RunAnalysis::compute(data).findings();
}

//! The findings of data of this kind.
std::vector<Finding> findingsOf(const TraceData &data, FindingKind kind)
{
    std::vector<Finding> out;
    for (const Finding &f : findingsOf(data)) {
        if (f.kind == kind)
            out.push_back(f);
    }
    return out;
}

Co<void> failing()
{
    co_await sleep(0.5);
    throw ScenarioError(QStringLiteral("ValueError"), QStringLiteral("nobody listens"));
}

// Main sleeps, then waits for a task that still has 0.5 s to go.
Co<void> joinsMain()
{
    auto child = createTask(sleeper(1), QStringLiteral("child"));
    co_await sleep(0.5); // first
    co_await child; // then
}

// A task that fails while main, which created it, never awaits it.
Co<void> forgetsTaskMain()
{
    auto lost = createTask(failing(), QStringLiteral("lost"));
    co_await sleep(1);
}

} // namespace

TEST_CASE("blocked_loop: the blocking pitfall's time.sleep held the loop", "[why][findings]")
{
    const TraceData data = runScenario(QStringLiteral("blocking_pitfall"));
    const auto found = findingsOf(data, FindingKind::BlockedLoop);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == unitNamed(data, QStringLiteral("Task 3")).id);
    CHECK(found[0].timeNs == 500'000'000);
    CHECK(found[0].text.startsWith(
        QStringLiteral("Task 3 held the event loop for 1 s at 500 ms, in its step after %1: "
                       "2 tasks ready to run had to wait (Task 1 and Task 2).")
            .arg(placeOf("blockingpitfall.cpp", "co_await sleep(delay / 2)"))));
    SECTION("100 ms is the threshold")
    {
        // Task 3 blocks from 50 ms on; Task 1 and 2 are ready from 100 ms.
        const TraceData shorter = runScenario(QStringLiteral("blocking_pitfall"),
                                              {QStringLiteral("delay=0.1"),
                                               QStringLiteral("block=0.09")});
        CHECK(findingsOf(shorter, FindingKind::BlockedLoop).empty());
        const TraceData enough = runScenario(QStringLiteral("blocking_pitfall"),
                                             {QStringLiteral("delay=0.1"),
                                              QStringLiteral("block=0.1")});
        CHECK(findingsOf(enough, FindingKind::BlockedLoop).size() == 1);
    }
}

TEST_CASE("never_awaited: the forgotten coroutine and where it was created", "[why][findings]")
{
    const TraceData data = runScenario(QStringLiteral("forgot_await"));
    const auto found = findingsOf(data, FindingKind::NeverAwaited);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == unitNamed(data, QStringLiteral("get_data #1")).id);
    CHECK(found[0].text.startsWith(
        QStringLiteral("get_data #1 was created in wrong() at 0 s but never awaited")));
}

TEST_CASE("sequential_awaits: three 2 s awaits in a row would take 2 s gathered",
          "[why][findings]")
{
    const TraceData data = runScenario(QStringLiteral("sequential"));
    const auto found = findingsOf(data, FindingKind::SequentialAwaits);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == data.info.mainId);
    CHECK(found[0].text.startsWith(QStringLiteral("main awaited Task 1, Task 2 and Task 3 one "
                                                  "after another: 6 s.")));
    CHECK(found[0].text.contains(QStringLiteral("would take about 2 s")));
}

TEST_CASE("cancelled_at_shutdown: a fail-fast gather leaves tasks to asyncio.run",
          "[why][findings]")
{
    const TraceData data = runScenario(
        QStringLiteral("gather_return_exceptions"),
        {QStringLiteral("return_exceptions=0"), QStringLiteral("stagger=0.1")});
    const auto found = findingsOf(data, FindingKind::CancelledAtShutdown);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == unitNamed(data, QStringLiteral("item 6")).id);
    CHECK(found[0].timeNs == 900'000'000);
    CHECK(found[0].text.startsWith(QStringLiteral("2 tasks were still running when main "
                                                  "returned at 900 ms and asyncio.run cancelled "
                                                  "them: item 6 and item 7.")));
}

TEST_CASE("exception_never_retrieved: a task fails and nothing awaits it", "[why][findings]")
{
    const TraceData data = runTraced([] { return forgetsTaskMain(); });
    const auto found = findingsOf(data, FindingKind::ExceptionNeverRetrieved);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == unitNamed(data, QStringLiteral("lost")).id);
    CHECK(found[0].text.startsWith(QStringLiteral(
        "lost failed at 500 ms (ValueError: nobody listens) and nothing awaited it")));
    SECTION("a failure gather hears of is retrieved")
    {
        const TraceData gathered = runScenario(QStringLiteral("gather_return_exceptions"));
        CHECK(findingsOf(gathered, FindingKind::ExceptionNeverRetrieved).empty());
    }
}

TEST_CASE("queue_dominated: Semaphore(3) keeps 7 of 10 requests queued", "[why][findings]")
{
    const TraceData data = runScenario(QStringLiteral("semaphore"));
    const auto found = findingsOf(data, FindingKind::QueueDominated);
    REQUIRE(found.size() == 1);
    CHECK(found[0].unit == unitNamed(data, QStringLiteral("req10")).id);
    CHECK(found[0].text
          == QStringLiteral("7 of 10 tasks spent most of their time queued for semaphore (limit "
                            "3): 12 s queued against 10 s running or waiting. Raising "
                            "semaphore's limit from 3 to 6 would finish them in about 2 s "
                            "instead of 4 s (if what it protects allows it)."));
    SECTION("Semaphore(2): twice the limit is estimated as FIFO on twice the slots")
    {
        const TraceData narrow
            = runScenario(QStringLiteral("semaphore"), {QStringLiteral("limit=2")});
        const auto two = findingsOf(narrow, FindingKind::QueueDominated);
        REQUIRE(two.size() == 1);
        CHECK(two[0].text.contains(QStringLiteral(
            "from 2 to 4 would finish them in about 3 s instead of 5 s")));
    }
    SECTION("a limit that keeps them queued less than half their time is not worth a finding")
    {
        // Semaphore(4): 8 s queued against 10 s running or waiting.
        const TraceData wide = runScenario(QStringLiteral("semaphore"), {QStringLiteral("limit=4")});
        CHECK(findingsOf(wide, FindingKind::QueueDominated).empty());
    }
}

TEST_CASE("Scenarios that do it right have no findings", "[why][findings]")
{
    for (const char *id : {"concurrent_tasks", "gather_return_exceptions"}) {
        INFO(id);
        const TraceData data = runScenario(QLatin1String(id));
        for (const Finding &f : findingsOf(data))
            FAIL_CHECK(findingKindName(f.kind) << ": " << f.text.toStdString());
    }
}

TEST_CASE("Waiting and queued intervals know the line of their co_await", "[why][at]")
{
    const TraceData data = runScenario(QStringLiteral("semaphore"));
    const QString acquire = placeOf("semaphore.cpp", "co_await semaphore->acquire()");
    const QString request = placeOf("semaphore.cpp", "co_await sleep(delay)");
    // req4 queues for a slot, then waits for its request.
    const UnitRecord &req4 = unitNamed(data, QStringLiteral("req4"));
    CHECK(placesIn(data, req4, UnitState::Queued) == QStringList{acquire});
    CHECK(placesIn(data, req4, UnitState::Waiting) == QStringList{request});
    SECTION("a runtime coroutine awaited inline (gather) waits at its caller's co_await")
    {
        CHECK(placesIn(data, *data.unit(data.info.mainId), UnitState::Waiting)
              == QStringList{placeOf("semaphore.cpp", "co_await gather(tasks)")});
    }
    SECTION("awaiting a named coroutine waits at that co_await")
    {
        const TraceData seq = runScenario(QStringLiteral("sequential"));
        CHECK(placesIn(seq, *seq.unit(seq.info.mainId), UnitState::Waiting)
              == QStringList{placeOf("sequential.cpp", ".named(name)")});
    }
    SECTION("a task join and a wait_for wait at their co_await")
    {
        const TraceData joined = runTraced([] { return joinsMain(); });
        CHECK(placesIn(joined, *joined.unit(joined.info.mainId), UnitState::Waiting)
              == (QStringList{placeOf("tst_why.cpp", "co_await sleep(0.5); // first"),
                              placeOf("tst_why.cpp", "co_await child; // then")}));
        // g++ places a co_await that spans lines at its last line.
        const TraceData waited = runScenario(QStringLiteral("wait_for_timeout"));
        CHECK(placesIn(waited, *waited.unit(waited.info.mainId), UnitState::Waiting)
              == QStringList{placeOf("waitfortimeout.cpp", "Seconds(p.value(QStringLiteral(\"timeout\"))));")});
    }
}
