#pragma once

#include <QtGlobal>

namespace Loopscope {

//! The smallest 1, 2 or 5 x 10^k (k >= 0) that is >= value (1 for value <= 1): the round
//! lengths of ruler steps and of a live view's growing window.
qint64 niceCeil(qint64 value);

//! Which part of a run is on screen: a time range [startNs, endNs] mapped onto the pixels of the
//! time area (x from timeLeft() to timeLeft() + timeWidth(), i.e. after the label column), plus a
//! vertical scroll offset in pixels for the rows.
//!
//! A plain value type: copy it, compare it, keep one per view or per export. Invariants:
//! endNs() - startNs() >= MinDurationNs; timeWidth() >= 1; when a limit is set (fit() or
//! setLimitNs()), the range stays inside [0, limitNs] unless the limit is shorter than the range.
class TimelineViewport
{
public:
    //! The narrowest range a zoom may reach (1 µs).
    static constexpr qint64 MinDurationNs = 1000;

    TimelineViewport() = default;
    TimelineViewport(qint64 startNs, qint64 endNs, double timeLeft, double timeWidth);

    qint64 startNs() const { return m_startNs; }
    qint64 endNs() const { return m_endNs; }
    qint64 durationNs() const { return m_endNs - m_startNs; }
    //! Sets the visible range as given (then clamped to the invariants).
    void setRange(qint64 startNs, qint64 endNs);

    double timeLeft() const { return m_left; }
    double timeWidth() const { return m_width; }
    double timeRight() const { return m_left + m_width; }
    //! Where the time area is, in the paint target's coordinates.
    void setTimeArea(double left, double width);

    //! 0 = no limit. Pan and zoom keep the range inside [0, limitNs].
    qint64 limitNs() const { return m_limitNs; }
    void setLimitNs(qint64 limitNs);

    //! Scenario nanoseconds per pixel of the time area.
    double nsPerPixel() const { return double(durationNs()) / m_width; }
    //! x (paint target coordinates) of a time; times outside the range map outside the area.
    double mapTimeToX(qint64 ns) const;
    //! The time at x; inverse of mapTimeToX up to rounding to whole nanoseconds.
    qint64 mapXToTime(double x) const;
    //! Whether [startNs, endNs] overlaps the visible range.
    bool isVisible(qint64 startNs, qint64 endNs) const
    {
        return endNs >= m_startNs && startNs <= m_endNs;
    }

    //! factor > 1 zooms in, < 1 out; the time under anchorX stays under anchorX.
    void zoom(double factor, double anchorX);
    //! Moves the content by dx pixels: dx > 0 shows earlier times (drag to the right).
    void pan(double dx);
    //! Shows [0, totalNs] and makes totalNs the limit.
    void fit(qint64 totalNs);

    int scrollY() const { return m_scrollY; }
    void setScrollY(int y) { m_scrollY = qMax(0, y); }
    void scrollBy(int dy) { setScrollY(m_scrollY + dy); }
    //! Keeps the scroll offset so that the rows still fill visibleHeight where possible.
    void clampScrollY(int contentHeight, int visibleHeight);

    bool operator==(const TimelineViewport &other) const = default;

private:
    void clamp();

    qint64 m_startNs = 0;
    qint64 m_endNs = 1'000'000'000;
    double m_left = 0;
    double m_width = 1000;
    qint64 m_limitNs = 0;
    int m_scrollY = 0;
};

} // namespace Loopscope
