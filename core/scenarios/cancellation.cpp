// Cancellation: a task is cancelled, its cleanup runs, and it re-raises.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<void> cancellableTask(double duration)
{
    try {
        co_await sleep(duration); // [sleep]
    } catch (const CancelledError &) {
        print(QStringLiteral("Task was cancelled, cleaning up..."));
        throw; // re-raise to propagate cancellation
    }
}

Co<void> main(ScenarioParams p)
{
    auto task = createTask(cancellableTask(p.value(QStringLiteral("duration"))),
                           QStringLiteral("cancellable_task"));
    co_await sleep(p.value(QStringLiteral("cancel_after"))); // [cancel-after]
    task.cancel();
    try {
        co_await task; // [await-task]
        print(QStringLiteral("The task finished before it was cancelled"));
    } catch (const CancelledError &) {
        print(QStringLiteral("main: the task is cancelled"));
    }
}

} // namespace

Scenario makeCancellationScenario()
{
    return {QStringLiteral("cancellation"),
            QStringLiteral("Cancellation and cleanup"),
            QStringLiteral("Pitfalls"),
            QStringLiteral("A task that would sleep 10 s is cancelled after 1 s. CancelledError is "
                           "raised at its await, its cleanup runs, and it re-raises. Its timer is "
                           "withdrawn, so the run ends at 1 s, not at 10 s."),
            {{.name = QStringLiteral("duration"), .label = QStringLiteral("Task duration"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 30, .step = 0.1, .defaultValue = 10,
              .help = QStringLiteral("How long the task would sleep.")},
             {.name = QStringLiteral("cancel_after"), .label = QStringLiteral("Cancel after"),
              .unit = QStringLiteral("s"), .min = 0, .max = 30, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("When main cancels it.")}},
            main};
}

} // namespace Loopscope
