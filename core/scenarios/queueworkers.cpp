// asyncio.Queue with workers (the CPython documentation's example): random sleeps go into a
// queue, workers take them one by one, main joins the queue and then cancels the workers.
#include "pythonrandom.h"
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

Co<void> worker(QString name, Queue<double> *queue)
{
    for (;;) {
        // Get a "work item" out of the queue.
        const double sleepFor = co_await queue->get(); // [get]
        // Sleep for the "sleep_for" seconds.
        co_await sleep(sleepFor); // [sleep]
        // Notify the queue that the "work item" has been processed.
        queue->taskDone();
        print(QStringLiteral("%1 has slept for %2 seconds").arg(name).arg(sleepFor, 0, 'f', 2));
    }
}

Co<void> main(ScenarioParams p)
{
    // Create a queue that we will use to store our "workload" (maxsize 0: unbounded).
    Queue<double> queue(p.integer(QStringLiteral("maxsize")));
    // Create worker tasks to process the queue concurrently (before the puts: a bounded
    // queue needs them taking items, or main would wait on a full queue forever).
    std::vector<Task<void>> tasks;
    for (int i = 0; i < p.integer(QStringLiteral("workers")); ++i) {
        const QString name = QStringLiteral("worker-%1").arg(i);
        tasks.push_back(createTask(worker(name, &queue), name));
    }
    // Generate random timings and put them into the queue.
    PythonRandom random(quint64(p.integer(QStringLiteral("seed"))));
    const double produceEvery = p.value(QStringLiteral("produce_every"));
    double totalSleepTime = 0;
    for (int i = 0; i < p.integer(QStringLiteral("items")); ++i) {
        const double sleepFor =
            random.uniform(p.value(QStringLiteral("min_delay")), p.value(QStringLiteral("max_delay")));
        totalSleepTime += sleepFor;
        if (produceEvery > 0 && i > 0)
            co_await sleep(produceEvery); // [produce]
        co_await queue.put(sleepFor); // [put]
    }
    // Wait until the queue is fully processed.
    const double startedAt = double(EventLoop::current()->nowNs()) / 1e9;
    co_await queue.join(); // [join]
    const double totalSleptFor = double(EventLoop::current()->nowNs()) / 1e9 - startedAt;
    // Cancel our worker tasks and wait until they are cancelled.
    for (auto &task : tasks)
        task.cancel();
    co_await gatherResults(tasks); // [gather]
    print(QStringLiteral("===="));
    print(QStringLiteral("%1 workers slept in parallel for %2 seconds")
              .arg(tasks.size())
              .arg(totalSleptFor, 0, 'f', 2));
    print(QStringLiteral("total expected sleep time: %1 seconds").arg(totalSleepTime, 0, 'f', 2));
}

} // namespace

Scenario makeQueueWorkersScenario()
{
    return {QStringLiteral("queue_workers"),
            QStringLiteral("Queue with workers"),
            QStringLiteral("Coordination"),
            QStringLiteral("The asyncio documentation's Queue example: random sleeps are put in a "
                           "queue and three workers take them one at a time, queued on get while "
                           "it is empty. Main joins the queue, then cancels the workers. The queue "
                           "lanes show the items left and the workers waiting; with a maxsize, "
                           "main queues on put too."),
            {{.name = QStringLiteral("items"), .label = QStringLiteral("Items"),
              .min = 1, .max = 200, .step = 1, .defaultValue = 20,
              .help = QStringLiteral("How many sleeps are put in the queue.")},
             {.name = QStringLiteral("workers"), .label = QStringLiteral("Workers"),
              .min = 1, .max = 20, .step = 1, .defaultValue = 3,
              .help = QStringLiteral("How many worker tasks take items.")},
             {.name = QStringLiteral("min_delay"), .label = QStringLiteral("Shortest sleep"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.05,
              .defaultValue = 0.05, .help = QStringLiteral("Sleeps are drawn uniformly from this...")},
             {.name = QStringLiteral("max_delay"), .label = QStringLiteral("Longest sleep"),
              .unit = QStringLiteral("s"), .min = 0, .max = 10, .step = 0.05, .defaultValue = 1,
              .help = QStringLiteral("...to this (random.uniform).")},
             {.name = QStringLiteral("seed"), .label = QStringLiteral("Seed"),
              .min = 0, .max = 1000000, .step = 1, .defaultValue = 1,
              .help = QStringLiteral("random.seed: the same seed gives Python's same sleeps.")},
             {.name = QStringLiteral("maxsize"), .label = QStringLiteral("Queue maxsize"),
              .min = 0, .max = 100, .step = 1, .defaultValue = 0,
              .help = QStringLiteral("0: unbounded; a bound makes main queue on put.")},
             {.name = QStringLiteral("produce_every"), .label = QStringLiteral("Produce every"),
              .unit = QStringLiteral("s"), .min = 0, .max = 5, .step = 0.05, .defaultValue = 0,
              .help = QStringLiteral("0: all items put at once; else one item every this long.")}},
            main};
}

} // namespace Loopscope
