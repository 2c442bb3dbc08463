// asyncio.Event (the CPython documentation's example): waiters block until main sets it.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<void> waiter(Event *event)
{
    print(QStringLiteral("waiting for it ..."));
    co_await event->wait(); // [wait]
    print(QStringLiteral("... got it!"));
}

Co<void> main(ScenarioParams p)
{
    // Create an Event object.
    Event event;
    // Spawn Tasks to wait until 'event' is set.
    std::vector<Task<void>> tasks;
    for (int i = 1; i <= p.integer(QStringLiteral("waiters")); ++i)
        tasks.push_back(createTask(waiter(&event), QStringLiteral("waiter %1").arg(i)));
    // Sleep for `delay` and set the event.
    co_await sleep(p.value(QStringLiteral("delay"))); // [sleep]
    event.set();
    // Wait until the waiters are finished.
    co_await gather(tasks); // [gather]
}

} // namespace

Scenario makeEventScenario()
{
    return {QStringLiteral("event"),
            QStringLiteral("Event"),
            QStringLiteral("Coordination"),
            QStringLiteral("The asyncio documentation's Event example: the waiters block on "
                           "event.wait() (waiting, not queued: nobody takes a turn) until main "
                           "sets the event, which wakes them all at once."),
            {{.name = QStringLiteral("waiters"), .label = QStringLiteral("Waiters"),
              .min = 1, .max = 50, .step = 1, .defaultValue = 1,
              .help = QStringLiteral("How many tasks wait for the event.")},
             {.name = QStringLiteral("delay"), .label = QStringLiteral("Set after"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("When main sets the event.")}},
            main};
}

} // namespace Loopscope
