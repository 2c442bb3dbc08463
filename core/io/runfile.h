#pragma once

#include "tracedata.h"

#include <QString>

#include <optional>

namespace Loopscope {

//! A run saved in a file, whichever file Loopscope wrote: a trace JSON (TraceJsonReader, which
//! also imports other tools' Chrome traces) or a summary JSON (SummaryReader). What `loopscope
//! compare` and the window's pinned run read. Any thread.
class RunFile
{
public:
    //! nullopt on failure, with *error (if given) one line: `PATH: not a Loopscope trace or
    //! summary (WHY)`, or `cannot read PATH: REASON`.
    static std::optional<TraceData> read(const QString &path, QString *error = nullptr);
};

} // namespace Loopscope
