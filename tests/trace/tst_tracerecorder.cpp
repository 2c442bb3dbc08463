#include <catch2/catch.hpp>

#include "clock.h"
#include "tracebuilder.h"
#include "tracerecorder.h"
#include "tracewriter.h"

#include <thread>

namespace Loopscope {
//! The recorder's raw entry point, for the slot codec's round trip only (runtime code writes
//! through TraceWriter).
struct RawTraceAccess {
    static void append(TraceRecorder &recorder, const TraceEvent &e) { recorder.append(e); }
};
} // namespace Loopscope

using namespace Loopscope;

namespace {
void requireSameEvent(const TraceEvent &got, const TraceEvent &want)
{
    REQUIRE(got.timeNs == want.timeNs);
    REQUIRE(got.unit == want.unit);
    REQUIRE(got.type == want.type);
    REQUIRE(got.code == want.code);
    REQUIRE(got.lane == want.lane);
    REQUIRE(got.a == want.a);
    REQUIRE(got.b == want.b);
}

void requireSameEvents(const std::vector<TraceEvent> &got, const std::vector<TraceEvent> &want)
{
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("event " << i);
        requireSameEvent(got[i], want[i]);
    }
}
} // namespace

TEST_CASE("TraceRecorder keeps every event across chunks and threads", "[trace]")
{
    TraceRecorder recorder;
    Clock clock(Clock::Mode::Real, 1.0);
    constexpr int PerThread = 40000; // crosses several chunks
    const quint32 name = recorder.intern(QStringLiteral("worker counter"));
    const quint32 names[3] = {0, name, recorder.intern(QStringLiteral("worker 2 counter"))};

    std::vector<TraceEvent> seen;
    TraceRecorder::Cursor cursor;
    std::thread loop([&] {
        for (int i = 0; i < PerThread; ++i)
            TraceWriter(&recorder, i).stateChanged(quint32(i + 1), UnitState::Running);
    });
    std::thread worker1([&] {
        for (int i = 0; i < PerThread; ++i)
            TraceWriter(&recorder, clock).counter(names[1], i);
    });
    std::thread worker2([&] {
        for (int i = 0; i < PerThread; ++i)
            TraceWriter(&recorder, clock).counter(names[2], i);
    });
    // Read while they write: what is read is always a prefix of each stream.
    while (seen.size() < 3 * PerThread) {
        recorder.readNew(cursor, seen);
        std::this_thread::yield();
    }
    loop.join();
    worker1.join();
    worker2.join();
    recorder.readNew(cursor, seen);
    REQUIRE(seen.size() == 3 * PerThread);

    int loopIndex = 0;
    int lastPerWorker[3] = {-1, -1, -1};
    qint64 lastSharedTime = 0;
    for (const TraceEvent &e : seen) {
        if (e.type == EventType::State) {
            REQUIRE(e.timeNs == loopIndex);
            ++loopIndex;
        } else {
            const int worker = e.unit == names[1] ? 1 : 2;
            REQUIRE(e.unit == names[worker]);
            REQUIRE(int(e.a) == lastPerWorker[worker] + 1);
            lastPerWorker[worker] = int(e.a);
            REQUIRE(e.timeNs >= lastSharedTime);
            lastSharedTime = e.timeNs;
        }
    }
    REQUIRE(loopIndex == PerThread);
    REQUIRE(recorder.string(name) == QStringLiteral("worker counter"));
}

TEST_CASE("TraceRecorder gives back every field of every event as written", "[trace]")
{
    TraceRecorder recorder;
    std::vector<TraceEvent> written;
    // Past a chunk's end (16384 slots), so some two-slot events straddle one.
    for (int i = 0; i < 20000; ++i) {
        TraceEvent e;
        e.timeNs = (i % 7 == 0) ? -qint64(i) : qint64(i) * 1'000'003;
        e.unit = quint32(i * 2654435761u);
        e.type = EventType(i % (int(EventType::Holder) + 1));
        e.code = quint8(i % 3 == 0 ? i % 256 : i % 6);
        e.lane = quint16(i % 5 == 0 ? i % 65536 : 0);
        e.a = quint32(i) * 40503u;
        e.b = (i % 4 == 0) ? quint32(i) * 7u : 0;
        written.push_back(e);
        RawTraceAccess::append(recorder, e);
    }
    // 208 days and more is pinned, never wrapped.
    TraceWriter(&recorder, qint64(1) << 60).deadline(1);

    std::vector<TraceEvent> read;
    TraceRecorder::Cursor cursor;
    recorder.readNew(cursor, read);
    REQUIRE(read.size() == written.size() + 1);
    for (std::size_t i = 0; i < written.size(); ++i) {
        INFO("event " << i);
        requireSameEvent(read[i], written[i]);
    }
    CHECK(read.back().timeNs > qint64(1) << 53);
}

TEST_CASE("TraceRecorder reads a bounded amount at a time and loses nothing", "[trace]")
{
    TraceRecorder recorder;
    Clock clock(Clock::Mode::Virtual, 1.0);
    // Units with labels (two-slot events) and plain states (one slot) on the loop stream, a
    // counter on the shared stream, past a chunk's end.
    for (quint32 id = 1; id <= 3000; ++id) {
        const TraceWriter at(&recorder, qint64(id) * 1000);
        at.created(id, UnitKind::Task, 0, recorder.intern(QStringLiteral("task %1").arg(id)));
        at.stateChanged(id, UnitState::Running);
        at.stateChanged(id, UnitState::Waiting, 0, recorder.intern(QStringLiteral("x.py:3")));
        at.finished(id, Outcome::Completed);
        TraceWriter(&recorder, clock).counter(recorder.intern(QStringLiteral("in use")), id);
    }
    std::vector<TraceEvent> all;
    TraceRecorder::Cursor whole;
    recorder.readNew(whole, all);
    REQUIRE(all.size() == 5 * 3000);

    constexpr quint64 Max = 7;
    std::vector<TraceEvent> pieces;
    TraceRecorder::Cursor cursor;
    for (;;) {
        std::vector<TraceEvent> piece;
        recorder.readNew(cursor, piece, Max);
        if (piece.empty())
            break;
        REQUIRE(piece.size() <= Max);
        pieces.insert(pieces.end(), piece.begin(), piece.end());
    }
    REQUIRE(pieces.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        INFO("event " << i);
        REQUIRE(pieces[i].type == all[i].type);
        REQUIRE(pieces[i].unit == all[i].unit);
        REQUIRE(pieces[i].timeNs == all[i].timeNs);
        REQUIRE(pieces[i].b == all[i].b);
    }

    // A builder fed a few events per update builds the same data as one fed all at once.
    TraceBuilder bounded(&recorder), once(&recorder);
    int updates = 0;
    while (bounded.update(5))
        ++updates;
    REQUIRE(once.update());
    CHECK(updates >= int(all.size()) / 5);
    REQUIRE(bounded.data().units.size() == 3000);
    for (std::size_t i = 0; i < 3000; ++i) {
        const UnitRecord &a = bounded.data().units[i], &b = once.data().units[i];
        REQUIRE(a.label == b.label);
        REQUIRE(a.outcome == Outcome::Completed);
        REQUIRE(a.intervals.size() == b.intervals.size());
        REQUIRE(a.intervals.back().endNs == b.intervals.back().endNs);
    }
    REQUIRE(bounded.data().counters.size() == 1);
    CHECK(bounded.data().counters[0].samples.size() == once.data().counters[0].samples.size());
}

TEST_CASE("TraceRecorder shares slots for a Ready with its Running and for runs of links",
          "[trace]")
{
    // Each shared form against the same events written one by one: the same events come back,
    // in the same order, from fewer slots.
    TraceRecorder shared, single;
    const qint64 delays[] = {0, 5, 0xffffffffLL, 0x100000000LL, -3};
    qint64 t = 1000;
    for (const qint64 delay : delays) {
        TraceWriter(&shared, t + delay).readyThenRunning(7, t);
        TraceWriter(&single, t).stateChanged(7, UnitState::Ready);
        TraceWriter(&single, t + delay).stateChanged(7, UnitState::Running);
        t += 10'000'000'000LL;
    }
    const quint32 counts[] = {1, 3, 2500}; // 2500: more than a slot's run holds
    quint32 first = 100;
    for (const quint32 count : counts) {
        TraceWriter(&shared, t).linkedRun(2, first, count);
        for (quint32 i = 0; i < count; ++i)
            TraceWriter(&single, t).linked(2, first + i);
        first += count + 10;
    }
    std::vector<TraceEvent> got, want;
    TraceRecorder::Cursor sharedCursor, singleCursor;
    shared.readNew(sharedCursor, got);
    single.readNew(singleCursor, want);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("event " << i);
        requireSameEvent(got[i], want[i]);
    }
    // Slots: delays in 32 bits take one (3), the others two each (2 x 2); links: 1 + 2 + 3 x 2.
    CHECK(sharedCursor.loop == 3 + 4 + 1 + 2 + 6);
    CHECK(singleCursor.loop == 2 * 5 + 1 + 3 + 2500);

    // Read a slot at a time, a run's links still come back whole and in order.
    std::vector<TraceEvent> pieces;
    TraceRecorder::Cursor cursor;
    for (;;) {
        const std::size_t before = pieces.size();
        shared.readNew(cursor, pieces, 1);
        if (pieces.size() == before)
            break;
    }
    REQUIRE(pieces.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        REQUIRE(pieces[i].a == want[i].a);
}

TEST_CASE("TraceRecorder shares a slot for a Running and its unit's next state soon after",
          "[trace]")
{
    // The event loop's Runnings through runningHeld(), the rest through stateChanged(), against
    // all written raw, one slot each: the same events come back in the same order, from fewer
    // slots.
    TraceRecorder shared, single;
    auto state = [&](qint64 t, quint32 unit, UnitState s, quint32 at = 0, quint16 lane = 0) {
        if (s == UnitState::Running && lane == 0)
            TraceWriter(&shared, t).runningHeld(unit);
        else
            TraceWriter(&shared, t).stateChanged(unit, s, lane, at);
        RawTraceAccess::append(single, {t, unit, EventType::State, quint8(s), lane, at, 0});
    };
    const quint32 place = shared.intern(QStringLiteral("x.cpp:7"));
    state(100, 7, UnitState::Running);
    state(150, 7, UnitState::Waiting, place); // one slot
    state(1000, 7, UnitState::Running);
    state(1000 + 16383, 7, UnitState::Queued, 3); // one slot: the longest step that shares
    state(50'000, 7, UnitState::Running);
    state(50'000 + 16384, 7, UnitState::Waiting, place); // two: a longer step
    state(60'000, 7, UnitState::Running);
    state(60'001, 7, UnitState::Waiting, 1u << 18); // two: a place beyond the slot's bits
    state(70'000, 7, UnitState::Running);
    state(69'999, 7, UnitState::Waiting); // two: back in time
    state(80'000, 7, UnitState::Running);
    state(80'000, 8, UnitState::Running); // unit 7's is written alone
    state(80'010, 8, UnitState::Ready);   // one slot with unit 8's Running
    state(90'000, 9, UnitState::Running, 0, 2); // a worker's lane: written at once
    TraceWriter(&shared, 92'000).stateChanged(9, UnitState::Running); // not held: written at once
    RawTraceAccess::append(single, {92'000, 9, EventType::State, quint8(UnitState::Running), 0,
                                    0, 0});
    state(90'001, 9, UnitState::Waiting, 0, 2);
    state(95'000, 7, UnitState::Running);
    TraceWriter(&shared, 95'020).finished(7, Outcome::Completed); // one: its end
    RawTraceAccess::append(single, {95'020, 7, EventType::Finished,
                                    quint8(Outcome::Completed), 0, 0, 0});
    state(99'000, 7, UnitState::Running);

    // Held back: the last Running is published by flush().
    std::vector<TraceEvent> got, want;
    TraceRecorder::Cursor cursor, singleCursor;
    shared.readNew(cursor, got);
    single.readNew(singleCursor, want);
    REQUIRE(got.size() + 1 == want.size());
    shared.flush();
    shared.readNew(cursor, got);
    requireSameEvents(got, want);
    // Slots: 1 + 1 + 2 + 2 + 2 + 1 + 1 (unit 8's pair) + 4 (lane 2: two each) + 1 + 1 + 1.
    CHECK(cursor.loop == 17);
}

TEST_CASE("TraceRecorder shares a slot for a Running and its unit's end", "[trace]")
{
    TraceRecorder recorder;
    const quint32 name = recorder.intern(QStringLiteral("semaphore queue"));
    const quint32 error = recorder.intern(QStringLiteral("ValueError: x"));
    TraceWriter(&recorder, 100).runningHeld(7);
    TraceWriter(&recorder, 100).counter(name, 3); // at the Running's time: before it
    TraceWriter(&recorder, 400).finished(7, Outcome::Completed); // one slot with the Running
    TraceWriter(&recorder, 500).runningHeld(8);
    TraceWriter(&recorder, 600).counter(name, 2); // later: after it
    TraceWriter(&recorder, 700).runningHeld(9);
    TraceWriter(&recorder, 800).finished(9, Outcome::Failed, error); // an error: two slots
    TraceWriter(&recorder, 900).runningHeld(10);
    TraceWriter(&recorder, 900 + 0x100000000LL).finished(10, Outcome::Cancelled); // too long

    const std::vector<TraceEvent> want = {
        {100, name, EventType::Counter, 0, 0, 3, 0},
        {100, 7, EventType::State, quint8(UnitState::Running), 0, 0, 0},
        {400, 7, EventType::Finished, quint8(Outcome::Completed), 0, 0, 0},
        {500, 8, EventType::State, quint8(UnitState::Running), 0, 0, 0},
        {600, name, EventType::Counter, 0, 0, 2, 0},
        {700, 9, EventType::State, quint8(UnitState::Running), 0, 0, 0},
        {800, 9, EventType::Finished, quint8(Outcome::Failed), 0, 0, error},
        {900, 10, EventType::State, quint8(UnitState::Running), 0, 0, 0},
        {900 + 0x100000000LL, 10, EventType::Finished, quint8(Outcome::Cancelled), 0, 0, 0},
    };
    std::vector<TraceEvent> got;
    TraceRecorder::Cursor cursor;
    recorder.readNew(cursor, got);
    requireSameEvents(got, want);
    // Slots: 1 + 1 + 1 + 1 + 1 + 2 (the error) + 1 + 1.
    CHECK(cursor.loop == 9);
}

TEST_CASE("TraceRecorder stores unlabelled tasks made one after another in runs, in order",
          "[trace]")
{
    // The same events written through created() and raw, one slot each: the same events come
    // back in the same order, from fewer slots.
    TraceRecorder runs, single;
    std::vector<TraceEvent> written;
    auto created = [&](qint64 t, quint32 unit, UnitKind kind, quint32 parent, quint32 label) {
        TraceWriter(&runs, t).created(unit, kind, parent, label);
        const TraceEvent e{t, unit, EventType::Created, quint8(kind), 0, parent, label};
        RawTraceAccess::append(single, e);
        written.push_back(e);
    };
    for (quint32 u = 10; u < 13; ++u)
        created(5, u, UnitKind::Task, 1, 0); // a run of 3
    created(5, 14, UnitKind::Task, 1, 0); // not the next unit
    created(5, 15, UnitKind::Task, 2, 0); // another parent
    created(6, 16, UnitKind::Task, 2, 0); // another time
    created(6, 17, UnitKind::Task, 2, single.intern(QStringLiteral("named")));
    created(6, 18, UnitKind::Coroutine, 2, 0);
    for (quint32 u = 100; u < 2600; ++u)
        created(7, u, UnitKind::Task, 1, 0); // more than a slot's run holds

    // Held back: what a run of 1024 did not fill is published by the stream's next event.
    std::vector<TraceEvent> got;
    TraceRecorder::Cursor cursor;
    runs.readNew(cursor, got);
    CHECK(got.size() == written.size() - (2500 - 2 * 1024));
    TraceWriter(&runs, 8).stateChanged(3, UnitState::Running);
    RawTraceAccess::append(single, {8, 3, EventType::State, quint8(UnitState::Running), 0, 0, 0});
    runs.readNew(cursor, got);

    std::vector<TraceEvent> want;
    TraceRecorder::Cursor singleCursor;
    single.readNew(singleCursor, want);
    REQUIRE(want.size() == written.size() + 1);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("event " << i);
        requireSameEvent(got[i], want[i]);
    }
    // Slots: 2 (the run of 3) + 1 + 1 + 1 + 2 (labelled) + 1 + 3 runs x 2 + 1.
    CHECK(cursor.loop == 2 + 3 + 2 + 1 + 6 + 1);

    // flush() publishes a run without another event.
    TraceWriter(&runs, 9).created(3000, UnitKind::Task, 1, 0);
    TraceWriter(&runs, 9).created(3001, UnitKind::Task, 1, 0);
    std::vector<TraceEvent> flushed;
    runs.readNew(cursor, flushed);
    CHECK(flushed.empty());
    runs.flush();
    runs.readNew(cursor, flushed);
    REQUIRE(flushed.size() == 2);
    CHECK(flushed[1].unit == 3001);
    CHECK(flushed[1].timeNs == 9);
}

TEST_CASE("TraceRecorder interns strings once", "[trace]")
{
    TraceRecorder recorder;
    const auto a = recorder.intern(QStringLiteral("Task 1"));
    const auto b = recorder.intern(QStringLiteral("Task 2"));
    REQUIRE(a != b);
    REQUIRE(recorder.intern(QStringLiteral("Task 1")) == a);
    REQUIRE(recorder.intern(QString()) == 0);
    REQUIRE(recorder.string(b) == QStringLiteral("Task 2"));
}

TEST_CASE("TraceBuilder turns events into intervals and outcomes", "[trace]")
{
    TraceRecorder recorder;
    const auto label = recorder.intern(QStringLiteral("API-1"));
    const auto error = recorder.intern(QStringLiteral("ValueError: boom"));
    auto at = [&](qint64 t) { return TraceWriter(&recorder, t); };
    at(0).created(1, UnitKind::Main, 0, recorder.intern(QStringLiteral("main")));
    at(0).stateChanged(1, UnitState::Running);
    at(0).created(2, UnitKind::Task, 1, label);
    at(10).stateChanged(1, UnitState::Waiting);
    at(10).stateChanged(2, UnitState::Running);
    at(10).stateChanged(2, UnitState::Waiting);
    at(2000).stateChanged(2, UnitState::Ready);
    at(2500).stateChanged(2, UnitState::Running);
    at(2600).finished(2, Outcome::Failed, error);

    TraceBuilder builder(&recorder);
    REQUIRE(builder.update());
    REQUIRE_FALSE(builder.update());
    const TraceData &data = builder.data();
    REQUIRE(data.info.mainId == 1);
    const UnitRecord *task = data.unit(2);
    REQUIRE(task);
    REQUIRE(task->label == QStringLiteral("API-1"));
    REQUIRE(task->parent == 1);
    REQUIRE(task->startNs == 10);
    REQUIRE(task->endNs == 2600);
    REQUIRE(task->outcome == Outcome::Failed);
    REQUIRE(task->error == QStringLiteral("ValueError: boom"));
    // pending 0-10, (running 10-10 dropped as empty) waiting 10-2000, ready 2000-2500,
    // running 2500-2600
    REQUIRE(task->intervals.size() == 4);
    REQUIRE(task->intervals[0].state == UnitState::Pending);
    REQUIRE(task->intervals[1].state == UnitState::Waiting);
    REQUIRE(task->intervals[1].endNs == 2000);
    REQUIRE(task->intervals[2].state == UnitState::Ready);
    REQUIRE(task->intervals[3].state == UnitState::Running);
    REQUIRE(task->intervals[3].endNs == 2600);
}
