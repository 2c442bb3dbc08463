// Speed claims that used to be wall-clock bounds in unit tests: the virtual clock's executor
// jumps take no real time, and starting a run never waits for one that blocks its loop.

#include "runnerbench.h"

#include "run/runcontroller.h"
#include "runtime/executor.h"
#include "runtime/runtime.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"
#include "tracebuilder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace Loopscope::Bench {

int runVirtualExecutor(int argc, char **argv, int n)
{
    QCoreApplication app(argc, argv);
    TraceRecorder recorder;
    EventLoop loop(Clock::Mode::Virtual, 1.0, &recorder);
    QElapsedTimer wall;
    wall.start();
    auto main = runMain(loop, [](int n) -> Co<void> {
        Executor pool(2);
        std::vector<Task<void>> jobs;
        for (int i = 0; i < n; ++i)
            jobs.push_back(pool.run(QStringLiteral("job %1").arg(i + 1),
                                    [] { Executor::blockingSleep(Seconds(1)); }));
        co_await gather(jobs);
    }(n));
    const double wallS = double(wall.nsecsElapsed()) / 1e9;
    const double scenarioS = double(loop.nowNs()) / 1e9;
    const double expected = double((n + 1) / 2);
    const bool exact = scenarioS >= expected && scenarioS <= expected + 0.5;
    if (main.outcome() != Outcome::Completed || !exact) {
        std::fprintf(stderr, "virtual_executor: main %s, %.3f scenario s (expected %.0f)\n",
                     outcomeName(main.outcome()), scenarioS, expected);
        return 1;
    }
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"virtual_executor\",\"n\":%d,"
                "\"scenario_s\":%.3f,\"wall_s\":%.6f,\"speedup\":%.1f}\n",
                n, scenarioS, wallS, scenarioS / std::max(wallS, 1e-9));
    return 0;
}

int runRunnerRestart(int argc, char **argv, int n)
{
    QCoreApplication app(argc, argv);
    RunController runner;
    runner.setFrameInterval(0);
    std::vector<double> startMs;
    for (int rep = 0; rep < n; ++rep) {
        ScenarioRunner::Options blocking;
        blocking.scenario = QStringLiteral("blocking_pitfall");
        blocking.params = ScenarioRegistry::find(blocking.scenario)->defaults();
        blocking.params.set(QStringLiteral("block"), 2);
        blocking.clock = Clock::Mode::Real;
        if (!runner.start(std::make_unique<ScenarioRunner>(blocking)))
            return 1;
        // Until Task 3 blocks the loop (it runs again after its 0.5 s sleep).
        for (;;) {
            TraceBuilder builder(runner.recorder().get());
            builder.update();
            const TraceData data = builder.take();
            const auto blocked = std::any_of(data.units.begin(), data.units.end(), [](auto &u) {
                return u.label == QStringLiteral("Task 3") && u.intervals.size() >= 3
                    && u.intervals.back().state == UnitState::Running;
            });
            if (blocked)
                break;
            QCoreApplication::processEvents();
            QThread::msleep(5);
        }
        ScenarioRunner::Options next;
        next.scenario = QStringLiteral("sequential");
        next.params = ScenarioRegistry::find(next.scenario)->defaults();
        next.clock = Clock::Mode::Virtual;
        QElapsedTimer took;
        took.start();
        if (!runner.start(std::make_unique<ScenarioRunner>(next)))
            return 1;
        startMs.push_back(double(took.nsecsElapsed()) / 1e6);
        runner.wait();
    }
    std::sort(startMs.begin(), startMs.end());
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"runner_restart\",\"n\":%d,"
                "\"start_p50_ms\":%.3f,\"start_max_ms\":%.3f}\n",
                n, startMs[startMs.size() / 2], startMs.back());
    return 0;
}

} // namespace Loopscope::Bench
