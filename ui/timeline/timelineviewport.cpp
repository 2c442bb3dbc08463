#include "timelineviewport.h"

#include <algorithm>
#include <cmath>

#include <limits>

namespace Loopscope {

qint64 niceCeil(qint64 value)
{
    qint64 magnitude = 1;
    for (;;) {
        for (qint64 m : {1, 2, 5}) {
            if (m * magnitude >= value)
                return m * magnitude;
        }
        if (magnitude > std::numeric_limits<qint64>::max() / 100)
            return value;
        magnitude *= 10;
    }
}

TimelineViewport::TimelineViewport(qint64 startNs, qint64 endNs, double timeLeft, double timeWidth)
{
    setTimeArea(timeLeft, timeWidth);
    setRange(startNs, endNs);
}

void TimelineViewport::setRange(qint64 startNs, qint64 endNs)
{
    m_startNs = startNs;
    m_endNs = endNs;
    clamp();
}

void TimelineViewport::setTimeArea(double left, double width)
{
    m_left = left;
    m_width = std::max(1.0, width);
}

void TimelineViewport::setLimitNs(qint64 limitNs)
{
    m_limitNs = std::max<qint64>(0, limitNs);
    clamp();
}

double TimelineViewport::mapTimeToX(qint64 ns) const
{
    return m_left + double(ns - m_startNs) * m_width / double(durationNs());
}

qint64 TimelineViewport::mapXToTime(double x) const
{
    return m_startNs + qint64(std::llround((x - m_left) * double(durationNs()) / m_width));
}

void TimelineViewport::zoom(double factor, double anchorX)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const double anchorNs = double(m_startNs) + (anchorX - m_left) * nsPerPixel();
    double duration = std::max(double(MinDurationNs), double(durationNs()) / factor);
    if (m_limitNs > 0)
        duration = std::min(duration, double(std::max(m_limitNs, MinDurationNs)));
    const double start = anchorNs - (anchorX - m_left) * duration / m_width;
    m_startNs = qint64(std::llround(start));
    m_endNs = m_startNs + qint64(std::llround(duration));
    clamp();
}

void TimelineViewport::pan(double dx)
{
    const qint64 shift = qint64(std::llround(dx * nsPerPixel()));
    m_startNs -= shift;
    m_endNs -= shift;
    clamp();
}

void TimelineViewport::fit(qint64 totalNs)
{
    m_limitNs = std::max(totalNs, MinDurationNs);
    m_startNs = 0;
    m_endNs = m_limitNs;
    clamp();
}

void TimelineViewport::clampScrollY(int contentHeight, int visibleHeight)
{
    m_scrollY = std::clamp(m_scrollY, 0, std::max(0, contentHeight - visibleHeight));
}

void TimelineViewport::clamp()
{
    if (m_endNs - m_startNs < MinDurationNs)
        m_endNs = m_startNs + MinDurationNs;
    if (m_limitNs <= 0)
        return;
    const qint64 duration = m_endNs - m_startNs;
    if (duration >= m_limitNs) {
        // Zoomed out past the run: keep the run's start at the left edge.
        m_startNs = 0;
        m_endNs = duration;
        return;
    }
    if (m_startNs < 0) {
        m_startNs = 0;
        m_endNs = duration;
    } else if (m_endNs > m_limitNs) {
        m_endNs = m_limitNs;
        m_startNs = m_limitNs - duration;
    }
}

} // namespace Loopscope
