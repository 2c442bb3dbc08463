#include "timelineplayer.h"

#include "timelinezoomcontrol.h"
#include "tracedata.h"

#include <algorithm>

namespace Loopscope {

TimelinePlayer::TimelinePlayer(TimelineZoomControl *zoom, QObject *parent)
    : QObject(parent)
    , m_zoom(zoom)
{
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &TimelinePlayer::tick);
}

void TimelinePlayer::setData(const TraceData *data)
{
    pause();
    m_data = data;
    m_times.reset(); // indexed at the first step: a big run's end is not the moment
}

const RunEventTimes &TimelinePlayer::times()
{
    if (!m_times)
        m_times = std::make_unique<RunEventTimes>(*m_data);
    return *m_times;
}

bool TimelinePlayer::canMove() const { return m_data && !m_zoom->isLive(); }

void TimelinePlayer::play()
{
    if (!canMove() || isPlaying())
        return;
    const qint64 end = m_zoom->endNs();
    m_fromNs = m_zoom->cursorNs() < 0 || m_zoom->cursorNs() >= end ? 0 : m_zoom->cursorNs();
    m_zoom->setCursorNs(m_fromNs);
    m_clock.start();
    m_timer.start();
    Q_EMIT playingChanged(true);
}

void TimelinePlayer::pause()
{
    if (!isPlaying())
        return;
    m_timer.stop();
    Q_EMIT playingChanged(false);
}

void TimelinePlayer::togglePlay() { isPlaying() ? pause() : play(); }

void TimelinePlayer::tick()
{
    if (!canMove()) {
        pause();
        return;
    }
    const qint64 end = m_zoom->endNs();
    const qint64 t = m_fromNs + qint64(double(m_clock.nsecsElapsed()) * m_speed);
    m_zoom->setCursorNs(std::min(t, end));
    if (t >= end)
        pause();
}

void TimelinePlayer::stepForward()
{
    if (!canMove())
        return;
    pause();
    const qint64 next = times().next(m_zoom->cursorNs());
    if (next >= 0)
        m_zoom->setCursorNs(next);
}

void TimelinePlayer::stepBack()
{
    if (!canMove())
        return;
    pause();
    const qint64 cursor = m_zoom->cursorNs() < 0 ? m_zoom->endNs() + 1 : m_zoom->cursorNs();
    const qint64 previous = times().previous(cursor);
    if (previous >= 0)
        m_zoom->setCursorNs(previous);
}

void TimelinePlayer::toStart()
{
    if (!canMove())
        return;
    pause();
    m_zoom->setCursorNs(0);
}

void TimelinePlayer::toEnd()
{
    if (!canMove())
        return;
    pause();
    m_zoom->setCursorNs(m_zoom->endNs());
}

} // namespace Loopscope
