#pragma once

#include "traceevent.h"

#include <QString>

#include <array>

namespace Loopscope {

struct TraceData;
struct UnitRecord;

//! The one place that words states, outcomes and durations for people: the timeline's legend
//! and tooltips, the About box, the status line and the CLI's result line all read it, so a
//! state is called the same everywhere. (File formats use the machine names of traceevent.h.)
//! Plain functions of their arguments; any thread.
struct Wording
{
    //! "running", "waiting", ... (the legend's words).
    static QString state(UnitState state);
    //! What a state means: "suspended on a timer, I/O or another task".
    static QString stateMeaning(UnitState state);
    //! "completed", "failed", "cancelled", "timed out", "never awaited"; None: "not ended".
    static QString outcome(Outcome outcome);
    //! The outcome in a sentence's words: "never awaited (never ran)", "not ended yet".
    static QString outcomeMeaning(Outcome outcome);
    //! Outcome counts (indexed by Outcome) in people's order, zeros left out:
    //! "6 completed, 1 failed, 2 not ended".
    static QString outcomeCounts(const std::array<int, 6> &counts);
    //! What cancelled a unit, in a sentence: "cancelled by TaskGroup: item 3 failed with
    //! ValueError". byLabel/byError: the causing unit's label and error ("": none or unknown).
    //! None: "".
    static QString cancelledBy(CancelCause cause, const QString &byLabel,
                               const QString &byError = QString());
    //! The same for unit u of data (its causing unit looked up there).
    static QString cancelledBy(const TraceData &data, const UnitRecord &u);
    //! value with at most decimals decimals, trailing zeros dropped: "1.5", "2", "0.25".
    static QString number(double value, int decimals);
    //! A duration for people: "4 s", "1.25 s", "850 ms", "12 µs", "40 ns".
    static QString duration(qint64 ns);
    //! A moment on the timeline: duration() since the start, and "0 s" at the start itself.
    static QString moment(qint64 ns);
    //! A hold of a lock: "held by task 2 from 500 ms to 1 s"; endNs < 0: "held by task 2 from
    //! 500 ms on".
    static QString heldBy(const QString &holder, qint64 startNs, qint64 endNs);
};

} // namespace Loopscope
