// asyncio.wait_for: give up after a timeout; the slow operation is cancelled.
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
        // Timeout after `timeout` seconds.
        const QString result = co_await waitFor( // [wait-for]
            slowOperation(p.value(QStringLiteral("duration"))).named(QStringLiteral("slow_operation")),
            Seconds(p.value(QStringLiteral("timeout"))));
        print(result);
    } catch (const TimeoutError &) {
        print(QStringLiteral("Operation timed out"));
    }
}

} // namespace

Scenario makeWaitForTimeoutScenario()
{
    return {QStringLiteral("wait_for_timeout"),
            QStringLiteral("wait_for with a timeout"),
            QStringLiteral("Limits and time"),
            QStringLiteral("wait_for runs slow_operation as a task of its own. At the deadline it "
                           "cancels that task (it ends timed out, its 10 s sleep withdrawn) and "
                           "raises TimeoutError in main. Make the timeout longer than the "
                           "operation to see it complete."),
            timeoutParams(),
            main};
}

} // namespace Loopscope
