#include "timelinezoomcontrol.h"

#include <algorithm>

namespace Loopscope {

namespace {
constexpr double ZoomStep = 1.5;
constexpr qint64 MinRunNs = 1'000'000; // a run shorter than 1 ms is shown as 1 ms
} // namespace

TimelineZoomControl::TimelineZoomControl(QObject *parent)
    : QObject(parent)
{
    m_viewport.fit(1'000'000'000);
    m_emittedStart = m_viewport.startNs();
    m_emittedEnd = m_viewport.endNs();
}

void TimelineZoomControl::setTimeArea(double left, double width)
{
    const qint64 start = m_viewport.startNs(), end = m_viewport.endNs();
    m_viewport.setTimeArea(left, width);
    m_viewport.setRange(start, end);
    emitChanges();
}

void TimelineZoomControl::setLive(bool live)
{
    m_live = live;
    m_userZoomed = false;
    if (live)
        m_endNs = 0;
    setFollowing(live);
    applyFollow();
    emitChanges();
}

void TimelineZoomControl::setEndNs(qint64 endNs)
{
    m_endNs = std::max<qint64>(0, endNs);
    if (m_live && m_following)
        applyFollow();
    else
        m_viewport.setLimitNs(std::max(m_endNs, MinRunNs));
    emitChanges();
}

void TimelineZoomControl::finishLive(qint64 endNs)
{
    m_live = false;
    m_endNs = std::max<qint64>(0, endNs);
    setFollowing(false);
    fit();
}

void TimelineZoomControl::applyFollow()
{
    if (!m_live || !m_following)
        return;
    if (!m_userZoomed) {
        // The whole run so far, in a window that grows in round steps.
        const qint64 end = niceCeil(std::max<qint64>(qint64(double(m_endNs) * 1.05), MinRunNs));
        m_viewport.setLimitNs(end);
        m_viewport.setRange(0, end);
    } else {
        const qint64 d = m_viewport.durationNs();
        const qint64 start = std::max<qint64>(0, m_endNs - qint64(double(d) * 0.85));
        m_viewport.setLimitNs(std::max(start + d, m_endNs));
        m_viewport.setRange(start, start + d);
    }
}

void TimelineZoomControl::beginMove(bool stopsFollowing, bool zooms)
{
    if (stopsFollowing)
        setFollowing(false);
    if (zooms)
        m_userZoomed = true;
    if (!(m_live && m_following))
        m_viewport.setLimitNs(std::max(m_endNs, MinRunNs));
}

void TimelineZoomControl::endMove()
{
    if (m_live && m_following && !m_viewport.isVisible(m_endNs, m_endNs))
        setFollowing(false);
    emitChanges();
}

void TimelineZoomControl::zoom(double factor, double anchorX)
{
    beginMove(false, true);
    m_viewport.zoom(factor, anchorX);
    endMove();
}

void TimelineZoomControl::zoomIn()
{
    const double anchor = m_live && m_following
        ? m_viewport.mapTimeToX(m_endNs)
        : m_viewport.timeLeft() + m_viewport.timeWidth() / 2;
    zoom(ZoomStep, anchor);
}

void TimelineZoomControl::zoomOut()
{
    zoom(1 / ZoomStep, m_viewport.timeLeft() + m_viewport.timeWidth() / 2);
}

void TimelineZoomControl::pan(double dx)
{
    beginMove(true, false);
    m_viewport.pan(dx);
    endMove();
}

void TimelineZoomControl::setRange(qint64 startNs, qint64 endNs)
{
    if (endNs < startNs)
        std::swap(startNs, endNs);
    beginMove(true, true);
    m_viewport.setRange(startNs, endNs);
    endMove();
}

void TimelineZoomControl::showTime(qint64 ns)
{
    if (ns < 0 || m_viewport.isVisible(ns, ns))
        return;
    const qint64 d = m_viewport.durationNs();
    beginMove(true, false);
    m_viewport.setRange(ns - d / 2, ns - d / 2 + d);
    endMove();
}

void TimelineZoomControl::fit()
{
    if (m_live) {
        follow();
        return;
    }
    m_userZoomed = false;
    m_viewport.fit(std::max(m_endNs, MinRunNs));
    emitChanges();
}

void TimelineZoomControl::follow()
{
    if (!m_live) {
        const qint64 d = m_viewport.durationNs();
        beginMove(false, false);
        m_viewport.setRange(m_endNs - d, m_endNs);
        endMove();
        return;
    }
    m_userZoomed = false;
    setFollowing(true);
    applyFollow();
    emitChanges();
}

void TimelineZoomControl::setScrollY(int y)
{
    m_viewport.setScrollY(y);
    emitChanges();
}

void TimelineZoomControl::clampScrollY(int contentHeight, int visibleHeight)
{
    m_viewport.clampScrollY(contentHeight, visibleHeight);
    emitChanges();
}

void TimelineZoomControl::setSelectedUnit(quint32 unitId)
{
    setSelectedUnits({unitId});
}

void TimelineZoomControl::setSelectedUnits(const QList<quint32> &unitIds)
{
    QList<quint32> selected = unitIds;
    selected.removeAll(0);
    // Not QList's ==: Qt 6.4 compares two empty lists with memcmp(nullptr, nullptr, 0), which
    // UBSan rightly reports.
    if (std::equal(selected.cbegin(), selected.cend(), m_selected.cbegin(), m_selected.cend()))
        return;
    m_selected = selected;
    Q_EMIT selectionChanged(selectedUnit());
}

void TimelineZoomControl::setCursorNs(qint64 ns)
{
    ns = std::max<qint64>(-1, ns);
    showTime(ns);
    if (ns == m_cursorNs)
        return;
    m_cursorNs = ns;
    Q_EMIT cursorChanged(ns);
}

void TimelineZoomControl::reset()
{
    setSelectedUnit(0);
    if (m_cursorNs >= 0) {
        m_cursorNs = -1;
        Q_EMIT cursorChanged(-1);
    }
    setScrollY(0);
}

void TimelineZoomControl::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    Q_EMIT followingChanged(following);
}

void TimelineZoomControl::emitChanges()
{
    if (m_viewport.startNs() != m_emittedStart || m_viewport.endNs() != m_emittedEnd) {
        m_emittedStart = m_viewport.startNs();
        m_emittedEnd = m_viewport.endNs();
        Q_EMIT rangeChanged(m_emittedStart, m_emittedEnd);
    }
    if (m_viewport.scrollY() != m_emittedScroll) {
        m_emittedScroll = m_viewport.scrollY();
        Q_EMIT scrollChanged(m_emittedScroll);
    }
}

} // namespace Loopscope
