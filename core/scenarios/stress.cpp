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
        auto permit = co_await limit->acquire(); // [acquire]
        co_await sleep(delay); // [sleep-limited]
    } else {
        co_await sleep(delay); // [sleep]
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
    co_await gather(tasks); // [gather]
    print(QStringLiteral("%1 tasks done at %2").arg(count).arg(nowText()));
}

} // namespace

Scenario makeStressScenario()
{
    return {QStringLiteral("stress"),
            QStringLiteral("Many tasks"),
            QStringLiteral("Scale"),
            QStringLiteral("Up to 1 000 000 tasks with random delays on one thread, traced in "
                           "full. The run lasts about as long as the longest delay; with a limit, "
                           "a semaphore turns it into a queue and the lanes fill up in waves."),
            {{.name = QStringLiteral("tasks"), .label = QStringLiteral("Tasks"),
              .min = 1, .max = 1000000, .step = 1, .defaultValue = 1000,
              .help = QStringLiteral("How many tasks are created."), .logSlider = true},
             {.name = QStringLiteral("min_delay"), .label = QStringLiteral("Shortest delay"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = 0.1,
              .help = QStringLiteral("Delays are drawn uniformly from this...")},
             {.name = QStringLiteral("max_delay"), .label = QStringLiteral("Longest delay"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = 2,
              .help = QStringLiteral("...to this.")},
             {.name = QStringLiteral("seed"), .label = QStringLiteral("Seed"),
              .min = 0, .max = 1000000, .step = 1, .defaultValue = 1,
              .help = QStringLiteral("Random seed: the same seed gives the same delays.")},
             {.name = QStringLiteral("limit"), .label = QStringLiteral("Limit"),
              .min = 0, .max = 10000, .step = 1, .defaultValue = 0,
              .help = QStringLiteral("Semaphore permits (0: no semaphore).")}},
            main};
}

} // namespace Loopscope
