#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Loopscope {

struct TraceData;

//! Writes the run summary (`--summary`) and the one-line result the command line prints.
//!
//! The summary is a JSON object, keys in this order:
//! ```
//! {"scenario": str, "params": {name: number, ...}, "time_scale": number, "clock": str,
//!  "total_s": number, "stats": stats, "findings": [finding, ...], "main": task | null,
//!  "tasks": [task, ...], "output": [line, ...]}
//! stats = {"total_s": number, "sequential_s": number, "speedup": number | null,
//!          "max_concurrency": int, "longest_stall_s": number, "longest_stall_at_s": number | null,
//!          "outcomes": {"completed": int, "failed": int, "cancelled": int, "timed_out": int,
//!                       "never_awaited": int, "not_ended": int}}
//! task = {"id": int, "label": str, "kind": str, "parent": int | null, "created_s": number,
//!         "start_s": number | null, "end_s": number | null, "outcome": str | null,
//!         "error": str | null, "cancelled_by": cause | null (cancelled and timed-out units only),
//!         "intervals": [{"state": str, "start_s": number, "end_s": number | null, "lane": int,
//!                        "at": str | null (waiting and queued intervals only)}]}
//! cause = {"reason": "taskgroup" | "timeout" | "cancel" | "gather" | "shutdown",
//!          "unit": int | null}
//! finding = {"kind": str, "unit": int | null, "t_s": number, "text": str}
//! line = {"t_s": number, "text": str}
//! ```
//! - Times are scenario seconds since the scenario started, written exactly from the trace's
//!   nanoseconds (e.g. `2.0`, `2.000000001`).
//! - `main` is the unit RunInfo::mainId names (null if there is none); `tasks` holds every other
//!   unit (tasks, coroutines, executor jobs, generator steps) in id order.
//! - `parent` is null when the unit has none (0 in the trace). `start_s`/`end_s` are null for a
//!   unit that never ran / has not ended; an interval's `end_s` is null while it is still open.
//! - `kind`, `state` and `outcome` are the names of traceevent.h (`never_awaited`, ...);
//!   `outcome` is null while the unit has not ended, `error` is null when empty.
//! - `stats` holds RunAnalysis' figures, defined in RunStats (the Stats panel's numbers):
//!   `speedup` is null when it is undefined (nothing ran), `longest_stall_s` is 0 and
//!   `longest_stall_at_s` null when the loop never stalled. `outcomes` counts every unit but
//!   main and always has all six keys, so they add up to the number of tasks: `not_ended`
//!   counts the units that have not ended (only an unfinished run has any).
//! - `cancelled_by` says what cancelled the unit (CancelCause): `reason` its machine name, `unit`
//!   the unit that caused it (the failing sibling, the code that called cancel(), the unit
//!   awaiting the gather, main at shutdown) or null (a timeout, a Stop); the whole is null when
//!   the trace does not say (an imported trace; a CancelledError the code raised itself).
//! - `at` is where a waiting or queued interval waits: "FILE:LINE" of the co_await (C++) or
//!   the frame's line (traced Python); null when the trace does not say.
//! - `findings` are RunAnalysis::findings() (FindingDetector says when each kind is found):
//!   `kind` its machine name (`blocked_loop`, ...), `unit` the unit it is about, `t_s` where it
//!   belongs on the timeline, `text` the sentence for people. Empty when nothing was found.
//! - Output lines are objects rather than bare strings so that the time each line was printed
//!   survives; the text is `line["text"]`.
//!
//! Pure functions of the data; any thread.
class SummaryWriter
{
public:
    static QByteArray toJson(const TraceData &data);

    //! One short, stable line for humans, e.g.
    //! `sequential: 6.00 s, 3 units: 3 completed` or
    //! `gather_return_exceptions: 0.50 s, 7 units: 6 completed, 1 failed`.
    //! Counts every unit but main by outcome (completed, failed, cancelled, timed out,
    //! never awaited, not ended; zero counts left out). Ends with `, unfinished` if the run did
    //! not finish.
    static QString resultLine(const TraceData &data);
    //! One line per finding, for the command line to print after the result line:
    //! `finding blocked_loop at 500 ms: Task 3 held the event loop for 1 s ...`.
    static QStringList findingLines(const TraceData &data);
};

} // namespace Loopscope
