// asyncio.to_thread (the CPython documentation's example): a blocking call on a thread while
// the loop sleeps: together 1 s, not 2.
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

void blockingIo(double seconds)
{
    // time.sleep() can be replaced with any blocking I/O operation, such as a file read.
    Executor::blockingSleep(Seconds(seconds));
}

Co<void> asyncSleep(double seconds) { co_await sleep(seconds); } // [sleep]

Co<void> main(ScenarioParams p)
{
    print(QStringLiteral("started main at %1").arg(nowText()));
    std::vector<Task<void>> both{
        createTask(toThread(QStringLiteral("blocking_io()"), blockingIo,
                            p.value(QStringLiteral("block")))),
        createTask(asyncSleep(p.value(QStringLiteral("sleep"))))};
    co_await gather(both); // [gather]
    print(QStringLiteral("finished main at %1").arg(nowText()));
}

} // namespace

Scenario makeToThreadScenario()
{
    return {QStringLiteral("to_thread"),
            QStringLiteral("to_thread"),
            QStringLiteral("Threads"),
            QStringLiteral("asyncio.to_thread runs blocking_io() on a worker of the default "
                           "executor, so gather(to_thread(blocking_io), sleep(1)) takes 1 s, not "
                           "2: the loop sleeps while the thread blocks. The worker lane shows "
                           "the call."),
            {{.name = QStringLiteral("block"), .label = QStringLiteral("Blocking time"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long blocking_io() sleeps its thread.")},
             {.name = QStringLiteral("sleep"), .label = QStringLiteral("Async sleep"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 1,
              .help = QStringLiteral("How long asyncio.sleep takes beside it.")}},
            main};
}

} // namespace Loopscope
