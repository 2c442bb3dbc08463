#pragma once

#include "tracedata.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Loopscope {

//! Reads a trace JSON file back into TraceData.
//!
//! A file TraceJsonWriter wrote (otherData.format "loopscope-trace") comes back identical to
//! the TraceData it was written from, to the nanosecond. Such a file is checked strictly: a
//! wrong type, an unknown state name, a negative duration, a unit id outside 1..(number of
//! units) or twice, a flow without its other end: all are errors.
//!
//! Any other Chrome trace (object or array form) is imported best effort: each thread with
//! slices (`X`, or `B`/`E` pairs) becomes a task labelled by its `thread_name`; its top-level
//! slices become intervals (state = the slice name if it is a state name, else `running`);
//! `C` counters become counter series; times start at the first slice; every unit is
//! `completed` at its last slice's end; scenario "imported", clock "real".
//!
//! Never crashes on bad input: on failure returns nullopt and sets *error (if given) to one
//! line naming the problem, e.g. `not JSON: unterminated string at offset 123`; fromFile
//! prefixes it with the path. Pure functions; any thread.
class TraceJsonReader
{
public:
    static std::optional<TraceData> fromJson(const QByteArray &json, QString *error = nullptr);
    static std::optional<TraceData> fromFile(const QString &path, QString *error = nullptr);
};

} // namespace Loopscope
