#pragma once

#include "tracedata.h"
#include "traceimportreport.h"

#include <QByteArray>
#include <QString>

#include <functional>
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
//! The file is streamed (TraceJsonParser): memory follows the TraceData, not the file. gzip
//! data (a `.json.gz`, whatever its name) is inflated as it is read.
//!
//! Never crashes on bad input: on failure returns nullopt and sets *error (if given) to one
//! line naming the problem, e.g. `not JSON: missing a closing quotation mark in string at offset
//! 123`; fromFile prefixes it with the path (`PATH: not JSON: ...`), or says `cannot read PATH:
//! REASON` when the file (or its gzip data, e.g. cut short) cannot be read. Pure functions; any
//! thread.
class TraceJsonReader
{
public:
    //! Called as the file is read with the bytes of the file read so far and its size; returning
    //! false cancels the read (fromFile then fails with `PATH: cancelled`). On the reading thread.
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    //! How a Loopscope trace's events are read: Captured, the common kinds straight from the
    //! parser's callbacks (TraceEventCapture) and any other event, or one the capture declines,
    //! from its JsonTree; or Trees, every event from its tree (the general path, which the fast
    //! one must match: for tests).
    enum class EventPath { Captured, Trees };

    static std::optional<TraceData> fromJson(const QByteArray &json, QString *error = nullptr,
        TraceImportReport *report = nullptr, EventPath path = EventPath::Captured);
    static std::optional<TraceData> fromFile(const QString &path, QString *error = nullptr,
        TraceImportReport *report = nullptr, const Progress &progress = {});

private:
    static void finish(TraceData &data);
};

} // namespace Loopscope
