#pragma once

#include "runtime/runtime.h"
#include "tracebuilder.h"
#include "watchdog.h"

#include <catch2/catch.hpp>

#include <QStringList>

namespace Loopscope::Test {

//! Runs main on loop (this thread) like asyncio.run, under a Watchdog that stops the loop if
//! the test hangs, and returns the trace. The test fails if the watchdog fired or main did not
//! end with `expected` (a main that throws is never a silent pass).
//! info.totalNs is the loop's end: the time runMain (asyncio.run) returned, so a timer left
//! armed or a request not aborted makes it later than main's own end (unit(mainId)->endNs).
template<typename T>
TraceData traceRun(EventLoop &loop, TraceRecorder &recorder, Co<T> main,
                   Outcome expected = Outcome::Completed)
{
    Watchdog watchdog([&loop] { loop.requestStop(); });
    const auto task = runMain(loop, std::move(main));
    const qint64 loopEndNs = loop.nowNs();
    if (watchdog.fired())
        FAIL(watchdog.message().toStdString());
    INFO("main ended " << outcomeName(task.outcome()) << " "
                       << errorText(task.error()).toStdString());
    REQUIRE(task.outcome() == expected);
    TraceBuilder builder(&recorder);
    builder.update();
    TraceData data = builder.take();
    data.info.totalNs = loopEndNs;
    return data;
}

//! traceRun on a fresh loop with this clock.
template<typename MakeMain>
TraceData runTraced(MakeMain makeMain, Clock::Mode mode = Clock::Mode::Virtual,
                    double timeScale = 1.0, Outcome expected = Outcome::Completed)
{
    TraceRecorder recorder;
    EventLoop loop(mode, timeScale, &recorder);
    return traceRun(loop, recorder, makeMain(), expected);
}

//! The unit with this label (first one), or null.
inline const UnitRecord *unitByLabel(const TraceData &data, const QString &label)
{
    for (const UnitRecord &u : data.units) {
        if (u.label == label)
            return &u;
    }
    return nullptr;
}

inline double seconds(qint64 ns) { return double(ns) / 1e9; }

//! The running loop's time (scenario seconds), from inside a coroutine.
inline double loopNow() { return seconds(EventLoop::current()->nowNs()); }

inline QStringList outputTexts(const TraceData &data)
{
    QStringList lines;
    for (const OutputLine &o : data.output)
        lines << o.text;
    return lines;
}

//! Total time spent in a state by a unit (scenario seconds).
inline double timeIn(const UnitRecord &u, UnitState state)
{
    qint64 ns = 0;
    for (const StateInterval &i : u.intervals) {
        if (i.state == state && i.endNs >= 0)
            ns += i.endNs - i.startNs;
    }
    return seconds(ns);
}

//! Highest value of the counter series called name (-1: no such series).
inline qint64 counterMax(const TraceData &data, const QString &name)
{
    qint64 best = -1;
    for (const auto &c : data.counters) {
        if (c.name == name) {
            for (const auto &s : c.samples)
                best = std::max(best, s.value);
        }
    }
    return best;
}

//! Last value of the counter series called name (-1: no such series or no sample).
inline qint64 counterLast(const TraceData &data, const QString &name)
{
    for (const auto &c : data.counters) {
        if (c.name == name && !c.samples.empty())
            return c.samples.back().value;
    }
    return -1;
}

//! The holds of the holder series called name, as "LABEL START-END" in seconds with two
//! decimals ("task 1 0.00-0.50"; an open hold ends in "open"), in time order. Empty: no such
//! series, or nobody ever held it.
inline QStringList holds(const TraceData &data, const QString &name)
{
    QStringList out;
    for (const HolderSeries &series : data.holders) {
        if (series.name != name)
            continue;
        for (const HolderInterval &h : series.intervals) {
            const UnitRecord *u = data.unit(h.unit);
            out << QStringLiteral("%1 %2-%3")
                       .arg(u ? u->label : QStringLiteral("?"))
                       .arg(seconds(h.startNs), 0, 'f', 2)
                       .arg(h.endNs < 0 ? QStringLiteral("open")
                                        : QString::number(seconds(h.endNs), 'f', 2));
        }
    }
    return out;
}

} // namespace Loopscope::Test
