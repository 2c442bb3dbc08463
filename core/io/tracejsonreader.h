#pragma once

#include "tracedata.h"
#include "traceimportreport.h"

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
//! Any other Chrome trace (object or array form) is imported best effort by
//! ChromeTraceImporter (threads, nested calls, async ids, processes, instants, counters,
//! flows as lanes); what it could not show or had to guess is counted in *report (if given).
//! A Loopscope trace leaves *report empty.
//!
//! Never crashes on bad input: on failure returns nullopt and sets *error (if given) to one
//! line naming the problem, e.g. `not JSON: unterminated string at offset 123`; fromFile
//! prefixes it with the path. Pure functions; any thread.
class TraceJsonReader
{
public:
    static std::optional<TraceData> fromJson(const QByteArray &json, QString *error = nullptr,
        TraceImportReport *report = nullptr);
    static std::optional<TraceData> fromFile(const QString &path, QString *error = nullptr,
        TraceImportReport *report = nullptr);
};

} // namespace Loopscope
