// loopscope-bench WORKLOAD N [--no-trace]: one workload on the real clock, one JSON line out.
// The same workloads live in peers/asyncio_bench.py and peers/node_bench.mjs; run.sh compares.

#include "environment.h"
#include "runtime/runtime.h"
#include "runnerbench.h"
#ifdef LOOPSCOPE_BENCH_HAS_UI
#include "guilagbench.h"
#include "openbench.h"
#include "renderbench.h"
#endif

#include <QCoreApplication>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Loopscope::Bench {

namespace {

// --- Measurements ---

double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

//! Resident set size now, from /proc/self/statm (bytes).
double currentRssBytes()
{
    std::ifstream statm("/proc/self/statm");
    long long pages = 0;
    long long resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE));
}

//! Peak resident set size of the process so far (bytes).
double peakRssBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) * 1024.0; // kilobytes on Linux
}

// --- Workloads ---

Co<void> yieldOnce()
{
    co_await sleep(0);
}

Co<void> sleepFor(double seconds)
{
    co_await cancelPassesThrough(); // timeout_cancel: its cancellation is not thrown
    co_await sleep(seconds);
}

Co<void> spawnGather(int n)
{
    std::vector<Task<void>> tasks;
    tasks.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        tasks.push_back(createTask(yieldOnce()));
    co_await gather(std::move(tasks));
}

Co<void> sleepGather(int n)
{
    std::vector<Task<void>> tasks;
    tasks.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        tasks.push_back(createTask(sleepFor(0.1)));
    co_await gather(std::move(tasks));
}

struct Occupancy {
    int inside = 0;
    int greatest = 0;
};

Co<void> holdPermit(Semaphore *semaphore, Occupancy *occupancy)
{
    auto permit = co_await semaphore->acquire();
    occupancy->greatest = std::max(occupancy->greatest, ++occupancy->inside);
    co_await sleep(0);
    --occupancy->inside;
}

Co<void> semaphoreRun(int n, Occupancy *occupancy)
{
    Semaphore semaphore(100); // made here: it traces through the running loop
    std::vector<Task<void>> tasks;
    tasks.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        tasks.push_back(createTask(holdPermit(&semaphore, occupancy)));
    co_await gather(std::move(tasks));
}

Co<void> timeOutOnce(int *timedOut)
{
    try {
        co_await waitFor(sleepFor(10.0), Seconds(0.05));
    } catch (const TimeoutError &) {
        ++*timedOut;
    }
}

Co<void> timeoutCancel(int n, int *timedOut)
{
    std::vector<Task<void>> tasks;
    tasks.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        tasks.push_back(createTask(timeOutOnce(timedOut)));
    co_await gather(std::move(tasks));
}

Co<int> valueOf(int i)
{
    co_return i;
}

Co<void> chain(int n, long long *sum)
{
    for (int i = 0; i < n; ++i)
        *sum += co_await valueOf(i);
}

struct Workload {
    const char *name;
    double idealSeconds;
};

constexpr Workload Workloads[] = {
    {"spawn_gather", 0.0}, {"sleep_gather", 0.1}, {"semaphore", 0.0},
    {"timeout_cancel", 0.05}, {"chain", 0.0},
};

int usage(const char *argv0)
{
    std::fprintf(stderr,
                 "usage: %s WORKLOAD N [--no-trace]\n"
                 "       %s open N FILE | make_trace N FILE\n"
                 "workloads: spawn_gather sleep_gather semaphore timeout_cancel chain render\n"
                 "           gui_lag gui_lag_program virtual_executor runner_restart\n",
                 argv0, argv0);
    return 2;
}

} // namespace

int run(int argc, char **argv)
{
    if (argc < 3)
        return usage(argv[0]);
    const std::string name = argv[1];
    char *end = nullptr;
    const double nValue = std::strtod(argv[2], &end); // accepts 1e6
    if (end == argv[2] || *end != '\0' || nValue < 1 || nValue > 1e8)
        return usage(argv[0]);
    const int n = int(nValue);
    if ((name == "open" || name == "make_trace") && argc == 4) {
#ifdef LOOPSCOPE_BENCH_HAS_UI
        if (name == "make_trace")
            return runMakeTrace(argc, argv, n, argv[3]);
        return runOpen(argc, argv, n, argv[3]);
#else
        std::fprintf(stderr, "open: this build has no timeline painter (LOOPSCOPE_BUILD_UI=OFF)\n");
        return 2;
#endif
    }
    bool tracing = true;
    for (int i = 3; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-trace") == 0)
            tracing = false;
        else
            return usage(argv[0]);
    }
    if (name == "virtual_executor")
        return runVirtualExecutor(argc, argv, n);
    if (name == "runner_restart")
        return runRunnerRestart(argc, argv, n);
    if (name == "gui_lag" || name == "gui_lag_program") {
#ifdef LOOPSCOPE_BENCH_HAS_UI
        return name == "gui_lag" ? runGuiLag(argc, argv, n) : runGuiLagProgram(argc, argv, n);
#else
        std::fprintf(stderr, "%s: this build has no GUI (LOOPSCOPE_BUILD_UI=OFF)\n", name.c_str());
        return 2;
#endif
    }
    if (name == "render") {
#ifdef LOOPSCOPE_BENCH_HAS_UI
        return runRender(argc, argv, n);
#else
        std::fprintf(stderr, "render: this build has no timeline painter (LOOPSCOPE_BUILD_UI=OFF)\n");
        return 2;
#endif
    }
    const Workload *workload = nullptr;
    for (const Workload &w : Workloads) {
        if (name == w.name)
            workload = &w;
    }
    if (!workload)
        return usage(argv[0]);

    QCoreApplication app(argc, argv);
    std::unique_ptr<TraceRecorder> recorder;
    if (tracing)
        recorder = std::make_unique<TraceRecorder>();

    Occupancy occupancy;
    int timedOut = 0;
    long long sum = 0;
    std::function<Co<void>()> makeMain;
    if (name == "spawn_gather")
        makeMain = [n] { return spawnGather(n); };
    else if (name == "sleep_gather")
        makeMain = [n] { return sleepGather(n); };
    else if (name == "semaphore")
        makeMain = [n, &occupancy] { return semaphoreRun(n, &occupancy); };
    else if (name == "timeout_cancel")
        makeMain = [n, &timedOut] { return timeoutCancel(n, &timedOut); };
    else
        makeMain = [n, &sum] { return chain(n, &sum); };

    double wall = 0;
    double cpu = 0;
    double rssBefore = 0;
    double peakRss = 0;
    std::exception_ptr error;
    {
        EventLoop loop(Clock::Mode::Real, 1.0, recorder.get());
        rssBefore = currentRssBytes();
        const double cpu0 = cpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        auto main = runMain(loop, makeMain());
        const auto t1 = std::chrono::steady_clock::now();
        cpu = cpuSeconds() - cpu0;
        wall = std::chrono::duration<double>(t1 - t0).count();
        peakRss = peakRssBytes();
        error = main.error();
    }
    if (error) {
        std::fprintf(stderr, "%s: main failed: %s\n", name.c_str(),
                     qPrintable(errorText(error)));
        return 1;
    }
    if (name == "semaphore" && occupancy.greatest != std::min(n, 100)) {
        std::fprintf(stderr, "semaphore: greatest concurrency %d, expected %d\n",
                     occupancy.greatest, std::min(n, 100));
        return 1;
    }
    if (name == "timeout_cancel" && timedOut != n) {
        std::fprintf(stderr, "timeout_cancel: %d of %d timed out\n", timedOut, n);
        return 1;
    }
    if (name == "chain" && sum != (long long)n * (n - 1) / 2) {
        std::fprintf(stderr, "chain: sum %lld, expected %lld\n", sum,
                     (long long)n * (n - 1) / 2);
        return 1;
    }

    std::printf("{\"peer\":\"loopscope\",\"workload\":\"%s\",\"n\":%d,\"trace\":%s,"
                "\"wall_s\":%.6f,\"cpu_s\":%.6f,\"peak_rss_mb\":%.2f,\"per_task_us\":%.4f,"
                "\"bytes_per_task\":%.1f}\n",
                workload->name, n, tracing ? "true" : "false", wall, cpu,
                peakRss / (1024.0 * 1024.0), (wall - workload->idealSeconds) / n * 1e6,
                std::max(0.0, peakRss - rssBefore) / n);
    return 0;
}

} // namespace Loopscope::Bench

int main(int argc, char **argv)
{
    Loopscope::prepareQtEnvironment();
    return Loopscope::Bench::run(argc, argv);
}
