#pragma once

#include <QtGlobal>

namespace Loopscope {

//! A time range on the event loop or on an executor worker lane, as RunAnalysis finds it.
//! Plain data; any thread.
struct LaneSpan
{
    qint64 startNs = 0;
    qint64 endNs = -1; //!< < 0: still open (live), up to the run's live edge
    quint32 unitId = 0; //!< the unit that ran there; 0 for a merged loop span
    int interval = -1; //!< index into the unit's intervals, or -1
};

} // namespace Loopscope
