#include "tracedata.h"

#include <algorithm>

namespace Loopscope {

void TraceData::recomputeLastEventNs()
{
    qint64 last = 0;
    for (const UnitRecord &u : units)
        last = std::max(last, u.latestNs());
    for (const OutputLine &o : output)
        last = std::max(last, o.timeNs);
    lastEventNs = last;
}

void TraceData::addBookmark(qint64 timeNs, const QString &note)
{
    const auto at = std::upper_bound(
        bookmarks.begin(), bookmarks.end(), timeNs,
        [](qint64 t, const Bookmark &b) { return t < b.timeNs; });
    bookmarks.insert(at, {timeNs, note});
}

} // namespace Loopscope
