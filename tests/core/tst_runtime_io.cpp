#include <catch2/catch.hpp>

#include "http/httpclient.h"
#include "http/localhttpserver.h"
#include "runtime/executor.h"
#include "runtimetest.h"

#include <atomic>
#include <set>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {
struct Page {
    int number = 0;
};

Gen<Page> fetchPages(int count, double delay)
{
    for (int page = 1; page <= count; ++page) {
        co_await sleep(delay);
        Page p{page};
        co_yield p;
    }
}
} // namespace

TEST_CASE("Async generator steps are traced one unit each", "[runtime][generator]")
{
    QList<int> seen;
    const TraceData data = runTraced([&] {
        return [](QList<int> *seen) -> Co<void> {
            auto pages = fetchPages(3, 0.5).named(QStringLiteral("fetch_pages"),
                                                  QStringLiteral("page %1"));
            while (auto page = co_await pages.next()) {
                seen->append(page->number);
                co_await sleep(0.25); // processing
            }
        }(&seen);
    });
    CHECK(seen == QList<int>{1, 2, 3});
    CHECK(seconds(data.info.totalNs) == Approx(2.25));
    for (int i = 1; i <= 3; ++i) {
        const auto *step = unitByLabel(data, QStringLiteral("page %1").arg(i));
        REQUIRE(step);
        CHECK(step->kind == UnitKind::Generator);
        CHECK(step->parent == data.info.mainId);
        CHECK(seconds(step->startNs) == Approx(0.75 * (i - 1)));
        CHECK(seconds(step->endNs) == Approx(0.75 * (i - 1) + 0.5));
        CHECK(step->outcome == Outcome::Completed);
    }
    REQUIRE(unitByLabel(data, QStringLiteral("fetch_pages: end")));
}

TEST_CASE("Executor jobs run on worker lanes and the loop stays free", "[runtime][executor][timing]")
{
    std::atomic<int> concurrent{0};
    std::atomic<int> maxConcurrent{0};
    const TraceData data = runTraced(
        [&] {
            return [](std::atomic<int> *concurrent, std::atomic<int> *maxConcurrent) -> Co<void> {
                Executor pool(2);
                std::vector<Task<int>> jobs;
                for (int i = 1; i <= 3; ++i) {
                    jobs.push_back(pool.run(QStringLiteral("job %1").arg(i), [i, concurrent,
                                                                             maxConcurrent] {
                        const int now = ++*concurrent;
                        int seen = maxConcurrent->load();
                        while (now > seen && !maxConcurrent->compare_exchange_weak(seen, now)) { }
                        Executor::blockingSleep(Seconds(1));
                        --*concurrent;
                        return i * 10;
                    }));
                }
                auto ticker = createTask(
                    []() -> Co<void> {
                        for (int i = 0; i < 4; ++i)
                            co_await sleep(0.5);
                    }(),
                    QStringLiteral("ticker"));
                const auto values = co_await gather(jobs);
                if (values != std::vector<int>{10, 20, 30})
                    throw ScenarioError(QStringLiteral("AssertionError"), QStringLiteral("values"));
                co_await ticker;
            }(&concurrent, &maxConcurrent);
        },
        Clock::Mode::Real, 0.1);
    CHECK(maxConcurrent.load() == 2);
    CHECK(data.unit(data.info.mainId)->outcome == Outcome::Completed);
    std::set<int> lanes;
    for (int i = 1; i <= 3; ++i) {
        const auto *job = unitByLabel(data, QStringLiteral("job %1").arg(i));
        REQUIRE(job);
        CHECK(job->kind == UnitKind::Executor);
        CHECK(job->outcome == Outcome::Completed);
        for (const auto &iv : job->intervals)
            if (iv.state == UnitState::Running)
                lanes.insert(iv.lane);
    }
    CHECK(lanes == std::set<int>{1, 2});
    // the third job queued for a worker for about one second
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("job 3")), UnitState::Queued)
          == Approx(1.0).margin(0.3));
    CHECK(seconds(data.info.totalNs) == Approx(2.0).margin(0.3));
    // The ticker kept running on the loop meanwhile: its sleeps were not delayed.
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("ticker")), UnitState::Ready) < 0.2);
}

TEST_CASE("Executor jobs share the pool's workers and return their values in order",
          "[runtime][executor]")
{
    std::atomic<int> concurrent{0};
    std::atomic<int> maxConcurrent{0};
    std::vector<QString> values;
    const TraceData data = runTraced(
        [&] {
            return [](std::atomic<int> *concurrent, std::atomic<int> *maxConcurrent,
                      std::vector<QString> *values) -> Co<void> {
                Executor pool(2);
                std::vector<Task<QString>> jobs;
                for (int i = 1; i <= 6; ++i) {
                    jobs.push_back(pool.run(QStringLiteral("job %1").arg(i), [i, concurrent,
                                                                             maxConcurrent] {
                        const int now = ++*concurrent;
                        int seen = maxConcurrent->load();
                        while (now > seen && !maxConcurrent->compare_exchange_weak(seen, now)) { }
                        Executor::blockingSleep(Seconds(0.2));
                        --*concurrent;
                        if (i == 4)
                            throw ScenarioError(QStringLiteral("OSError"), QStringLiteral("disk gone"));
                        return QStringLiteral("data %1").arg(i);
                    }));
                }
                const auto results = co_await gatherResults(jobs);
                for (const auto &r : results)
                    values->push_back(r.ok() ? *r.value : r.errorText());
            }(&concurrent, &maxConcurrent, &values);
        },
        Clock::Mode::Virtual, 0.05);
    CHECK(maxConcurrent.load() == 2);
    REQUIRE(values.size() == 6);
    CHECK(values[0] == QStringLiteral("data 1"));
    CHECK(values[3] == QStringLiteral("OSError: disk gone"));
    CHECK(values[5] == QStringLiteral("data 6"));
    for (int i = 1; i <= 6; ++i) {
        const auto *job = unitByLabel(data, QStringLiteral("job %1").arg(i));
        REQUIRE(job);
        CHECK(job->outcome == (i == 4 ? Outcome::Failed : Outcome::Completed));
        for (const auto &iv : job->intervals)
            if (iv.state == UnitState::Running)
                CHECK((iv.lane == 1 || iv.lane == 2));
    }
}

// How little real time this takes is measured by the benchmark (loopscope-bench virtual_executor).
TEST_CASE("On the virtual clock, blocking jobs take exact scenario time", "[runtime][executor]")
{
    const TraceData data = runTraced([] {
        return []() -> Co<void> {
            Executor pool(2);
            std::vector<Task<void>> jobs;
            for (int i = 1; i <= 3; ++i)
                jobs.push_back(pool.run(QStringLiteral("job %1").arg(i), [i] {
                    Executor::blockingSleep(Seconds(i)); // time.sleep(i)
                    Executor::blockingSleep(Seconds(0.5));
                }));
            auto ticker = createTask([]() -> Co<void> { co_await sleep(10); }(),
                                     QStringLiteral("ticker"));
            co_await gather(jobs);
            ticker.cancel();
        }();
    });
    // Two workers: job 1 ends at 1.5, job 2 at 2.5; job 3 takes job 1's worker at 1.5: 5.0.
    // What is not sleep (starting threads, the work itself) still takes real time: a few ms,
    // more under a sanitizer, so the margin is 0.1 s of the 10 s that were jumped over.
    const double ends[] = {1.5, 2.5, 5.0};
    for (int i = 1; i <= 3; ++i) {
        const auto *job = unitByLabel(data, QStringLiteral("job %1").arg(i));
        REQUIRE(job);
        CHECK(job->outcome == Outcome::Completed);
        CHECK(seconds(job->endNs) == Approx(ends[i - 1]).margin(0.1));
    }
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("job 3")), UnitState::Queued)
          == Approx(1.5).margin(0.1));
    CHECK(unitByLabel(data, QStringLiteral("ticker"))->outcome == Outcome::Cancelled);
    CHECK(seconds(data.info.totalNs) == Approx(5.0).margin(0.1)); // the ticker's timer is gone
}

TEST_CASE("Executor jobs that end before the loop looks are still awaited", "[runtime][executor]")
{
    // Jobs with nothing to do, in a burst: a worker that is awake takes each one at once and can
    // end it before submit() returns. The job's task must still be there to await (it once was
    // freed under the caller: a crash or a corrupted block pool, about one run in twelve).
    constexpr int Jobs = 20000;
    int sum = 0;
    const TraceData data = runTraced([&] {
        return [](int *sum) -> Co<void> {
            Executor pool(2);
            std::vector<Task<int>> jobs;
            jobs.reserve(Jobs);
            for (int i = 0; i < Jobs; ++i)
                jobs.push_back(pool.run(QStringLiteral("job"), [i] { return i % 7; }));
            for (int v : co_await gather(jobs))
                *sum += v;
        }(&sum);
    });
    int expected = 0;
    for (int i = 0; i < Jobs; ++i)
        expected += i % 7;
    CHECK(sum == expected);
    int completed = 0;
    for (const UnitRecord &u : data.units)
        completed += u.kind == UnitKind::Executor && u.outcome == Outcome::Completed;
    CHECK(completed == Jobs);
}

TEST_CASE("Cancelling a queued executor job withdraws it", "[runtime][executor]")
{
    std::atomic<int> ran{0};
    const TraceData data = runTraced(
        [&] {
            return [](std::atomic<int> *ran) -> Co<void> {
                Executor pool(1);
                auto first = pool.run(QStringLiteral("first"), [ran] {
                    ++*ran;
                    Executor::blockingSleep(Seconds(1));
                });
                auto second = pool.run(QStringLiteral("second"), [ran] { ++*ran; });
                second.cancel();
                co_await first;
            }(&ran);
        },
        Clock::Mode::Real, 0.05);
    CHECK(ran.load() == 1);
    CHECK(unitByLabel(data, QStringLiteral("second"))->outcome == Outcome::Cancelled);
    CHECK(unitByLabel(data, QStringLiteral("first"))->outcome == Outcome::Completed);
}

TEST_CASE("Real HTTP requests to the local server run concurrently", "[runtime][http]")
{
    LocalHttpServer server;
    QString error;
    REQUIRE(server.start(&error));
    std::vector<int> statuses;
    const TraceData data = runTraced(
        [&] {
            return [](LocalHttpServer *server, std::vector<int> *statuses) -> Co<void> {
                std::vector<Task<int>> tasks;
                const QStringList paths{QStringLiteral("/delay/0.2"), QStringLiteral("/delay/0.4"),
                                        QStringLiteral("/delay/0.2"), QStringLiteral("/status/404")};
                for (int i = 0; i < 8; ++i) { // more than six to one host
                    const QUrl url = server->url(paths[i % 4]);
                    tasks.push_back(createTask(
                        [](QUrl url) -> Co<int> {
                            const HttpResponse r = co_await httpGet(url);
                            co_return r.status;
                        }(url),
                        QStringLiteral("req%1").arg(i + 1)));
                }
                *statuses = co_await gather(tasks);
            }(&server, &statuses);
        },
        Clock::Mode::Real, 1.0);
    CHECK(statuses == std::vector<int>{200, 200, 200, 404, 200, 200, 200, 404});
    // All eight at once: about 0.4 s, not 1.2 s or more.
    CHECK(seconds(data.info.totalNs) == Approx(0.4).margin(0.25));
}

TEST_CASE("A cancelled HTTP request is aborted at once", "[runtime][http]")
{
    LocalHttpServer server;
    REQUIRE(server.start());
    const TraceData data = runTraced(
        [&] {
            return [](LocalHttpServer *server) -> Co<void> {
                try {
                    co_await waitFor(
                        [](QUrl url) -> Co<int> {
                            const HttpResponse r = co_await httpGet(url);
                            co_return r.status;
                        }(server->url(QStringLiteral("/delay/5")))
                                            .named(QStringLiteral("slow request")),
                        Seconds(0.2));
                } catch (const TimeoutError &) {
                    print(QStringLiteral("timed out"));
                }
            }(&server);
        },
        Clock::Mode::Real, 1.0);
    CHECK(outputTexts(data) == QStringList{QStringLiteral("timed out")});
    CHECK(unitByLabel(data, QStringLiteral("slow request"))->outcome == Outcome::TimedOut);
    CHECK(seconds(data.info.totalNs) < 1.0);
}
