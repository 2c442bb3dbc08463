#pragma once

#include "traceevent.h"

#include <QHash>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QString>

namespace Loopscope {

struct TimelineRow;
struct TimelineStyle;
struct TraceData;
class TimelineLayout;

//! Where every part of a timeline picture goes inside a paint target: the title line, the ruler,
//! the label column, the time area, the rows and the legend, and per row its lane, label and
//! expander rectangles. Computed once from style + label column width + target, and used by the
//! painter (to draw), the view (to hit test), the exporters and the tests, so nothing re-derives
//! a position by hand and an exported picture has exactly the screen's geometry.
//!
//! Top to bottom: margin, title (titleHeight), the overview when the rows do not fit
//! (overviewHeight), ruler (rulerHeight), rows, legend (legendHeight), margin. Left to right:
//! margin, label column (labelWidth), time area, rightMargin (room for outcome markers), margin.
//! The overview spans the time area's x range but maps the whole run onto it, one strip per
//! state (UnitState order, top to bottom). Rows are laid out in content coordinates
//! (TimelineRow::y, 0 = top of the first row); scrollY moves them up inside rows(). A plain
//! value; any thread.
struct TimelineGeometry
{
    QRect target;
    QRect title;    //!< the title line
    QRect ruler;    //!< the time ruler band, from the label column to the right margin
    QRect rows;     //!< where rows are drawn: full width, between the ruler and the legend
    QRect timeArea; //!< the time axis: x range of the viewport, from the ruler's top down
    QRect legend;   //!< the legend line
    //! All lanes at once as density (StateDensity), over the whole run; empty when every row
    //! fits into rows.
    QRect overview;
    int labelWidth = 0;
    int margin = 0;
    int indent = 0;

    //! The geometry of target for style with a label column of labelWidth (<= 0: the style's),
    //! for rows of contentHeight (TimelineLayout::contentHeight): more than fit gets an overview.
    static TimelineGeometry compute(const TimelineStyle &style, const QRect &target,
                                    int labelWidth = 0, int contentHeight = 0);
    //! The label column that fits the labels of data in layout (bold, at their depth, with their
    //! kind hint), at least the style's labelWidth and at most 35% of targetWidth. The view fits
    //! its column with this and the exporters reuse the result, so both show the same column.
    //! known: labels measured before in this style's bold font (text -> width), kept by a caller
    //! that fits the column again and again (the live view): only labels not in it are measured
    //! and added (shaping one costs microseconds, and a fit looks at up to 2000 rows).
    using LabelWidths = QHash<QString, int>;
    static int fitLabelWidth(const TraceData &data, const TimelineLayout &layout,
                             const TimelineStyle &style, int targetWidth,
                             LabelWidths *known = nullptr);
    //! A picture height in which every row of layout fits.
    static int preferredHeight(const TimelineStyle &style, const TimelineLayout &layout);

    //! y of a row's top in the target.
    double rowTop(const TimelineRow &row, int scrollY) const;
    //! The row's band across the picture, margin to margin.
    QRectF laneRect(const TimelineRow &row, int scrollY) const;
    //! The row's cell in the label column (label text, kind hint).
    QRectF labelRect(const TimelineRow &row, int scrollY) const;
    //! Where a parent's fold triangle is centred, and the box a click on it hits.
    QPointF expanderCenter(const TimelineRow &row, int scrollY) const;
    QRectF expanderRect(const TimelineRow &row, int scrollY) const;
    //! The badge of a finding pinned at x on a row's lane: a square a little inside the row,
    //! ending at x, so it points at what starts there and leaves what is drawn after x (a bar's
    //! label, an outcome marker) readable. The painter draws it there, the view hit tests it.
    QRectF findingMarkerRect(const TimelineRow &row, double x, int scrollY) const;
    //! The strip of a state in the overview.
    QRectF overviewStrip(UnitState state) const;
    //! The state whose strip is at target y in the overview, -1 if none (or no overview).
    int overviewStateAt(double y) const;
    //! x in the overview of a time of a run that lasts endNs, and the time at an x (clamped to
    //! the run).
    double overviewX(qint64 ns, qint64 endNs) const;
    qint64 overviewTimeAt(double x, qint64 endNs) const;
    //! Where the row's label text starts (after the indent and the expander).
    double labelTextLeft(const TimelineRow &row) const;
    //! Content y (TimelineRow::y units) of a target y.
    double contentY(double y, int scrollY) const { return y - rows.top() + scrollY; }
    bool inRows(const QPointF &pos) const { return pos.y() >= rows.top() && pos.y() < rows.bottom() + 1; }
    bool inRuler(const QPointF &pos) const;
    bool inTimeArea(const QPointF &pos) const;
    //! The row index at pos, -1 if none (outside the rows, or below the last row).
    int rowAt(const TimelineLayout &layout, const QPointF &pos, int scrollY) const;

    bool operator==(const TimelineGeometry &other) const = default;
};

} // namespace Loopscope
