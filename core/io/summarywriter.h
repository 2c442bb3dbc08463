#pragma once

#include <QByteArray>
#include <QString>

namespace Loopscope {

struct TraceData;

//! Writes the run summary (`--summary`) and the one-line result the command line prints.
//!
//! The summary is a JSON object, keys in this order:
//! ```
//! {"scenario": str, "params": {name: number, ...}, "time_scale": number, "clock": str,
//!  "total_s": number, "main": task | null, "tasks": [task, ...], "output": [line, ...]}
//! task = {"id": int, "label": str, "kind": str, "parent": int | null, "created_s": number,
//!         "start_s": number | null, "end_s": number | null, "outcome": str | null,
//!         "error": str | null,
//!         "intervals": [{"state": str, "start_s": number, "end_s": number | null, "lane": int}]}
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
};

} // namespace Loopscope
