// Concurrent execution with tasks: create_task schedules, gather waits for all.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<QString> fetchData(QString source, double delay)
{
    print(QStringLiteral("Fetching from %1...").arg(source));
    co_await sleep(delay); // simulates an I/O operation [sleep]
    co_return QStringLiteral("Data from %1").arg(source);
}

Co<void> main(ScenarioParams p)
{
    // Create tasks: they are scheduled now and start on the next loop turn.
    auto task1 = createTask(fetchData(QStringLiteral("API-1"), p.value(QStringLiteral("delay1"))),
                            QStringLiteral("API-1"));
    auto task2 = createTask(fetchData(QStringLiteral("API-2"), p.value(QStringLiteral("delay2"))),
                            QStringLiteral("API-2"));
    auto task3 = createTask(fetchData(QStringLiteral("API-3"), p.value(QStringLiteral("delay3"))),
                            QStringLiteral("API-3"));

    // Wait for all tasks to complete.
    std::vector<Task<QString>> tasks{task1, task2, task3};
    const std::vector<QString> results = co_await gather(tasks); // [gather]

    print(QStringLiteral("Results: ") + QStringList(results.begin(), results.end()).join(QStringLiteral(", ")));
    print(QStringLiteral("Total time: %1").arg(nowText())); // the longest delay, not the sum
}

} // namespace

Scenario makeConcurrentTasksScenario()
{
    auto delay = [](int i, double def) {
        return ParamSpec{
            .name = QStringLiteral("delay%1").arg(i),
            .label = QStringLiteral("API-%1 delay").arg(i),
            .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = def,
            .help = QStringLiteral("How long API-%1 takes to answer.").arg(i)};
    };
    return {QStringLiteral("concurrent_tasks"),
            QStringLiteral("Tasks and gather"),
            QStringLiteral("Basics"),
            QStringLiteral("Three tasks are created before main waits on any of them, so their "
                           "sleeps overlap. The run takes as long as the slowest task (3 s), not "
                           "the sum (6 s). main itself waits in gather the whole time."),
            {delay(1, 2), delay(2, 3), delay(3, 1)},
            main};
}

} // namespace Loopscope
