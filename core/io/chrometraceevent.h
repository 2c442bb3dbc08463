#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace Loopscope {

//! One event of a Chrome Trace Event file as plain values, whatever parsed it (the
//! QJsonDocument reader today, a streaming reader tomorrow). Only the fields the importer uses;
//! a field missing or of the wrong type is empty / nullopt.
struct ChromeTraceEvent
{
    QString ph; //!< phase: "X", "B", "E", "b", "e", "n", "i", "C", "M", "s", "f", ...
    QString name;
    QString cat;
    QString pid; //!< as text: files write numbers or strings
    QString tid;
    //! Async / flow id as text (from "id", or "id2" global / local; a local one is prefixed
    //! with the pid, as it is scoped by process); "" if none.
    QString id;
    std::optional<qint64> tsNs; //!< "ts" (microseconds) in nanoseconds
    std::optional<qint64> durNs; //!< "dur" (microseconds) in nanoseconds
    //! M: args.name (process_name, thread_name).
    QString metaName;
    //! M: args.sort_index (process_sort_index, thread_sort_index).
    std::optional<qint64> sortIndex;
    //! C: the args that are finite numbers, by key; the count of those that were not.
    std::vector<std::pair<QString, double>> values;
    int badValues = 0;
};

} // namespace Loopscope
