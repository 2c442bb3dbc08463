#pragma once

#include "runanalysis.h"
#include "tracedata.h"

#include <QSet>

#include <vector>

class QPointF;

namespace Loopscope {

class TimelineViewport;
struct TimelineGeometry;
struct TimelineStyle;

//! One horizontal lane of the timeline.
struct TimelineRow
{
    enum class Kind : quint8 {
        Loop,    //!< the event loop: busy / blocked, loop lag
        Worker,  //!< an executor worker lane (lane k > 0): which job ran there
        Counter, //!< a counter series drawn as a step chart
        Holder,  //!< who holds a resource (a lock): one segment per hold, named by the holder
        Unit,    //!< one task / coroutine / executor job / generator step
    };
    Kind kind = Kind::Unit;
    quint32 unitId = 0;   //!< Unit: the unit shown
    //! Counter: index into TraceData::counters; Holder: into TraceData::holders; Worker: the
    //! lane number; Loop: the loop
    int index = 0;
    int depth = 0;        //!< Unit: nesting level (children sit under their parent)
    bool hasChildren = false;
    bool collapsed = false;
    int y = 0;            //!< top, in content coordinates (0 = top of the first row)
    int height = 0;
    //! Unit: a unit of the pinned run (A) in a comparison, drawn fainter (unitId is its id in
    //! RunComparison::overlay()).
    bool faint = false;
};

//! A time range on the event-loop row or a worker lane (RunAnalysis finds them).
using TimelineSpan = LaneSpan;

//! What is under a point.
struct TimelineHit
{
    int row = -1;        //!< -1: no row
    quint32 unitId = 0;  //!< 0: no unit (loop / counter row, or empty space)
    int interval = -1;   //!< index into the unit's intervals, -1: none
    //! Holder row: index into the series' intervals (unitId is then the holder), -1: none
    int hold = -1;
};

//! The rows of a timeline and their geometry, computed once from a TraceData (and the set of
//! collapsed units); knows no time -> pixel mapping (that is TimelineViewport's job).
//!
//! Row order: the event loop row (when any unit ran on the loop), one row per executor worker
//! lane, one row per counter series, one per holder series (a lock lane), then the units in
//! creation order, each parent's children directly under it (depth + 1). A collapsed unit hides
//! its descendants. Units that were never awaited get a row of their own (a marker and a note,
//! no bars). With more than one event loop (RunAnalysis::loopCount), each loop's row heads a
//! group of its units instead, loop by loop, groups apart by the style's group gap (a top-level
//! unit is in its loop's group, a child in its parent's).
//!
//! Comparing two runs (a pinned run A, the run B after it): the rows of B as above, each unit of B
//! directly followed by its partner in A (RunComparison::match: by label) as a faint row at the
//! same depth, then A's units without a partner, faint. A's rows name their unit by its id in
//! RunComparison::overlay(A, B), which is the data to draw and hit test such a layout with; the
//! loop, worker and counter rows and analysis() are B's.
//!
//! Content coordinates: y = 0 is the top of the first row; TimelineGeometry places them in a
//! paint target. Rebuild the layout when the data or the collapsed set changes; it holds no
//! pointer into the data.
class TimelineLayout
{
public:
    TimelineLayout() = default;
    TimelineLayout(const TraceData &data, const TimelineStyle &style,
                   const QSet<quint32> &collapsed = {});
    //! B's rows with the pinned run A's interleaved (see the class comment); collapsed holds
    //! B's unit ids.
    TimelineLayout(const TraceData &b, const TraceData &pinned, const TimelineStyle &style,
                   const QSet<quint32> &collapsed = {});

    const std::vector<TimelineRow> &rows() const { return m_rows; }
    int rowCount() const { return int(m_rows.size()); }
    const TimelineRow &row(int index) const { return m_rows[std::size_t(index)]; }
    //! Row index of a unit, -1 if it has none (hidden under a collapsed parent, or unknown).
    int rowOfUnit(quint32 unitId) const;
    //! Row index where a finding is pinned: the event loop row for blocked_loop (its unit's row
    //! if there is no loop row), its unit's row otherwise; -1 if that row is not shown.
    int rowOfFinding(const Finding &finding) const;

    //! Height of all rows together.
    int contentHeight() const { return m_contentHeight; }
    //! The data's units without its driver (main), shown or collapsed; in a comparison B's only.
    //! Counted once here, so that the title does not walk a million units per frame.
    int unitCount() const { return m_unitCount; }

    //! The first unit row (in row order) whose unit is in state at timeNs (state < 0: in any
    //! state, i.e. alive then), -1 if none. O(rows x log intervals): for a click, not per frame.
    int firstRowAt(const TraceData &data, qint64 timeNs, int state) const;
    //! Index of the row at content y, -1 if none.
    int rowAt(double y) const;
    //! First and last row index intersecting content [top, bottom]; first > last if none.
    std::pair<int, int> rowsIn(double top, double bottom) const;
    //! What is at pos (paint target coordinates, placed by geometry). Tiny intervals are hit
    //! within a few pixels.
    TimelineHit itemAt(const QPointF &pos, const TraceData &data, const TimelineViewport &viewport,
                       const TimelineGeometry &geometry) const;

    //! Event loop: time ranges where code ran on the loop (merged), and where it was blocked.
    const std::vector<TimelineSpan> &loopBusy() const { return m_analysis.loopBusy(); }
    const std::vector<TimelineSpan> &loopBlocked() const { return m_analysis.loopBlocked(); }
    //! The same for the loop a Loop row shows (its index).
    const std::vector<TimelineSpan> &loopBusy(const TimelineRow &row) const
    {
        return m_analysis.loopBusy(row.index);
    }
    const std::vector<TimelineSpan> &loopBlocked(const TimelineRow &row) const
    {
        return m_analysis.loopBlocked(row.index);
    }
    //! Worker lane row: the jobs that ran there, sorted by time, not overlapping.
    const std::vector<TimelineSpan> &workerSpans(int lane) const
    {
        return m_analysis.workerSpans(lane);
    }
    //! The data's RunAnalysis, computed once when the layout is built: the loop and worker rows
    //! show its spans, the Stats panel reads its figures.
    const RunAnalysis &analysis() const { return m_analysis; }
    //! Highest value of a counter series (at least 1).
    qint64 counterMax(int counterIndex) const;
    //! Highest value among samples[first, last) of counter series counterIndex (its samples now:
    //! the ones the layout was built with, and any appended since); 0 for an empty range.
    //! O(PeakBlock + (last - first) / PeakBlock) by block maxima kept here, so that the painter
    //! finds a pixel column's peak among a million samples without visiting them.
    qint64 counterPeak(int counterIndex, const std::vector<CounterSample> &samples,
                       std::size_t first, std::size_t last) const;
    static constexpr std::size_t PeakBlock = 64;

private:
    void build(const TraceData &data, const TraceData *pinned, const TimelineStyle &style,
               const QSet<quint32> &collapsed);
    void addRow(TimelineRow row);
    void addUnitRows(const std::vector<quint32> &roots,
                     const std::vector<std::vector<quint32>> &children,
                     const std::vector<quint32> &partner, const QSet<quint32> &collapsed,
                     int rowHeight);
    void addPinnedRow(quint32 overlayId, int depth, int rowHeight);

    RunAnalysis m_analysis;
    std::vector<TimelineRow> m_rows;
    std::vector<int> m_unitRow; //!< index = unit id
    std::vector<qint64> m_counterMax;
    std::vector<std::vector<qint64>> m_counterBlockMax; //!< per series: max of each PeakBlock
    int m_contentHeight = 0;
    int m_unitCount = 0;
};

} // namespace Loopscope
