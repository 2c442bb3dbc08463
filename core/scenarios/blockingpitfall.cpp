// The blocking pitfall: time.sleep in async code stops the whole loop.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<void> politeTask(QString name, double delay)
{
    print(QStringLiteral("%1 starting at %2").arg(name, nowText()));
    co_await sleep(delay); // yields to the loop while it waits [sleep]
    print(QStringLiteral("%1 completed at %2").arg(name, nowText()));
}

Co<void> blockingTask(QString name, double delay, double block)
{
    print(QStringLiteral("%1 starting at %2").arg(name, nowText()));
    co_await sleep(delay / 2); // [half-sleep]
    EventLoop::current()->blockLoop(Seconds(block)); // time.sleep(block): wrong in async code!
    print(QStringLiteral("%1 completed at %2").arg(name, nowText()));
}

Co<void> main(ScenarioParams p)
{
    const double delay = p.value(QStringLiteral("delay"));
    std::vector<Task<void>> tasks{
        createTask(politeTask(QStringLiteral("Task 1"), delay), QStringLiteral("Task 1")),
        createTask(politeTask(QStringLiteral("Task 2"), delay), QStringLiteral("Task 2")),
        createTask(blockingTask(QStringLiteral("Task 3"), delay, p.value(QStringLiteral("block"))),
                   QStringLiteral("Task 3")),
    };
    co_await gather(tasks); // [gather]
    print(QStringLiteral("Total time: %1").arg(nowText()));
}

} // namespace

Scenario makeBlockingPitfallScenario()
{
    return {QStringLiteral("blocking_pitfall"),
            QStringLiteral("Blocking the event loop"),
            QStringLiteral("Pitfalls"),
            QStringLiteral("Task 3 calls time.sleep instead of awaiting asyncio.sleep. While it "
                           "blocks, the loop cannot run anything: Tasks 1 and 2 finish their sleep "
                           "at 1 s but stay ready (hatched) until the loop is free, and the loop "
                           "lane shows the stall."),
            {{.name = QStringLiteral("delay"), .label = QStringLiteral("Sleep"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long each task awaits asyncio.sleep.")},
             {.name = QStringLiteral("block"), .label = QStringLiteral("Blocking time"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long Task 3 blocks the loop with time.sleep.")}},
            main};
}

} // namespace Loopscope
