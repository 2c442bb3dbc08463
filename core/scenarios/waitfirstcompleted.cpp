// asyncio.wait(..., return_when=FIRST_COMPLETED): use the first result, cancel the rest.
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "sharedfetch.h"

namespace Loopscope {
namespace {

Co<void> main(ScenarioParams p)
{
    std::vector<Task<QString>> tasks = createFetches(p);
    auto [done, pending] = co_await wait(tasks, ReturnWhen::FirstCompleted); // [wait]
    for (auto &task : done)
        print(QStringLiteral("first result: %1").arg(task.result()));
    for (auto &task : pending)
        task.cancel();
    co_await gatherResults(pending); // wait for the cancellations to land [gather]
    print(QStringLiteral("cancelled %1 pending").arg(pending.size()));
}

} // namespace

Scenario makeWaitFirstCompletedScenario()
{
    return {QStringLiteral("wait_first_completed"),
            QStringLiteral("wait: first completed"),
            QStringLiteral("Limits and time"),
            QStringLiteral("asyncio.wait with FIRST_COMPLETED returns as soon as one fetch is "
                           "done, with the others still pending: wait cancels nothing itself. "
                           "Main uses the first result and cancels the rest, which end "
                           "cancelled at that moment."),
            fetchParams(1, 2, 3),
            main};
}

} // namespace Loopscope
