#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Loopscope {

class RunComparison;
struct TraceData;

//! Writes a comparison of two runs (RunComparison, A before B) for `loopscope compare`: the
//! lines it prints and its `--summary` JSON. Both say the figures of the window's Compare panel.
//!
//! Lines: one per task in the comparison's order, then the run figures:
//! ```
//! req4: A 2.000 s, B 1.000 s, delta -1.000 s
//! req9: only in A, end 3.000 s
//! total: A 4.000 s, B 2.000 s, delta -2.000 s
//! most at once: A 3, B 5, delta +2
//! longest stall: A 0.000 s, B 0.000 s, delta 0.000 s
//! ```
//! (a task that never ended says `never ended` for its end, and has no delta).
//!
//! JSON, keys in this order (times in scenario seconds, exact; B minus A for every delta; null
//! where a run has no such figure):
//! ```
//! {"a": run, "b": run,
//!  "total": {"a_s", "b_s", "delta_s"},
//!  "max_concurrency": {"a", "b", "delta"},
//!  "longest_stall": {"a_s", "b_s", "delta_s"},
//!  "tasks": [{"label", "a_end_s", "b_end_s", "delta_s", "a_wait_s", "b_wait_s",
//!             "wait_delta_s"}]}
//! run = {"file": str, "scenario": str, "params": {name: number}, "clock": str}
//! ```
//! Pure functions; any thread.
class ComparisonWriter
{
public:
    static QStringList lines(const RunComparison &comparison);
    //! aFile / bFile: where each run was read from (written as given).
    static QByteArray toJson(const RunComparison &comparison, const TraceData &a,
        const TraceData &b, const QString &aFile, const QString &bFile);
};

} // namespace Loopscope
