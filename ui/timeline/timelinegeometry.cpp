#include "timelinegeometry.h"

#include "timelinelayout.h"
#include "timelinestyle.h"
#include "tracedata.h"

#include <QFontMetrics>

#include <algorithm>
#include <iterator>
#include <cmath>

namespace Loopscope {

namespace {
// The fold triangle sits this far into a row's indent; the label text starts after it.
constexpr double ExpanderOffset = 5;
constexpr double LabelTextOffset = 14;
constexpr int OverviewStrips = 5; // one per UnitState
} // namespace

TimelineGeometry TimelineGeometry::compute(const TimelineStyle &style, const QRect &target,
                                           int labelWidth, int contentHeight)
{
    TimelineGeometry g;
    g.target = target;
    g.labelWidth = labelWidth > 0 ? labelWidth : style.labelWidth;
    g.margin = style.margin;
    g.indent = style.indent;
    const int left = target.left() + style.margin;
    const int right = target.right() + 1 - style.margin; // exclusive
    const int top = target.top() + style.margin;
    const int bottom = target.bottom() + 1; // exclusive
    g.title = QRect(left, top, std::max(0, right - left), style.titleHeight);
    const int room = bottom - style.footerHeight() - (target.top() + style.headerHeight());
    const int overview = contentHeight > room ? style.overviewHeight() : 0;
    const int rulerTop = top + style.titleHeight + overview;
    const int rowsTop = target.top() + style.headerHeight() + overview;
    const int rowsBottom = std::max(rowsTop, bottom - style.footerHeight());
    const int timeLeft = left + g.labelWidth;
    const int timeRight = right - style.rightMargin;
    if (overview > 0)
        g.overview = QRect(timeLeft, top + style.titleHeight, std::max(1, timeRight - timeLeft),
                           overview - style.groupGap);
    g.ruler = QRect(timeLeft, rulerTop, std::max(1, right - timeLeft), style.rulerHeight);
    g.rows = QRect(target.left(), rowsTop, target.width(), rowsBottom - rowsTop);
    g.timeArea = QRect(timeLeft, rulerTop, std::max(1, timeRight - timeLeft),
                       std::max(1, rowsBottom - rulerTop));
    g.legend = QRect(left, rowsBottom, std::max(0, right - left), style.legendHeight);
    return g;
}

int TimelineGeometry::fitLabelWidth(const TraceData &data, const TimelineLayout &layout,
                                    const TimelineStyle &style, int targetWidth,
                                    LabelWidths *known)
{
    QFont bold = style.font;
    bold.setBold(true);
    const QFontMetrics fm(bold), small(style.smallFont);
    // Enough for every label a run shows in its first rows, not for a million distinct ones.
    constexpr qsizetype MaxKnown = 20000;
    auto labelWidth = [&](const QString &label) {
        if (!known)
            return fm.horizontalAdvance(label);
        const auto it = known->constFind(label);
        if (it != known->cend())
            return it.value();
        const int w = fm.horizontalAdvance(label);
        if (known->size() < MaxKnown)
            known->insert(label, w);
        return w;
    };
    int kindWidths[16];
    std::fill(std::begin(kindWidths), std::end(kindWidths), -1);
    auto kindWidth = [&](UnitKind kind) {
        int &w = kindWidths[std::size_t(kind) & 15];
        if (w < 0)
            w = small.horizontalAdvance(QString::fromLatin1(unitKindName(kind)));
        return w;
    };
    int wanted = style.labelWidth;
    // Enough rows to see the label shapes; a stress run's labels all look alike.
    const int rows = std::min(layout.rowCount(), 2000);
    for (int i = 0; i < rows; ++i) {
        const TimelineRow &r = layout.row(i);
        if (r.kind != TimelineRow::Kind::Unit)
            continue;
        const UnitRecord *u = data.unit(r.unitId);
        if (!u)
            continue;
        const int w = r.depth * style.indent + int(LabelTextOffset) + labelWidth(u->label) + 8
            + kindWidth(u->kind) + 14;
        wanted = std::max(wanted, w);
    }
    return std::min(wanted, std::max(style.labelWidth, int(targetWidth * 0.35)));
}

int TimelineGeometry::preferredHeight(const TimelineStyle &style, const TimelineLayout &layout)
{
    return style.headerHeight() + layout.contentHeight() + style.footerHeight();
}

double TimelineGeometry::rowTop(const TimelineRow &row, int scrollY) const
{
    return rows.top() - scrollY + row.y;
}

QRectF TimelineGeometry::laneRect(const TimelineRow &row, int scrollY) const
{
    return QRectF(target.left() + margin, rowTop(row, scrollY), target.width() - 2 * margin,
                  row.height);
}

QRectF TimelineGeometry::labelRect(const TimelineRow &row, int scrollY) const
{
    const double x0 = target.left() + margin;
    return QRectF(x0, rowTop(row, scrollY), timeArea.left() - 10 - x0, row.height);
}

QPointF TimelineGeometry::expanderCenter(const TimelineRow &row, int scrollY) const
{
    return QPointF(target.left() + margin + row.depth * indent + ExpanderOffset,
                   rowTop(row, scrollY) + row.height / 2.0);
}

QRectF TimelineGeometry::expanderRect(const TimelineRow &row, int scrollY) const
{
    const double x = target.left() + margin + row.depth * indent;
    return QRectF(x - 3, rowTop(row, scrollY), LabelTextOffset + 3, row.height);
}

QRectF TimelineGeometry::findingMarkerRect(const TimelineRow &row, double x, int scrollY) const
{
    const double size = std::max(8, row.height - 4);
    return QRectF(x - size - 1, rowTop(row, scrollY) + (row.height - size) / 2, size, size);
}

QRectF TimelineGeometry::overviewStrip(UnitState state) const
{
    const double h = (overview.height() - 4) / double(OverviewStrips);
    return QRectF(overview.left(), overview.top() + 2 + int(state) * h, overview.width(), h - 1);
}

int TimelineGeometry::overviewStateAt(double y) const
{
    if (overview.isEmpty() || y < overview.top() || y >= overview.top() + overview.height())
        return -1;
    const double h = (overview.height() - 4) / double(OverviewStrips);
    return std::clamp(int((y - overview.top() - 2) / h), 0, OverviewStrips - 1);
}

double TimelineGeometry::overviewX(qint64 ns, qint64 endNs) const
{
    return overview.left() + double(ns) * overview.width() / double(std::max<qint64>(1, endNs));
}

qint64 TimelineGeometry::overviewTimeAt(double x, qint64 endNs) const
{
    const double fraction = (x - overview.left()) / std::max(1, overview.width());
    return std::clamp(qint64(std::llround(fraction * double(endNs))), qint64(0), endNs);
}

double TimelineGeometry::labelTextLeft(const TimelineRow &row) const
{
    return target.left() + margin + row.depth * indent + LabelTextOffset;
}

bool TimelineGeometry::inRuler(const QPointF &pos) const
{
    return pos.y() >= ruler.top() && pos.y() < rows.top() && pos.x() >= timeArea.left()
        && pos.x() <= timeArea.left() + timeArea.width();
}

bool TimelineGeometry::inTimeArea(const QPointF &pos) const
{
    return pos.x() >= timeArea.left() && pos.x() <= timeArea.left() + timeArea.width()
        && pos.y() >= timeArea.top();
}

int TimelineGeometry::rowAt(const TimelineLayout &layout, const QPointF &pos, int scrollY) const
{
    if (pos.y() < rows.top())
        return -1;
    return layout.rowAt(contentY(pos.y(), scrollY));
}

} // namespace Loopscope
