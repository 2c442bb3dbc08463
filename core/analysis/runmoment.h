#pragma once

#include "traceevent.h"

#include <QtGlobal>

#include <vector>

namespace Loopscope {

struct TraceData;

//! A run at one moment: what every unit is doing at time t (the replay cursor). The "At this
//! moment" panel lists it; the timeline draws the cursor through the same states.
//!
//! A unit is in the moment when it exists at t (created at or before t, not ended before t) and
//! was not left never awaited. Its state is the interval containing t (for an interval ending
//! exactly at t, the next one); awaiting is the unit it waits for, from the latest flow link it
//! started at or before t (0: none known). Pure function of the data; any thread.
struct RunMoment
{
    struct Entry
    {
        quint32 unit = 0;
        UnitState state = UnitState::Pending;
        qint64 sinceNs = 0;   //!< when it entered this state
        quint16 lane = 0;     //!< executor worker lane, 0: the loop
        quint32 awaiting = 0; //!< the unit it waits for (Waiting only), 0: none known
    };

    qint64 timeNs = 0;
    std::vector<Entry> entries; //!< in unit id order

    static RunMoment at(const TraceData &data, qint64 timeNs);
    //! How many entries are in state.
    int count(UnitState state) const;
};

//! Every time a unit's state changes, sorted, for stepping through a run event by event.
//! Built once per data change; next() and previous() are binary searches. Any thread.
class RunEventTimes
{
public:
    RunEventTimes() = default;
    explicit RunEventTimes(const TraceData &data);

    //! The first change after t, or -1 if none.
    qint64 next(qint64 t) const;
    //! The last change before t, or -1 if none.
    qint64 previous(qint64 t) const;
    bool empty() const { return m_times.empty(); }
    qint64 last() const { return m_times.empty() ? 0 : m_times.back(); }

private:
    std::vector<qint64> m_times;
};

} // namespace Loopscope
