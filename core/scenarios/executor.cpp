// run_in_executor: blocking and CPU-bound work on a thread pool.
#include "runtime/executor.h"
#include "runtime/runtime.h"
#include "scenarioregistry.h"

namespace Loopscope {
namespace {

QString blockingIoOperation(QString filename, double seconds)
{
    // Simulates blocking I/O (a legacy library without async support): time.sleep(2).
    Executor::blockingSleep(Seconds(seconds));
    return QStringLiteral("Data from %1").arg(filename);
}

// sum(i * i for i in range(n)) reaches 3.3e20 at the default n: past 64 bits, within 128.
__extension__ typedef unsigned __int128 Sum;

QString decimal(Sum value)
{
    char digits[40];
    char *p = digits + sizeof digits;
    do {
        *--p = char('0' + int(value % 10));
        value /= 10;
    } while (value);
    return QString::fromLatin1(p, int(digits + sizeof digits - p));
}

QString cpuIntensiveTask(qint64 n)
{
    Sum total = 0;
    for (quint64 i = 0; i < quint64(n); ++i)
        total += Sum(i) * i;
    return decimal(total);
}

Co<void> main(ScenarioParams p)
{
    const double ioDuration = p.value(QStringLiteral("io_duration"));
    const qint64 cpuN = qint64(p.value(QStringLiteral("cpu_n")));
    Executor pool(p.integer(QStringLiteral("workers"))); // with ThreadPoolExecutor(max_workers=3)
    std::vector<Task<QString>> jobs;
    for (int i = 1; i <= p.integer(QStringLiteral("io_jobs")); ++i) {
        const QString file = QStringLiteral("file%1.txt").arg(i);
        jobs.push_back(pool.run(QStringLiteral("blocking_io_operation(%1)").arg(file),
                                [file, ioDuration] { return blockingIoOperation(file, ioDuration); }));
    }
    if (cpuN > 0)
        jobs.push_back(pool.run(QStringLiteral("cpu_intensive_task(%1)").arg(cpuN),
                                [cpuN] { return cpuIntensiveTask(cpuN); }));
    const auto results = co_await gather(jobs); // [gather]
    print(QStringLiteral("[") + QStringList(results.begin(), results.end()).join(QStringLiteral(", "))
          + QStringLiteral("]"));
}

} // namespace

Scenario makeExecutorScenario()
{
    return {QStringLiteral("executor"),
            QStringLiteral("Executor threads"),
            QStringLiteral("Threads"),
            QStringLiteral("Two blocking 2 s reads and one CPU-bound sum run on a pool of three "
                           "worker threads, so the event loop stays free. Worker lanes show which "
                           "job ran where; with fewer workers, jobs queue for a thread."),
            {{.name = QStringLiteral("workers"), .label = QStringLiteral("Workers"),
              .min = 1, .max = 8, .step = 1, .defaultValue = 3,
              .help = QStringLiteral("max_workers of the thread pool.")},
             {.name = QStringLiteral("io_jobs"), .label = QStringLiteral("Blocking jobs"),
              .min = 0, .max = 8, .step = 1, .defaultValue = 2,
              .help = QStringLiteral("How many blocking_io_operation calls.")},
             {.name = QStringLiteral("io_duration"), .label = QStringLiteral("Blocking time"),
              .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1, .defaultValue = 2,
              .help = QStringLiteral("How long each blocking call sleeps its thread.")},
             {.name = QStringLiteral("cpu_n"), .label = QStringLiteral("CPU job size"),
              .min = 0, .max = 200000000, .step = 1000000, .defaultValue = 10000000,
              .help = QStringLiteral("n of cpu_intensive_task (0: no CPU job).")}},
            main};
}

} // namespace Loopscope
