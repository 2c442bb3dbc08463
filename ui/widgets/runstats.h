#pragma once

#include <QString>
#include <QtGlobal>

#include <array>

namespace Loopscope {

struct TraceData;
class TimelineLayout;

//! The numbers of the Stats panel, computed from a run. "Top-level work" is every task,
//! coroutine or executor job that no other counted unit encloses (main does not count), so
//! nested coroutines are not counted twice.
struct RunStats
{
    qint64 totalNs = 0;       //!< the run's length
    //! Sum of the time top-level work spent running or waiting (queued / pending / ready time
    //! left out): what doing it one after another would take.
    qint64 sequentialNs = 0;
    double speedUp = 0;       //!< sequentialNs / totalNs (0 if either is 0)
    int maxConcurrency = 0;   //!< most top-level units running or waiting at the same time
    qint64 maxConcurrencyAtNs = 0;
    qint64 longestStallNs = 0; //!< longest span the loop was blocked (loop lag or blocked run)
    qint64 longestStallAtNs = -1;
    int units = 0;             //!< every unit but main
    std::array<int, 6> outcomes{}; //!< indexed by Outcome (None: not ended)

    //! layout gives the blocked spans (nullptr: only loop lag counts). nowNs: the live edge
    //! of a run still going (open intervals end there), < 0: the data's last event.
    static RunStats compute(const TraceData &data, const TimelineLayout *layout,
                            qint64 nowNs = -1);
};

} // namespace Loopscope
