// Sequential execution: each await finishes before the next starts.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<QString> task(QString name, double delay)
{
    print(QStringLiteral("%1 starting at %2").arg(name, nowText()));
    co_await sleep(delay); // [sleep]
    print(QStringLiteral("%1 completed at %2").arg(name, nowText()));
    co_return name + QStringLiteral(" result");
}

Co<void> main(ScenarioParams p)
{
    // Sequential execution: each task waits for the one before it.
    for (int i = 1; i <= p.integer(QStringLiteral("tasks")); ++i) {
        const QString name = QStringLiteral("Task %1").arg(i);
        co_await task(name, p.value(QStringLiteral("delay"))).named(name); // [task]
    }
}

} // namespace

Scenario makeSequentialScenario()
{
    return {QStringLiteral("sequential"),
            QStringLiteral("Sequential awaits"),
            QStringLiteral("Basics"),
            QStringLiteral("main awaits three coroutines one after another. Each one sleeps, and "
                           "nothing else runs meanwhile: the bars form a staircase and the total "
                           "is the sum of the delays (6 s with the defaults)."),
            {{.name = QStringLiteral("tasks"), .label = QStringLiteral("Tasks"),
              .min = 1, .max = 10, .step = 1, .defaultValue = 3,
              .help = QStringLiteral("How many coroutines main awaits in a row.")},
             {.name = QStringLiteral("delay"), .label = QStringLiteral("Delay"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 2,
              .help = QStringLiteral("How long each coroutine sleeps.")}},
            main};
}

} // namespace Loopscope
