#include <catch2/catch.hpp>

#include "runtimetest.h"

#include <algorithm>
#include <random>
#include <thread>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

Co<QString> work(QString name, double delay)
{
    print(name + QStringLiteral(" starting"));
    co_await sleep(delay);
    print(name + QStringLiteral(" completed"));
    co_return name + QStringLiteral(" result");
}

Co<void> sequentialMain()
{
    for (int i = 1; i <= 3; ++i) {
        const QString name = QStringLiteral("Task %1").arg(i);
        co_await work(name, 2).named(name);
    }
}

Co<void> concurrentMain(QStringList *results)
{
    auto t1 = createTask(work(QStringLiteral("API-1"), 2), QStringLiteral("API-1"));
    auto t2 = createTask(work(QStringLiteral("API-2"), 3), QStringLiteral("API-2"));
    auto t3 = createTask(work(QStringLiteral("API-3"), 1), QStringLiteral("API-3"));
    print(QStringLiteral("tasks created"));
    std::vector<Task<QString>> tasks{t1, t2, t3};
    const auto values = co_await gather(tasks);
    for (const QString &v : values)
        results->append(v);
}

Co<int> item(int id, double delay, int failItem)
{
    co_await sleep(delay);
    if (id == failItem)
        throw ScenarioError(QStringLiteral("ValueError"),
                            QStringLiteral("Failed to process item %1").arg(id));
    co_return id;
}

} // namespace

TEST_CASE("Sequential awaits of named coroutines add up", "[runtime]")
{
    const TraceData data = runTraced([] { return sequentialMain(); });
    REQUIRE(seconds(data.info.totalNs) == Approx(6.0));
    for (int i = 1; i <= 3; ++i) {
        const UnitRecord *u = unitByLabel(data, QStringLiteral("Task %1").arg(i));
        REQUIRE(u);
        CHECK(u->kind == UnitKind::Coroutine);
        CHECK(u->parent == data.info.mainId);
        CHECK(seconds(u->startNs) == Approx(2.0 * (i - 1)));
        CHECK(seconds(u->endNs) == Approx(2.0 * i));
        CHECK(u->outcome == Outcome::Completed);
        CHECK(timeIn(*u, UnitState::Waiting) == Approx(2.0));
    }
    // main waits while each child runs
    const UnitRecord *main = data.unit(data.info.mainId);
    CHECK(timeIn(*main, UnitState::Waiting) == Approx(6.0));
    CHECK(data.flows.size() == 3);
}

TEST_CASE("Created tasks start on a later loop turn and run concurrently", "[runtime]")
{
    QStringList results;
    const TraceData data = runTraced([&] { return concurrentMain(&results); });
    REQUIRE(seconds(data.info.totalNs) == Approx(3.0));
    // main printed before any task started: create_task only schedules.
    const QStringList out = outputTexts(data);
    REQUIRE(out.size() == 7);
    CHECK(out[0] == QStringLiteral("tasks created"));
    CHECK(out[1] == QStringLiteral("API-1 starting")); // FIFO
    CHECK(out[2] == QStringLiteral("API-2 starting"));
    CHECK(out[3] == QStringLiteral("API-3 starting"));
    CHECK(results
          == QStringList{QStringLiteral("API-1 result"), QStringLiteral("API-2 result"),
                         QStringLiteral("API-3 result")});
    const double ends[] = {2, 3, 1};
    for (int i = 0; i < 3; ++i) {
        const UnitRecord *u = unitByLabel(data, QStringLiteral("API-%1").arg(i + 1));
        REQUIRE(u);
        CHECK(u->kind == UnitKind::Task);
        CHECK(u->startNs == 0);
        CHECK(seconds(u->endNs) == Approx(ends[i]));
    }
}

TEST_CASE("gather fail-fast raises the first error and leaves the others running", "[runtime]")
{
    QString caught;
    double caughtAt = -1;
    const TraceData data = runTraced([&]() -> Co<void> {
        return [](QString *caught, double *caughtAt) -> Co<void> {
            std::vector<Task<int>> tasks;
            for (int i = 1; i <= 3; ++i)
                tasks.push_back(createTask(item(i, i, 1), QStringLiteral("item %1").arg(i)));
            try {
                co_await gather(tasks);
            } catch (const ScenarioError &e) {
                *caught = e.message();
                *caughtAt = double(EventLoop::current()->nowNs()) / 1e9;
            }
            co_await sleep(5);
        }(&caught, &caughtAt);
    });
    CHECK(caught == QStringLiteral("Failed to process item 1"));
    CHECK(caughtAt == Approx(1.0));
    CHECK(unitByLabel(data, QStringLiteral("item 1"))->outcome == Outcome::Failed);
    CHECK(unitByLabel(data, QStringLiteral("item 1"))->error
          == QStringLiteral("ValueError: Failed to process item 1"));
    CHECK(unitByLabel(data, QStringLiteral("item 2"))->outcome == Outcome::Completed);
    CHECK(seconds(unitByLabel(data, QStringLiteral("item 3"))->endNs) == Approx(3.0));
    CHECK(unitByLabel(data, QStringLiteral("item 3"))->outcome == Outcome::Completed);
}

TEST_CASE("gather with return exceptions returns errors as values", "[runtime]")
{
    std::vector<QString> texts;
    const TraceData data = runTraced([&] {
        return [](std::vector<QString> *texts) -> Co<void> {
            std::vector<Task<int>> tasks;
            for (int i = 1; i <= 7; ++i)
                tasks.push_back(createTask(item(i, 0.5, 5), QStringLiteral("item %1").arg(i)));
            const auto results = co_await gatherResults(tasks);
            for (const auto &r : results)
                texts->push_back(r.ok() ? QString::number(*r.value) : r.errorText());
        }(&texts);
    });
    REQUIRE(texts.size() == 7);
    CHECK(texts[3] == QStringLiteral("4"));
    CHECK(texts[4] == QStringLiteral("ValueError: Failed to process item 5"));
    CHECK(seconds(data.info.totalNs) == Approx(0.5));
}

namespace {
Co<void> recordWake(Task<int> task, double *wokeAt)
{
    co_await task;
    *wokeAt = double(EventLoop::current()->nowNs()) / 1e9;
}
} // namespace

TEST_CASE("gather waits for a task another task awaits too, and for one it lists twice",
          "[runtime]")
{
    // item 1 has a waiter before the gather registers (the gather needs a node of its own for
    // it), item 2 is listed twice (its second place too).
    std::vector<int> values;
    double gatheredAt = -1;
    double watcherWokeAt = -1;
    runTraced([&] {
        return [](std::vector<int> *values, double *gatheredAt, double *watcherWokeAt)
                   -> Co<void> {
            auto t1 = createTask(item(1, 1, 0), QStringLiteral("item 1"));
            auto t2 = createTask(item(2, 2, 0), QStringLiteral("item 2"));
            auto watcher = createTask(recordWake(t1, watcherWokeAt), QStringLiteral("watcher"));
            co_await sleep(0.5);
            std::vector<Task<int>> tasks; // a braced list here trips g++ 12's coroutines
            tasks.push_back(t1);
            tasks.push_back(t2);
            tasks.push_back(t2);
            *values = co_await gather(tasks);
            *gatheredAt = double(EventLoop::current()->nowNs()) / 1e9;
            co_await watcher;
        }(&values, &gatheredAt, &watcherWokeAt);
    });
    CHECK(values == std::vector<int>{1, 2, 2});
    CHECK(gatheredAt == Approx(2.0));
    CHECK(watcherWokeAt == Approx(1.0));
}

namespace {
Co<void> taskGroupMain(double stagger, QStringList *errors)
{
    TaskGroup tg;
    for (int i = 1; i <= 7; ++i)
        tg.spawn(item(i, 0.5 + stagger * (i - 1), 5), QStringLiteral("item %1").arg(i));
    try {
        co_await tg.wait();
    } catch (const ExceptionGroup &eg) {
        *errors = eg.errors();
    }
}
} // namespace

TEST_CASE("TaskGroup cancels only the siblings still pending", "[runtime]")
{
    SECTION("all finish in the same turn: only item 5 fails")
    {
        QStringList errors;
        const TraceData data = runTraced([&] { return taskGroupMain(0, &errors); });
        CHECK(errors == QStringList{QStringLiteral("ValueError: Failed to process item 5")});
        for (int i = 1; i <= 7; ++i) {
            const auto *u = unitByLabel(data, QStringLiteral("item %1").arg(i));
            CHECK(u->outcome == (i == 5 ? Outcome::Failed : Outcome::Completed));
        }
    }
    SECTION("staggered: the later items are cancelled when item 5 fails")
    {
        QStringList errors;
        const TraceData data = runTraced([&] { return taskGroupMain(0.5, &errors); });
        CHECK(errors.size() == 1);
        for (int i = 1; i <= 7; ++i) {
            const auto *u = unitByLabel(data, QStringLiteral("item %1").arg(i));
            const Outcome expected = i < 5 ? Outcome::Completed
                : i == 5                   ? Outcome::Failed
                                           : Outcome::Cancelled;
            CHECK(u->outcome == expected);
            if (i > 5)
                CHECK(seconds(u->endNs) == Approx(2.5));
        }
        CHECK(seconds(data.info.totalNs) == Approx(2.5));
    }
}

namespace {
Co<QString> slowOperation(double duration)
{
    co_await sleep(duration);
    co_return QStringLiteral("Completed");
}
} // namespace

TEST_CASE("waitFor cancels the inner task and raises TimeoutError", "[runtime]")
{
    bool timedOut = false;
    const TraceData data = runTraced([&] {
        return [](bool *timedOut) -> Co<void> {
            try {
                co_await waitFor(slowOperation(10).named(QStringLiteral("slow_operation")),
                                 Seconds(2));
            } catch (const TimeoutError &) {
                *timedOut = true;
                print(QStringLiteral("Operation timed out"));
            }
        }(&timedOut);
    });
    CHECK(timedOut);
    const auto *slow = unitByLabel(data, QStringLiteral("slow_operation"));
    REQUIRE(slow);
    CHECK(slow->kind == UnitKind::Task);
    CHECK(slow->outcome == Outcome::TimedOut);
    CHECK(seconds(slow->endNs) == Approx(2.0));
    CHECK(seconds(data.info.totalNs) == Approx(2.0)); // the 10 s timer was withdrawn
    REQUIRE(data.deadlines.size() == 1);
    CHECK(seconds(data.deadlines[0].timeNs) == Approx(2.0));
}

TEST_CASE("A timeout scope cancels the work inside and raises TimeoutError", "[runtime]")
{
    bool timedOut = false;
    bool mainCancelled = true;
    const TraceData data = runTraced([&] {
        return [](bool *timedOut, bool *mainCancelled) -> Co<void> {
            try {
                co_await timeout(Seconds(2),
                                 slowOperation(10).named(QStringLiteral("slow_operation")));
            } catch (const TimeoutError &) {
                *timedOut = true;
            }
            co_await sleep(0.5); // main is not cancelled any more
            *mainCancelled = false;
        }(&timedOut, &mainCancelled);
    });
    CHECK(timedOut);
    CHECK_FALSE(mainCancelled);
    const auto *slow = unitByLabel(data, QStringLiteral("slow_operation"));
    REQUIRE(slow);
    CHECK(slow->kind == UnitKind::Coroutine);
    CHECK(slow->outcome == Outcome::TimedOut);
    CHECK(seconds(slow->endNs) == Approx(2.0));
    CHECK(seconds(data.info.totalNs) == Approx(2.5));
    CHECK(data.unit(data.info.mainId)->outcome == Outcome::Completed);
}

TEST_CASE("A cancelled task runs its cleanup and its sleep is withdrawn", "[runtime]")
{
    const TraceData data = runTraced([] {
        return []() -> Co<void> {
            auto task = createTask(
                []() -> Co<void> {
                    try {
                        co_await sleep(10);
                    } catch (const CancelledError &) {
                        print(QStringLiteral("Task was cancelled, cleaning up..."));
                        throw;
                    }
                }(),
                QStringLiteral("cancellable_task"));
            co_await sleep(1);
            task.cancel();
            try {
                co_await task;
            } catch (const CancelledError &) {
                print(QStringLiteral("main: task cancelled"));
            }
        }();
    });
    const auto *t = unitByLabel(data, QStringLiteral("cancellable_task"));
    REQUIRE(t);
    CHECK(t->outcome == Outcome::Cancelled);
    CHECK(seconds(t->endNs) == Approx(1.0));
    CHECK(outputTexts(data)
          == QStringList({QStringLiteral("Task was cancelled, cleaning up..."),
                          QStringLiteral("main: task cancelled")}));
    CHECK(seconds(data.info.totalNs) == Approx(1.0));
}

TEST_CASE("A task cancelled before it ran ends cancelled without running its code", "[runtime]")
{
    bool ran = false;
    std::exception_ptr error;
    const TraceData data = runTraced([&] {
        return [](bool *ran, std::exception_ptr *error) -> Co<void> {
            auto early = createTask(
                [](bool *ran) -> Co<void> {
                    *ran = true;
                    co_await sleep(1);
                }(ran),
                QStringLiteral("early"));
            early.cancel();
            try {
                co_await early;
            } catch (const CancelledError &) {
                print(QStringLiteral("main: early cancelled"));
            }
            *error = early.error();
        }(&ran, &error);
    });
    CHECK_FALSE(ran);
    const auto *early = unitByLabel(data, QStringLiteral("early"));
    REQUIRE(early);
    CHECK(early->outcome == Outcome::Cancelled);
    CHECK(early->cancelCause == CancelCause::Explicit);
    CHECK(early->cancelledBy == unitByLabel(data, QStringLiteral("main"))->id);
    CHECK(early->startNs == 0);
    CHECK(early->endNs == 0);
    CHECK(outputTexts(data) == QStringList{QStringLiteral("main: early cancelled")});
    // Its end was recorded without a throw: it holds the loop's shared CancelledError.
    CHECK(error == cancelledError());
}

TEST_CASE("A step's events share one clock read and a suspension reads the clock again",
          "[runtime][timing]")
{
    const TraceData data = runTraced(
        [] {
            return []() -> Co<void> {
                auto a = createTask([]() -> Co<void> { co_await sleep(0); }(),
                                    QStringLiteral("a"));
                auto b = createTask([]() -> Co<void> { co_await sleep(0); }(),
                                    QStringLiteral("b"));
                // Real time passes in this step (no sleep: until the clock has moved).
                EventLoop *loop = EventLoop::current();
                const qint64 stepNs = loop->nowNs();
                while (loop->clock().nowNs() <= stepNs) { }
                std::vector<Task<void>> both{a, b};
                co_await gather(both);
            }();
        },
        Clock::Mode::Real);
    CHECK(unitByLabel(data, QStringLiteral("a"))->createdNs
          == unitByLabel(data, QStringLiteral("b"))->createdNs);
    const auto *main = unitByLabel(data, QStringLiteral("main"));
    REQUIRE(main);
    // main's wait in gather began after the busy loop: its suspension read the clock again.
    const auto wait = std::find_if(main->intervals.begin(), main->intervals.end(),
                                   [](const StateInterval &i) {
                                       return i.state == UnitState::Waiting;
                                   });
    REQUIRE(wait != main->intervals.end());
    CHECK(wait->startNs > unitByLabel(data, QStringLiteral("a"))->createdNs);
}

TEST_CASE("A task's step starts where the step before it in the turn ended, not earlier",
          "[runtime][timing]")
{
    // Each step runs until the real clock has moved, so the two instants are told apart when
    // they are read apart.
    const auto busyStep = []() -> Co<void> {
        EventLoop *loop = EventLoop::current();
        const qint64 stepNs = loop->nowNs();
        while (loop->clock().nowNs() <= stepNs) { }
        co_await sleep(0);
    };
    const TraceData data = runTraced(
        [&] {
            return [](auto step) -> Co<void> {
                std::vector<Task<void>> both{createTask(step(), QStringLiteral("a")),
                                            createTask(step(), QStringLiteral("b"))};
                co_await gather(both);
                co_await sleep(0.02); // the turn ends, the loop waits, a timer wakes main
            }(busyStep);
        },
        Clock::Mode::Real);
    const auto runs = [&](const QString &label) {
        std::vector<StateInterval> out;
        for (const StateInterval &i : unitByLabel(data, label)->intervals)
            if (i.state == UnitState::Running)
                out.push_back(i);
        return out;
    };
    REQUIRE(unitByLabel(data, QStringLiteral("a")));
    REQUIRE(unitByLabel(data, QStringLiteral("b")));
    // a's first step and b's run in one turn: b starts at the instant a suspended (one clock
    // read for both), which is after a's step began.
    const auto a = runs(QStringLiteral("a"));
    const auto b = runs(QStringLiteral("b"));
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    CHECK(b.front().startNs == a.front().endNs);
    CHECK(a.front().endNs > a.front().startNs);
    // main's step after its 20 ms sleep starts 20 ms after it suspended: the instant of the
    // turn before is not handed across the wait.
    const auto main = runs(QStringLiteral("main"));
    REQUIRE(main.size() >= 2);
    CHECK(main.back().startNs - main[main.size() - 2].endNs >= 20'000'000);
}

TEST_CASE("The frame of a task nothing awaits goes after its end, not in the next task's step",
          "[runtime][timing]")
{
    //! A coroutine parameter lives in the frame until the frame is destroyed: after the task's
    //! end was recorded. This one takes 2 ms of real time to go.
    struct SlowToDestroy {
        bool live = true;
        SlowToDestroy() = default;
        SlowToDestroy(SlowToDestroy &&o) noexcept : live(std::exchange(o.live, false)) { }
        ~SlowToDestroy()
        {
            if (!live)
                return;
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
            while (std::chrono::steady_clock::now() < until) { }
        }
    };
    const TraceData data = runTraced(
        [] {
            return []() -> Co<void> {
                {
                    // Dropped at once: only the loop holds it, and it ends in its first step.
                    auto detached = createTask([](SlowToDestroy) -> Co<void> { co_return; }(
                                                   SlowToDestroy{}),
                                               QStringLiteral("detached"));
                }
                auto next = createTask([]() -> Co<void> { co_return; }(), QStringLiteral("next"));
                co_await next;
            }();
        },
        Clock::Mode::Real);
    const UnitRecord *detached = unitByLabel(data, QStringLiteral("detached"));
    const UnitRecord *next = unitByLabel(data, QStringLiteral("next"));
    REQUIRE(detached);
    REQUIRE(next);
    // Both ran in one turn, detached first; next's step began once detached's frame was gone.
    CHECK(next->startNs - detached->endNs >= 2'000'000);
}

TEST_CASE("Semaphore admits waves in FIFO order and shows the wait as queued", "[runtime]")
{
    const TraceData data = runTraced([] {
        return []() -> Co<void> {
            Semaphore sem(3);
            std::vector<Task<void>> tasks;
            for (int i = 1; i <= 10; ++i) {
                tasks.push_back(createTask(
                    [](Semaphore *sem) -> Co<void> {
                        auto permit = co_await sem->acquire();
                        co_await sleep(1);
                    }(&sem),
                    QStringLiteral("req%1").arg(i)));
            }
            co_await gather(tasks);
        }();
    });
    CHECK(seconds(data.info.totalNs) == Approx(4.0));
    for (int i = 1; i <= 10; ++i) {
        const auto *u = unitByLabel(data, QStringLiteral("req%1").arg(i));
        const int wave = (i - 1) / 3;
        CHECK(seconds(u->endNs) == Approx(wave + 1.0));
        CHECK(timeIn(*u, UnitState::Queued) == Approx(double(wave)));
    }
    qint64 maxInUse = 0;
    for (const auto &c : data.counters) {
        if (c.name == QStringLiteral("semaphore in use"))
            for (const auto &s : c.samples)
                maxInUse = std::max(maxInUse, s.value);
    }
    CHECK(maxInUse == 3);
}

TEST_CASE("A cancelled semaphore waiter is unlinked and a granted permit is given back",
          "[runtime]")
{
    int finalAvailable = -1;
    const TraceData data = runTraced([&] {
        return [](int *finalAvailable) -> Co<void> {
            Semaphore sem(1);
            auto holder = createTask(
                [](Semaphore *sem) -> Co<void> {
                    auto permit = co_await sem->acquire();
                    co_await sleep(1);
                }(&sem),
                QStringLiteral("holder"));
            auto waiter = createTask(
                [](Semaphore *sem) -> Co<void> {
                    auto permit = co_await sem->acquire();
                    co_await sleep(1);
                }(&sem),
                QStringLiteral("waiter"));
            co_await sleep(0.5);
            waiter.cancel();
            std::vector<Task<void>> both{holder, waiter};
            co_await gatherResults(both);
            *finalAvailable = sem.available();
        }(&finalAvailable);
    });
    CHECK(finalAvailable == 1);
    CHECK(unitByLabel(data, QStringLiteral("waiter"))->outcome == Outcome::Cancelled);
    CHECK(seconds(unitByLabel(data, QStringLiteral("waiter"))->endNs) == Approx(0.5));
    CHECK(seconds(data.info.totalNs) == Approx(1.0));
}

TEST_CASE("A coroutine never awaited never runs and is reported", "[runtime]")
{
    bool ran = false;
    const TraceData data = runTraced([&] {
        return [](bool *ran) -> Co<void> {
            auto getData = [](bool *ran) -> Co<QString> {
                *ran = true;
                co_return QStringLiteral("data");
            };
            {
                auto forgotten = getData(ran).named(QStringLiteral("get_data #1"));
            }
            const bool ranBefore = *ran;
            const QString result = co_await getData(ran).named(QStringLiteral("get_data #2"));
            print(result + (ranBefore ? QStringLiteral(" (wrong)") : QString()));
        }(&ran);
    });
    const auto *first = unitByLabel(data, QStringLiteral("get_data #1"));
    const auto *second = unitByLabel(data, QStringLiteral("get_data #2"));
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->outcome == Outcome::NeverAwaited);
    CHECK(first->startNs == -1);
    CHECK(second->outcome == Outcome::Completed);
    CHECK(outputTexts(data)
          == QStringList({QStringLiteral("RuntimeWarning: coroutine 'get_data #1' was never awaited"),
                          QStringLiteral("data")}));
}

TEST_CASE("A blocked loop shows the other tasks ready and records the lag", "[runtime]")
{
    const TraceData data = runTraced([] {
        return []() -> Co<void> {
            std::vector<Task<void>> tasks;
            for (int i = 1; i <= 2; ++i)
                tasks.push_back(createTask(
                    []() -> Co<void> { co_await sleep(1); }(), QStringLiteral("Task %1").arg(i)));
            tasks.push_back(createTask(
                []() -> Co<void> {
                    co_await sleep(0.5);
                    EventLoop::current()->blockLoop(Seconds(1)); // time.sleep(1)
                }(),
                QStringLiteral("Task 3")));
            co_await gather(tasks);
        }();
    });
    CHECK(seconds(data.info.totalNs) == Approx(1.5));
    const auto *t1 = unitByLabel(data, QStringLiteral("Task 1"));
    CHECK(timeIn(*t1, UnitState::Ready) == Approx(0.5));
    CHECK(seconds(t1->endNs) == Approx(1.5));
    const auto *t3 = unitByLabel(data, QStringLiteral("Task 3"));
    CHECK(timeIn(*t3, UnitState::Running) == Approx(1.0));
    REQUIRE_FALSE(data.loopLag.empty());
    CHECK(seconds(data.loopLag.front().lagNs) == Approx(0.5).epsilon(0.01));
}

TEST_CASE("A task that blocks the loop is published Running before it blocks", "[runtime]")
{
    // The recorder holds a Running back for the state after it; a reader on another thread
    // must see the blocking task Running all the while (the timeline's live view).
    TraceRecorder recorder;
    EventLoop loop(Clock::Mode::Virtual, 1.0, &recorder);
    bool seenRunning = false;
    runMain(loop, [](TraceRecorder *recorder, bool *seenRunning) -> Co<void> {
        co_await sleep(0.5);
        const quint32 unit = EventLoop::runningTask()->unit();
        EventLoop::current()->blockLoop(Seconds(1)); // time.sleep(1)
        std::vector<TraceEvent> events;
        TraceRecorder::Cursor cursor;
        recorder->readNew(cursor, events);
        *seenRunning = !events.empty() && events.back().unit == unit
            && events.back().type == EventType::State
            && events.back().code == quint8(UnitState::Running)
            && events.back().timeNs == 500'000'000;
    }(&recorder, &seenRunning));
    CHECK(seenRunning);
}

TEST_CASE("Tasks left running when main returns are cancelled like asyncio.run", "[runtime]")
{
    const TraceData data = runTraced([] {
        return []() -> Co<void> {
            createTask([]() -> Co<void> { co_await sleep(10); }(), QStringLiteral("orphan"));
            co_await sleep(1);
        }();
    });
    const auto *orphan = unitByLabel(data, QStringLiteral("orphan"));
    CHECK(orphan->outcome == Outcome::Cancelled);
    CHECK(seconds(orphan->endNs) == Approx(1.0));
}

namespace {

//! The ids 0..n-1 of timers not removed, in the order they fire: by deadline, and equal
//! deadlines in the order armed (by id).
template<typename Deadline>
std::vector<int> firingOrder(const std::vector<Deadline> &deadline, const std::vector<bool> &removed)
{
    std::vector<int> order;
    for (int i = 0; i < int(deadline.size()); ++i)
        if (!removed[std::size_t(i)])
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return deadline[std::size_t(a)] < deadline[std::size_t(b)];
    });
    return order;
}

} // namespace

TEST_CASE("Timers fire by deadline, equal deadlines in the order armed, as others are withdrawn",
          "[runtime]")
{
    // 600 sleeps over 20 deadlines (many equal), and a third of them cancelled one at a time
    // while the rest fire: every withdrawal takes an entry out of the middle of the timer heap.
    constexpr int Count = 600;
    std::vector<int> delayMs(Count);
    std::mt19937 rng(20261202);
    for (int &d : delayMs)
        d = 10 * int(rng() % 20) + 10;
    std::vector<int> woke;
    std::vector<bool> withdrawn(Count, false);
    runTraced([&] {
        return [](std::vector<int> *delayMs, std::vector<int> *woke, std::vector<bool> *withdrawn,
                  std::mt19937 *rng) -> Co<void> {
            std::vector<Task<void>> tasks;
            for (int i = 0; i < Count; ++i) {
                tasks.push_back(createTask([](int i, int ms, std::vector<int> *woke) -> Co<void> {
                    co_await sleep(ms / 1000.0);
                    woke->push_back(i);
                }(i, (*delayMs)[std::size_t(i)], woke)));
            }
            for (int step = 1; step <= 200; ++step) {
                co_await sleep(0.001);
                // A task whose timer is still armed: its deadline is later than now.
                const qint64 nowMs = EventLoop::current()->nowNs() / 1'000'000;
                for (int tries = 0; tries < 50; ++tries) {
                    const int i = int((*rng)() % Count);
                    if (!(*withdrawn)[std::size_t(i)] && (*delayMs)[std::size_t(i)] > nowMs + 1) {
                        (*withdrawn)[std::size_t(i)] = true;
                        tasks[std::size_t(i)].cancel();
                        break;
                    }
                }
            }
            co_await gatherResults(tasks);
        }(&delayMs, &woke, &withdrawn, &rng);
    });
    CHECK(std::count(withdrawn.begin(), withdrawn.end(), true) >= 150);
    CHECK(woke == firingOrder(delayMs, withdrawn));
}

TEST_CASE("The timer heap fires by deadline, equal ones in the order armed, whatever is removed",
          "[runtime]")
{
    // Timers armed over 50 deadlines, a third of them removed from wherever they sit as the
    // others are armed: each removal moves the heap's last entry into the middle, up or down.
    struct Probe : TimerNode {
        int id = 0;
        std::vector<int> *fired = nullptr;
    };
    constexpr int Count = 3000;
    std::vector<Probe> probes(Count);
    std::vector<qint64> deadline(Count);
    std::vector<bool> removed(Count, false);
    std::vector<int> fired;
    std::mt19937 rng(7);
    runTraced([&]() -> Co<void> {
        EventLoop *loop = EventLoop::current();
        const qint64 now = loop->nowNs();
        std::vector<int> armed;
        for (int i = 0; i < Count; ++i) {
            Probe &p = probes[std::size_t(i)];
            p.id = i;
            p.fired = &fired;
            p.fire = [](TimerNode *n) {
                auto *probe = static_cast<Probe *>(n);
                probe->fired->push_back(probe->id);
            };
            deadline[std::size_t(i)] = now + 1'000'000 * qint64(1 + rng() % 50);
            loop->addTimer(&p, deadline[std::size_t(i)]);
            armed.push_back(i);
            if (rng() % 3 == 0) {
                const std::size_t k = rng() % armed.size();
                const int j = armed[k];
                armed[k] = armed.back();
                armed.pop_back();
                loop->removeTimer(&probes[std::size_t(j)]);
                removed[std::size_t(j)] = true;
            }
        }
        co_await sleep(0.1); // after the last of them
    });
    CHECK(std::count(removed.begin(), removed.end(), true) > Count / 4);
    CHECK(fired == firingOrder(deadline, removed));
}

TEST_CASE("Many cancellations at random points leave nothing behind", "[runtime][cancel]")
{
    int completed = 0;
    int cancelled = 0;
    runTraced([&] {
        return [](int *completed, int *cancelled) -> Co<void> {
            Semaphore sem(5);
            std::vector<Task<void>> tasks;
            for (int i = 0; i < 300; ++i) {
                tasks.push_back(createTask(
                    [](Semaphore *sem, int i) -> Co<void> {
                        auto permit = co_await sem->acquire();
                        co_await sleep(0.01 * (i % 7));
                        permit.release();
                        co_await waitFor(slowOperation(0.02 * (i % 5)), Seconds(0.05));
                    }(&sem, i)));
            }
            for (int i = 0; i < 300; i += 3) {
                co_await sleep(0.001 * (i % 11));
                tasks[i].cancel();
            }
            const auto results = co_await gatherResults(tasks);
            for (const auto &r : results)
                (r.ok() ? *completed : *cancelled) += 1;
            if (sem.available() != 5)
                throw ScenarioError(QStringLiteral("AssertionError"), QStringLiteral("leak"));
        }(&completed, &cancelled);
    });
    CHECK(completed + cancelled == 300);
    CHECK(cancelled >= 100);
}

TEST_CASE("The real clock follows the time scale", "[runtime][timing]")
{
    const TraceData data = runTraced(
        [] {
            return []() -> Co<void> {
                auto a = createTask([]() -> Co<void> { co_await sleep(1); }(),
                                    QStringLiteral("a"));
                auto b = createTask([]() -> Co<void> { co_await sleep(2); }(),
                                    QStringLiteral("b"));
                std::vector<Task<void>> both{a, b};
                co_await gather(both);
            }();
        },
        Clock::Mode::Real, 0.2);
    // 2 scenario seconds take 0.4 s of real time; allow 50 ms of real timer jitter (a loaded
    // machine running other tests), which is 0.25 scenario seconds.
    CHECK(seconds(data.info.totalNs) == Approx(2.0).margin(0.25));
    CHECK(seconds(unitByLabel(data, QStringLiteral("a"))->endNs) == Approx(1.0).margin(0.25));
    CHECK(seconds(data.info.totalNs) >= 2.0); // a timer never fires early
}

TEST_CASE("The scenario clock starts when the loop is ready to run main", "[runtime][timing]")
{
    TraceRecorder recorder;
    EventLoop loop(Clock::Mode::Real, 0.25, &recorder);
    // The thread is held up between making the loop and its first turn, as on a loaded machine:
    // 100 ms of real time are 0.4 scenario seconds that must not show.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const TraceData data = traceRun(loop, recorder, []() -> Co<void> {
        auto first = createTask([]() -> Co<void> { co_await sleep(0.1); }(),
                                QStringLiteral("first"));
        co_await first;
    }());
    const UnitRecord *main = data.unit(data.info.mainId);
    REQUIRE(main);
    CHECK(main->createdNs == 0);
    // Up to the loop's own turn cost: 40 scenario ms are 10 ms of real time at this scale.
    CHECK(seconds(main->startNs) == Approx(0).margin(0.04));
    const UnitRecord *first = unitByLabel(data, QStringLiteral("first"));
    REQUIRE(first);
    CHECK(seconds(first->startNs) == Approx(0).margin(0.04));
    CHECK(seconds(first->endNs) == Approx(0.1).margin(0.04));
}

TEST_CASE("A hanging coroutine test is stopped by its watchdog, which names the test",
          "[runtime][watchdog]")
{
    TraceRecorder recorder;
    EventLoop loop(Clock::Mode::Real, 1.0, &recorder);
    Watchdog watchdog([&loop] { loop.requestStop(); }, std::chrono::milliseconds(100));
    const auto main = runMain(loop, []() -> Co<void> { co_await sleep(3600); }());
    CHECK(watchdog.fired());
    CHECK(main.outcome() == Outcome::Cancelled);
    CHECK(watchdog.message().startsWith(QStringLiteral(
        "watchdog: 'A hanging coroutine test is stopped by its watchdog, which names the test' "
        "still running after 100 ms")));
}

TEST_CASE("The ready queue stays FIFO across its chunks, drained and filled again", "[runtime]")
{
    // A turn pops from the front while its items push to the back, across chunk ends (32767
    // items each), and the queue runs empty between rounds. Every item must come out in the
    // order it went in.
    ReadyQueue queue;
    std::vector<int> out;
    int next = 0;
    // Items are fake task pointers (even numbers): the queue only stores them.
    auto push = [&](int n) {
        for (int i = 0; i < n; ++i)
            queue.push(ReadyItem::step(reinterpret_cast<TaskCore *>(quintptr(2 * next++))));
    };
    auto pop = [&](int n) {
        for (int i = 0; i < n; ++i)
            out.push_back(int(quintptr(queue.pop().task()) / 2));
    };
    push(50);
    for (int round = 0; round < 40; ++round) {
        pop(30);
        push(30 + round * 7);
    }
    for (int round = 0; round < 6; ++round) {
        push(30'000 + round * 11'111); // chunk ends land anywhere
        pop(int(queue.size()) - round); // empty in round 0: the chunk starts over
    }
    pop(int(queue.size()));
    REQUIRE(queue.empty());
    REQUIRE(int(out.size()) == next);
    for (int i = 0; i < next; ++i)
        REQUIRE(out[std::size_t(i)] == i);
}

namespace {
Co<void> napFor(double seconds)
{
    co_await sleep(seconds);
}

Task<void> napTask(const QString &label)
{
    return createTask(napFor(0.5), label);
}

Co<void> gatherInRuns()
{
    Task<void> a1 = napTask(QStringLiteral("a1"));
    Task<void> a2 = napTask(QStringLiteral("a2"));
    Task<void> a3 = napTask(QStringLiteral("a3"));
    Task<void> other = napTask(QStringLiteral("other")); // between the runs, not gathered
    Task<void> b1 = napTask(QStringLiteral("b1"));
    Task<void> b2 = napTask(QStringLiteral("b2"));
    std::vector<Task<void>> children{a1, a2, a3, b1, b2, a1};
    co_await gather(std::move(children));
    co_await other;
}
} // namespace

TEST_CASE("gather links its waiter to every child in order, in runs or not", "[runtime]")
{
    // Links to consecutive units are stored in runs (TraceRecorder): what is read must still
    // be one flow per child, in the children's order, all when the gather starts waiting.
    const TraceData data = runTraced([] { return gatherInRuns(); });
    QStringList targets;
    for (const FlowLink &f : data.flows) {
        if (f.from != data.info.mainId || f.timeNs != 0)
            continue;
        const UnitRecord *u = data.unit(f.to);
        REQUIRE(u);
        targets << u->label;
    }
    CHECK(targets.join(QLatin1Char(' ')) == QStringLiteral("a1 a2 a3 b1 b2 a1"));
}
