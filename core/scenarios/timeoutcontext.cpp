// asyncio.timeout (Python 3.11+): a deadline for a block of code.
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "sharedparamspecs.h"

namespace Loopscope {
namespace {

Co<QString> slowOperation(double duration)
{
    co_await sleep(duration); // [sleep]
    co_return QStringLiteral("Completed");
}

Co<void> main(ScenarioParams p)
{
    try {
        // async with asyncio.timeout(timeout): result = await slow_operation()
        const QString result = co_await timeout( // [timeout]
            Seconds(p.value(QStringLiteral("timeout"))),
            slowOperation(p.value(QStringLiteral("duration"))).named(QStringLiteral("slow_operation")));
        print(result);
    } catch (const TimeoutError &) {
        print(QStringLiteral("Operation timed out"));
    }
}

} // namespace

Scenario makeTimeoutContextScenario()
{
    return {QStringLiteral("timeout_context"),
            QStringLiteral("Timeout scope"),
            QStringLiteral("Limits and time"),
            QStringLiteral("The same deadline as a scope: slow_operation runs inline in main, no "
                           "extra task. At the deadline main itself is cancelled; the scope turns "
                           "that CancelledError into TimeoutError, and main goes on."),
            timeoutParams(),
            main};
}

} // namespace Loopscope
