#pragma once

#include "tracedata.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Loopscope {

//! Reads a run summary (SummaryWriter's `--summary` file) back into TraceData, as far as a
//! summary says it: run info, main and every unit (label, kind, parent, times, outcome, error,
//! cancelled_by, intervals with their lanes and places) and the output lines. A summary holds
//! no counters, flows, deadlines, loop-lag samples or bookmarks, so the data has none; the
//! run is finished. Figures recomputed from it (RunAnalysis) match the summary's `stats` except
//! stalls seen only as loop lag.
//!
//! Checked strictly: a JSON object with "scenario", "total_s" and a "tasks" array; each unit an
//! object with an id of 1 or more (each id once), a label, known kind / state / outcome names,
//! times as numbers (or null where the format allows it). On failure returns nullopt and sets
//! *error (if given) to one line naming the problem (RunFile reads a file of either kind).
//! Pure functions; any thread.
class SummaryReader
{
public:
    static std::optional<TraceData> fromJson(const QByteArray &json, QString *error = nullptr);
    //! Whether json is a JSON object with the keys of a summary (cheap test before reading it).
    static bool looksLikeSummary(const QByteArray &json);
};

} // namespace Loopscope
