// asyncio.as_completed: handle results in the order they finish.
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "sharedfetch.h"

namespace Loopscope {
namespace {

Co<void> main(ScenarioParams p)
{
    std::vector<Task<QString>> tasks = createFetches(p);
    auto completed = asCompleted(tasks); // for coro in asyncio.as_completed(tasks):
    while (completed.remaining() > 0) {
        const QString result = co_await completed.next(); // [next]
        print(QStringLiteral("got %1").arg(result));
    }
}

} // namespace

Scenario makeAsCompletedScenario()
{
    return {QStringLiteral("as_completed"),
            QStringLiteral("as_completed"),
            QStringLiteral("Limits and time"),
            QStringLiteral("asyncio.as_completed hands over each result as soon as its fetch "
                           "ends, whatever the order they were started in: fetch 2 (1 s), then "
                           "fetch 3 (2 s), then fetch 1 (3 s)."),
            fetchParams(3, 1, 2),
            main};
}

} // namespace Loopscope
