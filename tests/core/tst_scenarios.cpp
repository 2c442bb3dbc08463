#include <catch2/catch.hpp>

#include "run/runcontroller.h"
#include "runmoment.h"
#include "runtimetest.h"
#include "scenariotest.h"
#include "scenarios/scenariocodemap.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

TraceData traceOf(TraceRecorder &recorder)
{
    TraceBuilder builder(&recorder);
    builder.update();
    return builder.take();
}

//! Units (main excluded) waiting (for a timer, a child, ...) at the end of the trace so far.
int waitingNow(const TraceData &data)
{
    int n = 0;
    for (const UnitRecord &u : data.units) {
        n += u.id != data.info.mainId && !u.intervals.empty()
            && u.intervals.back().state == UnitState::Waiting;
    }
    return n;
}

//! The most units (main excluded) in one of these states at the same time.
int mostAtOnce(const TraceData &data, std::initializer_list<UnitState> states)
{
    std::vector<std::pair<qint64, int>> edges;
    for (const UnitRecord &u : data.units) {
        if (u.id == data.info.mainId)
            continue;
        for (const StateInterval &i : u.intervals) {
            if (std::find(states.begin(), states.end(), i.state) != states.end()
                && i.endNs > i.startNs) {
                edges.push_back({i.startNs, 1});
                edges.push_back({i.endNs, -1});
            }
        }
    }
    std::sort(edges.begin(), edges.end()); // at a tie an end (-1) comes before a start
    int now = 0, most = 0;
    for (const auto &e : edges)
        most = std::max(most, now += e.second);
    return most;
}

int countOutcome(const TraceData &data, Outcome outcome)
{
    int n = 0;
    for (const UnitRecord &u : data.units)
        n += u.id != data.info.mainId && u.outcome == outcome;
    return n;
}

} // namespace

TEST_CASE("Every scenario runs to the end with the design's labels", "[scenarios]")
{
    struct Expect {
        const char *id;
        QStringList labels;
    };
    const Expect expects[] = {
        {"sequential", {QStringLiteral("Task 1"), QStringLiteral("Task 3")}},
        {"concurrent_tasks", {QStringLiteral("API-1"), QStringLiteral("API-3")}},
        {"gather_return_exceptions", {QStringLiteral("item 1"), QStringLiteral("item 7")}},
        {"taskgroup", {QStringLiteral("item 1"), QStringLiteral("item 7")}},
        {"semaphore", {QStringLiteral("req1"), QStringLiteral("req10")}},
        {"async_generator", {QStringLiteral("page 1"), QStringLiteral("page 5")}},
        {"wait_for_timeout", {QStringLiteral("slow_operation")}},
        {"timeout_context", {QStringLiteral("slow_operation")}},
        {"cancellation", {QStringLiteral("cancellable_task")}},
        {"blocking_pitfall", {QStringLiteral("Task 1"), QStringLiteral("Task 3")}},
        {"forgot_await", {QStringLiteral("get_data #1"), QStringLiteral("get_data #2")}},
        {"stress", {QStringLiteral("task 1"), QStringLiteral("task 1000")}},
        {"queue_workers", {QStringLiteral("worker-0"), QStringLiteral("worker-2")}},
        {"lock", {QStringLiteral("task 1"), QStringLiteral("task 4")}},
        {"event", {QStringLiteral("waiter 1")}},
        {"wait_first_completed", {QStringLiteral("fetch 1"), QStringLiteral("fetch 3")}},
        {"as_completed", {QStringLiteral("fetch 1"), QStringLiteral("fetch 3")}},
        {"shield", {QStringLiteral("save")}},
        {"to_thread", {QStringLiteral("blocking_io()")}},
    };
    REQUIRE(ScenarioRegistry::all().size() == 21);
    for (const Expect &e : expects) {
        INFO(e.id);
        const TraceData data = runScenario(QLatin1String(e.id));
        REQUIRE(data.unit(data.info.mainId));
        CHECK(data.unit(data.info.mainId)->outcome == Outcome::Completed);
        CHECK(data.info.finished);
        for (const QString &label : e.labels)
            CHECK(unitByLabel(data, label));
        for (const UnitRecord &u : data.units)
            CHECK(u.outcome != Outcome::None);
    }
    const Scenario *executor = ScenarioRegistry::find(QStringLiteral("executor"));
    REQUIRE(executor);
    CHECK_FALSE(executor->cppSource().isEmpty());
}

TEST_CASE("Parameters change the run as they would the Python program", "[scenarios]")
{
    SECTION("a stagger lets the TaskGroup cancel the later items")
    {
        const TraceData plain = runScenario(QStringLiteral("taskgroup"));
        CHECK(countOutcome(plain, Outcome::Cancelled) == 0);
        const TraceData staggered = runScenario(QStringLiteral("taskgroup"), {QStringLiteral("stagger=0.5")});
        CHECK(countOutcome(staggered, Outcome::Cancelled) == 2);
        CHECK(countOutcome(staggered, Outcome::Failed) == 1);
    }
    SECTION("return_exceptions=0 makes gather fail fast")
    {
        const TraceData data = runScenario(QStringLiteral("gather_return_exceptions"),
                                           {QStringLiteral("return_exceptions=0"),
                                            QStringLiteral("stagger=0.2")});
        CHECK(outputTexts(data).join(QLatin1Char('\n')).contains(QStringLiteral("gather raised ValueError")));
        // main returned at item 5's failure: asyncio.run cancels items 6 and 7
        CHECK(unitByLabel(data, QStringLiteral("item 7"))->outcome == Outcome::Cancelled);
        CHECK(seconds(data.unit(data.info.mainId)->endNs) == Approx(0.5 + 0.2 * 4));
    }
    SECTION("cpu_n=0 drops the CPU job")
    {
        const TraceData with = runScenario(QStringLiteral("executor"), {QStringLiteral("io_duration=0.1")},
                                           Clock::Mode::Real, 1.0);
        CHECK(unitByLabel(with, QStringLiteral("cpu_intensive_task(10000000)")));
        const TraceData without = runScenario(QStringLiteral("executor"),
                                              {QStringLiteral("cpu_n=0"), QStringLiteral("io_duration=0.1")},
                                              Clock::Mode::Real, 1.0);
        CHECK_FALSE(unitByLabel(without, QStringLiteral("cpu_intensive_task(10000000)")));
        CHECK(countOutcome(without, Outcome::Completed) == 2);
    }
    SECTION("a semaphore limit sets the waves")
    {
        const TraceData data = runScenario(QStringLiteral("semaphore"), {QStringLiteral("limit=5")});
        CHECK(seconds(data.info.totalNs) == Approx(2.0));
    }
    SECTION("a long timeout lets the operation complete")
    {
        const TraceData data = runScenario(QStringLiteral("wait_for_timeout"),
                                           {QStringLiteral("duration=1"), QStringLiteral("timeout=3")});
        CHECK(unitByLabel(data, QStringLiteral("slow_operation"))->outcome == Outcome::Completed);
        CHECK(outputTexts(data) == QStringList{QStringLiteral("Completed")});
    }
}

TEST_CASE("The rest of everyday asyncio gives the issue's totals", "[scenarios][everyday]")
{
    SECTION("lock: one task at a time, 2 s; without it 0.5 s and lost updates")
    {
        const TraceData locked = runScenario(QStringLiteral("lock"));
        CHECK(seconds(locked.info.totalNs) == Approx(2.0));
        CHECK(mostAtOnce(locked, {UnitState::Running, UnitState::Waiting}) == 1);
        CHECK(timeIn(*unitByLabel(locked, QStringLiteral("task 4")), UnitState::Queued)
              == Approx(1.5));
        CHECK(outputTexts(locked).contains(QStringLiteral("balance: 400 (expected 400)")));
        CHECK(counterMax(locked, QStringLiteral("lock held")) == 1);
        CHECK(counterMax(locked, QStringLiteral("lock queue")) == 3);
        // The lock lane: each task holds it in turn for hold seconds, never two at once.
        CHECK(holds(locked, QStringLiteral("lock"))
              == QStringList{QStringLiteral("task 1 0.00-0.50"), QStringLiteral("task 2 0.50-1.00"),
                             QStringLiteral("task 3 1.00-1.50"),
                             QStringLiteral("task 4 1.50-2.00")});
        const TraceData unlocked = runScenario(QStringLiteral("lock"), {QStringLiteral("use_lock=0")});
        CHECK(holds(unlocked, QStringLiteral("lock")).isEmpty());
        CHECK(seconds(unlocked.info.totalNs) == Approx(0.5));
        CHECK(mostAtOnce(unlocked, {UnitState::Running, UnitState::Waiting}) == 4);
        CHECK(outputTexts(unlocked).contains(QStringLiteral("balance: 100 (expected 400)")));
    }
    SECTION("event: 1 s, the waiter waiting (not queued)")
    {
        const TraceData data = runScenario(QStringLiteral("event"));
        CHECK(seconds(data.info.totalNs) == Approx(1.0));
        const UnitRecord *w = unitByLabel(data, QStringLiteral("waiter 1"));
        CHECK(timeIn(*w, UnitState::Waiting) == Approx(1.0));
        CHECK(outputTexts(data)
              == QStringList{QStringLiteral("waiting for it ..."), QStringLiteral("... got it!")});
    }
    SECTION("wait_first_completed: 1 s, fetch 2 and 3 cancelled")
    {
        const TraceData data = runScenario(QStringLiteral("wait_first_completed"));
        CHECK(seconds(data.info.totalNs) == Approx(1.0));
        CHECK(unitByLabel(data, QStringLiteral("fetch 1"))->outcome == Outcome::Completed);
        for (const char *label : {"fetch 2", "fetch 3"}) {
            const UnitRecord *u = unitByLabel(data, QLatin1String(label));
            CHECK(u->outcome == Outcome::Cancelled);
            CHECK(seconds(u->endNs) == Approx(1.0));
        }
    }
    SECTION("as_completed: 3 s, fetch 2, 3, 1 in that order")
    {
        const TraceData data = runScenario(QStringLiteral("as_completed"));
        CHECK(seconds(data.info.totalNs) == Approx(3.0));
        CHECK(outputTexts(data)
              == QStringList{QStringLiteral("got fetch 2"), QStringLiteral("got fetch 3"),
                             QStringLiteral("got fetch 1")});
    }
    SECTION("shield: 2 s, main times out at 1 s, save completes at 2 s")
    {
        const TraceData data = runScenario(QStringLiteral("shield"));
        CHECK(seconds(data.info.totalNs) == Approx(2.0));
        const UnitRecord *save = unitByLabel(data, QStringLiteral("save"));
        CHECK(save->outcome == Outcome::Completed);
        CHECK(seconds(save->endNs) == Approx(2.0));
        REQUIRE(!data.output.empty());
        CHECK(data.output.front().text == QStringLiteral("timed out at 1.00 s; the save goes on"));
    }
    SECTION("to_thread: 1 s with one executor unit")
    {
        const TraceData data = runScenario(QStringLiteral("to_thread"));
        // virtual time runs on while the worker starts up (microseconds of real time)
        CHECK(seconds(data.info.totalNs) == Approx(1.0).margin(0.05));
        int executorUnits = 0;
        for (const UnitRecord &u : data.units)
            executorUnits += u.kind == UnitKind::Executor;
        CHECK(executorUnits == 1);
        CHECK(unitByLabel(data, QStringLiteral("blocking_io()"))->outcome == Outcome::Completed);
    }
    SECTION("queue_workers: the workers cancelled at the end; a bound makes main queue on put")
    {
        const TraceData data = runScenario(QStringLiteral("queue_workers"));
        CHECK(countOutcome(data, Outcome::Cancelled) == 3);
        for (const UnitRecord &u : data.units) {
            if (u.id != data.info.mainId)
                CHECK(u.endNs == data.unit(data.info.mainId)->endNs);
        }
        CHECK(timeIn(*data.unit(data.info.mainId), UnitState::Queued) == Approx(0.0));
        // 20 put at t = 0 and three taken in that same instant: the lane starts at 17
        CHECK(counterMax(data, QStringLiteral("queue items")) == 17);
        const QStringList out = outputTexts(data);
        CHECK(out.size() == 23);
        CHECK(out.last() == QStringLiteral("total expected sleep time: 10.32 seconds")); // CPython's
        const TraceData bounded = runScenario(QStringLiteral("queue_workers"), {QStringLiteral("maxsize=2")});
        CHECK(countOutcome(bounded, Outcome::Cancelled) == 3);
        CHECK(timeIn(*bounded.unit(bounded.info.mainId), UnitState::Queued) > 0.5);
        CHECK(counterMax(bounded, QStringLiteral("queue items")) == 2);
        CHECK(counterMax(bounded, QStringLiteral("queue putters")) == 1);
    }
}

TEST_CASE("Every scenario reads only the parameters it declares", "[scenarios][params]")
{
    // A misspelt name in a scenario's code throws KeyError from ScenarioParams::value, which
    // fails its main (or the task that asked): run each with its defaults and look for it.
    for (const Scenario &scenario : ScenarioRegistry::all()) {
        INFO(scenario.id.toStdString());
        const TraceData data = runScenario(scenario.id);
        const UnitRecord *main = data.unit(data.info.mainId);
        REQUIRE(main);
        for (const UnitRecord &u : data.units) {
            INFO(u.label.toStdString() << ": " << u.error.toStdString());
            CHECK_FALSE(u.error.contains(QStringLiteral("KeyError")));
        }
        INFO(main->error.toStdString());
        CHECK(main->outcome == Outcome::Completed);
    }
}

TEST_CASE("Parameter values are resolved against the specs in one place", "[scenarios][params]")
{
    const Scenario *semaphore = ScenarioRegistry::find(QStringLiteral("semaphore"));
    REQUIRE(semaphore);
    ScenarioParams out;
    QString error;
    const auto resolveText = [&](const QStringList &assignments) {
        error.clear();
        return semaphore->resolve(assignments, &out, &error);
    };

    SECTION("what is left out gets its default, in the declared order")
    {
        REQUIRE(resolveText({QStringLiteral("delay=0.5"), QStringLiteral("limit=4")}));
        const std::vector<std::pair<QString, double>> expected{
            {QStringLiteral("requests"), 10}, {QStringLiteral("limit"), 4},
            {QStringLiteral("delay"), 0.5}};
        CHECK(out.values() == expected);
        REQUIRE(resolveText({QStringLiteral("limit=4"), QStringLiteral("limit=6")}));
        CHECK(out.value(QStringLiteral("limit")) == 6);
    }
    SECTION("bad text is one line naming the problem")
    {
        const std::pair<QString, const char *> cases[] = {
            {QStringLiteral("limt=3"),
             "unknown parameter 'limt' for scenario 'semaphore' (known: requests, limit, delay)"},
            {QStringLiteral("limit"), "'limit' is not NAME=VALUE"},
            {QStringLiteral("=3"), "'=3' is not NAME=VALUE"},
            {QStringLiteral("limit=abc"), "limit=abc is not a number"},
            {QStringLiteral("limit=0"), "limit=0 is out of range: limit takes 1 to 50"},
            {QStringLiteral("delay=11"), "delay=11 is out of range: delay takes 0.1 to 10 s"},
            {QStringLiteral("limit=inf"), "limit=inf is out of range"},
            {QStringLiteral("limit=2.5"), "limit=2.5 must be a whole number"},
        };
        for (const auto &[text, message] : cases) {
            CHECK_FALSE(resolveText({text}));
            INFO(text.toStdString() << " -> " << error.toStdString());
            CHECK(error.startsWith(QLatin1String(message)));
            CHECK_FALSE(error.contains(QLatin1Char('\n')));
        }
    }
    SECTION("values from elsewhere: Fail says why, UseDefault keeps the default")
    {
        const ScenarioParams given({{QStringLiteral("limit"), 99.0},
                                    {QStringLiteral("requests"), 20.0},
                                    {QStringLiteral("gone"), 1.0},
                                    {QStringLiteral("delay"), 0.25}});
        CHECK_FALSE(semaphore->resolve(given, &out, &error));
        CHECK(error == QStringLiteral("limit=99 is out of range: limit takes 1 to 50"));
        REQUIRE(semaphore->resolve(given, &out, nullptr, Scenario::OnInvalid::UseDefault));
        const std::vector<std::pair<QString, double>> expected{
            {QStringLiteral("requests"), 20}, {QStringLiteral("limit"), 3},
            {QStringLiteral("delay"), 0.25}};
        CHECK(out.values() == expected);
    }
    SECTION("a scenario asking for a name it does not declare gets KeyError")
    {
        const ScenarioParams defaults = semaphore->defaults();
        CHECK(defaults.integer(QStringLiteral("limit")) == 3);
        try {
            defaults.value(QStringLiteral("limt"));
            FAIL("no KeyError");
        } catch (const ScenarioError &e) {
            CHECK(e.type() == QStringLiteral("KeyError"));
            CHECK(e.message().contains(QStringLiteral("'limt'")));
        }
    }
}

TEST_CASE("The executor's CPU job prints Python's exact sum of squares", "[scenarios]")
{
    // sum(i * i for i in range(n)): small, and past 64 bits at the default n (no wrap-around).
    const std::pair<const char *, std::string> cases[] = {
        {"cpu_n=4", "[14]"},
        {"cpu_n=10000000", "[333333283333335000000]"},
    };
    for (const auto &[assignment, printed] : cases) {
        INFO(assignment);
        const TraceData data = runScenario(
            QStringLiteral("executor"), {QStringLiteral("io_jobs=0"), QLatin1String(assignment)});
        CHECK(outputTexts(data).join(QLatin1Char('\n')).toStdString() == printed);
    }
}

TEST_CASE("Stress takes 100 000 tasks", "[scenarios][stress]")
{
    const TraceData data = runScenario(QStringLiteral("stress"),
                                       {QStringLiteral("tasks=100000"), QStringLiteral("limit=1000")});
    CHECK(countOutcome(data, Outcome::Completed) == 100000);
}

TEST_CASE("Stress takes up to a million tasks", "[scenarios][stress]")
{
    // Only resolved here: the 1e6 run itself is the render benchmark's (loopscope-bench render).
    const Scenario *stress = ScenarioRegistry::find(QStringLiteral("stress"));
    REQUIRE(stress);
    ScenarioParams params;
    QString error;
    REQUIRE(stress->resolve(QStringList{QStringLiteral("tasks=1000000")}, &params, &error));
    CHECK(params.integer(QStringLiteral("tasks")) == 1000000);
    CHECK_FALSE(stress->resolve(QStringList{QStringLiteral("tasks=1000001")}, &params, &error));
    CHECK(error.contains(QStringLiteral("1000000")));
}

TEST_CASE("The runner stops a run mid-way and starts the next at once", "[scenarios][runner]")
{
    RunController runner;
    QSignalSpy finished(&runner, &RunController::finished);
    ScenarioRunner::Options options;
    options.scenario = QStringLiteral("semaphore");
    options.params = ScenarioRegistry::find(options.scenario)->defaults();
    // Ten times slower than real time: the first wave ends 10 s after the start, far beyond
    // anything a loaded machine adds before the stop below arrives.
    options.clock = Clock::Mode::Real;
    options.timeScale = 10.0;
    QString error;
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    // Under way: the first wave holds its permits.
    REQUIRE(QTest::qWaitFor([&] { return waitingNow(runner.data()) >= 3; }, 20000));
    CHECK(runner.isRunning());
    runner.stop();
    REQUIRE(finished.wait(20000));
    const TraceData stopped = runner.data();
    CHECK(seconds(stopped.info.totalNs) < 1.0);
    int ended = 0;
    for (const UnitRecord &u : stopped.units) {
        CHECK(u.outcome != Outcome::None);
        ended += u.outcome == Outcome::Cancelled;
    }
    CHECK(ended == int(stopped.units.size())); // main and every request

    // Re-run at once, while another run is going: the first is stopped and replaced.
    options.clock = Clock::Mode::Real;
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    options.clock = Clock::Mode::Virtual;
    options.timeScale = 1.0;
    options.params.set(QStringLiteral("limit"), 10);
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    REQUIRE(finished.wait(20000));
    const TraceData second = runner.data();
    CHECK(second.info.params == options.params.values());
    CHECK(seconds(second.info.totalNs) == Approx(1.0));
}

TEST_CASE("The runner holds the data still for a reader and ends the run after it",
          "[scenarios][runner]")
{
    RunController runner;
    QSignalSpy finished(&runner, &RunController::finished);
    ScenarioRunner::Options options;
    options.scenario = QStringLiteral("sequential");
    options.params = ScenarioRegistry::find(options.scenario)->defaults();
    options.clock = Clock::Mode::Virtual;
    QString error;
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    RunController::DataHold hold = runner.holdData();
    REQUIRE(hold.get() == &runner.data());
    CHECK(runner.isHeld());
    QSignalSpy ended(runner.source(), &RunSource::ended);
    REQUIRE(ended.wait(20000));
    // The source is done and its events wait in the recorder: nothing of them is applied, and
    // the run does not end while the data is held.
    QCoreApplication::processEvents();
    CHECK_FALSE(runner.update());
    CHECK(runner.data().units.empty());
    CHECK(finished.isEmpty());
    CHECK(runner.isRunning());

    // A hold of a run replaced meanwhile would keep that run's data alive; letting go of this
    // one lets the pump apply everything, then the run ends.
    hold.reset();
    CHECK_FALSE(runner.isHeld());
    REQUIRE(finished.wait(20000));
    CHECK(runner.data().info.finished);
    CHECK(runner.data().units.size() == 4); // main and Task 1..3
    CHECK(seconds(runner.data().info.totalNs) == Approx(6.0));
}

TEST_CASE("The runner refuses bad options with one line", "[scenarios][runner]")
{
    RunController runner;
    QString error;
    ScenarioRunner::Options options;
    options.scenario = QStringLiteral("nope");
    CHECK_FALSE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    CHECK(error.contains(QStringLiteral("unknown scenario 'nope'")));
    options.scenario = QStringLiteral("semaphore");
    options.timeScale = 1000;
    CHECK_FALSE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    CHECK(error.contains(QStringLiteral("time scale")));
    options.timeScale = 1;
    options.params.set(QStringLiteral("limit"), 99);
    CHECK_FALSE(runner.start(std::make_unique<ScenarioRunner>(options), &error));
    CHECK(error.contains(QStringLiteral("limit=99 is out of range")));
    CHECK_FALSE(runner.isRunning());
}

TEST_CASE("Starting a new run never waits for one that blocks its loop", "[scenarios][runner]")
{
    RunController runner;
    QSignalSpy finished(&runner, &RunController::finished);
    ScenarioRunner::Options blocking;
    blocking.scenario = QStringLiteral("blocking_pitfall");
    blocking.params = ScenarioRegistry::find(blocking.scenario)->defaults();
    blocking.params.set(QStringLiteral("block"), 3); // Task 3 blocks the loop 3 s from 0.5 s
    blocking.clock = Clock::Mode::Real;
    QString error;
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(blocking), &error));
    const std::shared_ptr<TraceRecorder> old = runner.recorder();
    // The loop is blocked once Task 3 runs again after its sleep.
    REQUIRE(QTest::qWaitFor(
        [&] {
            const UnitRecord *t3 = unitByLabel(runner.data(), QStringLiteral("Task 3"));
            return t3 && t3->intervals.size() >= 3
                && t3->intervals.back().state == UnitState::Running;
        },
        20000));
    ScenarioRunner::Options next;
    next.scenario = QStringLiteral("sequential");
    next.params = ScenarioRegistry::find(next.scenario)->defaults();
    next.clock = Clock::Mode::Virtual;
    QSignalSpy lines(&runner, &RunController::outputLine);
    REQUIRE(runner.start(std::make_unique<ScenarioRunner>(next), &error));
    // start() returned while the old loop is still blocked: its blocking task has not ended.
    CHECK(unitByLabel(traceOf(*old), QStringLiteral("Task 3"))->outcome == Outcome::None);
    REQUIRE(finished.wait(20000));
    CHECK(runner.data().info.scenario == QStringLiteral("sequential"));

    // The old run ends on its own once its block is over ("Task 3 completed ..." is printed
    // then); every line it posted before its main ended is delivered by processEvents().
    REQUIRE(QTest::qWaitFor(
        [&] {
            const TraceData data = traceOf(*old);
            return data.unit(data.info.mainId)->outcome != Outcome::None;
        },
        20000));
    QCoreApplication::processEvents();
    // Only sequential's own six lines: those of the replaced run stop at the switch.
    QStringList delivered;
    for (const auto &args : lines)
        delivered << args.at(1).toString();
    CHECK(delivered.size() == 6);
    CHECK(delivered.join(QLatin1Char('\n')).toStdString()
          == outputTexts(runner.data()).join(QLatin1Char('\n')).toStdString());
}

TEST_CASE("The run controller owns a run's info and live edge", "[scenarios][runner]")
{
    RunController run;
    QSignalSpy finished(&run, &RunController::finished);
    ScenarioRunner::Options options;
    options.scenario = QStringLiteral("wait_for_timeout");
    options.params.set(QStringLiteral("timeout"), 1.5);
    options.clock = Clock::Mode::Virtual;
    QString error;
    REQUIRE(run.start(std::make_unique<ScenarioRunner>(options), &error));
    // Known from the start: what runs and how, with the defaults filled in.
    CHECK(run.data().info.scenario == QStringLiteral("wait_for_timeout"));
    CHECK(run.data().info.clock == QStringLiteral("virtual"));
    CHECK(run.data().info.params.size() == 2);
    CHECK_FALSE(run.data().info.finished);
    REQUIRE(finished.wait(10000));
    const TraceData &data = run.data();
    REQUIRE(data.info.finished);
    const UnitRecord *main = data.unit(data.info.mainId);
    REQUIRE(main);
    // totalNs is the loop's end (asyncio.run returned), never before main's end.
    CHECK(data.info.totalNs >= main->endNs);
    CHECK(seconds(data.info.totalNs) == Approx(1.5));
    CHECK(run.liveEdgeNs() == data.info.totalNs);
    CHECK(data.info.params == std::vector<std::pair<QString, double>>{
                                  {QStringLiteral("duration"), 10}, {QStringLiteral("timeout"), 1.5}});
}

TEST_CASE("Every scenario shows its C++ and its Python equivalent", "[scenarios]")
{
    for (const Scenario &scenario : ScenarioRegistry::all()) {
        INFO(scenario.id.toStdString());
        const QString cpp = scenario.cppSource();
        const QString python = scenario.pythonSource();
        CHECK(cpp.contains(QStringLiteral("namespace Loopscope")));
        CHECK(python.contains(QStringLiteral("asyncio")));
    }
}

TEST_CASE("Every co_await of a scenario has its line in the Python equivalent", "[scenarios][code]")
{
    for (const Scenario &scenario : ScenarioRegistry::all()) {
        INFO(scenario.id.toStdString());
        const ScenarioCodeMap map(scenario);
        REQUIRE(map.cppFiles().value(0) == scenario.cppFile());
        for (const QString &file : map.cppFiles()) {
            const QStringList lines = Scenario::codeResource(file).split(QLatin1Char('\n'));
            REQUIRE(lines.size() > 1);
            for (int i = 0; i < lines.size(); ++i) {
                if (!lines[i].contains(QLatin1String("co_await"))
                    || lines[i].trimmed().startsWith(QLatin1String("//")))
                    continue;
                INFO(file.toStdString() << ":" << i + 1 << ": " << lines[i].toStdString());
                const QString tag = map.cppTag(file, i + 1);
                CHECK_FALSE(tag.isEmpty());
                CHECK(map.pythonLineOf(tag) > 0);
            }
        }
        // A tag names one Python line.
        QStringList seen;
        for (const QString &line : scenario.pythonSource().split(QLatin1Char('\n'))) {
            for (const QString &tag : ScenarioCodeMap::tagsOf(line)) {
                INFO("tag " << tag.toStdString());
                CHECK_FALSE(seen.contains(tag));
                seen << tag;
            }
        }
    }
}

TEST_CASE("A code tag closes a comment", "[scenarios][code]")
{
    CHECK(ScenarioCodeMap::tagsOf(u"    co_await sleep(delay); // simulates I/O [sleep]")
          == QStringList{QStringLiteral("sleep")});
    CHECK(ScenarioCodeMap::tagsOf(u"    await asyncio.gather(a, b)  # both [gather, sleep-2] ")
          == QStringList{QStringLiteral("gather"), QStringLiteral("sleep-2")});
    CHECK(ScenarioCodeMap::tagsOf(u"    x = tasks[i]").isEmpty());         // no comment
    CHECK(ScenarioCodeMap::tagsOf(u"    # [sleep] is a tag, then text").isEmpty()); // not last
}

TEST_CASE("Every place a scenario waits at is a line of its code with a Python match",
          "[scenarios][code]")
{
    for (const Scenario &scenario : ScenarioRegistry::all()) {
        INFO(scenario.id.toStdString());
        const ScenarioCodeMap map(scenario);
        const QStringList small{QStringLiteral("tasks=20"), QStringLiteral("limit=5")};
        const TraceData data =
            runScenario(scenario.id, scenario.id == QLatin1String("stress") ? small : QStringList());
        int places = 0;
        for (const UnitRecord &u : data.units) {
            for (const StateInterval &iv : u.intervals) {
                QString file;
                int line = 0;
                // A wait inside the runtime's own code (toThread's job) is asyncio's business, as
                // in Python: no line of the scenario to show.
                if (!RunMoment::splitPlace(data.placeOf(iv), &file, &line)
                    || (!map.cppFiles().contains(file)
                        && QFile::exists(sourcePath(QStringLiteral("core/runtime/") + file))))
                    continue;
                INFO(u.label.toStdString() << " " << unitStateName(iv.state) << " at "
                                           << data.placeOf(iv).toStdString());
                CHECK(map.cppFiles().contains(file));
                CHECK(map.pythonLine(file, line) > 0);
                ++places;
            }
        }
        CHECK(places > 0);
    }
}
