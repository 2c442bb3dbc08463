#pragma once

#include "runtime/runtime.h"
#include "tracebuilder.h"

#include <QStringList>

namespace Loopscope::Test {

//! Runs a main coroutine to the end on a fresh loop on this thread and returns its trace.
template<typename MakeMain>
TraceData runTraced(MakeMain makeMain, Clock::Mode mode = Clock::Mode::Virtual,
                    double timeScale = 1.0)
{
    TraceRecorder recorder;
    {
        EventLoop loop(mode, timeScale, &recorder);
        auto main = runMain(loop, makeMain());
        TraceBuilder builder(&recorder);
        builder.update();
        TraceData data = builder.take();
        data.info.totalNs = data.unit(main.unit())->endNs;
        return data;
    }
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

} // namespace Loopscope::Test
