#pragma once

#include "timelineviewport.h"

#include <QList>
#include <QObject>

namespace Loopscope {

//! The state of what a timeline shows, in one place: the visible time range and row scroll
//! (a TimelineViewport), whether it follows the live edge of a run still going, the selected
//! unit and the pinned time cursor. Each has one signal; views, panels and the main window
//! change them only through here (the Qt Creator tracing library's zoom control is the model).
//!
//! Following: while a run is live the range follows its end (the whole run so far in a window
//! that grows in round steps, or, once the user zoomed, a sliding window with the edge at 85%).
//! Panning, setRange() and showTime() stop following; zooming keeps it while the edge stays in
//! view; follow() and fit() return to it. Outside a live run the range is kept inside
//! [0, endNs()]. GUI thread only.
class TimelineZoomControl : public QObject
{
    Q_OBJECT
public:
    explicit TimelineZoomControl(QObject *parent = nullptr);

    const TimelineViewport &viewport() const { return m_viewport; }
    //! Where the time axis is in the paint target (from TimelineGeometry::timeArea); keeps the
    //! visible range.
    void setTimeArea(double left, double width);

    //! A run that is still going (follows from its start) or not.
    void setLive(bool live);
    bool isLive() const { return m_live; }
    bool isFollowing() const { return m_following; }
    //! The run's end so far: the live edge, or the whole run's length (scenario ns).
    void setEndNs(qint64 endNs);
    qint64 endNs() const { return m_endNs; }
    //! The run ended at endNs: stop following and show all of it.
    void finishLive(qint64 endNs);

    //! factor > 1 zooms in; the time under anchorX stays there.
    void zoom(double factor, double anchorX);
    //! One step in or out, about the live edge while following, else about the middle.
    void zoomIn();
    void zoomOut();
    //! Moves the content dx pixels (dx > 0 shows earlier times).
    void pan(double dx);
    //! Shows [startNs, endNs] (swapped if reversed).
    void setRange(qint64 startNs, qint64 endNs);
    //! Brings ns into view at the current zoom if it is not visible.
    void showTime(qint64 ns);
    //! Live: follow the edge; otherwise show the whole run.
    void fit();
    //! Live: follow the edge again; otherwise show the run's end at the current zoom.
    void follow();

    //! Row scrolling, in pixels of content.
    void setScrollY(int y);
    void scrollBy(int dy) { setScrollY(m_viewport.scrollY() + dy); }
    //! Keeps the scroll inside what contentHeight rows in visibleHeight pixels allow.
    void clampScrollY(int contentHeight, int visibleHeight);

    //! The selected unit (the first of several), 0: none.
    quint32 selectedUnit() const { return m_selected.isEmpty() ? 0 : m_selected.front(); }
    //! Every selected unit: one, or the tasks waiting at a line of code (the code panel).
    const QList<quint32> &selectedUnits() const { return m_selected; }
    void setSelectedUnit(quint32 unitId);
    //! Selects these units (0s left out); the first is selectedUnit(). selectionChanged gives it.
    void setSelectedUnits(const QList<quint32> &unitIds);
    //! The pinned time cursor (an output line's time, a click on the ruler); < 0: none. Setting
    //! it brings it into view.
    qint64 cursorNs() const { return m_cursorNs; }
    void setCursorNs(qint64 ns);

    //! Back to nothing selected, no cursor, scrolled to the top (a new run or file).
    void reset();

Q_SIGNALS:
    void rangeChanged(qint64 startNs, qint64 endNs);
    void scrollChanged(int scrollY);
    void followingChanged(bool following);
    void selectionChanged(quint32 unitId);
    void cursorChanged(qint64 ns);

private:
    //! Every user move: optionally stop following, keep the range inside the run, apply, then
    //! stop following if the edge left the view, and signal what changed.
    void beginMove(bool stopsFollowing, bool zooms);
    void endMove();
    void applyFollow();
    void setFollowing(bool following);
    void emitChanges();

    TimelineViewport m_viewport;
    qint64 m_endNs = 0;
    bool m_live = false;
    bool m_following = false;
    bool m_userZoomed = false; //!< while following: keep the user's zoom (sliding window)
    QList<quint32> m_selected;
    qint64 m_cursorNs = -1;
    qint64 m_emittedStart = -1;
    qint64 m_emittedEnd = -1;
    int m_emittedScroll = 0;
};

} // namespace Loopscope
