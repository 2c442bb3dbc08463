// Why: what cancelled each unit (cancelled_by) and the run's findings, on the scenarios that
// show them.
#include <catch2/catch.hpp>

#include "runtimetest.h"
#include "scenariotest.h"
#include "wording.h"

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
