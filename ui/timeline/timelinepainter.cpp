#include "timelinepainter.h"

#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinestyle.h"
#include "timelineviewport.h"
#include "tracedata.h"
#include "wording.h"

#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>
#include <cmath>

namespace Loopscope {

namespace {

using Bar = TimelineDrawList::Bar;
using Role = TimelineDrawList::Role;

constexpr int StateCount = 5;

// Folds runs of narrow items into bars of at least foldWidth pixels (Tracy's folding). A fold
// is emitted once it is foldWidth wide, so a row never gets more than ~2 bars per foldWidth.
class Folder
{
public:
    Folder(TimelineDrawList &list, const TimelineStyle &style, double top, double height, int row,
           Role role)
        : m_list(list)
        , m_foldWidth(style.foldWidth)
        , m_minWidth(style.minBarWidth)
        , m_top(top)
        , m_height(height)
        , m_row(row)
        , m_role(role)
    {
    }
    ~Folder() { flush(); }

    //! One item from x0 to x1, or (count > 1) a narrow item and count - 1 items after it that
    //! were counted, not visited, reaching to x1; durationNs weighs state in the fold's colour.
    void add(double x0, double x1, UnitState state, qint64 durationNs, quint32 unit, int count = 1)
    {
        ++m_list.visitedIntervals;
        if (count == 1 && x1 - x0 >= m_foldWidth) {
            flush();
            push(x0, std::max(x1, x0 + m_minWidth), state, 1, unit);
            return;
        }
        if (m_count > 0 && x0 - m_x1 > 1.0)
            flush(); // a visible gap ends the fold
        if (m_count == 0) {
            m_x0 = x0;
            m_unit = unit;
            m_durations.fill(0);
        }
        m_x1 = std::max(m_x1, x1);
        m_durations[std::size_t(state)] += std::max<qint64>(durationNs, 1);
        m_count += count;
        if (m_x1 - m_x0 >= m_foldWidth)
            flush();
    }

    void flush()
    {
        if (m_count == 0)
            return;
        const auto dominant = std::max_element(m_durations.begin(), m_durations.end());
        const auto state = UnitState(dominant - m_durations.begin());
        // Never thinner than minWidth, so a job of a millisecond in a run of seconds shows.
        push(m_x0, std::max(m_x1, m_x0 + m_minWidth), state, m_count, m_unit);
        if (m_count > 1)
            m_list.foldedIntervals += m_count;
        m_count = 0;
        m_x1 = -1e300;
    }

private:
    void push(double x0, double x1, UnitState state, int count, quint32 unit)
    {
        double top = m_top, height = m_height;
        if (m_role == Role::State && state == UnitState::Pending) {
            // Pending is "nothing yet": a thin bar keeps the eye on what happens.
            top += height * 0.3;
            height *= 0.4;
        }
        m_list.bars.push_back({QRectF(x0, top, x1 - x0, height), state, m_role, count, unit,
                               m_row});
    }

    TimelineDrawList &m_list;
    double m_foldWidth;
    double m_minWidth;
    double m_top;
    double m_height;
    int m_row;
    Role m_role;
    double m_x0 = 0;
    double m_x1 = -1e300;
    int m_count = 0;
    quint32 m_unit = 0;
    std::array<qint64, StateCount> m_durations{};
};

struct Frame
{
    const TraceData &data;
    const TimelineLayout &layout;
    const TimelineViewport &vp;
    const TimelineStyle &style;
    const TimelineGeometry &geo;
    QRect target;
    QRect rows;       // the rows area
    qint64 nowNs;     // where open intervals end
    double left;      // time area, clamped a bit outside so clipped bars keep square ends hidden
    double right;

    qint64 end(qint64 endNs) const { return endNs < 0 ? std::max(nowNs, 0LL) : endNs; }
    double x(qint64 ns) const { return vp.mapTimeToX(ns); }
    double clampX(double v) const { return std::clamp(v, left, right); }
    double rowY(const TimelineRow &r) const { return geo.rowTop(r, vp.scrollY()); }
    //! What a row's bars, markers and label are drawn with: faint rows (a pinned run) fainter.
    double opacity(int row) const { return layout.row(row).faint ? style.faintOpacity : 1.0; }
};

QString kindHint(UnitKind kind)
{
    return QString::fromLatin1(unitKindName(kind));
}

// Diagonal lines over r, computed, not clipped, so SVG and PDF get plain line segments.
void drawHatch(QPainter &p, const QRectF &r, const QColor &color, TimelineStyle::Hatch hatch,
               double spacing = 5.0)
{
    if (hatch == TimelineStyle::Hatch::None || r.width() < 2)
        return;
    p.setPen(QPen(color, 1.0));
    const bool forward = hatch == TimelineStyle::Hatch::Forward;
    // Forward "/": x + y = c. Backward "\": x - y = c. Align c to a global grid so that hatches
    // of neighbouring bars line up.
    const double cMin = forward ? r.left() + r.top() : r.left() - r.bottom();
    const double cMax = forward ? r.right() + r.bottom() : r.right() - r.top();
    for (double c = std::ceil(cMin / spacing) * spacing; c <= cMax; c += spacing) {
        double x0, x1;
        if (forward) {
            x0 = std::max(r.left(), c - r.bottom());
            x1 = std::min(r.right(), c - r.top());
            if (x1 > x0)
                p.drawLine(QPointF(x0, c - x0), QPointF(x1, c - x1));
        } else {
            x0 = std::max(r.left(), c + r.top());
            x1 = std::min(r.right(), c + r.bottom());
            if (x1 > x0)
                p.drawLine(QPointF(x0, x0 - c), QPointF(x1, x1 - c));
        }
    }
}

void drawStateSwatch(QPainter &p, const QRectF &r, UnitState state, const TimelineStyle &style,
                     double radius)
{
    p.setPen(Qt::NoPen);
    p.setBrush(style.stateColor(state));
    if (radius > 0 && r.width() > 2 * radius + 1)
        p.drawRoundedRect(r, radius, radius);
    else
        p.drawRect(r);
    drawHatch(p, r, style.hatchColor(state), style.hatch(state));
}

void drawMarker(QPainter &p, QPointF c, double size, Outcome outcome, const TimelineStyle &style)
{
    const QColor color = style.outcomeColor(outcome);
    const double r = size / 2;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    switch (outcome) {
    case Outcome::None:
        break;
    case Outcome::Completed: {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(c, r, r);
        // A small check inside the dot.
        QPen pen(style.background, std::max(1.2, size / 7));
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        const QPointF pts[] = {c + QPointF(-r * 0.45, 0.0), c + QPointF(-r * 0.1, r * 0.38),
                               c + QPointF(r * 0.5, -r * 0.4)};
        p.drawPolyline(pts, 3);
        break;
    }
    case Outcome::Failed: {
        QPen pen(color, std::max(2.0, size / 4));
        pen.setCapStyle(Qt::RoundCap);
        p.setPen(pen);
        const double k = r * 0.8;
        p.drawLine(c + QPointF(-k, -k), c + QPointF(k, k));
        p.drawLine(c + QPointF(-k, k), c + QPointF(k, -k));
        break;
    }
    case Outcome::Cancelled: {
        QPen pen(color, std::max(1.6, size / 6));
        pen.setCapStyle(Qt::RoundCap);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(c, r * 0.85, r * 0.85);
        const double k = r * 0.6;
        p.drawLine(c + QPointF(-k, k), c + QPointF(k, -k));
        break;
    }
    case Outcome::TimedOut: {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        const QPointF pts[] = {c + QPointF(0, -r), c + QPointF(r, 0), c + QPointF(0, r),
                               c + QPointF(-r, 0)};
        p.drawPolygon(pts, 4);
        // Clock hands.
        QPen pen(style.background, std::max(1.2, size / 8));
        pen.setCapStyle(Qt::RoundCap);
        p.setPen(pen);
        p.drawLine(c, c + QPointF(0, -r * 0.5));
        p.drawLine(c, c + QPointF(r * 0.4, 0));
        break;
    }
    case Outcome::NeverAwaited: {
        QPen pen(color, std::max(1.5, size / 7));
        pen.setStyle(Qt::DotLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(c, r * 0.85, r * 0.85);
        break;
    }
    }
    p.restore();
}

// A link from p0 to p1 along a cubic through c1 and c2, entering p1 from the left: a dot at p0,
// an arrow head at p1 (flow links and cause arrows look alike).
void drawLink(QPainter &p, QPointF p0, QPointF c1, QPointF c2, QPointF p1, const QColor &color,
              double width = 1.4)
{
    QPainterPath path(p0);
    path.cubicTo(c1, c2, p1 - QPointF(4, 0));
    p.setPen(QPen(color, width));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    const QPointF head[] = {p1, p1 - QPointF(7, 3.5), p1 - QPointF(7, -3.5)};
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawPolygon(head, 3);
    p.drawEllipse(p0, 2.5, 2.5);
}

qint64 nowOf(const TraceData &data, const TimelinePainter::PaintOptions &options)
{
    return options.nowNs >= 0 ? options.nowNs : data.endNs();
}

Frame makeFrame(const TraceData &data, const TimelineLayout &layout, const TimelineViewport &vp,
                const TimelineStyle &style, const TimelineGeometry &geometry,
                const TimelinePainter::PaintOptions &options)
{
    return Frame{data,
                 layout,
                 vp,
                 style,
                 geometry,
                 geometry.target,
                 geometry.rows,
                 nowOf(data, options),
                 vp.timeLeft() - 4,
                 vp.timeRight() + 4};
}

// Feeds the items of one row that are in view to folder: sorted, not overlapping, with startNs
// and endNs (a unit's intervals, a lane's spans, a lock's holds); describe(item) gives its state
// and unit. Tracy's habit: once an item narrower than a pixel column is drawn, the items that
// start in the rest of that column are found by binary search and counted into the fold, not
// visited, so a row costs O(pixels x log items) however many items are in view.
template<typename Item, typename Describe>
void foldItems(const Frame &f, Folder &folder, const std::vector<Item> &items, Describe describe)
{
    // Sorted and not overlapping, so their ends are sorted too.
    auto it = std::lower_bound(items.begin(), items.end(), f.vp.startNs(),
                               [&](const Item &i, qint64 v) { return f.end(i.endNs) < v; });
    while (it != items.end() && it->startNs <= f.vp.endNs()) {
        const qint64 start = it->startNs, end = f.end(it->endNs);
        const double x0 = f.clampX(f.x(start));
        double x1 = f.clampX(f.x(end));
        const auto [state, unit] = describe(*it);
        ++it;
        auto last = it;
        if (x1 - x0 < 1.0 && it != items.end()) {
            // The first item starting at the next pixel boundary, then back to the one before
            // it: that one may reach past the boundary, so it is visited, the others are not.
            const qint64 boundary = f.vp.mapXToTime(std::floor(x1) + 1.0);
            last = std::lower_bound(it, items.end(), boundary,
                                    [](const Item &i, qint64 v) { return i.startNs < v; });
            if (last != it)
                --last;
        }
        const int skipped = int(last - it);
        if (skipped > 0)
            x1 = std::max(x1, f.clampX(f.x(last->startNs)));
        // Skipped items take the colour of the one seen: a sample per pixel column.
        folder.add(x0, x1, state, (skipped > 0 ? last->startNs : end) - start, unit, 1 + skipped);
        it = last;
    }
}

void buildUnitRow(const Frame &f, TimelineDrawList &list, int rowIndex, const TimelineRow &row)
{
    const UnitRecord *u = f.data.unit(row.unitId);
    if (!u)
        return;
    const double top = f.rowY(row) + f.style.barInset;
    const double height = row.height - 2 * f.style.barInset;
    {
        Folder folder(list, f.style, top, height, rowIndex, Role::State);
        foldItems(f, folder, u->intervals,
                  [u](const StateInterval &i) { return std::pair(i.state, u->id); });
    }
    const double cy = f.rowY(row) + row.height / 2.0;
    if (u->outcome == Outcome::NeverAwaited) {
        if (f.vp.isVisible(u->createdNs, u->createdNs))
            list.markers.push_back({QPointF(f.x(u->createdNs) + height / 2 + 2, cy),
                                    u->outcome, u->id, rowIndex});
    } else if (u->outcome != Outcome::None && u->endNs >= 0 && f.vp.isVisible(u->endNs, u->endNs)) {
        list.markers.push_back(
            {QPointF(f.x(u->endNs) + height / 2 + 2, cy), u->outcome, u->id, rowIndex});
    }
}

void buildSpanRow(const Frame &f, TimelineDrawList &list, int rowIndex, const TimelineRow &row,
                  const std::vector<TimelineSpan> &spans, Role role, double inset)
{
    const double top = f.rowY(row) + inset;
    const double height = row.height - 2 * inset;
    Folder folder(list, f.style, top, height, rowIndex, role);
    foldItems(f, folder, spans,
              [](const TimelineSpan &s) { return std::pair(UnitState::Running, s.unitId); });
}

// The findings pinned on visible rows (a run has few: each is looked at).
void buildFindingMarkers(const Frame &f, TimelineDrawList &list)
{
    const std::vector<Finding> &findings = f.layout.analysis().findings();
    for (std::size_t k = 0; k < findings.size(); ++k) {
        const Finding &finding = findings[k];
        const int r = f.layout.rowOfFinding(finding);
        if (r < list.firstRow || r > list.lastRow
            || !f.vp.isVisible(finding.timeNs, finding.timeNs))
            continue;
        const QRectF rect =
            f.geo.findingMarkerRect(f.layout.row(r), f.x(finding.timeNs), f.vp.scrollY());
        list.findingMarkers.push_back({rect, int(k), finding.kind, r});
    }
}

// One arrow per visible cancelled or timed-out unit whose cause names another unit on a row.
void buildCauseArrows(const Frame &f, TimelineDrawList &list)
{
    for (int i = list.firstRow; i <= list.lastRow; ++i) {
        const TimelineRow &row = f.layout.row(i);
        const UnitRecord *u =
            row.kind == TimelineRow::Kind::Unit ? f.data.unit(row.unitId) : nullptr;
        if (!u || !u->cancelledBy || u->endNs < 0
            || (u->outcome != Outcome::Cancelled && u->outcome != Outcome::TimedOut))
            continue;
        const int from = f.layout.rowOfUnit(u->cancelledBy);
        if (from < 0 || from == i)
            continue;
        // The cancellation is recorded as the unit ends; a cause that had ended before (a
        // failed sibling) sent it at its own end.
        const UnitRecord *cause = f.data.unit(u->cancelledBy);
        const qint64 sentNs = cause->endNs >= 0 ? std::min(cause->endNs, u->endNs) : u->endNs;
        if (!f.vp.isVisible(sentNs, u->endNs))
            continue;
        const TimelineRow &c = f.layout.row(from);
        list.causeArrows.push_back({QPointF(f.x(sentNs), f.rowY(c) + c.height / 2.0),
                                    QPointF(f.x(u->endNs), f.rowY(row) + row.height / 2.0),
                                    u->cancelledBy, u->id, i});
    }
}

// A lock lane: one segment per hold, folded like a unit's bars (into a list of its own, so that
// paintHolds alone draws them).
void buildHolderRow(const Frame &f, TimelineDrawList &list, int rowIndex, const TimelineRow &row)
{
    const auto &holds = f.data.holders[std::size_t(row.index)].intervals;
    TimelineDrawList folded;
    {
        Folder folder(folded, f.style, f.rowY(row) + f.style.barInset - 1,
                      row.height - 2 * (f.style.barInset - 1), rowIndex, Role::State);
        foldItems(f, folder, holds,
                  [](const HolderInterval &h) { return std::pair(UnitState::Running, h.unit); });
    }
    list.holds.insert(list.holds.end(), folded.bars.begin(), folded.bars.end());
    list.visitedIntervals += folded.visitedIntervals;
    list.foldedIntervals += folded.foldedIntervals;
}

TimelineDrawList buildList(const Frame &f)
{
    TimelineDrawList list;
    const auto [first, last] = f.layout.rowsIn(f.vp.scrollY(), f.vp.scrollY() + f.rows.height());
    list.firstRow = first;
    list.lastRow = last;
    for (int i = first; i <= last; ++i) {
        const TimelineRow &row = f.layout.row(i);
        switch (row.kind) {
        case TimelineRow::Kind::Unit:
            buildUnitRow(f, list, i, row);
            break;
        case TimelineRow::Kind::Worker:
            buildSpanRow(f, list, i, row, f.layout.workerSpans(row.index), Role::WorkerJob,
                         f.style.barInset - 1);
            break;
        case TimelineRow::Kind::Loop:
            buildSpanRow(f, list, i, row, f.layout.loopBusy(row), Role::LoopBusy,
                         f.style.barInset + 2);
            buildSpanRow(f, list, i, row, f.layout.loopBlocked(row), Role::LoopBlocked,
                         f.style.barInset - 1);
            break;
        case TimelineRow::Kind::Counter:
            break; // drawn directly as a step chart
        case TimelineRow::Kind::Holder:
            buildHolderRow(f, list, i, row);
            break;
        }
    }
    buildFindingMarkers(f, list);
    buildCauseArrows(f, list);
    return list;
}

void paintTitle(QPainter &p, const Frame &f)
{
    const TimelineStyle &s = f.style;
    const QRect line = f.geo.title;
    // A pinned run's units are a comparison, not more work of this run: the layout counts B's.
    const int units = f.layout.unitCount();
    const qint64 total = f.data.info.totalNs > 0 ? f.data.info.totalNs : f.nowNs;
    QString right = QStringLiteral("%1 %2  ·  ").arg(units).arg(units == 1 ? QStringLiteral("unit")
                                                                            : QStringLiteral("units"));
    right += f.data.info.finished || f.data.info.totalNs > 0
        ? QStringLiteral("total %1").arg(Wording::duration(total))
        : QStringLiteral("live  %1").arg(Wording::duration(f.nowNs));
    p.setFont(s.font);
    const QFontMetrics rfm(s.font);
    const int rightWidth = rfm.horizontalAdvance(right);
    p.setPen(s.mutedText);
    p.drawText(line, Qt::AlignRight | Qt::AlignVCenter, right);

    p.setFont(s.titleFont);
    p.setPen(s.text);
    const QFontMetrics fm(s.titleFont);
    p.drawText(line.adjusted(0, 0, -rightWidth - 16, 0), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(TimelinePainter::title(f.data.info), Qt::ElideRight,
                             line.width() - rightWidth - 16));
}

// The overview of all lanes: a heat strip per state over the whole run, each at its own scale
// (a state of ten units among a million shows too), and the part the rows show framed. Read from
// the analysis' buckets, a column at a time: its cost follows the strip's width, not the units.
void paintOverview(QPainter &p, const Frame &f)
{
    const QRect r = f.geo.overview;
    const StateDensity &d = f.layout.analysis().density();
    if (r.isEmpty() || d.isEmpty())
        return;
    const TimelineStyle &s = f.style;
    const int width = r.width();
    QImage strips(width, StateCount, QImage::Format_ARGB32_Premultiplied);
    for (int k = 0; k < StateCount; ++k) {
        const auto state = UnitState(k);
        const QColor full = s.stateColor(state), none = s.alternateRow;
        const double peak = d.peak(state);
        for (int x = 0; x < width; ++x) {
            const int b0 = int(qint64(x) * d.bucketCount() / width);
            const int b1 = std::max(b0 + 1, int(qint64(x + 1) * d.bucketCount() / width));
            double c = 0;
            for (int b = b0; b < b1; ++b)
                c = std::max(c, d.count(b, state));
            // A square root, so that a few units beside a peak of thousands still show.
            const double a = peak > 0 && c > 0 ? std::max(0.15, std::sqrt(c / peak)) : 0.0;
            auto mix = [a](float from, float to) { return float(from + (to - from) * a); };
            strips.setPixelColor(x, k,
                                 QColor::fromRgbF(mix(none.redF(), full.redF()),
                                                  mix(none.greenF(), full.greenF()),
                                                  mix(none.blueF(), full.blueF())));
        }
        p.drawImage(f.geo.overviewStrip(state), strips, QRectF(0, k, width, 1));
    }
    // The time the rows show, on the run's axis.
    const double x0 = f.geo.overviewX(f.vp.startNs(), d.endNs());
    const double x1 = std::max(x0 + 3, f.geo.overviewX(f.vp.endNs(), d.endNs()));
    const QRectF window = QRectF(QPointF(x0, r.top()), QPointF(x1, r.bottom() + 1))
                              .intersected(QRectF(r).adjusted(-1, 0, 1, 1));
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(s.text, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(window.adjusted(0.5, 0.5, -0.5, -0.5));

    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    p.setPen(s.mutedText);
    const QRectF label(f.geo.title.left(), r.top(), r.left() - 10 - f.geo.title.left(), r.height());
    p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(QStringLiteral("all %1 lanes, by state").arg(f.layout.unitCount()),
                             Qt::ElideRight, int(label.width())));
}

void paintRuler(QPainter &p, const Frame &f, bool grid)
{
    const TimelineStyle &s = f.style;
    const qint64 step = TimelinePainter::tickStep(f.vp.nsPerPixel(), 80);
    const int rulerBottom = f.rows.top() - 1;
    const qint64 firstTick = (std::max<qint64>(f.vp.startNs(), 0) + step - 1) / step * step;
    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    for (qint64 t = firstTick; t <= f.vp.endNs(); t += step) {
        const double x = std::round(f.x(t)) + 0.5;
        if (grid) {
            p.setPen(QPen(s.grid, 1));
            p.drawLine(QPointF(x, f.rows.top()), QPointF(x, f.rows.bottom()));
        } else {
            p.setPen(QPen(s.separator, 1));
            p.drawLine(QPointF(x, rulerBottom - 5), QPointF(x, rulerBottom));
            const QString label = TimelinePainter::formatTick(t, step);
            const int w = fm.horizontalAdvance(label);
            // The first label starts at its tick, the others are centred on it.
            const double lx = t == 0 ? x - 1 : std::min(x - w / 2.0, f.vp.timeRight() + 8 - w);
            p.setPen(s.mutedText);
            p.drawText(QPointF(lx, rulerBottom - 8), label);
        }
    }
    if (!grid) {
        p.setPen(QPen(s.separator, 1));
        p.drawLine(QPointF(f.geo.title.left(), rulerBottom + 0.5),
                   QPointF(f.geo.title.right(), rulerBottom + 0.5));
    }
}

void paintRowBackgrounds(QPainter &p, const Frame &f, const TimelineDrawList &list,
                         const TimelinePainter::PaintOptions &o)
{
    const TimelineStyle &s = f.style;
    for (int i = list.firstRow; i <= list.lastRow; ++i) {
        const TimelineRow &row = f.layout.row(i);
        const QRectF r = f.geo.laneRect(row, f.vp.scrollY());
        QColor bg;
        const bool unit = row.kind == TimelineRow::Kind::Unit && row.unitId != 0;
        if (unit && (row.unitId == o.selectedUnit
                     || std::binary_search(o.alsoSelected.begin(), o.alsoSelected.end(),
                                           row.unitId)))
            bg = s.selection;
        else if (unit && row.unitId == o.hoverUnit)
            bg = s.hover;
        else if (i % 2 == 1)
            bg = s.alternateRow;
        if (bg.isValid())
            p.fillRect(r, bg);
        // A line in each gap between groups of rows.
        if (i > 0 && row.y > f.layout.row(i - 1).y + f.layout.row(i - 1).height) {
            const double y = f.rowY(row) - s.groupGap / 2.0;
            p.setPen(QPen(s.separator, 1));
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
        }
    }
}

void paintBars(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    const TimelineStyle &s = f.style;
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const Bar &b : list.bars) {
        QColor fill;
        QColor hatchColor;
        TimelineStyle::Hatch hatch = TimelineStyle::Hatch::None;
        switch (b.role) {
        case Role::State:
            fill = s.stateColor(b.state);
            hatchColor = s.hatchColor(b.state);
            hatch = s.hatch(b.state);
            break;
        case Role::WorkerJob:
            fill = s.stateColor(UnitState::Running);
            break;
        case Role::LoopBusy:
            fill = s.loopBusy;
            break;
        case Role::LoopBlocked:
            fill = s.loopBlocked;
            hatchColor = s.loopBlocked.darker(140);
            hatch = TimelineStyle::Hatch::Forward;
            break;
        }
        // Neighbouring bars of one unit keep a hairline gap, so state changes read as segments.
        QRectF r = b.rect;
        if (r.width() > 6)
            r.adjust(0, 0, -1, 0);
        p.setOpacity(f.opacity(b.row));
        if (r.width() > 2 * s.barRadius + 2) {
            p.setPen(Qt::NoPen);
            p.setBrush(fill);
            p.drawRoundedRect(r, s.barRadius, s.barRadius);
        } else {
            p.fillRect(r, fill);
        }
        if (hatch != TimelineStyle::Hatch::None)
            drawHatch(p, r.adjusted(1, 1, -1, -1), hatchColor, hatch);
    }
    p.setOpacity(1.0);
}

// The holds of lock lanes, each named by its holder where it is wide enough; a fold of many
// holds says how many.
void paintHolds(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    const TimelineStyle &s = f.style;
    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const Bar &b : list.holds) {
        QRectF r = b.rect;
        if (r.width() > 6)
            r.adjust(0, 0, -1, 0); // a hairline between holds that follow each other
        p.setPen(Qt::NoPen);
        p.setBrush(s.held);
        if (r.width() > 2 * s.barRadius + 2)
            p.drawRoundedRect(r, s.barRadius, s.barRadius);
        else
            p.drawRect(r);
        const UnitRecord *u = b.count == 1 ? f.data.unit(b.unitId) : nullptr;
        const QString text = u ? u->label : QStringLiteral("%1 holds").arg(b.count);
        const QRectF room = r.adjusted(5, 0, -5, 0);
        if (room.width() < fm.horizontalAdvance(text.left(1)) + fm.horizontalAdvance(QChar(0x2026)))
            continue;
        p.setPen(s.heldText);
        p.drawText(room, Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(text, Qt::ElideRight, int(room.width())));
    }
}

void paintBarLabels(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    const TimelineStyle &s = f.style;
    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    for (const Bar &b : list.bars) {
        if (b.role != Role::WorkerJob || b.count != 1 || b.rect.width() < 36)
            continue;
        const UnitRecord *u = f.data.unit(b.unitId);
        if (!u)
            continue;
        const QRectF r = b.rect.adjusted(6, 0, -6, 0);
        p.setPen(Qt::white);
        p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(u->label, Qt::ElideRight, int(r.width())));
    }
    // Loop lag, written inside the blocked bar when there is room.
    for (const Bar &b : list.bars) {
        if (b.role != Role::LoopBlocked || b.rect.width() < 30)
            continue;
        qint64 lag = 0;
        const qint64 t0 = f.vp.mapXToTime(b.rect.left()), t1 = f.vp.mapXToTime(b.rect.right());
        for (const LoopLagSample &l : f.data.loopLag) {
            if (l.timeNs >= t0 && l.timeNs - l.lagNs <= t1)
                lag = std::max(lag, l.lagNs);
        }
        // The longest text that fits: what happened and by how much, or just what.
        const QRectF r = b.rect.adjusted(6, 0, -6, 0);
        QStringList candidates{QStringLiteral("blocked")};
        if (lag > 0) {
            const QString late = QStringLiteral("+%1").arg(Wording::duration(lag));
            candidates = QStringList{QStringLiteral("loop blocked, %1 late").arg(late),
                                     QStringLiteral("blocked %1").arg(late), late,
                                     QStringLiteral("blocked")};
        }
        for (const QString &text : candidates) {
            if (fm.horizontalAdvance(text) <= r.width()) {
                p.setPen(Qt::white);
                p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, text);
                break;
            }
        }
    }
}

void paintCounters(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    const TimelineStyle &s = f.style;
    for (int i = list.firstRow; i <= list.lastRow; ++i) {
        const TimelineRow &row = f.layout.row(i);
        if (row.kind != TimelineRow::Kind::Counter)
            continue;
        const auto &samples = f.data.counters[std::size_t(row.index)].samples;
        const double bottom = f.rowY(row) + row.height - 3;
        const double scale = (row.height - 8) / double(f.layout.counterMax(row.index));
        auto y = [&](qint64 v) { return bottom - v * scale; };
        auto it = std::upper_bound(samples.begin(), samples.end(), f.vp.startNs(),
                                   [](qint64 v, const CounterSample &c) { return v < c.timeNs; });
        qint64 value = it == samples.begin() ? 0 : std::prev(it)->value;
        const double endX = f.clampX(f.x(f.nowNs));
        double x = f.left;
        QPolygonF line;
        line << QPointF(x, y(value));
        std::vector<std::pair<double, qint64>> levels{{x, value}}; // where each level starts
        // One pixel column may hold many samples: draw its peak, then where it settles. The
        // column's samples are found by binary search and their peak from the layout's block
        // maxima, so a million samples in view cost O(pixels x log), not a visit each.
        while (it != samples.end() && it->timeNs <= f.vp.endNs()) {
            const double sx = f.clampX(f.x(it->timeNs));
            const qint64 nextColumnNs = f.vp.mapXToTime(std::floor(sx) + 1.0);
            auto columnEnd = std::lower_bound(
                it, samples.end(), nextColumnNs,
                [](const CounterSample &c, qint64 v) { return c.timeNs < v; });
            if (columnEnd == it)
                ++columnEnd;
            const qint64 before = value;
            const qint64 peak = std::max(
                value, f.layout.counterPeak(row.index, samples, std::size_t(it - samples.begin()),
                                            std::size_t(columnEnd - samples.begin())));
            value = std::prev(columnEnd)->value;
            it = columnEnd;
            // A column that neither peaks above its level nor leaves it adds no points: a
            // semaphore kept full by a million tasks is one flat line, not 1920 steps to stroke.
            if (peak != before || value != before)
                line << QPointF(sx, line.back().y()) << QPointF(sx, y(peak))
                     << QPointF(sx, y(value));
            if (levels.back().second != value)
                levels.push_back({sx, value});
            x = sx;
        }
        line << QPointF(std::max(x, endX), line.back().y());
        levels.push_back({std::max(x, endX), value});
        QPolygonF area = line;
        area << QPointF(line.back().x(), bottom) << QPointF(line.front().x(), bottom);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        p.setBrush(s.counterFill);
        p.drawPolygon(area);
        p.setPen(QPen(s.counterLine, 1.5));
        p.setBrush(Qt::NoBrush);
        p.setRenderHint(QPainter::Antialiasing, true);
        p.drawPolyline(line);

        // The value of each level that is wide enough to carry it.
        const QFontMetrics fm(s.smallFont);
        p.setFont(s.smallFont);
        p.setPen(s.text);
        const double half = f.layout.counterMax(row.index) / 2.0;
        // No number is narrower than one digit: most levels of a busy counter are a pixel or
        // two wide, and are passed over without shaping their text.
        const int narrowest = fm.horizontalAdvance(QLatin1Char('1')) + 8;
        for (std::size_t k = 0; k + 1 < levels.size(); ++k) {
            const auto [lx, v] = levels[k];
            if (levels[k + 1].first - lx < narrowest)
                continue;
            const QString text = QString::number(v);
            if (levels[k + 1].first - lx < fm.horizontalAdvance(text) + 8)
                continue;
            // Inside the filled area when it is tall, above the line otherwise.
            const double ty = v > half ? y(v) + fm.ascent() + 1 : y(v) - 3;
            p.drawText(QPointF(std::max(lx, f.vp.timeLeft()) + 4, ty), text);
        }
    }
}

void paintDeadlines(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    QPen pen(f.style.deadline, 1.5, Qt::DashLine);
    for (const DeadlineMarker &d : f.data.deadlines) {
        const int r = f.layout.rowOfUnit(d.unit);
        if (r < list.firstRow || r > list.lastRow || !f.vp.isVisible(d.timeNs, d.timeNs))
            continue;
        const TimelineRow &row = f.layout.row(r);
        const double x = f.x(d.timeNs);
        const double top = f.rowY(row) + 1, bottom = f.rowY(row) + row.height - 1;
        p.setPen(pen);
        p.drawLine(QPointF(x, top), QPointF(x, bottom));
        p.setPen(Qt::NoPen);
        p.setBrush(f.style.deadline);
        const QPointF tri[] = {{x - 4, top}, {x + 4, top}, {x, top + 5}};
        p.drawPolygon(tri, 3);
    }
}

void paintMarkersAndNotes(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    const TimelineStyle &s = f.style;
    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    for (const TimelineDrawList::Marker &m : list.markers) {
        const double size = s.rowHeight - 2 * s.barInset - 1;
        p.setOpacity(f.opacity(m.row));
        drawMarker(p, m.center, size, m.outcome, s);
        const UnitRecord *u = f.data.unit(m.unitId);
        QString note;
        if (m.outcome == Outcome::NeverAwaited)
            note = QStringLiteral("never awaited: created, never ran");
        else if (u && !u->error.isEmpty())
            note = u->error;
        if (note.isEmpty())
            continue;
        const double x = m.center.x() + size / 2 + 5;
        const double room = f.vp.timeRight() + s.rightMargin - x;
        if (room < 40)
            continue;
        p.setPen(m.outcome == Outcome::NeverAwaited ? s.mutedText : s.outcomeColor(m.outcome));
        p.drawText(QRectF(x, m.center.y() - s.rowHeight / 2.0, room, s.rowHeight),
                   Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(note, Qt::ElideRight, int(room)));
    }
    p.setOpacity(1.0);
}

void paintFlows(QPainter &p, const Frame &f, const TimelineDrawList &list, quint32 selected)
{
    if (!selected)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    auto visible = [&](int row) { return row >= list.firstRow && row <= list.lastRow; };
    for (const FlowLink &link : f.data.flows) {
        if (link.from != selected && link.to != selected)
            continue;
        const int rf = f.layout.rowOfUnit(link.from), rt = f.layout.rowOfUnit(link.to);
        // A selected main awaits a million tasks: only links with an end on screen are drawn.
        if (rf < 0 || rt < 0 || rf == rt || (!visible(rf) && !visible(rt)))
            continue;
        const TimelineRow &a = f.layout.row(rf), &b = f.layout.row(rt);
        const UnitRecord *to = f.data.unit(link.to);
        qint64 arrive = link.timeNs;
        if (to && to->startNs > arrive)
            arrive = to->startNs;
        const QPointF p0(f.x(link.timeNs), f.rowY(a) + a.height / 2.0);
        const QPointF p1(f.x(arrive), f.rowY(b) + b.height / 2.0);
        // An elbow: down (or up) from the awaiter, then into the start of the awaited bar.
        drawLink(p, p0, p0 + QPointF(0, (p1.y() - p0.y()) * 0.8),
                 p1 - QPointF(std::max(12.0, p1.x() - p0.x()), 0), p1, f.style.flow);
    }
}

void paintCauseArrows(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const TimelineDrawList::CauseArrow &a : list.causeArrows) {
        const UnitRecord *u = f.data.unit(a.unitId);
        // Cause and effect often share their time (a failed sibling, the ones it cancelled): a
        // bow out to the left, wider the more rows it spans, so arrows from one cause nest.
        const double left =
            std::min(a.from.x(), a.to.x()) - 16 - 0.4 * std::abs(a.to.y() - a.from.y());
        drawLink(p, a.from, QPointF(left, a.from.y()), QPointF(left, a.to.y()), a.to,
                 f.style.outcomeColor(u ? u->outcome : Outcome::Cancelled), 1.8);
    }
}

// A warning triangle with an exclamation mark, drawn as shapes so SVG and PDF keep it exact.
void drawFindingBadge(QPainter &p, const QRectF &r, const TimelineStyle &style)
{
    // Dark on a light badge, light on a dark one, whatever the style's text colour is.
    const QColor ink = qGray(style.finding.rgb()) > 128 ? QColor(Qt::black) : QColor(Qt::white);
    const QPointF tri[] = {{r.center().x(), r.top()}, r.bottomRight(), r.bottomLeft()};
    p.setPen(QPen(ink, 1.2));
    p.setBrush(style.finding);
    p.drawPolygon(tri, 3);
    QPen mark(ink, std::max(1.6, r.width() / 8));
    mark.setCapStyle(Qt::RoundCap);
    p.setPen(mark);
    const double cx = r.center().x();
    p.drawLine(QPointF(cx, r.top() + r.height() * 0.38), QPointF(cx, r.top() + r.height() * 0.66));
    p.drawPoint(QPointF(cx, r.top() + r.height() * 0.82));
}

void paintFindingMarkers(QPainter &p, const Frame &f, const TimelineDrawList &list)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const TimelineDrawList::FindingMarker &m : list.findingMarkers)
        drawFindingBadge(p, m.rect, f.style);
}

void paintLabels(QPainter &p, const Frame &f, const TimelineDrawList &list,
                 const TimelinePainter::PaintOptions &o)
{
    const TimelineStyle &s = f.style;
    const QFontMetrics sfm(s.smallFont);
    for (int i = list.firstRow; i <= list.lastRow; ++i) {
        const TimelineRow &row = f.layout.row(i);
        const QRectF r = f.geo.labelRect(row, f.vp.scrollY());
        QString label, hint;
        bool emphasise = false;
        switch (row.kind) {
        case TimelineRow::Kind::Loop:
            label = f.layout.analysis().loopCount() > 1
                ? QStringLiteral("event loop %1").arg(row.index + 1)
                : QStringLiteral("event loop");
            hint = QStringLiteral("loop");
            emphasise = true;
            break;
        case TimelineRow::Kind::Worker:
            label = QStringLiteral("worker %1").arg(row.index);
            hint = QStringLiteral("executor");
            emphasise = true;
            break;
        case TimelineRow::Kind::Counter:
            label = f.data.counters[std::size_t(row.index)].name;
            hint = QStringLiteral("max %1").arg(f.layout.counterMax(row.index));
            break;
        case TimelineRow::Kind::Holder:
            label = f.data.holders[std::size_t(row.index)].name;
            hint = QStringLiteral("held by");
            break;
        case TimelineRow::Kind::Unit:
            if (const UnitRecord *u = f.data.unit(row.unitId)) {
                label = u->label;
                hint = row.faint ? QStringLiteral("pinned") : kindHint(u->kind);
                emphasise = u->kind == UnitKind::Main || row.unitId == o.selectedUnit;
            }
            break;
        }
        const double textLeft = f.geo.labelTextLeft(row);
        if (row.hasChildren) {
            const QPointF c = f.geo.expanderCenter(row, f.vp.scrollY());
            p.setPen(Qt::NoPen);
            p.setBrush(s.mutedText);
            p.setRenderHint(QPainter::Antialiasing, true);
            if (row.collapsed) {
                const QPointF tri[] = {c + QPointF(-2.5, -4), c + QPointF(3, 0),
                                       c + QPointF(-2.5, 4)};
                p.drawPolygon(tri, 3);
            } else {
                const QPointF tri[] = {c + QPointF(-4, -2.5), c + QPointF(4, -2.5),
                                       c + QPointF(0, 3)};
                p.drawPolygon(tri, 3);
            }
        }
        const int hintWidth = sfm.horizontalAdvance(hint);
        p.setOpacity(f.opacity(i));
        p.setFont(s.smallFont);
        p.setPen(s.mutedText);
        p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, hint);
        QFont font = s.font;
        font.setBold(emphasise);
        const QFontMetrics lfm(font);
        p.setFont(font);
        p.setPen(s.text);
        const double room = r.right() - hintWidth - 8 - textLeft;
        p.drawText(QRectF(textLeft, r.top(), std::max(0.0, room), r.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   lfm.elidedText(label, Qt::ElideRight, int(std::max(0.0, room))));
    }
    p.setOpacity(1.0);
}

void paintLegend(QPainter &p, const Frame &f)
{
    const TimelineStyle &s = f.style;
    const double cy = f.geo.legend.top() + s.legendHeight / 2.0 + 2;
    const QFontMetrics fm(s.smallFont);
    p.setFont(s.smallFont);
    double x = f.geo.legend.left();
    const double limit = f.geo.legend.right();
    auto text = [&](const QString &t) {
        p.setPen(s.mutedText);
        p.drawText(QPointF(x, cy + fm.ascent() / 2.0 - 1), t);
        x += fm.horizontalAdvance(t) + 16;
    };
    const double sw = 22, sh = s.rowHeight - 2 * s.barInset;
    for (int i = 0; i < StateCount; ++i) {
        const auto state = UnitState(i);
        const double w = sw + 6 + fm.horizontalAdvance(Wording::state(state));
        if (x + w > limit)
            return;
        QRectF r(x, cy - sh / 2, sw, sh);
        if (state == UnitState::Pending)
            r.adjust(0, sh * 0.3, 0, -sh * 0.3);
        p.setRenderHint(QPainter::Antialiasing, true);
        drawStateSwatch(p, r, state, s, s.barRadius);
        x += sw + 6;
        text(Wording::state(state));
    }
    x += 8;
    for (auto outcome : {Outcome::Completed, Outcome::Failed, Outcome::Cancelled,
                         Outcome::TimedOut, Outcome::NeverAwaited}) {
        const double w = sh + 6 + fm.horizontalAdvance(Wording::outcome(outcome));
        if (x + w > limit)
            return;
        drawMarker(p, QPointF(x + sh / 2, cy), sh - 1, outcome, s);
        x += sh + 6;
        text(Wording::outcome(outcome));
    }
    x += 8;
    if (x + 200 > limit)
        return;
    const QRectF blocked(x, cy - sh / 2, sw, sh);
    p.setPen(Qt::NoPen);
    p.setBrush(s.loopBlocked);
    p.drawRoundedRect(blocked, s.barRadius, s.barRadius);
    drawHatch(p, blocked.adjusted(1, 1, -1, -1), s.loopBlocked.darker(140),
              TimelineStyle::Hatch::Forward);
    x += sw + 6;
    text(QStringLiteral("loop blocked"));
    p.setPen(QPen(s.deadline, 1.5, Qt::DashLine));
    p.drawLine(QPointF(x + 4, cy - sh / 2), QPointF(x + 4, cy + sh / 2));
    x += 14;
    text(QStringLiteral("deadline"));
    if (x + 160 > limit)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    drawFindingBadge(p, QRectF(x, cy - sh / 2, sh, sh), s);
    x += sh + 6;
    text(QStringLiteral("finding"));
    drawLink(p, QPointF(x, cy), QPointF(x + 8, cy - 4), QPointF(x + 14, cy - 4),
             QPointF(x + sw, cy), s.outcomeColor(Outcome::Cancelled), 1.8);
    x += sw + 6;
    text(QStringLiteral("cancelled by"));
}

} // namespace

QString TimelinePainter::title(const RunInfo &info)
{
    QString t = info.scenario.isEmpty() ? QStringLiteral("trace") : info.scenario;
    if (info.params.empty())
        return t;
    QStringList parts;
    for (const auto &[name, value] : info.params)
        parts << name + QLatin1Char('=') + QString::number(value, 'g', 8);
    return t + QStringLiteral(" \u2014 ") + parts.join(QStringLiteral(", "));
}

qint64 TimelinePainter::tickStep(double nsPerPixel, double minPixels)
{
    return niceCeil(qint64(std::ceil(std::max(1.0, nsPerPixel * minPixels))));
}

QString TimelinePainter::formatTick(qint64 ns, qint64 stepNs)
{
    auto trimmed = [](double v, int decimals) { return Wording::number(v, std::max(0, decimals)); };
    auto decimalsFor = [](double step) {
        return int(std::ceil(-std::log10(step) - 1e-9));
    };
    if (stepNs >= 10'000'000) {
        const double step = stepNs / 1e9;
        return trimmed(ns / 1e9, decimalsFor(step)) + QStringLiteral(" s");
    }
    if (stepNs >= 10'000) {
        const double step = stepNs / 1e6;
        return trimmed(ns / 1e6, decimalsFor(step)) + QStringLiteral(" ms");
    }
    return trimmed(ns / 1e3, decimalsFor(stepNs / 1e3)) + QStringLiteral(" \u00b5s");
}

TimelineDrawList TimelinePainter::buildDrawList(const TraceData &data, const TimelineLayout &layout,
                                                const TimelineViewport &viewport,
                                                const TimelineStyle &style,
                                                const TimelineGeometry &geometry,
                                                const PaintOptions &options)
{
    return buildList(makeFrame(data, layout, viewport, style, geometry, options));
}

bool TimelinePainter::FrameKey::looksLike(const FrameKey &other) const
{
    if (endNs < startNs || other.endNs < other.startNs || digest != other.digest
        || scrollY != other.scrollY || timeWidth != other.timeWidth)
        return false;
    const double nsPerPixel = double(endNs - startNs) / timeWidth;
    auto within = [nsPerPixel](qint64 a, qint64 b) { return double(std::abs(a - b)) < nsPerPixel; };
    // Every time in the range moves by less than its ends do; the edge is drawn where it is in
    // the range, and past it clipped.
    auto edge = [](const FrameKey &k) { return std::clamp(k.nowNs, k.startNs, k.endNs); };
    return within(startNs, other.startNs) && within(endNs, other.endNs)
        && within(edge(*this), edge(other));
}

TimelinePainter::FrameKey TimelinePainter::frameKey(const TraceData &data,
                                                    const TimelineLayout &layout,
                                                    const TimelineViewport &viewport,
                                                    const TimelineGeometry &geometry,
                                                    const PaintOptions &options)
{
    quint64 h = 0;
    auto mix = [&h](quint64 v) { h = (h ^ v) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull; };
    mix(quint64(geometry.target.width()) << 32 | quint32(geometry.target.height()));
    mix(quint64(geometry.timeArea.left()) << 32 | quint32(geometry.timeArea.width()));
    mix(quint64(layout.rowCount()) << 32 | quint32(layout.contentHeight()));
    mix(quint64(layout.unitCount()));
    mix(options.selectedUnit);
    for (quint32 u : options.alsoSelected)
        mix(u);
    mix(options.hoverUnit);
    mix(quint64(options.cursorNs));
    mix(quint64(options.liveEdge) << 2 | quint64(options.title) << 1 | quint64(options.legend));
    mix(quint64(data.info.finished));
    mix(quint64(data.info.totalNs));
    mix(data.flows.size());
    mix(data.deadlines.size());
    mix(data.bookmarks.size());
    // What the layout's analysis adds: its findings, the overview (the whole run so far), the
    // loop and worker rows' spans below.
    auto spans = [&mix](const std::vector<TimelineSpan> &list) {
        mix(list.size());
        if (!list.empty())
            mix(quint64(list.back().endNs));
    };
    const RunAnalysis &analysis = layout.analysis();
    mix(analysis.findings().size());
    if (!geometry.overview.isEmpty())
        mix(quint64(analysis.density().endNs()) ^ quint64(analysis.density().bucketCount()) << 48);
    // What happened within the live edge's last pixel column is left to the paint the edge's
    // next pixel brings (a traced server's every echo flips a row's state there); what is older
    // than that counts: an item's start at or before the cutoff.
    const qint64 nowNs = nowOf(data, options);
    const qint64 cutoff =
        std::min(nowNs - qint64(std::ceil(viewport.nsPerPixel())), viewport.endNs());
    auto countUpTo = [cutoff](const auto &items, auto timeOf) {
        std::size_t n = items.size();
        while (n > 0 && timeOf(items[n - 1]) > cutoff)
            --n;
        return quint64(n);
    };
    auto start = [](const auto &item) { return item.startNs; };
    auto time = [](const auto &item) { return item.timeNs; };
    const auto [first, last] = layout.rowsIn(viewport.scrollY(),
                                             viewport.scrollY() + geometry.rows.height());
    for (int r = first; r <= last; ++r) {
        const TimelineRow &row = layout.row(r);
        mix(quint64(row.unitId) << 8 | quint64(row.kind));
        switch (row.kind) {
        case TimelineRow::Kind::Unit:
            if (const UnitRecord *u = data.unit(row.unitId)) {
                const quint64 n = countUpTo(u->intervals, start);
                mix(n);
                if (n > 0 && n == u->intervals.size() && u->intervals.back().endNs >= 0
                    && u->intervals.back().endNs <= cutoff)
                    mix(quint64(u->intervals.back().endNs)); // a last bar that ended
                if (u->endNs >= 0 && u->endNs <= cutoff)
                    mix(quint64(u->outcome) << 32 | 1);
                mix(qHash(u->label));
            }
            break;
        case TimelineRow::Kind::Counter:
            mix(countUpTo(data.counters[std::size_t(row.index)].samples, time));
            break;
        case TimelineRow::Kind::Holder: {
            const auto &holds = data.holders[std::size_t(row.index)].intervals;
            const quint64 n = countUpTo(holds, start);
            mix(n);
            if (n > 0 && n == holds.size() && holds.back().endNs >= 0
                && holds.back().endNs <= cutoff)
                mix(quint64(holds.back().endNs));
            break;
        }
        case TimelineRow::Kind::Loop:
            mix(countUpTo(data.loopLag, time));
            spans(layout.loopBusy(row));
            spans(layout.loopBlocked(row));
            break;
        case TimelineRow::Kind::Worker:
            spans(layout.workerSpans(row.index));
            break;
        }
    }
    return {viewport.startNs(), viewport.endNs(), nowNs, viewport.scrollY(), viewport.timeWidth(),
            h};
}

void TimelinePainter::paint(QPainter &painter, const TraceData &data, const TimelineLayout &layout,
                            const TimelineViewport &viewport, const TimelineStyle &style,
                            const TimelineGeometry &geometry, const PaintOptions &options)
{
    const QRect &target = geometry.target;
    const Frame f = makeFrame(data, layout, viewport, style, geometry, options);
    const TimelineDrawList list = buildList(f);

    painter.save();
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.setClipRect(target);
    painter.fillRect(target, style.background);

    if (options.title)
        paintTitle(painter, f);
    paintOverview(painter, f);
    paintRuler(painter, f, false);

    painter.save();
    painter.setClipRect(f.rows.intersected(target));
    paintRowBackgrounds(painter, f, list, options);
    paintRuler(painter, f, true);

    // The time area, with room on the right for outcome markers and notes.
    const QRectF timeClip(viewport.timeLeft(), f.rows.top(),
                          viewport.timeWidth() + style.rightMargin, f.rows.height());
    painter.save();
    painter.setClipRect(timeClip.intersected(QRectF(f.rows)));
    paintCounters(painter, f, list);
    paintBars(painter, f, list);
    paintHolds(painter, f, list);
    paintBarLabels(painter, f, list);
    paintDeadlines(painter, f, list);
    paintFlows(painter, f, list, options.selectedUnit);
    paintCauseArrows(painter, f, list);
    paintMarkersAndNotes(painter, f, list);
    paintFindingMarkers(painter, f, list);
    painter.restore();

    paintLabels(painter, f, list, options);
    painter.setPen(QPen(style.separator, 1));
    painter.drawLine(QPointF(viewport.timeLeft() - 0.5, f.rows.top()),
                     QPointF(viewport.timeLeft() - 0.5, f.rows.bottom()));

    if (options.cursorNs >= 0 && viewport.isVisible(options.cursorNs, options.cursorNs)) {
        const double x = f.x(options.cursorNs);
        painter.setPen(QPen(style.cursor, 1));
        painter.drawLine(QPointF(x, f.rows.top()), QPointF(x, f.rows.bottom()));
    }
    // Bookmarks: a dotted line through the rows and a flag on the ruler.
    for (const Bookmark &mark : data.bookmarks) {
        if (!viewport.isVisible(mark.timeNs, mark.timeNs))
            continue;
        const double x = f.x(mark.timeNs);
        painter.setPen(QPen(style.flow, 1, Qt::DotLine));
        painter.drawLine(QPointF(x, f.rows.top()), QPointF(x, f.rows.bottom()));
    }
    if (options.liveEdge && viewport.isVisible(f.nowNs, f.nowNs)) {
        const double x = f.x(f.nowNs);
        painter.setPen(QPen(style.liveEdge, 2));
        painter.drawLine(QPointF(x, f.rows.top()), QPointF(x, f.rows.bottom()));
    }
    painter.restore();

    for (const Bookmark &mark : data.bookmarks) {
        if (!viewport.isVisible(mark.timeNs, mark.timeNs))
            continue;
        const double x = f.x(mark.timeNs);
        const double y = f.rows.top() - 1;
        const QPointF flag[] = {{x, y}, {x, y - 9}, {x + 7, y - 6}};
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(Qt::NoPen);
        painter.setBrush(style.flow);
        painter.drawPolygon(flag, 3);
    }
    // Cursor time in the ruler, so the line can be read.
    if (options.cursorNs >= 0 && viewport.isVisible(options.cursorNs, options.cursorNs)) {
        const QFontMetrics fm(style.smallFont);
        const QString label = Wording::duration(options.cursorNs);
        const double x = f.x(options.cursorNs);
        const QRectF box(x - fm.horizontalAdvance(label) / 2.0 - 5, f.rows.top() - 18,
                         fm.horizontalAdvance(label) + 10, 16);
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(Qt::NoPen);
        painter.setBrush(style.cursor);
        painter.drawRoundedRect(box, 3, 3);
        painter.setPen(style.background);
        painter.setFont(style.smallFont);
        painter.drawText(box, Qt::AlignCenter, label);
    }
    if (options.legend)
        paintLegend(painter, f);
    painter.restore();
}

} // namespace Loopscope
