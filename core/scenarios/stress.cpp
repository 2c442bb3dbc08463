// Thousands of tasks on one thread: random delays, optionally through a semaphore.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

#include <memory>
#include <random>

namespace Loopscope {
namespace {

Co<void> work(double delay, Semaphore *limit)
{
    if (limit) {
        auto permit = co_await limit->acquire();
        co_await sleep(delay);
    } else {
        co_await sleep(delay);
    }
}

Co<void> main(ScenarioParams p)
{
    std::mt19937_64 random(quint64(p.integer(QStringLiteral("seed"))));
    const double lo = p.value(QStringLiteral("min_delay"));
    const double hi = std::max(lo, p.value(QStringLiteral("max_delay")));
    std::uniform_real_distribution<double> delay(lo, hi);
    std::unique_ptr<Semaphore> limit;
    if (p.integer(QStringLiteral("limit")) > 0)
        limit = std::make_unique<Semaphore>(p.integer(QStringLiteral("limit")));
    const int count = p.integer(QStringLiteral("tasks"));
    std::vector<Task<void>> tasks;
    tasks.reserve(std::size_t(count));
    for (int i = 1; i <= count; ++i)
        tasks.push_back(createTask(work(delay(random), limit.get()), QStringLiteral("task %1").arg(i)));
    co_await gather(tasks);
    print(QStringLiteral("%1 tasks done at %2").arg(count).arg(nowText()));
}

} // namespace

Scenario makeStressScenario()
{
    return {QStringLiteral("stress"),
            QStringLiteral("Many tasks"),
            QStringLiteral("Scale"),
            QStringLiteral("Up to 100 000 tasks with random delays on one thread, traced in full. "
                           "The run lasts about as long as the longest delay; with a limit, a "
                           "semaphore turns it into a queue and the lanes fill up in waves."),
            {{QStringLiteral("tasks"), QStringLiteral("Tasks"), QString(), 1, 100000, 1, 1000,
              QStringLiteral("How many tasks are created.")},
             {QStringLiteral("min_delay"), QStringLiteral("Shortest delay"), QStringLiteral("s"), 0,
              10, 0.1, 0.1, QStringLiteral("Delays are drawn uniformly from this...")},
             {QStringLiteral("max_delay"), QStringLiteral("Longest delay"), QStringLiteral("s"), 0,
              10, 0.1, 2, QStringLiteral("...to this.")},
             {QStringLiteral("seed"), QStringLiteral("Seed"), QString(), 0, 1000000, 1, 1,
              QStringLiteral("Random seed: the same seed gives the same delays.")},
             {QStringLiteral("limit"), QStringLiteral("Limit"), QString(), 0, 10000, 1, 0,
              QStringLiteral("Semaphore permits (0: no semaphore).")}},
            main};
}

} // namespace Loopscope
