#pragma once

#include "runmoment.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace Loopscope {

struct TraceData;
class TimelineZoomControl;

//! Replays a finished run by moving its zoom control's time cursor: Play/Pause at a speed,
//! steps to the previous or next state change, the start and the end. The cursor stays the zoom
//! control's (one owner); the player only moves it. Nothing moves while the run is live.
//! GUI thread only.
class TimelinePlayer : public QObject
{
    Q_OBJECT
public:
    explicit TimelinePlayer(TimelineZoomControl *zoom, QObject *parent = nullptr);

    //! The run to replay (nullptr: none); its state changes are indexed once, at the first step.
    void setData(const TraceData *data);
    //! Scenario seconds per real second (1: as it happened; 4: four times faster).
    void setSpeed(double speed) { m_speed = speed > 0 ? speed : 1.0; }
    double speed() const { return m_speed; }
    bool isPlaying() const { return m_timer.isActive(); }

public Q_SLOTS:
    //! From the cursor (from the start if there is none or it is at the end).
    void play();
    void pause();
    void togglePlay();
    void stepForward();
    void stepBack();
    void toStart();
    void toEnd();

Q_SIGNALS:
    void playingChanged(bool playing);

private:
    void tick();
    bool canMove() const;
    //! m_data's state changes, indexed on first use.
    const RunEventTimes &times();

    TimelineZoomControl *m_zoom;
    const TraceData *m_data = nullptr;
    std::unique_ptr<RunEventTimes> m_times;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_fromNs = 0;
    double m_speed = 1.0;
};

} // namespace Loopscope
