// Compare two runs: RunComparison on Semaphore(3) vs Semaphore(5), the overlay, and a summary
// read back as a run.
#include <catch2/catch.hpp>

#include "runcomparison.h"
#include "scenariotest.h"
#include "summaryreader.h"
#include "summarywriter.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

constexpr qint64 S = 1'000'000'000;

const RunComparison::TaskDelta &deltaOf(const RunComparison &c, const QString &label)
{
    for (const RunComparison::TaskDelta &d : c.tasks()) {
        if (d.label == label)
            return d;
    }
    FAIL("no task " << label.toStdString());
    return c.tasks().front();
}

} // namespace

TEST_CASE("RunComparison: Semaphore(3) against Semaphore(5) on the virtual clock", "[compare]")
{
    const TraceData a = runScenario(QStringLiteral("semaphore"), { QStringLiteral("limit=3") });
    const TraceData b = runScenario(QStringLiteral("semaphore"), { QStringLiteral("limit=5") });
    const RunComparison c = RunComparison::compare(a, b);

    SECTION("run figures are each run's RunStats")
    {
        CHECK(c.a().totalNs == 4 * S);
        CHECK(c.b().totalNs == 2 * S);
        CHECK(c.totalDeltaNs() == -2 * S);
        CHECK(c.a().maxConcurrency == 3);
        CHECK(c.b().maxConcurrency == 5);
        CHECK(c.a().longestStallNs == 0);
        CHECK(c.b().longestStallNs == 0);
    }
    SECTION("every request is matched by label, in B's order, with its end and delta")
    {
        REQUIRE(c.tasks().size() == 10);
        for (int i = 0; i < 10; ++i) {
            const RunComparison::TaskDelta &d = c.tasks()[std::size_t(i)];
            INFO("task " << i);
            CHECK(d.label == QStringLiteral("req%1").arg(i + 1));
            CHECK(d.matched());
            // Waves of 3 in A (ends 1, 2, 3, 4 s), of 5 in B (ends 1, 2 s).
            CHECK(d.aEndNs == (i / 3 + 1) * S);
            CHECK(d.bEndNs == (i / 5 + 1) * S);
            CHECK(d.endDeltaNs() == (i / 5 - i / 3) * S);
            // Waiting = queued for a slot + the 1 s request.
            CHECK(d.aWaitNs == d.aEndNs);
            CHECK(d.bWaitNs == d.bEndNs);
        }
        CHECK(deltaOf(c, QStringLiteral("req10")).endDeltaNs() == -2 * S);
        CHECK(deltaOf(c, QStringLiteral("req6")).endDeltaNs() == 0);
        CHECK(deltaOf(c, QStringLiteral("req4")).waitDeltaNs() == -1 * S);
    }
}

TEST_CASE(
    "RunComparison: units of one run only, and duplicate labels in creation order", "[compare]")
{
    const TraceData a = runScenario(
        QStringLiteral("semaphore"), { QStringLiteral("requests=3"), QStringLiteral("limit=3") });
    const TraceData b = runScenario(
        QStringLiteral("semaphore"), { QStringLiteral("requests=5"), QStringLiteral("limit=3") });
    const RunComparison c = RunComparison::compare(a, b);
    REQUIRE(c.tasks().size() == 5);
    CHECK(c.tasks()[2].matched());
    CHECK(c.tasks()[3].label == QStringLiteral("req4"));
    CHECK(c.tasks()[3].aId == 0);
    CHECK(!c.tasks()[3].hasEndDelta());
    // The other way round, B's missing units come last.
    const RunComparison reverse = RunComparison::compare(b, a);
    REQUIRE(reverse.tasks().size() == 5);
    CHECK(reverse.tasks()[4].label == QStringLiteral("req5"));
    CHECK(reverse.tasks()[4].bId == 0);

    TraceData twins = a;
    for (UnitRecord &u : twins.units) {
        if (u.id != twins.info.mainId)
            u.label = QStringLiteral("same");
    }
    const auto pairs = RunComparison::match(twins, twins);
    REQUIRE(pairs.size() == 4); // main + 3
    CHECK(pairs[0].a == twins.info.mainId);
    for (const RunComparison::UnitMatch &m : pairs)
        CHECK(m.a == m.b);
}

TEST_CASE("RunComparison::overlay: B as it is, A's units after it, moved together", "[compare]")
{
    const TraceData a = runScenario(QStringLiteral("semaphore"), { QStringLiteral("limit=3") });
    const TraceData b = runScenario(QStringLiteral("semaphore"), { QStringLiteral("limit=5") });
    const TraceData o = RunComparison::overlay(a, b);
    REQUIRE(o.units.size() == a.units.size() + b.units.size());
    for (const UnitRecord &u : b.units)
        CHECK(o.unit(u.id)->intervals.size() == u.intervals.size());
    for (const UnitRecord &u : a.units) {
        const UnitRecord *m = o.unit(RunComparison::pinnedId(b, u.id));
        REQUIRE(m);
        CHECK(m->id == RunComparison::pinnedId(b, u.id));
        CHECK(m->label == u.label);
        CHECK(m->endNs == u.endNs);
        CHECK(m->parent == (u.parent ? RunComparison::pinnedId(b, u.parent) : 0));
        CHECK(RunComparison::unpinnedId(b, m->id) == u.id);
    }
    CHECK(RunComparison::unpinnedId(b, 1) == 0);
    // One axis for both: A's 4 s run is longer than B's 2 s.
    CHECK(o.endNs() == 4 * S);
    CHECK(o.info.mainId == b.info.mainId);
    CHECK(o.info.scenario == QStringLiteral("semaphore vs pinned run (limit=3, total 4 s)"));
}

TEST_CASE("SummaryReader: a summary read back compares like its run", "[compare][summary]")
{
    const TraceData a = runScenario(QStringLiteral("semaphore"), { QStringLiteral("limit=3") });
    QString error;
    const auto back = SummaryReader::fromJson(SummaryWriter::toJson(a), &error);
    INFO(error.toStdString());
    REQUIRE(back);
    // Everything a summary holds comes back (findings may word a limit from counters, which a
    // summary does not hold).
    const QJsonObject written = QJsonDocument::fromJson(SummaryWriter::toJson(a)).object();
    const QJsonObject again = QJsonDocument::fromJson(SummaryWriter::toJson(*back)).object();
    for (const char *key : { "scenario", "params", "time_scale", "clock", "total_s", "stats",
             "main", "tasks", "output" }) {
        INFO(key);
        CHECK(again.value(QLatin1String(key)) == written.value(QLatin1String(key)));
    }
    const RunComparison c = RunComparison::compare(*back, a);
    CHECK(c.totalDeltaNs() == 0);
    for (const RunComparison::TaskDelta &d : c.tasks()) {
        CHECK(d.matched());
        CHECK(d.endDeltaNs() == 0);
        CHECK(d.waitDeltaNs() == 0);
    }

    CHECK(SummaryReader::looksLikeSummary(SummaryWriter::toJson(a)));
    CHECK(!SummaryReader::fromJson("{\"a\": 1}", &error));
    CHECK(error.startsWith(QStringLiteral("not a Loopscope summary")));
    CHECK(!SummaryReader::fromJson("nope", &error));
    CHECK(error.startsWith(QStringLiteral("not JSON")));
    CHECK(!SummaryReader::fromJson(
        R"({"scenario": "x", "total_s": 1, "tasks": [{"id": 0, "label": "t"}]})", &error));
    CHECK(error.contains(QStringLiteral("\"id\"")));
}
