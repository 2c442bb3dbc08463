#pragma once

#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelineviewport.h"
#include "timelineplayer.h"
#include "timelinezoomcontrol.h"
#include "tracedata.h"

#include <QAbstractScrollArea>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QSet>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace Loopscope {

struct TraceData;

//! The timeline widget: TimelinePainter over a TraceData, with zoom, pan, selection, collapse,
//! a time cursor and tooltips.
//!
//! The view does not own the data: setData() takes a pointer that must stay valid until the next
//! setData() (the main window keeps it in its TraceBuilder or its opened trace). After changing
//! the data in place (a live update), call dataChanged(); the row layout is rebuilt at most as
//! often as it is affordable (small runs every frame, 100k units a few times a second). With a
//! data hold (setDataHold()), a layout that would take BackgroundLayoutMs or more is built on a
//! pool thread over the held (frozen) data and put in place when done (layoutChanged()); until
//! then the previous layout is drawn over the live data.
//!
//! What is visible, followed, selected and pinned lives in its TimelineZoomControl
//! (zoomControl()); where things are drawn in its TimelineGeometry (geometry()), which the
//! painter draws with and every hit test here reads.
//!
//! Live runs: setLive(true) and setNowNs() each frame. The view follows the live edge (the whole
//! run so far while the user has not zoomed, else a sliding window) until the user pans away
//! from it; followLive() returns to it. finishLive() fits the finished run to the window.
//!
//! Input: Ctrl+wheel and +/- zoom; wheel, drag, Shift+Left/Right and the scroll bars pan; a
//! drag on the ruler scrubs the time cursor, a Shift+drag there zooms to the dragged range;
//! Space plays or pauses a replay of a finished run, Left/Right step to the previous or next
//! state change, Home/End go to its start or end; a click selects a task (its flow links show);
//! a click on a finding's marker emits findingClicked; with more lanes than fit, a click on the
//! overview strip (all lanes by state over the whole run) scrolls to the first lane in the
//! clicked state at the clicked time (any lane alive then if none is), selects it, and brings
//! that time into view;
//! a click on a parent's triangle collapses or expands its children; 0 fits. GUI thread only.
class TimelineView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    //! Shows data (nullptr: nothing). Keeps the collapsed set only if keepState.
    void setData(const TraceData *data, bool keepState = false);
    const TraceData *data() const { return m_data; }
    //! Compares the data with a pinned run (nullptr: the data alone): each unit's lane of the
    //! pinned run A directly under its lane of the data B, A faint (TimelineLayout's comparison
    //! rows), on one time axis. The view then draws, hit tests and reports unit ids of
    //! drawn() (RunComparison::overlay); pinned must stay valid until the next setPinned().
    void setPinned(const TraceData *pinned);
    const TraceData *pinned() const { return m_pinned; }
    //! What is drawn: the data, or its overlay with the pinned run; nullptr if no data.
    const TraceData *drawn() const;
    //! The data changed in place: rebuild the layout when due, and repaint if what is visible
    //! changed (see setNowNs()). Due: new units, counters or locks (rows to add) at the next
    //! call; only states changed, once the live edge moved two pixels since the last build (or
    //! 3 s passed); never more often than a fifth of the time goes to building.
    void dataChanged();
    //! Rebuilds the layout now (tests, end of run).
    void relayout();

    //! A build predicted to take this long (real ms, from the last one) goes to a pool thread.
    static constexpr qint64 BackgroundLayoutMs = 8;
    //! A layout replaced with this many units or more is freed on a pool thread.
    static constexpr std::size_t BigLayoutUnits = 100'000;
    //! The shown data frozen and kept alive while another thread reads it (RunController::
    //! holdData()); null, or other data than the shown, when it cannot be held.
    using DataHold = std::shared_ptr<const TraceData>;
    //! Lets big layouts be built on a pool thread over what hold() returns (see the class
    //! comment). Without one (the default) every layout is built on this thread.
    void setDataHold(std::function<DataHold()> hold);
    //! A layout for the current data is being built on a pool thread (layoutChanged() follows).
    bool isLayoutPending() const { return m_layoutHold != nullptr; }

    void setLive(bool live);
    bool isLive() const { return m_zoom->isLive(); }
    //! The live edge (scenario ns). Live frames (this, dataChanged(), the range following the
    //! edge) repaint only when the picture would change: the range or the edge moved by a pixel
    //! or more, or the visible rows or their states changed (TimelinePainter::FrameKey); a
    //! stretch of a run with nothing new costs no paint.
    void setNowNs(qint64 nowNs);
    //! How many times the timeline was painted so far (tests count repaints with it).
    quint64 paintCount() const { return m_paints; }
    //! The run ended: stop following, show it all.
    void finishLive();
    bool isFollowingLive() const { return m_zoom->isFollowing(); }

    TimelineZoomControl *zoomControl() const { return m_zoom; }
    //! Replays the finished run by moving the zoom control's cursor (Space, Left/Right, Home/End).
    TimelinePlayer *player() const { return m_player; }
    const TimelineViewport &timelineViewport() const { return m_zoom->viewport(); }
    //! Where everything is drawn in paintTarget(); the exporters reuse its label column.
    const TimelineGeometry &geometry() const { return m_geometry; }
    //! Sets the visible time range (clamped to the run).
    void setVisibleRange(qint64 startNs, qint64 endNs);
    const TimelineLayout &layout() const { return m_layout; }
    const TimelineStyle &style() const { return m_style; }
    void setStyle(const TimelineStyle &style);
    const QSet<quint32> &collapsed() const { return m_collapsed; }
    void setCollapsed(quint32 unitId, bool collapsed);

    quint32 selectedUnit() const { return m_zoom->selectedUnit(); }
    //! The cursor drawn: the time under the mouse, else the pinned cursor; < 0: none.
    qint64 cursorNs() const { return m_cursorNs; }
    //! Text shown when there is no data ("Press F5 to run ...").
    void setPlaceholderText(const QString &text);

    //! The tooltip for a point in the widget's viewport coordinates; empty if nothing is there.
    //! A finding's marker says the finding, a cause arrow's ends what cancelled the unit.
    QString toolTipAt(const QPointF &pos) const;
    //! The finding whose marker is at pos (viewport coordinates), as an index into
    //! layout().analysis().findings(); -1: none.
    int findingAt(const QPointF &pos) const;
    //! Where the paint target is (the scroll area's viewport rect).
    QRect paintTarget() const;

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void followLive();
    void setSelectedUnit(quint32 unitId);
    //! A fixed cursor (e.g. an output line's time); < 0 removes it.
    void setCursorTime(qint64 ns);

Q_SIGNALS:
    void selectionChanged(quint32 unitId);
    //! The visible time range changed.
    void zoomChanged(qint64 startNs, qint64 endNs);
    //! The time under the mouse (or the pinned cursor) changed; < 0: none.
    void cursorTimeChanged(qint64 ns);
    //! The marker of finding `index` (into layout().analysis().findings()) was clicked.
    void findingClicked(int index);
    //! A new layout is in place (rows, analysis()): rebuilt here or on a pool thread.
    void layoutChanged();

protected:
    bool viewportEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    enum class Drag { None, Pan, Scrub, RulerRange };

    //! Recomputes the geometry (label column fitted to the labels) and gives the zoom control
    //! the new time area.
    void updateGeometry();
    //! What a layout was built from: the data's row sources and the live edge then.
    struct BuiltFrom {
        std::size_t units = 0;
        std::size_t counters = 0;
        std::size_t holders = 0;
        qint64 edgeNs = 0;
    };
    BuiltFrom builtFrom(const TraceData *data) const;
    //! While live: rows were added since the last build, or the live edge moved a few pixels
    //! (see dataChanged()), and the last build is far enough back (m_layoutIntervalMs).
    bool isLayoutDue() const;
    //! A rebuild of the layout now: on a pool thread if it is due to be slow and the data can be
    //! held, else here.
    void rebuildLayout();
    //! A layout and the label column fitted to it for a paint target targetWidth wide (-1: not
    //! fitted yet).
    struct BuiltLayout {
        TimelineLayout layout;
        int targetWidth = -1;
        int labelWidth = 0;
        TimelineGeometry::LabelWidths labelWidths; //!< what the fit knows afterwards
    };
    void startBackgroundLayout(DataHold hold);
    void onBackgroundLayout();
    //! Puts a layout built for the current data (units of it, in buildMs) in place.
    void adoptLayout(BuiltLayout built, std::size_t units, qint64 buildMs);
    void updateScrollBars();
    void updateEnd();
    //! Schedules a paint if one now would not look like the last (m_paintedKey).
    void updateIfChanged();
    void setHover(quint32 unitId, qint64 cursorNs);
    bool onExpander(const QPointF &pos, int *row) const;
    //! A click on the overview at pos: scroll to and select the lane it points at.
    void showOverviewAt(const QPointF &pos);
    TimelinePainter::PaintOptions paintOptions() const;
    //! What paintEvent() draws now (markers and arrows are hit tested against it).
    TimelineDrawList drawList() const;

    const TraceData *m_data = nullptr;
    const TraceData *m_pinned = nullptr;
    TraceData m_overlay; //!< m_pinned over m_data, rebuilt with the layout
    TimelineZoomControl *m_zoom;
    TimelinePlayer *m_player;
    TimelineLayout m_layout;
    TimelineStyle m_style;
    TimelineGeometry m_geometry;
    QSet<quint32> m_collapsed;
    quint32 m_hover = 0;
    qint64 m_cursorNs = -1;
    qint64 m_nowNs = 0;
    QString m_placeholder;
    TimelinePainter::FrameKey m_paintedKey; //!< what the last paint showed
    quint64 m_paints = 0;
    bool m_liveFrame = false; //!< in setNowNs() or dataChanged(): they repaint if it shows

    // Layout rebuilds: at most every m_layoutIntervalMs while live (grows with the build time).
    QElapsedTimer m_sinceLayout;
    qint64 m_layoutIntervalMs = 0;
    qint64 m_lastBuildMs = 0;
    std::size_t m_lastBuildUnits = 0;
    BuiltFrom m_builtFrom; //!< of the layout shown, or being built on the pool
    std::function<DataHold()> m_hold;
    DataHold m_layoutHold; //!< the data the pool thread reads, frozen until it is done
    //! Where big layouts are built: one thread of this view's own, below the GUI thread's
    //! priority (see startBackgroundLayout).
    QThreadPool m_layoutPool;
    QFutureWatcher<BuiltLayout> m_layoutJob;
    // The label column fitted to m_layout for a target that wide (-1: to be fitted).
    int m_fittedTargetWidth = -1;
    int m_fittedLabelWidth = 0;
    //! Labels measured for the column so far (in m_style's font): a live run fits it at every
    //! layout build, and measuring 2000 labels each time was a fifth of a core for a long run.
    TimelineGeometry::LabelWidths m_labelWidths;
    QElapsedTimer m_jobClock;
    quint64 m_layoutGeneration = 0; //!< counts layouts built here, and data set
    quint64 m_jobGeneration = 0;    //!< m_layoutGeneration when the pool's build started
    std::size_t m_jobUnits = 0;
    bool m_relayoutAfterJob = false; //!< rebuild once the pool's build is done (end of a run)

    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    bool m_moved = false;
    qint64 m_rangeStartNs = 0;
    qint64 m_hScrollUnitNs = 1;
    bool m_updatingScrollBars = false;
};

} // namespace Loopscope
