// asyncio.gather with return_exceptions: errors come back as values.
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "sharedparamspecs.h"

namespace Loopscope {
namespace {

Co<int> processItem(int itemId, double delay, int failItem)
{
    co_await sleep(delay); // simulate processing [sleep]
    if (itemId == failItem)
        throw ScenarioError(QStringLiteral("ValueError"),
                            QStringLiteral("Failed to process item %1").arg(itemId));
    co_return itemId;
}

Co<void> main(ScenarioParams p)
{
    const int items = p.integer(QStringLiteral("items"));
    std::vector<Task<int>> tasks;
    for (int i = 1; i <= items; ++i) {
        const double delay = p.value(QStringLiteral("delay")) + p.value(QStringLiteral("stagger")) * (i - 1);
        tasks.push_back(createTask(processItem(i, delay, p.integer(QStringLiteral("fail_item"))),
                                   QStringLiteral("item %1").arg(i)));
    }
    if (p.boolean(QStringLiteral("return_exceptions"))) {
        const auto results = co_await gatherResults(tasks); // [gather]
        for (int i = 1; i <= items; ++i) {
            const auto &result = results[std::size_t(i - 1)];
            if (!result.ok())
                print(QStringLiteral("Item %1 failed: %2").arg(i).arg(result.errorText()));
            else
                print(QStringLiteral("Item %1: {'id': %2, 'status': 'processed'}").arg(i).arg(*result.value));
        }
    } else {
        try {
            co_await gather(tasks); // fail fast: the first error is raised here [gather-fail-fast]
        } catch (const ScenarioError &e) {
            print(QStringLiteral("gather raised %1: %2 (the other items keep running)").arg(e.type(), e.message()));
        }
    }
}

} // namespace

Scenario makeGatherReturnExceptionsScenario()
{
    return {QStringLiteral("gather_return_exceptions"),
            QStringLiteral("gather(return_exceptions=True)"),
            QStringLiteral("Coordination"),
            QStringLiteral("Seven items run as tasks; item 5 raises ValueError. With "
                           "return_exceptions the error comes back as a value and every other item "
                           "completes. Set return_exceptions to 0 to see gather fail fast: main "
                           "gets the error at once while the other items go on (then asyncio.run "
                           "cancels what is left when main returns)."),
            itemParams(true),
            main};
}

} // namespace Loopscope
