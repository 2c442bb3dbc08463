// Semaphore rate limiting: only `limit` requests run at once.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<int> fetchWithLimit(QString url, Semaphore *semaphore, double delay)
{
    auto permit = co_await semaphore->acquire(); // async with semaphore: [acquire]
    print(QStringLiteral("Fetching %1").arg(url));
    co_await sleep(delay); // stands in for session.get(url) [sleep]
    print(QStringLiteral("Completed %1").arg(url));
    co_return 200;
}

Co<void> main(ScenarioParams p)
{
    Semaphore semaphore(p.integer(QStringLiteral("limit"))); // limit concurrent requests
    std::vector<Task<int>> tasks;
    for (int i = 1; i <= p.integer(QStringLiteral("requests")); ++i) {
        const QString url = QStringLiteral("https://httpbin.org/delay/1#%1").arg(i);
        tasks.push_back(createTask(fetchWithLimit(url, &semaphore, p.value(QStringLiteral("delay"))),
                                   QStringLiteral("req%1").arg(i)));
    }
    const auto results = co_await gather(tasks); // [gather]
    print(QStringLiteral("Fetched %1 URLs").arg(results.size()));
}

} // namespace

Scenario makeSemaphoreScenario()
{
    return {QStringLiteral("semaphore"),
            QStringLiteral("Semaphore rate limiting"),
            QStringLiteral("Limits and time"),
            QStringLiteral("Ten requests share a Semaphore(3): three run, the rest queue for a "
                           "permit in FIFO order. The timeline shows waves at 0, 1, 2 and 3 s, and "
                           "the semaphore lanes show permits in use and the queue shrinking."),
            {{.name = QStringLiteral("requests"), .label = QStringLiteral("Requests"),
              .min = 1, .max = 200, .step = 1, .defaultValue = 10,
              .help = QStringLiteral("How many requests are started.")},
             {.name = QStringLiteral("limit"), .label = QStringLiteral("Limit"),
              .min = 1, .max = 50, .step = 1, .defaultValue = 3,
              .help = QStringLiteral("Permits of the semaphore: requests running at once.")},
             {.name = QStringLiteral("delay"), .label = QStringLiteral("Request time"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long each request takes.")}},
            main};
}

} // namespace Loopscope
