#include "timelineview.h"

#include "runcomparison.h"
#include "tracedata.h"
#include "wording.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLineF>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace Loopscope {

namespace {

constexpr int DragThreshold = 4;

// What a build on this thread costs it: its CPU time, not the wall clock's, which on a loaded
// machine counts the time other threads ran (and spaced a small run's builds for nothing).
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

//! Lowers the calling thread below the GUI thread (Linux: nice is per thread). On a loaded
//! machine (2 cores, the loop thread in a creation burst, another program) a layout build at the
//! same priority took the GUI thread's turns: the 5 ms timer fired 25-35 ms late at p99.
void yieldToGuiThread()
{
#ifdef Q_OS_LINUX
    constexpr int LayoutNice = 10;
    (void)setpriority(PRIO_PROCESS, id_t(gettid()), LayoutNice);
#endif
}

QString row(const QString &name, const QString &value)
{
    return QStringLiteral("<tr><td style='color:gray;padding-right:8px'>%1</td><td>%2</td></tr>")
        .arg(name, value);
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_zoom(new TimelineZoomControl(this))
    , m_player(new TimelinePlayer(m_zoom, this))
    , m_style(TimelineStyle::light())
{
    m_layoutPool.setMaxThreadCount(1); // one build at a time (isLayoutPending)
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(400, 200);
    setToolTip(QString()); // tooltips are computed per point (viewportEvent)
    auto repaint = [this] {
        updateScrollBars();
        // A live frame's range follows the edge: the frame decides whether that shows. Other
        // changes come from the user, or while the data is being replaced (not to be read).
        if (!m_liveFrame)
            viewport()->update();
    };
    connect(m_zoom, &TimelineZoomControl::rangeChanged, this, repaint);
    connect(m_zoom, &TimelineZoomControl::scrollChanged, this, repaint);
    connect(m_zoom, &TimelineZoomControl::rangeChanged, this, &TimelineView::zoomChanged);
    connect(m_zoom, &TimelineZoomControl::selectionChanged, this, [this](quint32 unit) {
        viewport()->update();
        Q_EMIT selectionChanged(unit);
    });
    connect(m_zoom, &TimelineZoomControl::cursorChanged, this,
            [this](qint64 ns) { setHover(m_hover, ns); });
    connect(&m_layoutJob, &QFutureWatcher<BuiltLayout>::finished, this,
            &TimelineView::onBackgroundLayout);
    updateGeometry();
}

TimelineView::~TimelineView()
{
    // The pool thread reads the held data: it is done before the hold is let go.
    if (isLayoutPending())
        m_layoutJob.waitForFinished();
}

void TimelineView::setDataHold(std::function<DataHold()> hold) { m_hold = std::move(hold); }

void TimelineView::setData(const TraceData *data, bool keepState)
{
    m_data = data;
    if (!keepState) {
        m_collapsed.clear();
        m_hover = 0;
        m_cursorNs = -1;
        m_zoom->reset();
    }
    relayout();
    updateEnd();
    if (!m_zoom->isLive())
        m_zoom->fit();
    m_player->setData(m_zoom->isLive() ? nullptr : data);
    viewport()->update();
}

void TimelineView::setPinned(const TraceData *pinned)
{
    m_pinned = pinned;
    relayout();
    updateEnd();
    if (!m_zoom->isLive())
        m_zoom->fit();
    viewport()->update();
}

const TraceData *TimelineView::drawn() const
{
    return m_data && m_pinned ? &m_overlay : m_data;
}

void TimelineView::dataChanged()
{
    if (!m_data)
        return;
    if (!isLayoutPending() && isLayoutDue())
        rebuildLayout();
    m_liveFrame = true;
    updateEnd();
    m_liveFrame = false;
    updateScrollBars();
    updateIfChanged();
}

void TimelineView::updateIfChanged()
{
    if (!drawn() || drawn()->units.empty()
        || !TimelinePainter::frameKey(*drawn(), m_layout, m_zoom->viewport(), m_geometry,
                                      paintOptions())
                .looksLike(m_paintedKey))
        viewport()->update();
}

TimelineView::BuiltFrom TimelineView::builtFrom(const TraceData *data) const
{
    if (!data)
        return {};
    return {data->units.size(), data->counters.size(), data->holders.size(), m_zoom->endNs()};
}

bool TimelineView::isLayoutDue() const
{
    if (!m_sinceLayout.isValid())
        return true;
    const qint64 since = m_sinceLayout.elapsed();
    if (since < m_layoutIntervalMs)
        return false;
    const BuiltFrom now = builtFrom(m_data);
    if (now.units != m_builtFrom.units || now.counters != m_builtFrom.counters
        || now.holders != m_builtFrom.holders)
        return true; // rows to add
    // Only states changed: what the layout adds to them (the loop's and workers' spans, the
    // overview, findings) changes at the live edge, so a new one shows once the edge moved a few
    // pixels. Over a long run seen whole that is seconds of it, not every batch of events.
    constexpr double EdgePixels = 2;
    constexpr qint64 MaxStaleMs = 3000;
    return double(now.edgeNs - m_builtFrom.edgeNs)
        >= EdgePixels * m_zoom->viewport().nsPerPixel()
        || since >= MaxStaleMs;
}

void TimelineView::relayout()
{
    const qint64 startNs = threadCpuNs();
    m_relayoutAfterJob = false;
    m_builtFrom = builtFrom(m_data);
    ++m_layoutGeneration; // a layout still being built on the pool is of older data now
    TimelineLayout layout;
    if (m_data && m_pinned) {
        // The overlay's A ids follow B's unit count: rebuilt with the layout, never apart.
        m_overlay = RunComparison::overlay(*m_pinned, *m_data);
        layout = TimelineLayout(*m_data, *m_pinned, m_style, m_collapsed);
    } else {
        m_overlay = TraceData();
        if (m_data)
            layout = TimelineLayout(*m_data, m_style, m_collapsed);
    }
    // Fitted here, so that the time it takes counts in the build's (2000 labels measured).
    const int width = paintTarget().width();
    const int labelWidth = m_data
        ? TimelineGeometry::fitLabelWidth(*drawn(), layout, m_style, width, &m_labelWidths)
        : m_style.labelWidth;
    adoptLayout({std::move(layout), width, labelWidth, std::move(m_labelWidths)},
                m_data ? m_data->units.size() : 0, (threadCpuNs() - startNs) / 1'000'000);
    Q_EMIT layoutChanged();
}

void TimelineView::rebuildLayout()
{
    if (isLayoutPending()) {
        m_relayoutAfterJob = true;
        return;
    }
    // Builds grow with the units: predict this one from the last, and from what a unit costs at
    // least (a run grows from nothing to 100k units within a few frames).
    constexpr double MinMsPerUnit = 1e-3;
    const double units = m_data ? double(m_data->units.size()) : 0;
    const double predictedMs = std::max(
        m_lastBuildUnits > 0 ? double(m_lastBuildMs) * units / double(m_lastBuildUnits) : 0,
        units * MinMsPerUnit);
    if (m_hold && !m_pinned && predictedMs >= double(BackgroundLayoutMs)) {
        DataHold hold = m_hold();
        if (hold && hold.get() == m_data) {
            startBackgroundLayout(std::move(hold));
            return;
        }
    }
    relayout();
}

void TimelineView::startBackgroundLayout(DataHold hold)
{
    m_layoutHold = std::move(hold);
    m_builtFrom = builtFrom(m_layoutHold.get());
    m_jobGeneration = m_layoutGeneration;
    m_jobUnits = m_layoutHold->units.size();
    m_jobClock.start();
    // The pool thread gets the data by pointer only: the hold stays here, on this thread. The
    // label column is fitted there too (QFontMetrics may be used on any thread).
    m_layoutJob.setFuture(QtConcurrent::run(&m_layoutPool, [data = m_layoutHold.get(),
                                                            style = m_style,
                                                            collapsed = m_collapsed,
                                                            width = paintTarget().width(),
                                                            known = m_labelWidths] {
        yieldToGuiThread();
        BuiltLayout built{TimelineLayout(*data, style, collapsed), width, 0, known};
        built.labelWidth = TimelineGeometry::fitLabelWidth(*data, built.layout, style, width,
                                                           &built.labelWidths);
        return built;
    }));
}

void TimelineView::onBackgroundLayout()
{
    BuiltLayout built = m_layoutJob.future().takeResult();
    const qint64 ms = m_jobClock.elapsed();
    const bool current = m_jobGeneration == m_layoutGeneration;
    m_layoutHold.reset(); // the data may change again
    if (current)
        adoptLayout(std::move(built), m_jobUnits, ms);
    if (m_relayoutAfterJob) {
        m_relayoutAfterJob = false;
        rebuildLayout(); // layoutChanged() follows that one
    } else if (current) {
        Q_EMIT layoutChanged();
    }
}

void TimelineView::adoptLayout(BuiltLayout built, std::size_t units, qint64 buildMs)
{
    std::swap(m_layout, built.layout);
    if (units >= BigLayoutUnits) {
        // Freeing a million rows' arrays takes a frame's time: not on this thread.
        (void)QtConcurrent::run([old = std::move(built.layout)] {});
    }
    m_fittedTargetWidth = built.targetWidth;
    m_fittedLabelWidth = built.labelWidth;
    m_labelWidths = std::move(built.labelWidths);
    m_lastBuildMs = buildMs;
    m_lastBuildUnits = units;
    updateGeometry();
    // Rebuilding costs ~50 ms for 100k units: space rebuilds so they take at most a fifth of
    // the time (small runs rebuild every frame), or on the pool hold the data that share of the
    // time, but come at least every few seconds.
    m_layoutIntervalMs = std::min<qint64>(buildMs * 4, 3000);
    m_sinceLayout.start();
    updateScrollBars();
    updateIfChanged(); // a live run's small layouts are rebuilt every frame, mostly the same
}

void TimelineView::updateGeometry()
{
    const QRect target = paintTarget();
    if (m_fittedTargetWidth != target.width()) {
        m_fittedTargetWidth = target.width();
        m_fittedLabelWidth = drawn() ? TimelineGeometry::fitLabelWidth(*drawn(), m_layout, m_style,
                                                                       target.width(),
                                                                       &m_labelWidths)
                                     : m_style.labelWidth;
    }
    int labelWidth = m_fittedLabelWidth;
    // While live the column only grows, so the time axis does not jump back and forth.
    if (m_zoom->isLive())
        labelWidth = std::max(labelWidth, m_geometry.labelWidth);
    m_geometry = TimelineGeometry::compute(m_style, target, labelWidth, m_layout.contentHeight());
    m_zoom->setTimeArea(m_geometry.timeArea.left(), m_geometry.timeArea.width());
}

void TimelineView::setLive(bool live)
{
    m_nowNs = 0;
    m_zoom->setLive(live);
    viewport()->update();
}

void TimelineView::setNowNs(qint64 nowNs)
{
    m_nowNs = std::max<qint64>(0, nowNs);
    m_liveFrame = true;
    updateEnd();
    m_liveFrame = false;
    updateIfChanged();
}

void TimelineView::updateEnd()
{
    qint64 end = m_nowNs;
    if (const TraceData *d = drawn())
        end = d->info.finished && d->info.totalNs > 0 ? std::max(d->info.totalNs, d->endNs())
                                                      : std::max(m_nowNs, d->endNs());
    m_zoom->setEndNs(end);
}

void TimelineView::finishLive()
{
    rebuildLayout();
    updateEnd();
    m_zoom->finishLive(m_zoom->endNs());
    m_player->setData(m_data);
}

void TimelineView::setVisibleRange(qint64 startNs, qint64 endNs) { m_zoom->setRange(startNs, endNs); }

void TimelineView::setStyle(const TimelineStyle &style)
{
    m_style = style;
    m_labelWidths.clear(); // measured in the old style's font
    relayout();
    viewport()->update();
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
    viewport()->update();
}

void TimelineView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

QRect TimelineView::paintTarget() const { return viewport()->rect(); }

void TimelineView::updateScrollBars()
{
    m_updatingScrollBars = true;
    const TimelineViewport &vp = m_zoom->viewport();
    const qint64 limit = std::max(vp.limitNs(), vp.endNs());
    const qint64 duration = vp.durationNs();
    // Scroll bar units: about a pixel, but coarse enough that the range fits an int.
    m_hScrollUnitNs = std::max<qint64>({1, qint64(std::ceil(vp.nsPerPixel())), limit / 1'000'000});
    QScrollBar *h = horizontalScrollBar();
    h->setRange(0, int((limit - duration) / m_hScrollUnitNs));
    h->setPageStep(int(std::max<qint64>(1, duration / m_hScrollUnitNs)));
    h->setSingleStep(std::max(1, int(20 * vp.nsPerPixel() / double(m_hScrollUnitNs))));
    h->setValue(int(vp.startNs() / m_hScrollUnitNs));

    const int rowsHeight = m_geometry.rows.height();
    m_zoom->clampScrollY(m_layout.contentHeight(), rowsHeight);
    QScrollBar *v = verticalScrollBar();
    v->setRange(0, std::max(0, m_layout.contentHeight() - rowsHeight));
    v->setPageStep(std::max(1, rowsHeight));
    v->setSingleStep(m_style.rowHeight);
    v->setValue(vp.scrollY());
    m_updatingScrollBars = false;
}

void TimelineView::scrollContentsBy(int dx, int dy)
{
    if (m_updatingScrollBars)
        return;
    if (dx != 0) {
        const qint64 start = qint64(horizontalScrollBar()->value()) * m_hScrollUnitNs;
        m_zoom->setRange(start, start + m_zoom->viewport().durationNs());
    }
    if (dy != 0)
        m_zoom->setScrollY(verticalScrollBar()->value());
    viewport()->update();
}

void TimelineView::zoomIn() { m_zoom->zoomIn(); }

void TimelineView::zoomOut() { m_zoom->zoomOut(); }

void TimelineView::fitToWindow() { m_zoom->fit(); }

void TimelineView::followLive() { m_zoom->follow(); }

void TimelineView::setSelectedUnit(quint32 unitId) { m_zoom->setSelectedUnit(unitId); }

void TimelineView::setCursorTime(qint64 ns) { m_zoom->setCursorNs(ns); }

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

bool TimelineView::onExpander(const QPointF &pos, int *rowIndex) const
{
    const int r = m_geometry.rowAt(m_layout, pos, m_zoom->viewport().scrollY());
    if (r < 0 || !m_layout.row(r).hasChildren)
        return false;
    if (!m_geometry.expanderRect(m_layout.row(r), m_zoom->viewport().scrollY()).contains(pos))
        return false;
    *rowIndex = r;
    return true;
}

TimelinePainter::PaintOptions TimelineView::paintOptions() const
{
    TimelinePainter::PaintOptions options;
    options.select(m_zoom->selectedUnits());
    options.hoverUnit = m_hover;
    options.cursorNs = m_cursorNs;
    options.nowNs = m_zoom->endNs();
    options.liveEdge = m_zoom->isLive();
    return options;
}

TimelineDrawList TimelineView::drawList() const
{
    return TimelinePainter::buildDrawList(*drawn(), m_layout, m_zoom->viewport(), m_style,
                                          m_geometry, paintOptions());
}

int TimelineView::findingAt(const QPointF &pos) const
{
    if (!drawn() || m_layout.analysis().findings().empty() || !m_geometry.inRows(pos))
        return -1;
    const TimelineDrawList list = drawList();
    for (const TimelineDrawList::FindingMarker &m : list.findingMarkers) {
        if (m.rect.adjusted(-2, -2, 2, 2).contains(pos))
            return m.finding;
    }
    return -1;
}

QString TimelineView::toolTipAt(const QPointF &pos) const
{
    if (!drawn())
        return {};
    if (const int k = findingAt(pos); k >= 0) {
        const Finding &f = m_layout.analysis().findings()[std::size_t(k)];
        return QStringLiteral("<b>Finding</b> at %1 <span style='color:gray'>(%2)</span><br>%3")
            .arg(Wording::moment(f.timeNs), QLatin1String(findingKindName(f.kind)),
                 f.text.toHtmlEscaped());
    }
    if (m_geometry.inRows(pos)) {
        // Either end of a cause arrow: what cancelled the unit it points at.
        for (const TimelineDrawList::CauseArrow &a : drawList().causeArrows) {
            const UnitRecord *u = drawn()->unit(a.unitId);
            if (u && (QLineF(a.from, pos).length() <= 6 || QLineF(a.to, pos).length() <= 6))
                return QStringLiteral("<b>%1</b><br>%2")
                    .arg(u->label.toHtmlEscaped(),
                         Wording::cancelledBy(*drawn(), *u).toHtmlEscaped());
        }
    }
    const TimelineViewport &vp = m_zoom->viewport();
    const TimelineHit hit = m_layout.itemAt(pos, *drawn(), vp, m_geometry);
    if (hit.row < 0)
        return {};
    const TimelineRow &r = m_layout.row(hit.row);
    const bool inTime = pos.x() >= vp.timeLeft() && pos.x() <= vp.timeRight();
    const qint64 t = vp.mapXToTime(pos.x());
    const qint64 liveEnd = m_zoom->endNs();
    auto fmt = [](qint64 ns) { return Wording::duration(ns); };

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
        if (const TimelineSpan *s = within(m_layout.loopBlocked(r)))
            what = QStringLiteral("<b>blocked</b> for %1: ready tasks had to wait")
                       .arg(fmt((s->endNs < 0 ? liveEnd : s->endNs) - s->startNs));
        else if (within(m_layout.loopBusy(r)))
            what = QStringLiteral("running a task's code");
        return QStringLiteral("<b>Event loop</b> at %1<br>%2").arg(fmt(t), what);
    }
    if (r.kind == TimelineRow::Kind::Holder) {
        const HolderSeries &series = drawn()->holders[std::size_t(r.index)];
        const QString name = series.name.toHtmlEscaped();
        if (!inTime)
            return QStringLiteral("<b>%1</b><br>Who holds it: a segment per task that held it, "
                                  "named by the task; empty where it was free.")
                .arg(name);
        if (hit.hold < 0)
            return QStringLiteral("<b>%1</b> at %2: free").arg(name, fmt(t));
        const HolderInterval &h = series.intervals[std::size_t(hit.hold)];
        const UnitRecord *holder = drawn()->unit(h.unit);
        const QString who = holder ? holder->label : QStringLiteral("unit %1").arg(h.unit);
        return QStringLiteral("<b>%1</b><br>%2")
            .arg(name, Wording::heldBy(who, h.startNs, h.endNs).toHtmlEscaped());
    }
    if (r.kind == TimelineRow::Kind::Counter) {
        const CounterSeries &series = drawn()->counters[std::size_t(r.index)];
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
    const UnitRecord *u = drawn()->unit(hit.unitId);
    if (!u)
        return {};
    // On a deadline's line (the painter draws it across the unit's lane): what it did.
    for (const DeadlineMarker &d : drawn()->deadlines) {
        if (d.unit == u->id && inTime && std::abs(vp.mapTimeToX(d.timeNs) - pos.x()) <= 4)
            return QStringLiteral("<b>%1</b>: deadline at %2<br>%3")
                .arg(u->label.toHtmlEscaped(), fmt(d.timeNs),
                     u->outcome == Outcome::TimedOut
                         ? Wording::cancelledBy(*drawn(), *u).toHtmlEscaped()
                         : QStringLiteral("a wait_for / timeout deadline"));
    }
    QString html = QStringLiteral("<b>%1</b> <span style='color:gray'>(%2%3)</span><table>")
                       .arg(u->label.toHtmlEscaped(),
                            QString::fromLatin1(unitKindName(u->kind)),
                            r.faint ? QStringLiteral(", pinned run A") : QString());
    if (inTime && hit.interval >= 0 && hit.interval < int(u->intervals.size())) {
        const StateInterval &iv = u->intervals[std::size_t(hit.interval)];
        const qint64 end = iv.endNs < 0 ? liveEnd : iv.endNs;
        QString state = QStringLiteral("<b>%1</b> &mdash; %2")
                            .arg(Wording::state(iv.state), Wording::stateMeaning(iv.state));
        if (iv.lane > 0)
            state += QStringLiteral(" (worker %1)").arg(iv.lane);
        if (const QString at = drawn()->placeOf(iv); !at.isEmpty())
            state += QStringLiteral(" at %1").arg(at.toHtmlEscaped());
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
    html += row(QStringLiteral("Outcome"), Wording::outcomeMeaning(u->outcome));
    if (const QString why = Wording::cancelledBy(*drawn(), *u); !why.isEmpty())
        html += row(QStringLiteral("Why"), why.toHtmlEscaped());
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
    ++m_paints;
    QPainter p(viewport());
    const QRect target = paintTarget();
    if (!drawn() || drawn()->units.empty()) {
        m_paintedKey = {};
        p.fillRect(target, m_style.background);
        p.setPen(m_style.mutedText);
        p.setFont(m_style.font);
        p.drawText(target.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                   m_placeholder);
        return;
    }
    const TimelineViewport &vp = m_zoom->viewport();
    const TimelinePainter::PaintOptions options = paintOptions();
    m_paintedKey = TimelinePainter::frameKey(*drawn(), m_layout, vp, m_geometry, options);
    TimelinePainter::paint(p, *drawn(), m_layout, vp, m_style, m_geometry, options);

    if (m_drag == Drag::RulerRange && m_moved) {
        const double x0 = std::clamp(m_pressPos.x(), vp.timeLeft(), vp.timeRight());
        const double x1 = std::clamp(m_lastPos.x(), vp.timeLeft(), vp.timeRight());
        QColor fill = m_style.cursor;
        fill.setAlphaF(0.18f);
        p.fillRect(QRectF(std::min(x0, x1), m_geometry.ruler.top(),
                          std::abs(x1 - x0), target.height()),
                   fill);
    }
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateGeometry();
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
    if (m_geometry.overview.contains(m_pressPos.toPoint())) {
        showOverviewAt(m_pressPos);
        event->accept();
        return;
    }
    const bool ruler = m_geometry.inRuler(m_pressPos);
    m_drag = !ruler ? Drag::Pan
                    : event->modifiers() & Qt::ShiftModifier ? Drag::RulerRange : Drag::Scrub;
    m_rangeStartNs = m_zoom->viewport().mapXToTime(m_pressPos.x());
    if (m_drag == Drag::Scrub)
        setCursorTime(m_rangeStartNs);
    event->accept();
}

void TimelineView::showOverviewAt(const QPointF &pos)
{
    if (!drawn())
        return;
    const qint64 t = m_geometry.overviewTimeAt(pos.x(), m_layout.analysis().density().endNs());
    // The lanes in the state clicked (its strip), else any lane alive then.
    int row = m_layout.firstRowAt(*drawn(), t, m_geometry.overviewStateAt(pos.y()));
    if (row < 0)
        row = m_layout.firstRowAt(*drawn(), t, -1);
    const TimelineViewport &vp = m_zoom->viewport();
    if (!vp.isVisible(t, t))
        setVisibleRange(t - vp.durationNs() / 2, t + vp.durationNs() / 2);
    if (row < 0)
        return;
    m_zoom->setScrollY(m_layout.row(row).y);
    updateScrollBars();
    setSelectedUnit(m_layout.row(row).unitId);
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_drag != Drag::None) {
        if ((pos - m_pressPos).manhattanLength() > DragThreshold)
            m_moved = true;
        if (m_drag == Drag::Scrub) {
            const TimelineViewport &vp = m_zoom->viewport();
            m_player->pause();
            setCursorTime(vp.mapXToTime(std::clamp(pos.x(), vp.timeLeft(), vp.timeRight())));
        }
        if (m_drag == Drag::Pan && m_moved) {
            const QPointF d = pos - m_lastPos;
            m_zoom->pan(d.x());
            m_zoom->scrollBy(int(-d.y()));
            setCursor(Qt::ClosedHandCursor);
        }
        m_lastPos = pos;
        viewport()->update();
    }
    quint32 hover = 0;
    if (drawn()) {
        const TimelineHit hit = m_layout.itemAt(pos, *drawn(), m_zoom->viewport(), m_geometry);
        hover = hit.unitId;
    }
    setHover(hover, m_geometry.inTimeArea(pos) ? m_zoom->viewport().mapXToTime(pos.x())
                                               : m_zoom->cursorNs());
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
    if (drag == Drag::Scrub) {
        viewport()->update();
        return;
    }
    if (drag == Drag::RulerRange) {
        const TimelineViewport &vp = m_zoom->viewport();
        const qint64 t = vp.mapXToTime(std::clamp(pos.x(), vp.timeLeft(), vp.timeRight()));
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
    if (const int finding = findingAt(pos); finding >= 0) {
        Q_EMIT findingClicked(finding);
        return;
    }
    const TimelineHit hit =
        drawn() ? m_layout.itemAt(pos, *drawn(), m_zoom->viewport(), m_geometry) : TimelineHit();
    setSelectedUnit(hit.unitId);
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    // A double click on a parent's label collapses or expands it too.
    const QPointF pos = event->position();
    if (pos.x() < m_geometry.timeArea.left()) {
        const int r = m_geometry.rowAt(m_layout, pos, m_zoom->viewport().scrollY());
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
        const TimelineViewport &vp = m_zoom->viewport();
        m_zoom->zoom(std::pow(1.0015, delta.y()), std::clamp(pos.x(), vp.timeLeft(), vp.timeRight()));
        event->accept();
        return;
    }
    const int rowsHeight = m_geometry.rows.height();
    const bool canScrollRows = m_layout.contentHeight() > rowsHeight;
    int dx = delta.x();
    int dy = delta.y();
    if ((event->modifiers() & Qt::ShiftModifier) || !canScrollRows) {
        dx += dy;
        dy = 0;
    }
    if (dx != 0)
        m_zoom->pan(dx / 2.0);
    if (dy != 0)
        m_zoom->scrollBy(-dy / 2);
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const double page = m_zoom->viewport().timeWidth() / 10;
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
        if (event->modifiers() & Qt::ShiftModifier)
            m_zoom->pan(event->key() == Qt::Key_Left ? page : -page);
        else if (m_zoom->isLive())
            m_zoom->pan(event->key() == Qt::Key_Left ? page : -page); // nothing to step yet
        else
            event->key() == Qt::Key_Left ? m_player->stepBack() : m_player->stepForward();
        break;
    case Qt::Key_Space:
        m_player->togglePlay();
        break;
    case Qt::Key_Up:
    case Qt::Key_Down:
        m_zoom->scrollBy(event->key() == Qt::Key_Up ? -m_style.rowHeight : m_style.rowHeight);
        break;
    case Qt::Key_Home:
        if (m_zoom->isLive())
            setVisibleRange(0, m_zoom->viewport().durationNs());
        else
            m_player->toStart();
        break;
    case Qt::Key_End:
        if (m_zoom->isLive())
            followLive();
        else
            m_player->toEnd();
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::leaveEvent(QEvent *event)
{
    setHover(0, m_zoom->cursorNs());
    QAbstractScrollArea::leaveEvent(event);
}

} // namespace Loopscope
