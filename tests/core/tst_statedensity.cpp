#include <catch2/catch.hpp>

#include "runanalysis.h"
#include "scenariotest.h"
#include "statedensity.h"
#include "tracedata.h"

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {
constexpr qint64 Ms = 1'000'000;

UnitRecord unit(quint32 id, UnitKind kind, std::vector<StateInterval> intervals)
{
    UnitRecord u;
    u.id = id;
    u.parent = id == 1 ? 0 : 1;
    u.kind = kind;
    u.label = QStringLiteral("unit %1").arg(id);
    u.intervals = std::move(intervals);
    u.endNs = u.intervals.back().endNs;
    return u;
}
} // namespace

TEST_CASE("StateDensity counts the units in each state per bucket, averaged over its time",
          "[analysis][density]")
{
    TraceData data;
    // main waits all along: not counted. a waits 0..1 s. b waits to 500 ms, runs to 625 ms,
    // then queues to 1 s.
    data.units = {unit(1, UnitKind::Main, {{0, 1000 * Ms, UnitState::Waiting}}),
                  unit(2, UnitKind::Task, {{0, 1000 * Ms, UnitState::Waiting}}),
                  unit(3, UnitKind::Task,
                       {{0, 500 * Ms, UnitState::Waiting},
                        {500 * Ms, 625 * Ms, UnitState::Running},
                        {625 * Ms, 1000 * Ms, UnitState::Queued}})};
    data.recomputeLastEventNs();
    const StateDensity d = StateDensity::compute(data, -1, 4); // buckets of 250 ms
    REQUIRE(d.bucketCount() == 4);
    REQUIRE(d.endNs() == 1000 * Ms);
    const double waiting[] = {2, 2, 1, 1}, running[] = {0, 0, 0.5, 0}, queued[] = {0, 0, 0.5, 1};
    for (int b = 0; b < 4; ++b) {
        INFO("bucket " << b);
        CHECK(d.count(b, UnitState::Waiting) == Approx(waiting[b]));
        CHECK(d.count(b, UnitState::Running) == Approx(running[b]));
        CHECK(d.count(b, UnitState::Queued) == Approx(queued[b]));
        CHECK(d.count(b, UnitState::Pending) == 0);
    }
    CHECK(d.peak(UnitState::Waiting) == Approx(2));
    CHECK(d.peak(UnitState::Queued) == Approx(1));
    CHECK(d.peak(UnitState::Ready) == 0);
    CHECK(d.bucketAt(0) == 0);
    CHECK(d.bucketAt(600 * Ms) == 2);
    CHECK(d.bucketAt(5000 * Ms) == 3);

    SECTION("an open interval of a live run lasts to the live edge")
    {
        data.units[1].intervals.back().endNs = -1;
        const StateDensity live = StateDensity::compute(data, 2000 * Ms, 4); // buckets of 500 ms
        REQUIRE(live.endNs() == 2000 * Ms);
        CHECK(live.count(3, UnitState::Waiting) == Approx(1)); // a, still waiting
        CHECK(live.count(1, UnitState::Queued) == Approx(0.75)); // b, 625..1000 ms of 500..1000
    }
}

TEST_CASE("StateDensity of a stress run keeps every unit's time in each state",
          "[analysis][density]")
{
    // The buckets split the time, never lose it: summed, they give each state's total time.
    const TraceData data = runScenario(QStringLiteral("stress"),
                                       {QStringLiteral("tasks=2000"), QStringLiteral("limit=100")});
    const RunAnalysis analysis = RunAnalysis::compute(data);
    const StateDensity &d = analysis.density();
    REQUIRE(d.bucketCount() == StateDensity::DefaultBuckets);
    const double bucketNs = double(d.endNs()) / d.bucketCount();
    for (const UnitState state : {UnitState::Waiting, UnitState::Queued}) {
        double expected = 0;
        for (const UnitRecord &u : data.units) {
            if (u.kind == UnitKind::Main)
                continue;
            for (const StateInterval &iv : u.intervals)
                expected += iv.state == state ? double(iv.endNs - iv.startNs) : 0.0;
        }
        double summed = 0;
        for (int b = 0; b < d.bucketCount(); ++b)
            summed += d.count(b, state) * bucketNs;
        INFO("state " << int(state));
        REQUIRE(expected > 0);
        CHECK(summed == Approx(expected).epsilon(1e-4));
    }
    // At most 100 hold the semaphore (and sleep); the rest queue.
    CHECK(d.peak(UnitState::Waiting) <= 100.0 + 1e-3);
    CHECK(d.peak(UnitState::Queued) > 1000);
}
