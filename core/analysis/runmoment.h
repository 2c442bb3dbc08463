#pragma once

#include "traceevent.h"

#include <QString>

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
        quint32 at = 0;       //!< where it waits or queues: TraceData::places[at - 1]; 0: unknown
    };

    //! Units suspended at one line of the code at t (waiting or queued there): the line the code
    //! panel highlights and the tasks it names.
    struct Place
    {
        QString file; //!< as the trace names it: "sequential.cpp", "my_program.py"
        int line = 0; //!< 1-based
        UnitState state = UnitState::Waiting;
        std::vector<quint32> units; //!< in unit id order
    };

    qint64 timeNs = 0;
    std::vector<Entry> entries; //!< in unit id order

    static RunMoment at(const TraceData &data, qint64 timeNs);
    //! How many entries are in state.
    int count(UnitState state) const;
    //! The waiting and queued entries with a known place, one Place per (file, line, state),
    //! sorted by file, line and state. data is the data the moment was taken of.
    std::vector<Place> suspendedAt(const TraceData &data) const;
    //! Splits "FILE:LINE" at its last colon; false (and *line 0) if it is not of that form.
    static bool splitPlace(const QString &place, QString *file, int *line);
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
