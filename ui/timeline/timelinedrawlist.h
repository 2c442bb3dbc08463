#pragma once

#include "finding.h"
#include "traceevent.h"

#include <QPointF>
#include <QRectF>

#include <vector>

namespace Loopscope {

//! What one frame draws in the rows area, in paint target coordinates: built first, drawn after
//! (the Tracy way). Runs of intervals narrower than TimelineStyle::foldWidth are folded into one
//! bar that carries the dominant state and how many intervals it stands for, so the list grows
//! with the pixels on screen, not with the number of intervals.
struct TimelineDrawList
{
    enum class Role : quint8 {
        State,       //!< a unit's interval (or folded run of intervals) in `state`
        WorkerJob,   //!< a job on an executor worker lane (drawn in the running colour)
        LoopBusy,    //!< the event loop running code
        LoopBlocked, //!< the event loop blocked
    };
    struct Bar
    {
        QRectF rect;
        UnitState state = UnitState::Running;
        Role role = Role::State;
        int count = 1;       //!< > 1: a folded run of this many intervals
        quint32 unitId = 0;  //!< the unit (for a fold: the first one's)
        int row = -1;
    };
    struct Marker
    {
        QPointF center;
        Outcome outcome = Outcome::None;
        quint32 unitId = 0;
        int row = -1;
    };

    //! A finding pinned on a lane (TimelineLayout::rowOfFinding, TimelineGeometry's rect).
    struct FindingMarker
    {
        QRectF rect;
        int finding = -1; //!< index into RunAnalysis::findings()
        FindingKind kind = FindingKind::BlockedLoop;
        int row = -1;
    };
    //! What cancelled a unit: from the causing unit's lane to the cancelled unit's lane.
    struct CauseArrow
    {
        QPointF from;
        QPointF to;
        quint32 causeUnit = 0;
        quint32 unitId = 0; //!< the cancelled (or timed-out) unit
        int row = -1;       //!< its row
    };

    std::vector<Bar> bars;
    //! A holder row's holds (folded like bars; unitId: the holder), drawn in TimelineStyle::held
    //! and labelled by the holder.
    std::vector<Bar> holds;
    std::vector<Marker> markers;
    std::vector<FindingMarker> findingMarkers;
    std::vector<CauseArrow> causeArrows;
    int firstRow = 0;  //!< visible rows: [firstRow, lastRow]
    int lastRow = -1;
    qint64 visitedIntervals = 0; //!< intervals looked at while building (for tests and benches)
    qint64 foldedIntervals = 0;  //!< intervals that ended up inside a fold with others
};

} // namespace Loopscope
