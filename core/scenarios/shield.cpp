// asyncio.shield: a timeout gives up waiting, but the shielded save goes on.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<QString> save(double saveTime)
{
    co_await sleep(saveTime); // writing the file [sleep]
    print(QStringLiteral("saved at %1").arg(nowText()));
    co_return QStringLiteral("saved");
}

Co<void> main(ScenarioParams p)
{
    auto task = createTask(save(p.value(QStringLiteral("save_time"))), QStringLiteral("save"));
    try {
        co_await waitFor(shield(task), Seconds(p.value(QStringLiteral("timeout")))); // [wait-for]
    } catch (const TimeoutError &) {
        print(QStringLiteral("timed out at %1; the save goes on").arg(nowText()));
    }
    const QString result = co_await task; // [await-task]
    print(QStringLiteral("save finished: %1 at %2").arg(result, nowText()));
}

} // namespace

Scenario makeShieldScenario()
{
    return {QStringLiteral("shield"),
            QStringLiteral("shield"),
            QStringLiteral("Limits and time"),
            QStringLiteral("wait_for(shield(save()), timeout): at the timeout main stops waiting "
                           "and gets TimeoutError, but only the shield is cancelled; the save "
                           "itself runs on and completes, and main awaits it after."),
            {{.name = QStringLiteral("save_time"), .label = QStringLiteral("Save time"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 2,
              .help = QStringLiteral("How long save() takes.")},
             {.name = QStringLiteral("timeout"), .label = QStringLiteral("Timeout"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long main waits for it under wait_for.")}},
            main};
}

} // namespace Loopscope
