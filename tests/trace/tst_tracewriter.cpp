#include <catch2/catch.hpp>

#include "clock.h"
#include "iotestdata.h"
#include "tracebuilder.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"
#include "tracerecorder.h"
#include "tracewriter.h"

using namespace Loopscope;

namespace {

//! What TraceData::endNs() computed before it kept the latest time as a field: O(units).
qint64 endByScanningUnits(const TraceData &data)
{
    qint64 end = data.info.totalNs;
    for (const UnitRecord &u : data.units) {
        end = std::max({end, u.createdNs, u.endNs});
        if (!u.intervals.empty())
            end = std::max(end, u.intervals.back().startNs);
    }
    for (const OutputLine &o : data.output)
        end = std::max(end, o.timeNs);
    return end;
}

std::vector<TraceEvent> readAll(const TraceRecorder &recorder)
{
    std::vector<TraceEvent> events;
    TraceRecorder::Cursor cursor;
    recorder.readNew(cursor, events);
    return events;
}

} // namespace

TEST_CASE("Each TraceWriter call comes back as the TraceData it means", "[trace][writer]")
{
    TraceRecorder recorder;
    TraceBuilder builder(&recorder);
    auto at = [&](qint64 t) { return TraceWriter(&recorder, t); };
    const TraceData &data = builder.data();
    // A unit id past 16 bits and times past 32 bits: nothing is cut.
    constexpr quint32 Big = 70000;
    constexpr qint64 T = 5'000'000'007;

    SECTION("created: kind, parent, label (a second slot) or the default label")
    {
        at(7).created(1, UnitKind::Main, 0, recorder.intern(QStringLiteral("main")));
        at(T).created(Big, UnitKind::Executor, 1, recorder.intern(QStringLiteral("job")));
        at(T + 1).created(Big + 1, UnitKind::Generator, Big, 0);
        REQUIRE(builder.update());
        REQUIRE(data.info.mainId == 1);
        const UnitRecord *job = data.unit(Big);
        REQUIRE(job);
        CHECK(job->kind == UnitKind::Executor);
        CHECK(job->parent == 1);
        CHECK(job->label == QStringLiteral("job"));
        CHECK(job->createdNs == T);
        REQUIRE(job->intervals.size() == 1);
        CHECK(job->intervals[0].state == UnitState::Pending);
        CHECK(job->intervals[0].startNs == T);
        const UnitRecord *step = data.unit(Big + 1);
        REQUIRE(step);
        CHECK(step->kind == UnitKind::Generator);
        CHECK(step->parent == Big);
        CHECK(step->label == QStringLiteral("task %1").arg(Big + 1));
    }

    SECTION("stateChanged: state and lane (a second slot), on the loop and the shared stream")
    {
        Clock clock(Clock::Mode::Virtual, 1.0);
        clock.advance(T);
        at(0).created(1, UnitKind::Executor, 0, 0);
        at(10).stateChanged(1, UnitState::Queued);
        TraceWriter(&recorder, clock).stateChanged(1, UnitState::Running, 3);
        at(0).created(2, UnitKind::Task, 0, 0);
        at(T + 5).stateChanged(2, UnitState::Ready, 65535);
        REQUIRE(builder.update());
        const UnitRecord *u = data.unit(1);
        REQUIRE(u);
        REQUIRE(u->intervals.size() == 3);
        CHECK(u->intervals[1].state == UnitState::Queued);
        CHECK(u->intervals[1].startNs == 10);
        CHECK(u->intervals[1].lane == 0);
        CHECK(u->intervals[2].state == UnitState::Running);
        CHECK(u->intervals[2].startNs == T);
        CHECK(u->intervals[2].lane == 3);
        CHECK(u->startNs == T);
        const StateInterval &ready = data.unit(2)->intervals.back();
        CHECK(ready.state == UnitState::Ready);
        CHECK(ready.startNs == T + 5);
        CHECK(ready.lane == 65535);
    }

    SECTION("finished: outcome, error (a second slot) and the worker's lane")
    {
        Clock clock(Clock::Mode::Virtual, 1.0);
        clock.advance(T);
        at(0).created(1, UnitKind::Task, 0, 0);
        at(0).created(2, UnitKind::Executor, 0, 0);
        at(0).created(3, UnitKind::Coroutine, 0, 0);
        at(5).stateChanged(1, UnitState::Running);
        at(9).finished(1, Outcome::Failed, recorder.intern(QStringLiteral("ValueError: boom")));
        TraceWriter(&recorder, clock).stateChanged(2, UnitState::Running, 2);
        clock.advance(100);
        TraceWriter(&recorder, clock).finished(2, Outcome::Completed, 0, 2);
        at(11).finished(3, Outcome::NeverAwaited);
        const std::vector<TraceEvent> events = readAll(recorder);
        REQUIRE(events.size() == 8);
        // The worker's lane stays on the Finished event the builder reads.
        CHECK(events.back().type == EventType::Finished);
        CHECK(events.back().unit == 2);
        CHECK(events.back().lane == 2);
        builder.apply(events, recorder);
        const UnitRecord *failed = data.unit(1);
        CHECK(failed->outcome == Outcome::Failed);
        CHECK(failed->error == QStringLiteral("ValueError: boom"));
        CHECK(failed->endNs == 9);
        CHECK(failed->intervals.back().endNs == 9);
        const UnitRecord *job = data.unit(2);
        CHECK(job->outcome == Outcome::Completed);
        CHECK(job->error.isEmpty());
        CHECK(job->endNs == T + 100);
        CHECK(job->intervals.back().startNs == T);
        CHECK(job->intervals.back().endNs == T + 100);
        CHECK(job->intervals.back().lane == 2);
        const UnitRecord *never = data.unit(3);
        CHECK(never->outcome == Outcome::NeverAwaited);
        CHECK(never->startNs == -1);
        CHECK(never->endNs == -1);
        CHECK(never->intervals.empty());
    }

    SECTION("linked: awaiter to awaited")
    {
        at(T).linked(Big, 3);
        REQUIRE(builder.update());
        REQUIRE(data.flows.size() == 1);
        CHECK(data.flows[0].from == Big);
        CHECK(data.flows[0].to == 3);
        CHECK(data.flows[0].timeNs == T);
    }

    SECTION("counter: named series, signed 32-bit values, one sample per instant")
    {
        const quint32 name = recorder.intern(QStringLiteral("pool in use"));
        at(1).counter(name, 2'000'000'000);
        at(2).counter(name, -7);
        at(2).counter(name, 3);
        REQUIRE(builder.update());
        REQUIRE(data.counters.size() == 1);
        CHECK(data.counters[0].name == QStringLiteral("pool in use"));
        const auto &samples = data.counters[0].samples;
        REQUIRE(samples.size() == 2);
        CHECK(samples[0].timeNs == 1);
        CHECK(samples[0].value == 2'000'000'000);
        CHECK(samples[1].timeNs == 2);
        CHECK(samples[1].value == 3);
        at(3).counter(name, -7);
        REQUIRE(builder.update());
        CHECK(data.counters[0].samples.back().value == -7);
    }

    SECTION("holder: who holds a resource, one hold per holder, none for a zero-length one")
    {
        const quint32 lock = recorder.intern(QStringLiteral("lock"));
        const quint32 other = recorder.intern(QStringLiteral("other lock"));
        at(0).holder(lock, 0); // created free: a series, no hold
        at(T).holder(lock, Big);
        at(T).holder(other, 2);
        at(T + 10).holder(lock, Big); // no change
        at(T + 20).holder(lock, 3);   // handed over
        at(T + 30).holder(lock, 4);   // handed to 4, cancelled at once: passed on to 5
        at(T + 30).holder(lock, 5);
        at(T + 40).holder(lock, 0);
        REQUIRE(builder.update());
        REQUIRE(data.holders.size() == 2);
        CHECK(data.holders[0].name == QStringLiteral("lock"));
        const auto &holds = data.holders[0].intervals;
        REQUIRE(holds.size() == 3);
        CHECK(holds[0].unit == Big);
        CHECK(holds[0].startNs == T);
        CHECK(holds[0].endNs == T + 20);
        CHECK(holds[1].unit == 3);
        CHECK(holds[1].startNs == T + 20);
        CHECK(holds[1].endNs == T + 30);
        CHECK(holds[2].unit == 5);
        CHECK(holds[2].startNs == T + 30);
        CHECK(holds[2].endNs == T + 40);
        REQUIRE(data.holders[1].intervals.size() == 1);
        CHECK(data.holders[1].intervals[0].unit == 2);
        CHECK(data.holders[1].intervals[0].endNs == -1); // still held
    }

    SECTION("output: the printed line")
    {
        at(T).output(recorder.intern(QStringLiteral("API-1 done")));
        REQUIRE(builder.update());
        REQUIRE(data.output.size() == 1);
        CHECK(data.output[0].timeNs == T);
        CHECK(data.output[0].text == QStringLiteral("API-1 done"));
        CHECK(data.output[0].stream == OutputStream::Stdout);
        at(T + 1).output(recorder.intern(QStringLiteral("oops")), OutputStream::Stderr);
        REQUIRE(builder.update());
        REQUIRE(data.output.size() == 2);
        CHECK(data.output[1].stream == OutputStream::Stderr);
    }

    SECTION("deadline: the unit it cuts and when")
    {
        at(T).deadline(Big);
        REQUIRE(builder.update());
        REQUIRE(data.deadlines.size() == 1);
        CHECK(data.deadlines[0].unit == Big);
        CHECK(data.deadlines[0].timeNs == T);
    }

    SECTION("loopLag: microseconds, a huge lag pinned rather than wrapped")
    {
        at(T).loopLag(300'000'999);
        at(T + 1).loopLag(qint64(1) << 50);
        REQUIRE(builder.update());
        REQUIRE(data.loopLag.size() == 2);
        CHECK(data.loopLag[0].timeNs == T);
        CHECK(data.loopLag[0].lagNs == 300'000'000);
        CHECK(data.loopLag[1].lagNs == qint64(0xffffffff) * 1000);
    }

    SECTION("relabelled: the unit's new label")
    {
        at(0).created(1, UnitKind::Generator, 0, recorder.intern(QStringLiteral("pages 1")));
        at(5).relabelled(1, recorder.intern(QStringLiteral("pages: end")));
        REQUIRE(builder.update());
        CHECK(data.unit(1)->label == QStringLiteral("pages: end"));
    }

    SECTION("no recorder: every call is a no-op")
    {
        const TraceWriter none(nullptr, T);
        none.created(1, UnitKind::Task, 0, 0);
        none.stateChanged(1, UnitState::Running);
        none.finished(1, Outcome::Completed);
        none.linked(1, 2);
        none.counter(1, 1);
        none.output(1);
        none.deadline(1);
        none.loopLag(1);
        none.relabelled(1, 1);
        CHECK_FALSE(builder.update());
    }
}

TEST_CASE("TraceData::endNs is the latest time as scanning every unit found it",
          "[trace][writer]")
{
    TraceRecorder recorder;
    Test::writeSampleRun(recorder);
    const std::vector<TraceEvent> events = readAll(recorder);
    REQUIRE(events.size() > 40);

    SECTION("live: after every event the builder applies")
    {
        TraceBuilder builder;
        for (const TraceEvent &e : events) {
            builder.apply({e}, recorder);
            INFO("after an event of type " << int(e.type) << " at " << e.timeNs);
            REQUIRE(builder.data().endNs() == endByScanningUnits(builder.data()));
        }
        CHECK(builder.data().endNs() == 3'000'000'000); // main's end
        // A deadline ahead of the run, a counter sample, a flow and a lag sample do not move
        // the edge, as they did not before.
        TraceWriter(&recorder, 9'000'000'000).deadline(1);
        const TraceWriter later(&recorder, 4'000'000'000);
        later.counter(recorder.intern(QStringLiteral("semaphore in use")), 1);
        later.linked(1, 2);
        later.loopLag(5'000'000);
        const std::vector<TraceEvent> all = readAll(recorder);
        builder.apply({all.begin() + qsizetype(events.size()), all.end()}, recorder);
        CHECK(builder.data().endNs() == endByScanningUnits(builder.data()));
        CHECK(builder.data().endNs() == 3'000'000'000);
    }

    SECTION("live, a zero-length bar joined back into the one before does not move it back")
    {
        // Running at 1 s, then Waiting at the same instant: the bar that was Waiting since
        // 10 ns goes on, and scanning the units would say 10 ns until something later happens.
        TraceRecorder r;
        TraceBuilder builder(&r);
        TraceWriter(&r, 0).created(1, UnitKind::Main, 0, 0);
        TraceWriter(&r, 10).stateChanged(1, UnitState::Waiting);
        TraceWriter(&r, 1'000'000'000).stateChanged(1, UnitState::Running);
        TraceWriter(&r, 1'000'000'000).stateChanged(1, UnitState::Waiting);
        REQUIRE(builder.update());
        REQUIRE(builder.data().units[0].intervals.back().startNs == 10);
        CHECK(endByScanningUnits(builder.data()) == 10);
        CHECK(builder.data().endNs() == 1'000'000'000);
    }

    SECTION("a run's total time counts too")
    {
        TraceData data = Test::sampleTrace(false);
        CHECK(data.endNs() == endByScanningUnits(data));
        data.info.totalNs = 9'000'000'000;
        CHECK(data.endNs() == 9'000'000'000);
    }

    SECTION("data filled by hand, and read back from a trace file")
    {
        TraceData data = Test::sampleTrace(false);
        const qint64 built = data.endNs();
        data.info.totalNs = 0;
        data.units.push_back(data.units.back());
        data.units.back().id = quint32(data.units.size());
        data.units.back().intervals.push_back({2'700'000'000, -1, UnitState::Running, 0});
        CHECK(data.endNs() == built);
        data.recomputeLastEventNs();
        CHECK(data.endNs() == 2'700'000'000);
        CHECK(data.endNs() == endByScanningUnits(data));

        const TraceData written = Test::sampleTrace(false);
        const std::optional<TraceData> read =
            TraceJsonReader::fromJson(TraceJsonWriter::toJson(written));
        REQUIRE(read);
        CHECK(read->endNs() == written.endNs());
        CHECK(read->lastEventNs == written.lastEventNs);
    }
}

TEST_CASE("A big run's unit records stay where they are while its burst is read a frame at a time",
          "[trace][builder]")
{
    // Each move of the records was a frame's time and more on the GUI thread at 1e6 units.
    TraceRecorder recorder;
    TraceBuilder builder(&recorder);
    constexpr quint32 Issued = 20000;
    constexpr quint32 Total = 200000;
    for (quint32 i = 0; i < Issued; ++i)
        recorder.newUnitId();
    quint32 written = 0;
    auto create = [&](quint32 upTo) {
        for (; written < upTo; ++written)
            TraceWriter(&recorder, written).created(written + 1, UnitKind::Task, 0, 0);
    };
    create(Issued);
    REQUIRE(builder.update(64));
    const UnitRecord *first = builder.data().units.data();
    while (written < Total) {
        // The loop goes on issuing ids and creating while the reader applies slices.
        for (quint32 i = 0; i < 5000; ++i)
            recorder.newUnitId();
        create(written + 5000);
        builder.update(4096);
    }
    recorder.flush();
    while (builder.update(4096)) {
    }
    REQUIRE(builder.data().units.size() == Total);
    CHECK(builder.data().units.data() == first);
    CHECK(builder.data().units.back().id == Total);
}
