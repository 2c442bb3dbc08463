#include "tracedata.h"

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

} // namespace Loopscope
