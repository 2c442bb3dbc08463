// asyncio.Lock: an await inside a critical section, with and without the lock.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

#include <memory>

namespace Loopscope {
namespace {

Co<void> deposit(int *balance, Lock *lock, double hold)
{
    if (lock) {
        auto guard = co_await lock->acquire(); // async with lock: [lock]
        const int current = *balance;
        co_await sleep(hold); // an await inside the critical section [sleep-locked]
        *balance = current + 100;
    } else {
        const int current = *balance;
        co_await sleep(hold); // the others read the same balance meanwhile [sleep-unlocked]
        *balance = current + 100;
    }
}

Co<void> main(ScenarioParams p)
{
    int balance = 0;
    std::unique_ptr<Lock> lock;
    if (p.boolean(QStringLiteral("use_lock")))
        lock = std::make_unique<Lock>();
    const int count = p.integer(QStringLiteral("tasks"));
    std::vector<Task<void>> tasks;
    for (int i = 1; i <= count; ++i)
        tasks.push_back(createTask(deposit(&balance, lock.get(), p.value(QStringLiteral("hold"))),
                                   QStringLiteral("task %1").arg(i)));
    co_await gather(tasks); // [gather]
    print(QStringLiteral("balance: %1 (expected %2)").arg(balance).arg(100 * count));
}

} // namespace

Scenario makeLockScenario()
{
    return {QStringLiteral("lock"),
            QStringLiteral("Lock around a critical section"),
            QStringLiteral("Coordination"),
            QStringLiteral("Each task reads a shared balance, awaits, then writes it back plus "
                           "100. With the lock they take turns (the others queue for it) and the "
                           "balance is right; without it (use_lock 0) they all read 0, "
                           "interleave, and three deposits are lost."),
            {{.name = QStringLiteral("tasks"), .label = QStringLiteral("Tasks"),
              .min = 1, .max = 50, .step = 1, .defaultValue = 4,
              .help = QStringLiteral("How many tasks deposit 100 each.")},
             {.name = QStringLiteral("hold"), .label = QStringLiteral("Await inside"),
              .unit = QStringLiteral("s"), .min = 0, .max = 5, .step = 0.1, .defaultValue = 0.5,
              .help = QStringLiteral("How long each task awaits between its read and its write.")},
             {.name = QStringLiteral("use_lock"), .label = QStringLiteral("Use the lock"),
              .min = 0, .max = 1, .step = 1, .defaultValue = 1,
              .help = QStringLiteral("1: async with lock; 0: no lock, updates are lost.")}},
            main};
}

} // namespace Loopscope
