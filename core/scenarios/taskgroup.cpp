// asyncio.TaskGroup: the first error cancels the siblings still pending.
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
    std::vector<Task<int>> tasks;
    int processed = 0;
    try {
        TaskGroup tg; // async with asyncio.TaskGroup() as tg:
        for (int i = 1; i <= p.integer(QStringLiteral("items")); ++i) {
            const double delay = p.value(QStringLiteral("delay")) + p.value(QStringLiteral("stagger")) * (i - 1);
            tasks.push_back(tg.spawn(processItem(i, delay, p.integer(QStringLiteral("fail_item"))),
                                     QStringLiteral("item %1").arg(i)));
        }
        co_await tg.wait(); // the end of the async with block [task-group]
        processed = int(tasks.size());
    } catch (const ExceptionGroup &eg) {
        print(QStringLiteral("Errors occurred: ") + eg.errors().join(QStringLiteral("; ")));
    }
    print(QStringLiteral("Processed: %1 items").arg(processed));
}

} // namespace

Scenario makeTaskGroupScenario()
{
    return {QStringLiteral("taskgroup"),
            QStringLiteral("TaskGroup"),
            QStringLiteral("Coordination"),
            QStringLiteral("The same items in a TaskGroup. When item 5 fails, the group cancels "
                           "the items that are still pending and raises an ExceptionGroup. Items "
                           "that finished in the same loop turn keep their result, so with no "
                           "stagger only item 5 fails; add a stagger to see the later items "
                           "cancelled."),
            itemParams(false),
            main};
}

} // namespace Loopscope
