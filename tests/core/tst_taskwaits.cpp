// wait, asCompleted, shield and toThread against CPython 3.11: each case follows the test of
// Lib/test/test_asyncio named in its comment, on the virtual clock.
#include <catch2/catch.hpp>

#include "runtimetest.h"

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

Co<void> nap(double s) { co_await sleep(s); }

Co<int> value(int v, double delay)
{
    co_await sleep(delay);
    co_return v;
}

Co<int> failing(double delay)
{
    co_await sleep(delay);
    throw ScenarioError(QStringLiteral("ValueError"), QStringLiteral("boom"));
}

} // namespace

// --- wait, asCompleted, shield, toThread (test_tasks.py) -----------------------------------------

// test_wait_first_completed: returns when one is done; the others keep running.
TEST_CASE("wait FirstCompleted returns at the first one and cancels nothing", "[primitives][wait]")
{
    std::size_t done = 0, pending = 0;
    double returnedAt = -1;
    const TraceData data = runTraced([&] {
        return [](std::size_t *done, std::size_t *pending, double *at) -> Co<void> {
            std::vector<Task<int>> tasks{createTask(value(1, 2), QStringLiteral("a")),
                                         createTask(value(2, 1), QStringLiteral("b"))};
            auto r = co_await wait(tasks, ReturnWhen::FirstCompleted);
            *at = loopNow();
            *done = r.done.size();
            *pending = r.pending.size();
            CHECK(r.done.front().result() == 2);
        }(&done, &pending, &returnedAt);
    });
    CHECK(returnedAt == Approx(1.0));
    CHECK(done == 1);
    CHECK(pending == 1);
    // left running when main returned: cancelled by the shutdown, not by wait
    CHECK(unitByLabel(data, QStringLiteral("a"))->outcome == Outcome::Cancelled);
    CHECK(seconds(unitByLabel(data, QStringLiteral("a"))->endNs) == Approx(1.0));
}

// test_wait_first_exception and test_wait_really_done: FirstException returns at the first
// error; AllCompleted waits for all, errors included.
TEST_CASE("wait FirstException returns at the first error, AllCompleted waits for all",
          "[primitives][wait]")
{
    double firstAt = -1, allAt = -1;
    runTraced([&] {
        return [](double *firstAt, double *allAt) -> Co<void> {
            std::vector<Task<int>> tasks{createTask(value(1, 3)), createTask(failing(1)),
                                         createTask(value(3, 2))};
            auto r = co_await wait(tasks, ReturnWhen::FirstException);
            *firstAt = loopNow();
            CHECK(r.done.size() == 1);
            CHECK(r.done.front().error());
            auto all = co_await wait(tasks);
            *allAt = loopNow();
            CHECK(all.done.size() == 3);
            CHECK(all.pending.empty());
        }(&firstAt, &allAt);
    });
    CHECK(firstAt == Approx(1.0));
    CHECK(allAt == Approx(3.0));
}

// test_wait_with_timeout: at the timeout wait returns what is done; nothing is cancelled.
// A cancelled waiter withdraws too and leaves the tasks alone.
TEST_CASE("wait with a timeout returns the pending ones without cancelling them",
          "[primitives][wait][cancel]")
{
    std::size_t pending = 0;
    const TraceData data = runTraced([&] {
        return [](std::size_t *pending) -> Co<void> {
            std::vector<Task<int>> tasks{createTask(value(1, 0.1), QStringLiteral("fast")),
                                         createTask(value(2, 0.5), QStringLiteral("slow"))};
            auto r = co_await wait(tasks, ReturnWhen::AllCompleted, Seconds(0.11));
            *pending = r.pending.size();
            CHECK(loopNow() == Approx(0.11));
            auto waiter = createTask(
                [](std::vector<Task<int>> tasks) -> Co<void> { co_await wait(tasks); }(tasks),
                QStringLiteral("waiter"));
            co_await sleep(0.1);
            waiter.cancel();
            co_await gather(tasks);
        }(&pending);
    });
    CHECK(pending == 1);
    CHECK(unitByLabel(data, QStringLiteral("slow"))->outcome == Outcome::Completed);
    CHECK(seconds(unitByLabel(data, QStringLiteral("slow"))->endNs) == Approx(0.5));
    CHECK(unitByLabel(data, QStringLiteral("waiter"))->outcome == Outcome::Cancelled);
    CHECK(seconds(unitByLabel(data, QStringLiteral("waiter"))->endNs) == Approx(0.21));
}

// test_as_completed: results come in the order the tasks finish; an error is raised in turn.
TEST_CASE("asCompleted yields in completion order", "[primitives][ascompleted]")
{
    QStringList order;
    runTraced([&] {
        return [](QStringList *order) -> Co<void> {
            std::vector<Task<int>> tasks{createTask(value(1, 0.3)), createTask(value(2, 0.1)),
                                         createTask(failing(0.2))};
            auto completed = asCompleted(tasks);
            co_await sleep(0.25); // two are done by now: they come in the order they ended
            while (completed.remaining() > 0) {
                try {
                    const int v = co_await completed.next();
                    order->append(QStringLiteral("%1@%2").arg(v).arg(loopNow()));
                } catch (const ScenarioError &e) {
                    order->append(e.type() + QStringLiteral("@%1").arg(loopNow()));
                }
            }
        }(&order);
    });
    CHECK(order
          == QStringList{QStringLiteral("2@0.25"), QStringLiteral("ValueError@0.25"),
                         QStringLiteral("1@0.3")});
}

// test_shield_effect and test_shield_cancel_outer: cancelling what awaits the shield cancels
// only the shield; the task goes on and its result can be awaited after.
TEST_CASE("shield keeps the task running when its awaiter is cancelled or times out",
          "[primitives][shield][cancel]")
{
    double timedOutAt = -1;
    int result = 0;
    const TraceData data = runTraced([&] {
        return [](double *timedOutAt, int *result) -> Co<void> {
            auto save = createTask(value(42, 2), QStringLiteral("save"));
            try {
                co_await waitFor(shield(save), Seconds(1));
            } catch (const TimeoutError &) {
                *timedOutAt = loopNow();
            }
            auto outer = createTask(
                [](Task<int> inner) -> Co<void> { co_await shield(inner); }(save),
                QStringLiteral("outer"));
            co_await sleep(0.5);
            outer.cancel();
            std::vector<Task<void>> only{outer};
            co_await gatherResults(only);
            *result = co_await save;
        }(&timedOutAt, &result);
    });
    CHECK(timedOutAt == Approx(1.0));
    CHECK(result == 42);
    CHECK(unitByLabel(data, QStringLiteral("save"))->outcome == Outcome::Completed);
    CHECK(seconds(unitByLabel(data, QStringLiteral("save"))->endNs) == Approx(2.0));
    CHECK(unitByLabel(data, QStringLiteral("outer"))->outcome == Outcome::Cancelled);
    CHECK(seconds(unitByLabel(data, QStringLiteral("outer"))->endNs) == Approx(1.5));
}

// test_shield_result: awaiting the shield gives what the task gives, a coroutine's result (in
// its frame) or an executor job's (a core without a coroutine keeps it elsewhere).
TEST_CASE("shield gives the result of the task or job it shields", "[primitives][shield]")
{
    int fromTask = 0;
    int fromJob = 0;
    const TraceData data = runTraced([&] {
        return [](int *fromTask, int *fromJob) -> Co<void> {
            *fromTask = co_await shield(createTask(value(42, 1)));
            Task<int> job =
                EventLoop::current()->defaultExecutor().run(QStringLiteral("job"), [] { return 7; });
            *fromJob = co_await shield(job);
        }(&fromTask, &fromJob);
    });
    CHECK(fromTask == 42);
    CHECK(fromJob == 7);
}

// test_threads.py ToThreadTests.test_to_thread: the function runs on a worker of the default
// executor while the loop goes on; one executor unit with its result.
TEST_CASE("toThread runs the call on the default executor", "[primitives][thread]")
{
    int result = 0;
    const TraceData data = runTraced([&] {
        return [](int *result) -> Co<void> {
            auto job = createTask(toThread(
                QStringLiteral("blocking(1)"),
                [](int s) {
                    Executor::blockingSleep(Seconds(s));
                    return s * 10;
                },
                1));
            auto napping = createTask(nap(1));
            co_await napping;
            *result = co_await job;
        }(&result);
    });
    CHECK(result == 10);
    // Virtual time runs with real time while the job is busy before its sleep (a thread's
    // start-up: microseconds), hence the margin; 2 s would mean the loop waited for the job.
    CHECK(seconds(data.info.totalNs) == Approx(1.0).margin(0.05));
    int executorUnits = 0;
    for (const UnitRecord &u : data.units)
        executorUnits += u.kind == UnitKind::Executor;
    CHECK(executorUnits == 1);
    const UnitRecord *job = unitByLabel(data, QStringLiteral("blocking(1)"));
    REQUIRE(job);
    CHECK(job->outcome == Outcome::Completed);
    CHECK(counterMax(data, QStringLiteral("default executor in use")) == 1);
}
