#include "runanalysis.h"
#include "runmoment.h"
#include "tracedata.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace Loopscope;

namespace {

constexpr qint64 Ms = 1'000'000;
constexpr qint64 Sec = 1'000'000'000;

struct Iv
{
    UnitState state;
    qint64 startNs;
    qint64 endNs; // < 0: open
    quint16 lane = 0;
};

// TraceData built field by field, as a trace reader or builder would leave it: units by id,
// consecutive intervals.
class Run
{
public:
    Run()
    {
        m_data.info.mainId = add(UnitKind::Main, QStringLiteral("main"), 0, {});
        m_data.info.finished = true;
    }

    quint32 add(UnitKind kind, const QString &label, quint32 parent, std::vector<Iv> intervals,
        Outcome outcome = Outcome::Completed)
    {
        UnitRecord u;
        u.id = quint32(m_data.units.size() + 1);
        u.kind = kind;
        u.label = label;
        u.parent = parent;
        u.outcome = outcome;
        for (const Iv &iv : intervals)
            u.intervals.push_back({ iv.startNs, iv.endNs, iv.state, iv.lane });
        if (!u.intervals.empty()) {
            u.createdNs = u.intervals.front().startNs;
            u.endNs = outcome == Outcome::None ? -1 : u.intervals.back().endNs;
        }
        m_data.units.push_back(u);
        m_data.recomputeLastEventNs();
        return u.id;
    }
    quint32 task(
        const QString &label, std::vector<Iv> intervals, Outcome outcome = Outcome::Completed)
    {
        return add(UnitKind::Task, label, 1, std::move(intervals), outcome);
    }
    void lag(qint64 timeNs, qint64 lagNs) { m_data.loopLag.push_back({ timeNs, lagNs }); }
    TraceData &data() { return m_data; }
    RunAnalysis analyse(qint64 totalNs)
    {
        m_data.info.totalNs = totalNs;
        return RunAnalysis::compute(m_data);
    }

private:
    TraceData m_data;
};

constexpr UnitState Running = UnitState::Running;
constexpr UnitState Waiting = UnitState::Waiting;
constexpr UnitState Queued = UnitState::Queued;
constexpr UnitState Ready = UnitState::Ready;
constexpr UnitState Pending = UnitState::Pending;

} // namespace

TEST_CASE("RunAnalysis marks the loop blocked only by a long run while another unit is ready",
    "[analysis]")
{
    Run run;
    run.task(QStringLiteral("blocker"),
        { { Running, 10 * Ms, 1010 * Ms }, { Waiting, 1010 * Ms, 3 * Sec } });
    // Its timer fired at 100 ms, but the loop was held until 1010 ms.
    run.task(QStringLiteral("other"),
        { { Waiting, 10 * Ms, 100 * Ms }, { Ready, 100 * Ms, 1010 * Ms },
            { Running, 1010 * Ms, 1011 * Ms }, { Waiting, 1011 * Ms, 3 * Sec } });
    // 200 ms with nobody ready: busy, not blocked.
    run.task(QStringLiteral("alone"), { { Running, 2000 * Ms, 2200 * Ms } });
    // Someone ready during a run of 40 ms: under the threshold, not blocked.
    run.task(QStringLiteral("short"), { { Running, 2500 * Ms, 2540 * Ms } });
    run.task(QStringLiteral("waiter"),
        { { Ready, 2510 * Ms, 2540 * Ms }, { Running, 2540 * Ms, 2541 * Ms } });
    const RunAnalysis a = run.analyse(3 * Sec);

    const auto &blocked = a.loopBlocked();
    REQUIRE(blocked.size() == 1);
    CHECK(blocked[0].startNs == 10 * Ms);
    CHECK(blocked[0].endNs == 1010 * Ms);

    const auto &busy = a.loopBusy(); // touching runs merge: 10..1011 ms
    REQUIRE(busy.size() == 3);
    CHECK(busy[0].startNs == 10 * Ms);
    CHECK(busy[0].endNs == 1011 * Ms);
    CHECK(busy[1].startNs == 2000 * Ms);
    CHECK(busy[1].endNs == 2200 * Ms);
    CHECK(busy[2].startNs == 2500 * Ms);
    CHECK(busy[2].endNs == 2541 * Ms);

    CHECK(a.stats().longestStallNs == 1000 * Ms);
    CHECK(a.stats().longestStallAtNs == 10 * Ms);
}

TEST_CASE("RunAnalysis gives each worker lane its jobs, sorted by start", "[analysis]")
{
    Run run;
    const quint32 late = run.add(UnitKind::Executor, QStringLiteral("late"), 1,
        { { Queued, 0, 700 * Ms }, { Running, 700 * Ms, 900 * Ms, 2 } });
    const quint32 early = run.add(UnitKind::Executor, QStringLiteral("early"), 1,
        { { Queued, 0, 100 * Ms }, { Running, 100 * Ms, 600 * Ms, 2 } });
    const quint32 other
        = run.add(UnitKind::Executor, QStringLiteral("other"), 1, { { Running, 0, 500 * Ms, 1 } });
    const RunAnalysis a = run.analyse(Sec);

    CHECK(a.workerLaneCount() == 3);
    const auto &lane2 = a.workerSpans(2);
    REQUIRE(lane2.size() == 2);
    CHECK(lane2[0].unitId == early);
    CHECK(lane2[0].interval == 1);
    CHECK(lane2[0].startNs == 100 * Ms);
    CHECK(lane2[0].endNs == 600 * Ms);
    CHECK(lane2[1].unitId == late);
    REQUIRE(a.workerSpans(1).size() == 1);
    CHECK(a.workerSpans(1)[0].unitId == other);
    CHECK(a.workerSpans(0).empty()); // the loop's runs are busy spans, not a worker lane
    CHECK(a.workerSpans(7).empty());
    CHECK(a.workerSpans(-1).empty());
    // Queued on lane 0 is neither busy nor a job.
    CHECK(a.loopBusy().empty());
}

TEST_CASE("RunAnalysis counts most at once: running or waiting, not queued or ready", "[analysis]")
{
    Run run;
    // Semaphore(3) under a real clock: three holders wait 1 s; the fourth runs a few us to
    // reach acquire() while they wait, queues, and gets a slot when the first holder is done.
    for (int i = 1; i <= 3; ++i) {
        run.task(QStringLiteral("req%1").arg(i),
            { { Pending, 0, i * 10'000 }, { Running, i * 10'000, i * 10'000 + 5'000 },
                { Waiting, i * 10'000 + 5'000, Sec + i * 10'000 },
                { Running, Sec + i * 10'000, Sec + i * 10'000 + 5'000 } });
    }
    run.task(QStringLiteral("req4"),
        { { Pending, 0, 40'000 }, { Running, 40'000, 41'000 }, { Queued, 41'000, Sec + 40'000 },
            { Running, Sec + 40'000, Sec + 45'000 }, { Waiting, Sec + 45'000, 2 * Sec } });
    // Ready for a while and queued for a while: neither counts.
    run.task(QStringLiteral("late"),
        { { Ready, 50'000, 2 * Sec + 10 }, { Running, 2 * Sec + 10, 2 * Sec + 20 } });
    SECTION("a Semaphore(3) shape gives 3")
    {
        const RunStats s = run.analyse(2 * Sec).stats();
        CHECK(s.maxConcurrency == 3);
        CHECK(s.maxConcurrencyAtNs == 30'000);
    }
    SECTION("a fourth unit really waiting meanwhile makes it 4")
    {
        run.task(QStringLiteral("sleeper"),
            { { Running, 60'000, 61'000 }, { Waiting, 61'000, 500 * Ms } });
        const RunStats s = run.analyse(2 * Sec).stats();
        CHECK(s.maxConcurrency == 4);
        CHECK(s.maxConcurrencyAtNs == 60'000);
    }
}

TEST_CASE("RunAnalysis: one unit ending as the next starts is no overlap, nested work counts once",
    "[analysis]")
{
    Run run;
    const quint32 first
        = run.task(QStringLiteral("first"), { { Running, 0, Ms }, { Waiting, Ms, Sec } });
    // A coroutine awaited inside "first": enclosed, neither concurrent with it nor added twice.
    run.add(UnitKind::Coroutine, QStringLiteral("inner"), first, { { Waiting, 2 * Ms, Sec } });
    run.task(QStringLiteral("second"), { { Pending, 0, Sec }, { Waiting, Sec, 2 * Sec } });
    // A generator step is not top-level work.
    run.add(UnitKind::Generator, QStringLiteral("page 1"), 1, { { Waiting, 0, 2 * Sec } });
    const RunStats s = run.analyse(2 * Sec).stats();
    CHECK(s.maxConcurrency == 1);
    CHECK(s.sequentialNs == 2 * Sec); // pending time left out
    CHECK(s.totalNs == 2 * Sec);
    CHECK(s.speedUp == Approx(1.0));
}

TEST_CASE("RunAnalysis sums sequential time and divides it by the total", "[analysis]")
{
    Run run;
    run.task(QStringLiteral("a"), { { Running, 0, 10 * Ms }, { Waiting, 10 * Ms, 2 * Sec } });
    run.task(QStringLiteral("b"), { { Queued, 0, Sec }, { Waiting, Sec, 3 * Sec } });
    run.task(QStringLiteral("c"),
        { { Waiting, 0, Sec }, { Ready, Sec, 2 * Sec }, { Running, 2 * Sec, 2 * Sec + 500 * Ms } });
    const RunStats s = run.analyse(3 * Sec).stats();
    CHECK(s.totalNs == 3 * Sec);
    CHECK(s.sequentialNs == 2 * Sec + 2 * Sec + 1500 * Ms);
    CHECK(s.speedUp == Approx(5.5 / 3.0));
    CHECK(s.maxConcurrency == 2);
    CHECK(s.units == 3);

    SECTION("an empty run has no speed-up")
    {
        const RunStats empty = RunAnalysis::compute(TraceData()).stats();
        CHECK(empty.totalNs == 0);
        CHECK(empty.speedUp == 0.0);
        CHECK(empty.maxConcurrency == 0);
        CHECK(empty.longestStallAtNs == -1);
    }
}

TEST_CASE("RunAnalysis finds stalls from loop lag", "[analysis]")
{
    Run run;
    run.task(QStringLiteral("a"), { { Running, 0, Ms }, { Waiting, Ms, 4 * Sec } });
    SECTION("no lag, no blocked run: no stall")
    {
        const RunStats s = run.analyse(4 * Sec).stats();
        CHECK(s.longestStallNs == 0);
        CHECK(s.longestStallAtNs == -1);
    }
    SECTION("the longest lag, starting where the late turn was due")
    {
        run.lag(1000 * Ms, 40 * Ms);
        run.lag(3000 * Ms, 250 * Ms);
        run.lag(3500 * Ms, 0);
        const RunAnalysis a = run.analyse(4 * Sec);
        CHECK(a.stats().longestStallNs == 250 * Ms);
        CHECK(a.stats().longestStallAtNs == 2750 * Ms);
        REQUIRE(a.loopBlocked().size() == 2);
        CHECK(a.loopBlocked()[0].startNs == 960 * Ms);
        CHECK(a.loopBlocked()[0].endNs == 1000 * Ms);
    }
}

TEST_CASE("RunAnalysis counts outcomes of every unit but main, not ended included", "[analysis]")
{
    Run run;
    run.task(QStringLiteral("ok"), { { Running, 0, Ms } });
    run.task(QStringLiteral("ok too"), { { Running, Ms, 2 * Ms } });
    run.task(QStringLiteral("bad"), { { Running, 0, Ms } }, Outcome::Failed);
    run.task(QStringLiteral("stopped"), { { Waiting, 0, Ms } }, Outcome::Cancelled);
    run.task(QStringLiteral("late"), { { Waiting, 0, Ms } }, Outcome::TimedOut);
    run.add(UnitKind::Coroutine, QStringLiteral("forgotten"), 1, {}, Outcome::NeverAwaited);
    run.add(
        UnitKind::Generator, QStringLiteral("page 1"), 1, { { Waiting, 0, -1 } }, Outcome::None);
    run.data().units[0].outcome = Outcome::Completed; // main
    const RunStats s = run.analyse(2 * Ms).stats();
    CHECK(s.units == 7);
    CHECK(s.outcomes[std::size_t(Outcome::Completed)] == 2);
    CHECK(s.outcomes[std::size_t(Outcome::Failed)] == 1);
    CHECK(s.outcomes[std::size_t(Outcome::Cancelled)] == 1);
    CHECK(s.outcomes[std::size_t(Outcome::TimedOut)] == 1);
    CHECK(s.outcomes[std::size_t(Outcome::NeverAwaited)] == 1);
    CHECK(s.outcomes[std::size_t(Outcome::None)] == 1);
}

TEST_CASE("RunAnalysis of a live run ends open intervals at the live edge", "[analysis]")
{
    Run run;
    run.data().info.finished = false;
    run.task(QStringLiteral("blocker"), { { Running, 0, -1 } }, Outcome::None);
    run.task(QStringLiteral("other"), { { Waiting, 0, 10 * Ms }, { Ready, 10 * Ms, -1 } },
        Outcome::None);
    run.data().info.totalNs = 0;
    SECTION("the data's last event")
    {
        const RunAnalysis a = RunAnalysis::compute(run.data());
        CHECK(a.stats().totalNs == 10 * Ms);
        CHECK(a.loopBlocked().empty()); // 10 ms so far: not long enough yet
    }
    SECTION("or now, if later")
    {
        const RunAnalysis a = RunAnalysis::compute(run.data(), 700 * Ms);
        CHECK(a.stats().totalNs == 700 * Ms);
        CHECK(a.stats().sequentialNs == 700 * Ms + 10 * Ms);
        REQUIRE(a.loopBlocked().size() == 1);
        CHECK(a.loopBlocked()[0].endNs < 0); // still open
        CHECK(a.stats().longestStallNs == 700 * Ms);
        CHECK(a.stats().longestStallAtNs == 0);
    }
}

TEST_CASE("RunMoment: what every task is doing at the time cursor", "[analysis][moment]")
{
    // Semaphore(1)-like: a holds the permit for 1 s, b queues for it, then runs; main waits on b.
    Run run;
    const quint32 a = run.task(QStringLiteral("a"), {{Running, 0, 1 * Ms}, {Waiting, 1 * Ms, Sec},
                                                    {Running, Sec, Sec + Ms}});
    const quint32 b = run.task(QStringLiteral("b"), {{Queued, 0, Sec}, {Ready, Sec, Sec + Ms},
                                                    {Running, Sec + Ms, Sec + 2 * Ms},
                                                    {Waiting, Sec + 2 * Ms, 2 * Sec}});
    run.data().units[0].intervals = {{0, 2 * Sec, Waiting, 0}};
    run.data().units[0].endNs = 2 * Sec;
    run.data().flows.push_back({1, b, 0});
    run.data().recomputeLastEventNs();
    const TraceData &data = run.data();

    const RunMoment mid = RunMoment::at(data, 500 * Ms);
    REQUIRE(mid.entries.size() == 3);
    CHECK(mid.count(Waiting) == 2); // main and a
    CHECK(mid.count(Queued) == 1);  // b
    CHECK(mid.entries[0].awaiting == b);
    CHECK(mid.entries[1].unit == a);
    CHECK(mid.entries[1].sinceNs == 1 * Ms);
    CHECK(mid.entries[2].state == Queued);

    // At a boundary the state that begins there counts; a unit that ended is gone.
    const RunMoment handover = RunMoment::at(data, Sec);
    CHECK(handover.count(Ready) == 1);
    CHECK(handover.count(Running) == 1);
    const RunMoment late = RunMoment::at(data, Sec + 500 * Ms);
    CHECK(late.entries.size() == 2); // a ended at 1.001 s
    CHECK(late.count(Waiting) == 2);

    SECTION("stepping through the state changes")
    {
        const RunEventTimes times(data);
        CHECK(times.next(-1) == 0);
        CHECK(times.next(0) == 1 * Ms);
        CHECK(times.next(Sec) == Sec + Ms);
        CHECK(times.previous(Sec) == 1 * Ms);
        CHECK(times.previous(0) == -1);
        CHECK(times.next(2 * Sec) == -1);
        CHECK(times.last() == 2 * Sec);
    }
}

TEST_CASE("RunMoment: the line each waiting or queued unit is suspended at", "[analysis][moment]")
{
    // a and b sleep at one line, c queues at another; then a runs while b still sleeps.
    Run run;
    const quint32 a = run.task(QStringLiteral("a"), {{Waiting, 0, Sec}, {Running, Sec, 2 * Sec}});
    const quint32 b = run.task(QStringLiteral("b"), {{Waiting, 0, 2 * Sec}});
    const quint32 c = run.task(QStringLiteral("c"), {{Queued, 0, 2 * Sec}});
    const quint32 d = run.task(QStringLiteral("d"), {{Waiting, 0, 2 * Sec}}); // place unknown
    TraceData &data = run.data();
    data.places = {QStringLiteral("demo.cpp:12"), QStringLiteral("demo.cpp:7"),
                   QStringLiteral("not a place")};
    data.units[a - 1].intervals[0].at = 1;
    data.units[a - 1].intervals[1].at = 1; // running: a stale place is not a suspension
    data.units[b - 1].intervals[0].at = 1;
    data.units[c - 1].intervals[0].at = 2;
    data.units[d - 1].intervals[0].at = 3;

    const std::vector<RunMoment::Place> early = RunMoment::at(data, Sec / 2).suspendedAt(data);
    REQUIRE(early.size() == 2);
    CHECK(early[0].file == QStringLiteral("demo.cpp"));
    CHECK(early[0].line == 7); // sorted by line, not by place index or first unit
    CHECK(early[0].state == Queued);
    CHECK(early[0].units == std::vector<quint32>{c});
    CHECK(early[1].line == 12);
    CHECK(early[1].state == Waiting);
    CHECK(early[1].units == std::vector<quint32>{a, b});

    const std::vector<RunMoment::Place> later = RunMoment::at(data, Sec + Sec / 2).suspendedAt(data);
    REQUIRE(later.size() == 2);
    CHECK(later[1].units == std::vector<quint32>{b});
    CHECK(RunMoment::at(data, 3 * Sec).suspendedAt(data).empty()); // everything ended

    QString file;
    int line = -1;
    CHECK(RunMoment::splitPlace(QStringLiteral("C:/x/y.py:30"), &file, &line));
    CHECK(file == QStringLiteral("C:/x/y.py"));
    CHECK(line == 30);
    CHECK_FALSE(RunMoment::splitPlace(QStringLiteral("y.py"), &file, &line));
    CHECK_FALSE(RunMoment::splitPlace(QStringLiteral("y.py:0"), &file, &line));
    CHECK(line == 0);
}
