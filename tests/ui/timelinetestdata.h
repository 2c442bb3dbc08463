#pragma once

// Hand-made traces for the timeline tests, built through TraceRecorder + TraceBuilder like a run.

#include "tracebuilder.h"
#include "tracerecorder.h"
#include "tracewriter.h"

#include <QColor>

#include <catch2/catch.hpp>

namespace Catch {
template<>
struct StringMaker<QColor>
{
    static std::string convert(const QColor &c) { return c.name(QColor::HexArgb).toStdString(); }
};
} // namespace Catch

namespace Loopscope::Test {

constexpr qint64 Ms = 1'000'000;
constexpr qint64 Sec = 1'000'000'000;

//! Appends events in time order and builds the TraceData.
class TraceScript
{
public:
    quint32 create(qint64 t, const QString &label, quint32 parent = 0,
                   UnitKind kind = UnitKind::Task, quint16 loop = 0)
    {
        const quint32 id = m_recorder.newUnitId();
        at(t).created(id, kind, parent, m_recorder.intern(label), loop);
        return id;
    }
    void state(qint64 t, quint32 unit, UnitState s, quint16 lane = 0)
    {
        at(t).stateChanged(unit, s, lane);
    }
    void finish(qint64 t, quint32 unit, Outcome o, const QString &error = {})
    {
        at(t).finished(unit, o, m_recorder.intern(error));
    }
    void counter(qint64 t, const QString &name, qint64 value)
    {
        at(t).counter(m_recorder.intern(name), value);
    }
    void link(qint64 t, quint32 from, quint32 to)
    {
        at(t).linked(from, to);
    }
    void deadline(qint64 t, quint32 unit)
    {
        at(t).deadline(unit);
    }
    void loopLag(qint64 t, qint64 lagNs, quint16 loop = 0)
    {
        at(t).loopLag(lagNs, loop);
    }
    void holder(qint64 t, const QString &name, quint32 unit)
    {
        at(t).holder(m_recorder.intern(name), unit);
    }
    TraceData build()
    {
        TraceBuilder builder(&m_recorder);
        builder.update();
        return builder.take();
    }
    TraceRecorder &recorder() { return m_recorder; }

private:
    TraceWriter at(qint64 t) { return {&m_recorder, t}; }

    TraceRecorder m_recorder;
};

//! A semaphore run like the tutorial's (10 requests of 1 s through Semaphore(3), waves at
//! 0, 1, 2, 3 s), plus a failed task, a cancelled one, a timed-out one with its deadline, an
//! executor job on worker lane 2, a never-awaited coroutine and a loop blocked for 300 ms
//! (blocking_call) while ticker was ready.
//! Every running slice lasts a few ms so that it is visible.
inline TraceData semaphoreTrace(int requests = 10, int limit = 3)
{
    TraceScript s;
    const quint32 main = s.create(0, QStringLiteral("main"), 0, UnitKind::Main);
    s.state(0, main, UnitState::Running);
    std::vector<quint32> reqs;
    for (int i = 1; i <= requests; ++i)
        reqs.push_back(s.create(i * Ms / 10, QStringLiteral("req%1").arg(i), main));
    const quint32 flaky = s.create(2 * Ms, QStringLiteral("flaky_request"), main);
    const quint32 cancelled = s.create(2 * Ms, QStringLiteral("cancellable_task"), main);
    const quint32 slow = s.create(2 * Ms, QStringLiteral("slow_operation"), main);
    const quint32 job = s.create(3 * Ms, QStringLiteral("blocking_io_operation(file1.txt)"),
                                 main, UnitKind::Executor);
    const quint32 ticker = s.create(3 * Ms, QStringLiteral("ticker"), main);
    const quint32 blocker = s.create(3 * Ms, QStringLiteral("blocking_call"), main);
    const quint32 never = s.create(3 * Ms, QStringLiteral("get_data #1"), main,
                                   UnitKind::Coroutine);
    s.finish(3 * Ms, never, Outcome::NeverAwaited);
    s.state(4 * Ms, main, UnitState::Waiting);
    for (quint32 r : reqs)
        s.link(4 * Ms, main, r);

    struct Ev {
        qint64 t;
        int kind; // 0 state, 1 finish, 2 counter, 3 loop lag (code = ms)
        quint32 unit;
        int code;
        QString text;
        quint16 lane;
    };
    std::vector<Ev> evs;
    const QString inUse = QStringLiteral("semaphore in use");
    const QString queue = QStringLiteral("semaphore queue");
    for (int i = 0; i < requests; ++i) {
        const quint32 r = reqs[std::size_t(i)];
        const qint64 first = 5 * Ms + i * 2 * Ms;
        const int wave = i / limit;
        const qint64 acquire = wave * Sec + (wave ? 8 * Ms + (i % limit) * 3 * Ms : 0);
        evs.push_back({first, 0, r, int(UnitState::Running), {}, 0});
        if (wave == 0) {
            evs.push_back({first + 2 * Ms, 0, r, int(UnitState::Waiting), {}, 0});
        } else {
            evs.push_back({first + 2 * Ms, 0, r, int(UnitState::Queued), {}, 0});
            evs.push_back({acquire, 0, r, int(UnitState::Running), {}, 0});
            evs.push_back({acquire + 2 * Ms, 0, r, int(UnitState::Waiting), {}, 0});
        }
        const qint64 done = std::max(first, acquire) + Sec;
        evs.push_back({done, 0, r, int(UnitState::Running), {}, 0});
        evs.push_back({done + 3 * Ms, 1, r, int(Outcome::Completed), {}, 0});
    }
    for (int w = 0; w * limit < requests; ++w) {
        const int inWave = std::min(limit, requests - w * limit);
        const int waiting = std::max(0, requests - (w + 1) * limit);
        evs.push_back({w * Sec + 30 * Ms, 2, 0, inWave, inUse, 0});
        evs.push_back({w * Sec + 30 * Ms, 2, 0, waiting, queue, 0});
    }
    evs.push_back({(requests + limit - 1) / limit * Sec + 20 * Ms, 2, 0, 0, inUse, 0});

    // flaky: waits 0.7 s, then fails.
    evs.push_back({30 * Ms, 0, flaky, int(UnitState::Running), {}, 0});
    evs.push_back({32 * Ms, 0, flaky, int(UnitState::Waiting), {}, 0});
    evs.push_back({730 * Ms, 0, flaky, int(UnitState::Running), {}, 0});
    evs.push_back({735 * Ms, 1, flaky, int(Outcome::Failed), QStringLiteral("ValueError: item 5 failed"), 0});
    // cancellable: waits, cancelled at 1.5 s, cleanup runs.
    evs.push_back({34 * Ms, 0, cancelled, int(UnitState::Running), {}, 0});
    evs.push_back({36 * Ms, 0, cancelled, int(UnitState::Waiting), {}, 0});
    evs.push_back({1500 * Ms, 0, cancelled, int(UnitState::Running), {}, 0});
    evs.push_back({1520 * Ms, 1, cancelled, int(Outcome::Cancelled), QStringLiteral("CancelledError"), 0});
    // slow_operation under a 2 s timeout.
    evs.push_back({38 * Ms, 0, slow, int(UnitState::Running), {}, 0});
    evs.push_back({40 * Ms, 0, slow, int(UnitState::Waiting), {}, 0});
    evs.push_back({2040 * Ms, 0, slow, int(UnitState::Running), {}, 0});
    evs.push_back({2045 * Ms, 1, slow, int(Outcome::TimedOut), QStringLiteral("TimeoutError"), 0});
    // executor job: queued for a slot, then runs 1.2 s on worker lane 2.
    evs.push_back({42 * Ms, 0, job, int(UnitState::Queued), {}, 0});
    evs.push_back({300 * Ms, 0, job, int(UnitState::Running), {}, 2});
    evs.push_back({1500 * Ms, 1, job, int(Outcome::Completed), {}, 0});
    evs.push_back({300 * Ms, 2, 0, 1, QStringLiteral("executor in use"), 0});
    evs.push_back({1500 * Ms, 2, 0, 0, QStringLiteral("executor in use"), 0});

    // ticker's timer fires at 2.35 s, but blocking_call holds the loop from 2.3 to 2.6 s.
    evs.push_back({44 * Ms, 0, ticker, int(UnitState::Running), {}, 0});
    evs.push_back({45 * Ms, 0, ticker, int(UnitState::Waiting), {}, 0});
    evs.push_back({2350 * Ms, 0, ticker, int(UnitState::Ready), {}, 0});
    evs.push_back({2600 * Ms, 0, ticker, int(UnitState::Running), {}, 0});
    evs.push_back({2604 * Ms, 1, ticker, int(Outcome::Completed), {}, 0});
    evs.push_back({46 * Ms, 0, blocker, int(UnitState::Running), {}, 0});
    evs.push_back({47 * Ms, 0, blocker, int(UnitState::Waiting), {}, 0});
    evs.push_back({2300 * Ms, 0, blocker, int(UnitState::Running), {}, 0});
    evs.push_back({2600 * Ms, 1, blocker, int(Outcome::Completed), {}, 0});
    evs.push_back({2600 * Ms, 3, 0, 250, {}, 0});

    std::stable_sort(evs.begin(), evs.end(), [](const Ev &a, const Ev &b) { return a.t < b.t; });
    bool deadlineDone = false;
    for (const Ev &e : evs) {
        if (!deadlineDone && e.t >= 40 * Ms) {
            s.deadline(2040 * Ms, slow);
            deadlineDone = true;
        }
        if (e.kind == 0)
            s.state(e.t, e.unit, UnitState(e.code), e.lane);
        else if (e.kind == 1)
            s.finish(e.t, e.unit, Outcome(e.code), e.text);
        else if (e.kind == 3)
            s.loopLag(e.t, e.code * Ms);
        else
            s.counter(e.t, e.text, e.code);
    }
    const qint64 end = (requests + limit - 1) / limit * Sec + 40 * Ms;
    s.state(end - 10 * Ms, main, UnitState::Running);
    s.finish(end, main, Outcome::Completed);
    TraceData data = s.build();
    data.info.scenario = QStringLiteral("semaphore");
    data.info.params = {{QStringLiteral("requests"), requests},
                        {QStringLiteral("limit"), limit},
                        {QStringLiteral("delay"), 1}};
    data.info.totalNs = end;
    data.info.finished = true;
    return data;
}

//! A small tree: main > (parent > (child a, child b > grandchild), sibling), straight-line states.
inline TraceData treeTrace()
{
    TraceScript s;
    const quint32 main = s.create(0, QStringLiteral("main"), 0, UnitKind::Main);
    const quint32 parent = s.create(1 * Ms, QStringLiteral("parent"), main);
    const quint32 sibling = s.create(2 * Ms, QStringLiteral("sibling"), main);
    const quint32 a = s.create(3 * Ms, QStringLiteral("child a"), parent, UnitKind::Coroutine);
    const quint32 b = s.create(4 * Ms, QStringLiteral("child b"), parent);
    const quint32 g = s.create(5 * Ms, QStringLiteral("grandchild"), b);
    s.state(0, main, UnitState::Running);
    s.state(6 * Ms, main, UnitState::Waiting);
    // parent: runs 100..200 ms, waits 200..800 ms, runs 800..900 ms.
    s.state(100 * Ms, parent, UnitState::Running);
    s.state(200 * Ms, parent, UnitState::Waiting);
    for (quint32 u : {sibling, a, b, g}) {
        s.state(210 * Ms, u, UnitState::Running);
        s.state(220 * Ms, u, UnitState::Waiting);
    }
    s.state(800 * Ms, parent, UnitState::Running);
    for (quint32 u : {sibling, a, b, g})
        s.finish(700 * Ms, u, Outcome::Completed);
    s.finish(900 * Ms, parent, Outcome::Completed);
    s.state(990 * Ms, main, UnitState::Running);
    s.finish(Sec, main, Outcome::Completed);
    TraceData data = s.build();
    data.info.scenario = QStringLiteral("tree");
    data.info.totalNs = Sec;
    data.info.finished = true;
    return data;
}

} // namespace Loopscope::Test
