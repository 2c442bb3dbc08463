#include "timelineview.h"

#include "tracedata.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Loopscope {

namespace {

constexpr double ZoomStep = 1.5;
constexpr int DragThreshold = 4;

QString stateMeaning(UnitState state)
{
    switch (state) {
    case UnitState::Pending:
        return QStringLiteral("created, not started yet");
    case UnitState::Running:
        return QStringLiteral("executing code");
    case UnitState::Waiting:
        return QStringLiteral("suspended on a timer, I/O or another task");
    case UnitState::Queued:
        return QStringLiteral("waiting for a free slot (semaphore or pool)");
    case UnitState::Ready:
        return QStringLiteral("could go on, but the loop was busy elsewhere");
    }
    return {};
}

QString outcomeText(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return QStringLiteral("not ended yet");
    case Outcome::TimedOut:
        return QStringLiteral("timed out");
    case Outcome::NeverAwaited:
        return QStringLiteral("never awaited (never ran)");
    default:
        return QString::fromLatin1(outcomeName(outcome));
    }
}

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td style='color:gray;padding-right:8px'>%1</td><td>%2</td></tr>")
        .arg(name, value);
}

// A "nice" round length >= ns (1, 2 or 5 x 10^k), so a growing live view rescales rarely.
qint64 niceCeil(qint64 ns)
{
    qint64 magnitude = 1'000'000; // 1 ms
    for (;;) {
        for (qint64 m : {1, 2, 5}) {
            if (m * magnitude >= ns)
                return m * magnitude;
        }
        if (magnitude > std::numeric_limits<qint64>::max() / 100)
            return ns;
        magnitude *= 10;
    }
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_style(TimelineStyle::light())
    , m_baseLabelWidth(m_style.labelWidth)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(400, 200);
    setToolTip(QString()); // tooltips are computed per point (viewportEvent)
    updateTimeArea();
    m_viewport.fit(1'000'000'000);
}

TimelineView::~TimelineView() = default;

void TimelineView::setData(const TraceData *data, bool keepState)
{
    m_data = data;
    if (!keepState) {
        m_collapsed.clear();
        m_selected = 0;
        m_hover = 0;
        m_pinnedCursorNs = -1;
        m_cursorNs = -1;
        m_viewport.setScrollY(0);
    }
    relayout();
    if (!m_live)
        fitToWindow();
    viewport()->update();
}

void TimelineView::dataChanged()
{
    if (!m_data)
        return;
    if (!m_sinceLayout.isValid() || m_sinceLayout.elapsed() >= m_layoutIntervalMs)
        relayout();
    else
        m_layoutDirty = true;
    applyFollow();
    updateScrollBars();
    viewport()->update();
}

void TimelineView::relayout()
{
    QElapsedTimer timer;
    timer.start();
    m_layout = m_data ? TimelineLayout(*m_data, m_style, m_collapsed) : TimelineLayout();
    fitLabelColumn();
    // Rebuilding costs ~50 ms for 100k units: space rebuilds so they take at most a fifth of
    // the time (small runs rebuild every frame).
    m_layoutIntervalMs = std::min<qint64>(timer.elapsed() * 4, 1000);
    m_sinceLayout.start();
    m_layoutDirty = false;
    updateScrollBars();
    viewport()->update();
}

void TimelineView::fitLabelColumn()
{
    // Wide enough for the labels (executor jobs have long ones), within limits; while live it
    // only grows, so the time axis does not jump back and forth.
    int wanted = m_baseLabelWidth;
    if (m_data) {
        QFont bold = m_style.font;
        bold.setBold(true);
        const QFontMetrics fm(bold), small(m_style.smallFont);
        const int rows = std::min(m_layout.rowCount(), 2000);
        for (int i = 0; i < rows; ++i) {
            const TimelineRow &r = m_layout.row(i);
            if (r.kind != TimelineRow::Kind::Unit)
                continue;
            const UnitRecord *u = m_data->unit(r.unitId);
            if (!u)
                continue;
            const int w = r.depth * m_style.indent + 14 + fm.horizontalAdvance(u->label) + 8
                + small.horizontalAdvance(QString::fromLatin1(unitKindName(u->kind))) + 14;
            wanted = std::max(wanted, w);
        }
    }
    wanted = std::min(wanted, std::max(m_baseLabelWidth, int(paintTarget().width() * 0.35)));
    if (m_live)
        wanted = std::max(wanted, m_style.labelWidth);
    if (wanted != m_style.labelWidth) {
        m_style.labelWidth = wanted;
        updateTimeArea();
    }
}

void TimelineView::setLive(bool live)
{
    m_live = live;
    if (live) {
        m_follow = true;
        m_userZoomed = false;
        m_nowNs = 0;
    }
    viewport()->update();
}

void TimelineView::setNowNs(qint64 nowNs)
{
    m_nowNs = std::max<qint64>(0, nowNs);
    applyFollow();
    updateScrollBars();
    viewport()->update();
}

void TimelineView::finishLive()
{
    m_live = false;
    m_follow = false;
    m_userZoomed = false;
    relayout();
    fitToWindow();
}

qint64 TimelineView::liveEndNs() const
{
    if (!m_data)
        return m_nowNs;
    if (m_data->info.finished && m_data->info.totalNs > 0)
        return std::max(m_data->info.totalNs, m_data->endNs());
    return std::max(m_nowNs, m_data->endNs());
}

void TimelineView::applyFollow()
{
    if (!m_live || !m_follow)
        return;
    const qint64 now = liveEndNs();
    if (!m_userZoomed) {
        // The whole run so far, in a window that grows in round steps.
        const qint64 end = niceCeil(std::max<qint64>(qint64(double(now) * 1.05), 1'000'000));
        m_viewport.setLimitNs(end);
        m_viewport.setRange(0, end);
    } else {
        // A sliding window of the user's zoom, the live edge at 85 %.
        const qint64 d = m_viewport.durationNs();
        const qint64 start = std::max<qint64>(0, now - qint64(double(d) * 0.85));
        m_viewport.setLimitNs(std::max(start + d, now));
        m_viewport.setRange(start, start + d);
    }
    emitZoomIfChanged();
}

void TimelineView::updateLimit()
{
    if (m_live && m_follow)
        return;
    m_viewport.setLimitNs(std::max<qint64>(liveEndNs(), 1'000'000));
}

void TimelineView::setVisibleRange(qint64 startNs, qint64 endNs)
{
    if (endNs < startNs)
        std::swap(startNs, endNs);
    if (m_live)
        m_follow = false;
    m_userZoomed = true;
    updateLimit();
    m_viewport.setRange(startNs, endNs);
    rangeChangedByUser();
}

void TimelineView::setStyle(const TimelineStyle &style)
{
    const int labelWidth = m_style.labelWidth;
    m_style = style;
    m_baseLabelWidth = style.labelWidth;
    m_style.labelWidth = std::max(labelWidth, style.labelWidth);
    updateTimeArea();
    relayout();
    QPalette pal = viewport()->palette();
    pal.setColor(QPalette::Window, m_style.background);
    viewport()->setPalette(pal);
}

void TimelineView::setCollapsed(quint32 unitId, bool collapsed)
{
    if (collapsed == m_collapsed.contains(unitId))
        return;
    if (collapsed)
        m_collapsed.insert(unitId);
    else
        m_collapsed.remove(unitId);
    relayout();
}

void TimelineView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

QRect TimelineView::paintTarget() const { return viewport()->rect(); }

void TimelineView::updateTimeArea()
{
    const QRect area = TimelinePainter::timeArea(paintTarget(), m_style);
    const qint64 start = m_viewport.startNs(), end = m_viewport.endNs();
    m_viewport.setTimeArea(area.left(), area.width());
    m_viewport.setRange(start, end);
}

void TimelineView::updateScrollBars()
{
    m_updatingScrollBars = true;
    const qint64 limit = std::max(m_viewport.limitNs(), m_viewport.endNs());
    const qint64 duration = m_viewport.durationNs();
    // Scroll bar units: about a pixel, but coarse enough that the range fits an int.
    m_hScrollUnitNs = std::max<qint64>(
        {1, qint64(std::ceil(m_viewport.nsPerPixel())), limit / 1'000'000});
    QScrollBar *h = horizontalScrollBar();
    h->setRange(0, int((limit - duration) / m_hScrollUnitNs));
    h->setPageStep(int(std::max<qint64>(1, duration / m_hScrollUnitNs)));
    h->setSingleStep(std::max(1, int(20 * m_viewport.nsPerPixel() / double(m_hScrollUnitNs))));
    h->setValue(int(m_viewport.startNs() / m_hScrollUnitNs));

    const int rowsHeight = TimelinePainter::rowsArea(paintTarget(), m_style).height();
    m_viewport.clampScrollY(m_layout.contentHeight(), rowsHeight);
    QScrollBar *v = verticalScrollBar();
    v->setRange(0, std::max(0, m_layout.contentHeight() - rowsHeight));
    v->setPageStep(std::max(1, rowsHeight));
    v->setSingleStep(m_style.rowHeight);
    v->setValue(m_viewport.scrollY());
    m_updatingScrollBars = false;
}

void TimelineView::scrollContentsBy(int dx, int dy)
{
    if (m_updatingScrollBars)
        return;
    if (dx != 0) {
        const qint64 duration = m_viewport.durationNs();
        const qint64 start = qint64(horizontalScrollBar()->value()) * m_hScrollUnitNs;
        if (m_live)
            m_follow = false;
        updateLimit();
        m_viewport.setRange(start, start + duration);
        emitZoomIfChanged();
    }
    if (dy != 0)
        m_viewport.setScrollY(verticalScrollBar()->value());
    viewport()->update();
}

void TimelineView::rangeChangedByUser()
{
    if (m_live && m_follow) {
        const qint64 now = liveEndNs();
        if (now < m_viewport.startNs() || now > m_viewport.endNs())
            m_follow = false;
    }
    updateScrollBars();
    emitZoomIfChanged();
    viewport()->update();
}

void TimelineView::emitZoomIfChanged()
{
    if (m_viewport.startNs() == m_lastEmittedStart && m_viewport.endNs() == m_lastEmittedEnd)
        return;
    m_lastEmittedStart = m_viewport.startNs();
    m_lastEmittedEnd = m_viewport.endNs();
    Q_EMIT zoomChanged(m_lastEmittedStart, m_lastEmittedEnd);
}

void TimelineView::zoomIn()
{
    updateLimit();
    m_userZoomed = true;
    const double anchor = m_live && m_follow ? m_viewport.mapTimeToX(liveEndNs())
                                             : m_viewport.timeLeft() + m_viewport.timeWidth() / 2;
    m_viewport.zoom(ZoomStep, anchor);
    rangeChangedByUser();
}

void TimelineView::zoomOut()
{
    updateLimit();
    m_userZoomed = true;
    m_viewport.zoom(1 / ZoomStep, m_viewport.timeLeft() + m_viewport.timeWidth() / 2);
    rangeChangedByUser();
}

void TimelineView::fitToWindow()
{
    if (m_live) {
        followLive();
        return;
    }
    m_userZoomed = false;
    m_viewport.fit(std::max<qint64>(liveEndNs(), 1'000'000));
    updateScrollBars();
    emitZoomIfChanged();
    viewport()->update();
}

void TimelineView::followLive()
{
    if (!m_live) {
        // Not live: show the end of the run at the current zoom.
        updateLimit();
        const qint64 d = m_viewport.durationNs();
        m_viewport.setRange(liveEndNs() - d, liveEndNs());
        rangeChangedByUser();
        return;
    }
    m_follow = true;
    m_userZoomed = false;
    applyFollow();
    updateScrollBars();
    viewport()->update();
}

void TimelineView::setSelectedUnit(quint32 unitId)
{
    if (unitId == m_selected)
        return;
    m_selected = unitId;
    viewport()->update();
    Q_EMIT selectionChanged(unitId);
}

void TimelineView::setCursorTime(qint64 ns)
{
    m_pinnedCursorNs = ns;
    if (ns >= 0 && !m_viewport.isVisible(ns, ns)) {
        // Bring the time into view, keeping the zoom.
        if (m_live)
            m_follow = false;
        updateLimit();
        const qint64 d = m_viewport.durationNs();
        m_viewport.setRange(ns - d / 2, ns - d / 2 + d);
        rangeChangedByUser();
    }
    setHover(m_hover, ns);
}

void TimelineView::setHover(quint32 unitId, qint64 cursorNs)
{
    const bool cursorChanged = cursorNs != m_cursorNs;
    if (unitId == m_hover && !cursorChanged)
        return;
    m_hover = unitId;
    m_cursorNs = cursorNs;
    viewport()->update();
    if (cursorChanged)
        Q_EMIT cursorTimeChanged(cursorNs);
}

bool TimelineView::inRuler(const QPointF &pos) const
{
    const QRect target = paintTarget();
    const double top = target.top() + m_style.margin + m_style.titleHeight;
    return pos.y() >= top && pos.y() < target.top() + m_style.headerHeight()
        && pos.x() >= m_viewport.timeLeft() && pos.x() <= m_viewport.timeRight();
}

bool TimelineView::onExpander(const QPointF &pos, int *rowIndex) const
{
    if (pos.y() < m_layout.headerHeight())
        return false;
    const int r = m_layout.rowAt(pos.y() - m_layout.headerHeight() + m_viewport.scrollY());
    if (r < 0 || !m_layout.row(r).hasChildren)
        return false;
    // The painter draws the triangle at margin + indent + 5, the label from + 14.
    const double x = paintTarget().left() + m_style.margin + m_layout.row(r).depth * m_style.indent;
    if (pos.x() < x - 3 || pos.x() > x + 14)
        return false;
    *rowIndex = r;
    return true;
}

QString TimelineView::toolTipAt(const QPointF &pos) const
{
    if (!m_data)
        return {};
    const TimelineHit hit = m_layout.itemAt(pos, *m_data, m_viewport);
    if (hit.row < 0)
        return {};
    const TimelineRow &r = m_layout.row(hit.row);
    const bool inTime = pos.x() >= m_viewport.timeLeft() && pos.x() <= m_viewport.timeRight();
    const qint64 t = m_viewport.mapXToTime(pos.x());
    const qint64 liveEnd = liveEndNs();
    auto fmt = [](qint64 ns) { return TimelinePainter::formatDuration(ns); };

    if (r.kind == TimelineRow::Kind::Loop) {
        QString what = QStringLiteral("idle (nothing to run)");
        auto within = [t, liveEnd](const std::vector<TimelineSpan> &spans) -> const TimelineSpan * {
            for (const TimelineSpan &s : spans) {
                if (t >= s.startNs && t <= (s.endNs < 0 ? liveEnd : s.endNs))
                    return &s;
            }
            return nullptr;
        };
        if (!inTime)
            return QStringLiteral("<b>Event loop</b><br>Green: running a task's code. "
                                  "Red, hatched: blocked, other tasks could not run.");
        if (const TimelineSpan *s = within(m_layout.loopBlocked()))
            what = QStringLiteral("<b>blocked</b> for %1: ready tasks had to wait")
                       .arg(fmt((s->endNs < 0 ? liveEnd : s->endNs) - s->startNs));
        else if (within(m_layout.loopBusy()))
            what = QStringLiteral("running a task's code");
        return QStringLiteral("<b>Event loop</b> at %1<br>%2").arg(fmt(t), what);
    }
    if (r.kind == TimelineRow::Kind::Counter) {
        const CounterSeries &series = m_data->counters[std::size_t(r.index)];
        qint64 value = 0;
        for (const CounterSample &s : series.samples) {
            if (s.timeNs > t)
                break;
            value = s.value;
        }
        if (!inTime)
            return QStringLiteral("<b>%1</b><br>A counter over time (maximum %2)")
                .arg(series.name.toHtmlEscaped())
                .arg(m_layout.counterMax(r.index));
        return QStringLiteral("<b>%1</b> at %2: %3")
            .arg(series.name.toHtmlEscaped(), fmt(t))
            .arg(value);
    }
    if (hit.unitId == 0) {
        if (r.kind == TimelineRow::Kind::Worker)
            return QStringLiteral("<b>Executor worker %1</b><br>A thread of the pool; bars are "
                                  "the jobs it ran.")
                .arg(r.index);
        return {};
    }
    const UnitRecord *u = m_data->unit(hit.unitId);
    if (!u)
        return {};
    QString html = QStringLiteral("<b>%1</b> <span style='color:gray'>(%2)</span><table>")
                       .arg(u->label.toHtmlEscaped(),
                            QString::fromLatin1(unitKindName(u->kind)));
    if (inTime && hit.interval >= 0 && hit.interval < int(u->intervals.size())) {
        const StateInterval &iv = u->intervals[std::size_t(hit.interval)];
        const qint64 end = iv.endNs < 0 ? liveEnd : iv.endNs;
        QString state = QStringLiteral("<b>%1</b> &mdash; %2")
                            .arg(QString::fromLatin1(unitStateName(iv.state)),
                                 stateMeaning(iv.state));
        if (iv.lane > 0)
            state += QStringLiteral(" (worker %1)").arg(iv.lane);
        html += row(QStringLiteral("State"), state);
        html += row(QString(), QStringLiteral("%1 \u2192 %2%3 (%4)")
                                   .arg(fmt(iv.startNs), fmt(end),
                                        iv.endNs < 0 ? QStringLiteral("\u2026") : QString(),
                                        fmt(end - iv.startNs)));
    }
    html += row(QStringLiteral("Start"),
                u->startNs < 0 ? QStringLiteral("never ran") : fmt(u->startNs));
    if (u->endNs >= 0) {
        html += row(QStringLiteral("End"), fmt(u->endNs));
        if (u->startNs >= 0)
            html += row(QStringLiteral("Duration"), fmt(u->endNs - u->startNs));
    } else if (u->startNs >= 0) {
        html += row(QStringLiteral("Duration"),
                    QStringLiteral("%1 so far").arg(fmt(liveEnd - u->startNs)));
    }
    html += row(QStringLiteral("Outcome"), outcomeText(u->outcome));
    if (!u->error.isEmpty())
        html += row(QStringLiteral("Error"), u->error.toHtmlEscaped());
    html += QStringLiteral("</table>");
    return html;
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QRect target = paintTarget();
    if (!m_data || m_data->units.empty()) {
        p.fillRect(target, m_style.background);
        p.setPen(m_style.mutedText);
        p.setFont(m_style.font);
        p.drawText(target.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   m_placeholder);
        return;
    }
    TimelinePainter::PaintOptions options;
    options.selectedUnit = m_selected;
    options.hoverUnit = m_hover;
    options.cursorNs = m_cursorNs;
    options.nowNs = m_live ? liveEndNs() : -1;
    options.liveEdge = m_live;
    TimelinePainter::paint(p, *m_data, m_layout, m_viewport, m_style, target, options);

    if (m_drag == Drag::RulerRange && m_moved) {
        const double x0 = std::clamp(m_pressPos.x(), m_viewport.timeLeft(), m_viewport.timeRight());
        const double x1 = std::clamp(m_lastPos.x(), m_viewport.timeLeft(), m_viewport.timeRight());
        QColor fill = m_style.cursor;
        fill.setAlphaF(0.18f);
        p.fillRect(QRectF(std::min(x0, x1), target.top() + m_style.margin + m_style.titleHeight,
                          std::abs(x1 - x0), target.height()),
                   fill);
    }
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    fitLabelColumn();
    updateTimeArea();
    updateScrollBars();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    m_pressPos = m_lastPos = event->position();
    m_moved = false;
    m_drag = inRuler(m_pressPos) ? Drag::RulerRange : Drag::Pan;
    m_rangeStartNs = m_viewport.mapXToTime(m_pressPos.x());
    event->accept();
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_drag != Drag::None) {
        if ((pos - m_pressPos).manhattanLength() > DragThreshold)
            m_moved = true;
        if (m_drag == Drag::Pan && m_moved) {
            const QPointF d = pos - m_lastPos;
            if (m_live)
                m_follow = false;
            updateLimit();
            m_viewport.pan(d.x());
            m_viewport.scrollBy(int(-d.y()));
            rangeChangedByUser();
            setCursor(Qt::ClosedHandCursor);
        }
        m_lastPos = pos;
        viewport()->update();
    }
    quint32 hover = 0;
    if (m_data) {
        const TimelineHit hit = m_layout.itemAt(pos, *m_data, m_viewport);
        hover = hit.unitId;
    }
    const bool inTime = pos.x() >= m_viewport.timeLeft() && pos.x() <= m_viewport.timeRight()
        && pos.y() >= m_style.margin + m_style.titleHeight;
    setHover(hover, inTime ? m_viewport.mapXToTime(pos.x()) : m_pinnedCursorNs);
    int expanderRow = -1;
    if (m_drag == Drag::None)
        setCursor(onExpander(pos, &expanderRow) ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_drag == Drag::None) {
        QAbstractScrollArea::mouseReleaseEvent(event);
        return;
    }
    const Drag drag = m_drag;
    m_drag = Drag::None;
    setCursor(Qt::ArrowCursor);
    const QPointF pos = event->position();
    if (drag == Drag::RulerRange) {
        const qint64 t = m_viewport.mapXToTime(
            std::clamp(pos.x(), m_viewport.timeLeft(), m_viewport.timeRight()));
        if (m_moved && std::abs(pos.x() - m_pressPos.x()) > DragThreshold)
            setVisibleRange(std::min(t, m_rangeStartNs), std::max(t, m_rangeStartNs));
        else
            setCursorTime(t);
        viewport()->update();
        return;
    }
    if (m_moved)
        return;
    int expanderRow = -1;
    if (onExpander(pos, &expanderRow)) {
        const quint32 id = m_layout.row(expanderRow).unitId;
        setCollapsed(id, !m_collapsed.contains(id));
        return;
    }
    const TimelineHit hit =
        m_data ? m_layout.itemAt(pos, *m_data, m_viewport) : TimelineHit();
    setSelectedUnit(hit.unitId);
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    // A double click on a parent's label collapses or expands it too.
    const QPointF pos = event->position();
    if (pos.x() < m_viewport.timeLeft() && pos.y() >= m_layout.headerHeight()) {
        const int r = m_layout.rowAt(pos.y() - m_layout.headerHeight() + m_viewport.scrollY());
        if (r >= 0 && m_layout.row(r).hasChildren) {
            const quint32 id = m_layout.row(r).unitId;
            setCollapsed(id, !m_collapsed.contains(id));
            return;
        }
    }
    QAbstractScrollArea::mouseDoubleClickEvent(event);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    const QPointF pos = event->position();
    if (event->modifiers() & Qt::ControlModifier) {
        const double anchor =
            std::clamp(pos.x(), m_viewport.timeLeft(), m_viewport.timeRight());
        updateLimit();
        m_userZoomed = true;
        m_viewport.zoom(std::pow(1.0015, delta.y()), anchor);
        rangeChangedByUser();
        event->accept();
        return;
    }
    const int rowsHeight = TimelinePainter::rowsArea(paintTarget(), m_style).height();
    const bool canScrollRows = m_layout.contentHeight() > rowsHeight;
    int dx = delta.x();
    int dy = delta.y();
    if ((event->modifiers() & Qt::ShiftModifier) || !canScrollRows) {
        dx += dy;
        dy = 0;
    }
    if (dx != 0) {
        if (m_live)
            m_follow = false;
        updateLimit();
        m_viewport.pan(dx / 2.0);
    }
    if (dy != 0)
        m_viewport.scrollBy(-dy / 2);
    rangeChangedByUser();
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const double page = m_viewport.timeWidth() / 10;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_0:
        fitToWindow();
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (m_live)
            m_follow = false;
        updateLimit();
        m_viewport.pan(event->key() == Qt::Key_Left ? page : -page);
        rangeChangedByUser();
        break;
    case Qt::Key_Up:
    case Qt::Key_Down:
        m_viewport.scrollBy(event->key() == Qt::Key_Up ? -m_style.rowHeight : m_style.rowHeight);
        rangeChangedByUser();
        break;
    case Qt::Key_Home:
        setVisibleRange(0, m_viewport.durationNs());
        break;
    case Qt::Key_End:
        followLive();
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::leaveEvent(QEvent *event)
{
    setHover(0, m_pinnedCursorNs);
    QAbstractScrollArea::leaveEvent(event);
}

} // namespace Loopscope
