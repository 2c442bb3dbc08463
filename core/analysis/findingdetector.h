#pragma once

#include "finding.h"

#include <vector>

namespace Loopscope {

struct TraceData;

//! Finds what a run's trace says is worth a look, in plain language (RunAnalysis::compute calls
//! it; read the result there). Each kind, from the trace alone, so that scenarios, traced
//! programs and opened traces get the same findings:
//! - blocked_loop: a Running interval on the loop of BlockedStepNs or more while other units
//!   were Ready; unit = the one that ran, text = how long, the place of the wait the step
//!   resumed from (its source line) and how many units were kept ready.
//! - never_awaited: each unit ending never_awaited; text names where it was created (its parent).
//! - sequential_awaits: two or more named coroutines a unit awaited one after another (each
//!   starting after the one before ended, the unit waiting meanwhile: a unit that never waited
//!   made plain calls) whose waits could have overlapped: they took
//!   SequentialMinSaving less than their sum if gathered (estimate: the longest of them, or
//!   their running time if that is longer, as running never overlaps on one loop).
//! - cancelled_at_shutdown: one finding for the tasks asyncio.run cancelled when main returned
//!   (cancelled_by shutdown by main); unit = the first of them, time = main's end.
//! - exception_never_retrieved: a task (kind task) that failed and that no unit ever awaited (no
//!   flow link to it).
//! - queue_dominated: units with a Queued interval and their siblings (same parent) spent more
//!   time queued than running or waiting; text names the limit (the counter "<name> queue" that
//!   grew most, its "<name> in use" maximum) and what twice the limit would give (the same
//!   jobs, FIFO on twice the slots).
//! Sorted by time, then kind, then unit. Pure function; any thread.
class FindingDetector
{
public:
    static constexpr qint64 BlockedStepNs = 100'000'000;
    static constexpr double SequentialMinSaving = 0.2;

    //! liveEnd: where open intervals end (the run's live edge).
    static std::vector<Finding> find(const TraceData &data, qint64 liveEnd);
};

} // namespace Loopscope
