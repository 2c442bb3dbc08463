#pragma once

#include <QByteArray>

namespace Loopscope {

struct TraceData;

//! Writes a run as Chrome Trace Event Format JSON (`--trace`) that opens in Perfetto and
//! chrome://tracing, and that TraceJsonReader reads back into an identical TraceData.
//!
//! Layout (object form; `displayTimeUnit` and a small `otherData` first, as Perfetto wants):
//! ```
//! {"displayTimeUnit": "ms",
//!  "otherData": {"format": "loopscope-trace", "version": 1, "scenario", "params": [{"name",
//!                "value"}], "time_scale", "clock", "total_ns", "total_s", "main_id",
//!                "finished", "counters": [names in order]},
//!  "traceEvents": [one event per line]}
//! ```
//! - pid 1 (`process_name` "Loopscope: <scenario>"); one tid per unit, tid = unit id.
//! - Per unit: an `M` `thread_name` event (args.name = the label, args.unit = the lossless
//!   record {id, parent, kind, label, created_ns, start_ns, end_ns, outcome, error}, ns -1 =
//!   none, outcome null = not ended) and an `M` `thread_sort_index` (creation order).
//! - Each state interval: an `X` slice, cat "state", name = state name, args {lane}; `ts` and
//!   `dur` always present, in microseconds written as exact decimals of the nanoseconds (3
//!   decimals at most); args.at = its place ("FILE:LINE") when known. An interval still open (live trace) runs to TraceData::endNs() and
//!   carries args.open = true.
//! - Each ended unit: an `i` instant (`"s":"t"`), cat "outcome", at its end (at its creation
//!   for never_awaited), args {outcome, error} and, when the unit knows why it was
//!   cancelled, cancelled_by {reason (cancelCauseName), unit (0: none)}.
//! - Flows (awaiter -> awaited): `s` on the awaiter's tid at the link time and `f` (`"bp":"e"`)
//!   on the awaited tid, at the link time if one of its slices encloses it, else at its first
//!   slice start after it, else (it had already ended) 1 ns before its last slice's end;
//!   cat/name "await", id = 1-based index. Links naming a unit that does
//!   not exist are left out (they cannot be bound to a slice).
//! - Counters: `C` events, cat "counter", name = series name, args {value}. Loop lag: `C`
//!   "loop lag (ms)", cat "loop_lag", value in ms (exact to the ns).
//! - Deadlines: `i` on the cut unit's tid, cat "deadline", args {unit}.
//! - Output lines: `i` on the main unit's tid (a tid of its own named "output" if there is no
//!   main), cat "output", name = args.text = the line.
//!
//! Pure function of the data; any thread.
class TraceJsonWriter
{
public:
    static QByteArray toJson(const TraceData &data);
};

} // namespace Loopscope
