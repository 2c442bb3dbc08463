#pragma once

// Shared by the tst_io_*.cpp files: a realistic run and a field-by-field comparison.

#include <catch2/catch.hpp>

#include "tracebuilder.h"
#include "tracedata.h"
#include "tracerecorder.h"
#include "tracewriter.h"

#include <QString>

#include <cmath>

namespace Loopscope::Test {

//! An executor-like run written through TraceWriter into r, as a scenario would write it:
//! main (1) awaits a task (2) that awaits a coroutine (3); an executor job (4) queues, then runs
//! on worker lane 2 (their waits with a place in the code); a coroutine that is never awaited (5); a task that fails (6); one that
//! times out at a deadline (7); one that main cancels (8). Two counters, four flows, output
//! with characters JSON must escape, a loop-lag sample; a lock held by 2, then 6, then main
//! (open when not finished). Times are not multiples of 1 us, so
//! any rounding shows. finished: main and the never-awaited coroutine end.
inline void writeSampleRun(TraceRecorder &r, bool finished = true)
{
    auto at = [&](qint64 t) { return TraceWriter(&r, t); };
    auto created = [&](qint64 t, quint32 unit, UnitKind kind, quint32 parent, const char *label) {
        at(t).created(unit, kind, parent, r.intern(QString::fromUtf8(label)));
    };
    auto state = [&](qint64 t, quint32 unit, UnitState s, quint16 lane = 0,
                     const char *place = "") {
        at(t).stateChanged(unit, s, lane, r.intern(QString::fromUtf8(place)));
    };
    auto finish = [&](qint64 t, quint32 unit, Outcome o, const char *error = "") {
        at(t).finished(unit, o, r.intern(QString::fromUtf8(error)));
    };
    auto link = [&](qint64 t, quint32 from, quint32 to) { at(t).linked(from, to); };
    auto counter = [&](qint64 t, const char *name, quint32 value) {
        at(t).counter(r.intern(QString::fromUtf8(name)), value);
    };

    auto holder = [&](qint64 t, quint32 unit) {
        at(t).holder(r.intern(QStringLiteral("lock")), unit);
    };

    created(0, 1, UnitKind::Main, 0, "main");
    state(0, 1, UnitState::Running);
    holder(0, 0);
    created(0, 2, UnitKind::Task, 1, "API-1");
    created(0, 5, UnitKind::Coroutine, 1, "get_data #1");
    created(0, 6, UnitKind::Task, 1, "item 5");
    created(0, 7, UnitKind::Task, 1, "slow_operation");
    created(0, 8, UnitKind::Task, 1, "cancellable_task");
    state(1000, 1, UnitState::Waiting);
    link(1000, 1, 2);
    state(1000, 2, UnitState::Running);
    counter(1000, "semaphore in use", 1);
    holder(1000, 2);
    created(1500, 3, UnitKind::Coroutine, 2, "fetch(\"API-1\")");
    state(1500, 2, UnitState::Waiting);
    link(1500, 2, 3);
    state(1500, 3, UnitState::Running);
    counter(1500, "semaphore in use", 2);
    state(2000, 3, UnitState::Waiting, 0, "executor.cpp:12");
    created(2000, 4, UnitKind::Executor, 1, "blocking_io_operation(file1.txt)");
    state(2000, 4, UnitState::Queued, 0, "executor.cpp:30");
    counter(2000, "executor queue", 1);
    link(2000, 1, 4);
    state(2001, 6, UnitState::Running);
    holder(2001, 6);
    state(2002, 6, UnitState::Waiting, 0, "gatherreturnexceptions.cpp:11");
    state(2003, 7, UnitState::Running);
    state(2004, 7, UnitState::Waiting);
    state(2005, 8, UnitState::Running);
    state(2006, 8, UnitState::Waiting);
    state(500'000'123, 4, UnitState::Running, 2);
    counter(500'000'123, "executor queue", 0);
    state(1'000'000'001, 6, UnitState::Running);
    finish(1'250'000'000, 6, Outcome::Failed, "ValueError: item 5 failed");
    holder(1'250'000'000, 0);
    link(1'250'000'000, 1, 6);
    state(1'500'000'000, 8, UnitState::Running);
    at(1'500'000'007).cancelledBy(8, CancelCause::Explicit, 1);
    finish(1'500'000'007, 8, Outcome::Cancelled);
    at(2'000'000'000).deadline(7);
    at(2'000'000'000).cancelledBy(7, CancelCause::Timeout, 0);
    finish(2'000'000'000, 7, Outcome::TimedOut, "TimeoutError");
    state(2'000'000'000, 3, UnitState::Ready);
    at(2'000'500'000).loopLag(500'000);
    state(2'000'500'000, 3, UnitState::Running);
    finish(2'001'000'000, 3, Outcome::Completed);
    state(2'001'000'000, 2, UnitState::Running);
    at(2'001'000'500)
        .output(r.intern(
            QString::fromUtf8("API-1 done: {\"ok\": true}\t\xc3\x85 \xe2\x86\x92 \\path")));
    finish(2'001'000'500, 2, Outcome::Completed);
    finish(2'500'000'123, 4, Outcome::Completed);
    state(2'500'000'200, 1, UnitState::Running);
    counter(2'500'000'200, "semaphore in use", 0);
    holder(2'500'000'200, 1);
    at(2'500'000'300).output(r.intern(QStringLiteral("all done")));
    if (finished) {
        finish(3'000'000'000, 5, Outcome::NeverAwaited);
        holder(3'000'000'000, 0);
        finish(3'000'000'000, 1, Outcome::Completed);
    }
}

//! That run built by TraceBuilder, with its run info.
inline TraceData sampleTrace(bool finished = true)
{
    TraceRecorder r;
    writeSampleRun(r, finished);
    TraceBuilder builder(&r);
    builder.update();
    TraceData data = builder.take();
    data.info.scenario = QStringLiteral("executor");
    data.info.params = { { QStringLiteral("workers"), 3.0 }, { QStringLiteral("io_duration"), 2.5 },
        { QStringLiteral("cpu_n"), 0.0 } };
    data.info.timeScale = 0.1;
    data.info.clock = QStringLiteral("virtual");
    data.info.totalNs = finished ? 3'000'000'000 : 2'500'000'300;
    data.info.finished = finished;
    return data;
}

//! That run as if a traced program ran a second event loop (asyncio.run twice, or a loop in a
//! thread): the failing, the timed-out and the cancelled task (6, 7, 8) and a second lag sample
//! on loop 1, the rest on loop 0.
inline TraceData twoLoopTrace()
{
    TraceData data = sampleTrace();
    for (quint32 id : { 6u, 7u, 8u })
        data.units[id - 1].loop = 1;
    data.loopLag.push_back({ 2'400'000'000, 300'000'000, 1 });
    return data;
}

//! Whether unit u of a and unit v of b are equal in every field, their intervals too.
inline bool sameUnit(
    const TraceData &a, const UnitRecord &u, const TraceData &b, const UnitRecord &v)
{
    if (!(u.id == v.id && u.parent == v.parent && u.kind == v.kind && u.label == v.label
            && u.createdNs == v.createdNs && u.startNs == v.startNs && u.endNs == v.endNs
            && u.outcome == v.outcome && u.error == v.error && u.cancelCause == v.cancelCause
            && u.cancelledBy == v.cancelledBy && u.loop == v.loop
            && u.intervals.size() == v.intervals.size()))
        return false;
    for (std::size_t k = 0; k < u.intervals.size(); ++k) {
        const StateInterval &x = u.intervals[k];
        const StateInterval &y = v.intervals[k];
        if (!(x.startNs == y.startNs && x.endNs == y.endNs && x.state == y.state && x.lane == y.lane
                && a.placeOf(x) == b.placeOf(y)))
            return false;
    }
    return true;
}

//! Every field of two TraceData equal (times to the nanosecond). Units and flows that are
//! equal are compared without a Catch assertion each (a million-unit trace would spend most of
//! its time in them); one that differs gets its fields checked one by one, to say which.
inline void requireSameTrace(const TraceData &a, const TraceData &b)
{
    CHECK(a.info.scenario == b.info.scenario);
    REQUIRE(a.info.params.size() == b.info.params.size());
    for (std::size_t i = 0; i < a.info.params.size(); ++i) {
        CHECK(a.info.params[i].first == b.info.params[i].first);
        CHECK(a.info.params[i].second == b.info.params[i].second);
    }
    CHECK(a.info.timeScale == b.info.timeScale);
    CHECK(a.info.clock == b.info.clock);
    CHECK(a.info.totalNs == b.info.totalNs);
    CHECK(a.info.mainId == b.info.mainId);
    CHECK(a.info.finished == b.info.finished);

    REQUIRE(a.units.size() == b.units.size());
    for (std::size_t i = 0; i < a.units.size(); ++i) {
        const UnitRecord &u = a.units[i];
        const UnitRecord &v = b.units[i];
        if (sameUnit(a, u, b, v))
            continue;
        INFO("unit " << i + 1);
        CHECK(u.id == v.id);
        CHECK(u.parent == v.parent);
        CHECK(u.kind == v.kind);
        CHECK(u.label == v.label);
        CHECK(u.createdNs == v.createdNs);
        CHECK(u.startNs == v.startNs);
        CHECK(u.endNs == v.endNs);
        CHECK(u.outcome == v.outcome);
        CHECK(u.error == v.error);
        CHECK(u.cancelCause == v.cancelCause);
        CHECK(u.cancelledBy == v.cancelledBy);
        CHECK(u.loop == v.loop);
        REQUIRE(u.intervals.size() == v.intervals.size());
        for (std::size_t k = 0; k < u.intervals.size(); ++k) {
            INFO("interval " << k);
            CHECK(u.intervals[k].startNs == v.intervals[k].startNs);
            CHECK(u.intervals[k].endNs == v.intervals[k].endNs);
            CHECK(u.intervals[k].state == v.intervals[k].state);
            CHECK(u.intervals[k].lane == v.intervals[k].lane);
            CHECK(a.placeOf(u.intervals[k]) == b.placeOf(v.intervals[k]));
        }
    }

    REQUIRE(a.counters.size() == b.counters.size());
    for (std::size_t i = 0; i < a.counters.size(); ++i) {
        CHECK(a.counters[i].name == b.counters[i].name);
        REQUIRE(a.counters[i].samples.size() == b.counters[i].samples.size());
        for (std::size_t k = 0; k < a.counters[i].samples.size(); ++k) {
            CHECK(a.counters[i].samples[k].timeNs == b.counters[i].samples[k].timeNs);
            CHECK(a.counters[i].samples[k].value == b.counters[i].samples[k].value);
        }
    }
    REQUIRE(a.holders.size() == b.holders.size());
    for (std::size_t i = 0; i < a.holders.size(); ++i) {
        INFO("holder series " << i);
        CHECK(a.holders[i].name == b.holders[i].name);
        REQUIRE(a.holders[i].intervals.size() == b.holders[i].intervals.size());
        for (std::size_t k = 0; k < a.holders[i].intervals.size(); ++k) {
            CHECK(a.holders[i].intervals[k].unit == b.holders[i].intervals[k].unit);
            CHECK(a.holders[i].intervals[k].startNs == b.holders[i].intervals[k].startNs);
            CHECK(a.holders[i].intervals[k].endNs == b.holders[i].intervals[k].endNs);
        }
    }
    REQUIRE(a.flows.size() == b.flows.size());
    for (std::size_t i = 0; i < a.flows.size(); ++i) {
        if (a.flows[i].from == b.flows[i].from && a.flows[i].to == b.flows[i].to
            && a.flows[i].timeNs == b.flows[i].timeNs)
            continue;
        INFO("flow " << i);
        CHECK(a.flows[i].from == b.flows[i].from);
        CHECK(a.flows[i].to == b.flows[i].to);
        CHECK(a.flows[i].timeNs == b.flows[i].timeNs);
    }
    REQUIRE(a.output.size() == b.output.size());
    for (std::size_t i = 0; i < a.output.size(); ++i) {
        CHECK(a.output[i].timeNs == b.output[i].timeNs);
        CHECK(a.output[i].text == b.output[i].text);
        CHECK(a.output[i].stream == b.output[i].stream);
    }
    REQUIRE(a.bookmarks.size() == b.bookmarks.size());
    for (std::size_t i = 0; i < a.bookmarks.size(); ++i) {
        CHECK(a.bookmarks[i].timeNs == b.bookmarks[i].timeNs);
        CHECK(a.bookmarks[i].note == b.bookmarks[i].note);
    }
    CHECK(a.lastEventNs == b.lastEventNs);
    REQUIRE(a.deadlines.size() == b.deadlines.size());
    for (std::size_t i = 0; i < a.deadlines.size(); ++i) {
        CHECK(a.deadlines[i].unit == b.deadlines[i].unit);
        CHECK(a.deadlines[i].timeNs == b.deadlines[i].timeNs);
    }
    REQUIRE(a.loopLag.size() == b.loopLag.size());
    for (std::size_t i = 0; i < a.loopLag.size(); ++i) {
        CHECK(a.loopLag[i].timeNs == b.loopLag[i].timeNs);
        CHECK(a.loopLag[i].lagNs == b.loopLag[i].lagNs);
        CHECK(a.loopLag[i].loop == b.loopLag[i].loop);
    }
}

} // namespace Loopscope::Test
