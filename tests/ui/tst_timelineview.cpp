#include <catch2/catch.hpp>

#include "timelinetestdata.h"
#include "timelineview.h"

#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

// The view shown at a known size, with the data fitted.
struct ViewFixture
{
    explicit ViewFixture(TraceData d)
        : data(std::move(d))
    {
        view.resize(1200, 700);
        view.setData(&data);
        view.show();
        REQUIRE(QTest::qWaitForWindowExposed(&view));
        view.fitToWindow();
    }
    QWidget *vp() { return view.QAbstractScrollArea::viewport(); }
    double xOf(qint64 ns) const { return view.timelineViewport().mapTimeToX(ns); }
    qint64 timeAt(double x) const { return view.timelineViewport().mapXToTime(x); }
    // The vertical centre of a unit's row, in viewport coordinates.
    double rowCenterY(quint32 unit) const
    {
        const int r = view.layout().rowOfUnit(unit);
        REQUIRE(r >= 0);
        const TimelineRow &row = view.layout().row(r);
        return view.geometry().rowTop(row, view.timelineViewport().scrollY()) + row.height / 2.0;
    }
    quint32 unitNamed(const QString &label) const
    {
        for (const UnitRecord &u : data.units) {
            if (u.label == label)
                return u.id;
        }
        FAIL("no unit " << label.toStdString());
        return 0;
    }
    void ctrlWheel(double x, int delta)
    {
        const QPointF pos(x, 300);
        QWheelEvent e(pos, vp()->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton,
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(vp(), &e);
    }

    TraceData data;
    TimelineView view;
};

} // namespace

TEST_CASE("TimelineView fits a finished run and keeps time and x consistent while zooming",
          "[timelineview]")
{
    ViewFixture f(semaphoreTrace());
    const TimelineViewport &vp = f.view.timelineViewport();
    REQUIRE(vp.startNs() == 0);
    REQUIRE(vp.endNs() == f.data.info.totalNs);
    QSignalSpy zoomSpy(&f.view, &TimelineView::zoomChanged);

    const double anchorX = vp.timeLeft() + vp.timeWidth() * 0.3;
    for (int step = 0; step < 4; ++step) {
        const qint64 before = f.timeAt(anchorX);
        const qint64 durationBefore = vp.durationNs();
        f.ctrlWheel(anchorX, 240); // zoom in around anchorX
        REQUIRE(vp.durationNs() < durationBefore);
        // The time under the mouse stays under the mouse (1% of the visible range).
        REQUIRE(std::abs(f.timeAt(anchorX) - before) <= vp.durationNs() / 100);
        // And the mapping round-trips at this zoom.
        for (double x : {vp.timeLeft(), anchorX, vp.timeRight()})
            REQUIRE(std::abs(f.xOf(f.timeAt(x)) - x) < 0.01 * vp.timeWidth());
    }
    REQUIRE(zoomSpy.count() >= 4);

    f.view.zoomOut();
    f.view.zoomIn();
    f.view.fitToWindow();
    REQUIRE(vp.startNs() == 0);
    REQUIRE(vp.endNs() == f.data.info.totalNs);
}

TEST_CASE("TimelineView pans by dragging and keeps the range inside the run", "[timelineview]")
{
    ViewFixture f(semaphoreTrace());
    const TimelineViewport &vp = f.view.timelineViewport();
    f.view.setVisibleRange(Sec, 2 * Sec);
    REQUIRE(vp.startNs() == Sec);
    REQUIRE(vp.endNs() == 2 * Sec);
    const double nsPerPixel = vp.nsPerPixel();

    // Drag 100 px to the right: earlier times come into view.
    const QPoint from(int(vp.timeLeft() + 300), 400);
    QTest::mousePress(f.vp(), Qt::LeftButton, Qt::NoModifier, from);
    for (int dx = 10; dx <= 100; dx += 10) {
        QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(dx, 0)),
                         f.vp()->mapToGlobal(QPointF(from + QPoint(dx, 0))), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(f.vp(), &move);
    }
    QTest::mouseRelease(f.vp(), Qt::LeftButton, Qt::NoModifier, from + QPoint(100, 0));
    REQUIRE(std::abs(vp.startNs() - (Sec - qint64(100 * nsPerPixel))) <= qint64(2 * nsPerPixel));
    REQUIRE(vp.durationNs() == Sec);

    // Panning far to the left stops at the run's start.
    f.view.setVisibleRange(-5 * Sec, -4 * Sec);
    REQUIRE(vp.startNs() == 0);
    REQUIRE(vp.durationNs() == Sec);
}

TEST_CASE("TimelineView zooms to a range Shift+dragged on the ruler", "[timelineview]")
{
    ViewFixture f(semaphoreTrace());
    const TimelineViewport &vp = f.view.timelineViewport();
    const int rulerY = f.view.geometry().ruler.center().y();
    const int x0 = int(f.xOf(Sec)), x1 = int(f.xOf(2 * Sec));
    QTest::mousePress(f.vp(), Qt::LeftButton, Qt::ShiftModifier, QPoint(x0, rulerY));
    QMouseEvent move(QEvent::MouseMove, QPointF(x1, rulerY), f.vp()->mapToGlobal(QPointF(x1, rulerY)),
                     Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
    QCoreApplication::sendEvent(f.vp(), &move);
    QTest::mouseRelease(f.vp(), Qt::LeftButton, Qt::ShiftModifier, QPoint(x1, rulerY));
    const qint64 tolerance = 10 * Ms;
    REQUIRE(std::abs(vp.startNs() - Sec) < tolerance);
    REQUIRE(std::abs(vp.endNs() - 2 * Sec) < tolerance);
}

TEST_CASE("TimelineView scrubs the time cursor along the ruler and replays the run",
          "[timelineview][replay]")
{
    ViewFixture f(semaphoreTrace());
    const TimelineZoomControl *zoom = f.view.zoomControl();
    const TimelineViewport before = f.view.timelineViewport();
    const int rulerY = f.view.geometry().ruler.center().y();
    const qint64 tolerance = qint64(2 * before.nsPerPixel());

    SECTION("a drag on the ruler moves the cursor with the mouse, the range stays")
    {
        QTest::mousePress(f.vp(), Qt::LeftButton, Qt::NoModifier, QPoint(int(f.xOf(Sec)), rulerY));
        CHECK(std::abs(zoom->cursorNs() - Sec) <= tolerance);
        const double x1 = f.xOf(1500 * Ms);
        QMouseEvent move(QEvent::MouseMove, QPointF(x1, rulerY),
                         f.vp()->mapToGlobal(QPointF(x1, rulerY)), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(f.vp(), &move);
        CHECK(std::abs(zoom->cursorNs() - 1500 * Ms) <= tolerance);
        QTest::mouseRelease(f.vp(), Qt::LeftButton, Qt::NoModifier, QPoint(int(x1), rulerY));
        CHECK(f.view.timelineViewport().startNs() == before.startNs());
        CHECK(f.view.timelineViewport().endNs() == before.endNs());
    }
    SECTION("Right and Left step through the state changes, Home and End jump")
    {
        f.view.setFocus();
        QTest::keyClick(&f.view, Qt::Key_Home);
        CHECK(zoom->cursorNs() == 0);
        QTest::keyClick(&f.view, Qt::Key_Right);
        const qint64 first = zoom->cursorNs();
        CHECK(first > 0);
        bool isChange = false; // the cursor sits on some interval's start or end
        for (const UnitRecord &u : f.data.units) {
            for (const StateInterval &iv : u.intervals)
                isChange = isChange || iv.startNs == first || iv.endNs == first;
        }
        CHECK(isChange);
        QTest::keyClick(&f.view, Qt::Key_Right);
        CHECK(zoom->cursorNs() > first);
        QTest::keyClick(&f.view, Qt::Key_Left);
        CHECK(zoom->cursorNs() == first);
        QTest::keyClick(&f.view, Qt::Key_End);
        CHECK(zoom->cursorNs() == zoom->endNs());
    }
    SECTION("Space plays from the start at the chosen speed and stops at the end")
    {
        f.view.player()->setSpeed(20); // 20 scenario seconds per real second
        QSignalSpy playing(f.view.player(), &TimelinePlayer::playingChanged);
        f.view.setFocus();
        QTest::keyClick(&f.view, Qt::Key_Space);
        REQUIRE(f.view.player()->isPlaying());
        REQUIRE(QTest::qWaitFor([&] { return zoom->cursorNs() > 500 * Ms; }, 5000));
        REQUIRE(QTest::qWaitFor([&] { return !f.view.player()->isPlaying(); }, 10000));
        CHECK(zoom->cursorNs() == zoom->endNs());
        CHECK(playing.count() == 2);
        QTest::keyClick(&f.view, Qt::Key_Space); // at the end: plays again from the start
        CHECK(zoom->cursorNs() < 500 * Ms);
        QTest::keyClick(&f.view, Qt::Key_Space);
        CHECK_FALSE(f.view.player()->isPlaying());
    }
}

TEST_CASE("TimelineView tooltips name the task, its state and outcome", "[timelineview]")
{
    ViewFixture f(semaphoreTrace());
    const quint32 req4 = f.unitNamed(QStringLiteral("req4"));
    // req4 is queued for the first wave (0..1 s), then runs in the second.
    const QString queued = f.view.toolTipAt(QPointF(f.xOf(500 * Ms), f.rowCenterY(req4)));
    CHECK(queued.contains(QStringLiteral("req4")));
    CHECK(queued.contains(QStringLiteral("queued")));
    CHECK(queued.contains(QStringLiteral("completed")));

    const quint32 flaky = f.unitNamed(QStringLiteral("flaky_request"));
    const UnitRecord *u = f.data.unit(flaky);
    REQUIRE(u->outcome == Outcome::Failed);
    const QString failed =
        f.view.toolTipAt(QPointF(f.xOf((u->startNs + u->endNs) / 2), f.rowCenterY(flaky)));
    CHECK(failed.contains(QStringLiteral("flaky_request")));
    CHECK(failed.contains(QStringLiteral("failed")));
    CHECK(failed.contains(u->error.toHtmlEscaped()));

    // Nothing under the title line.
    CHECK(f.view.toolTipAt(QPointF(f.xOf(Sec), 5)).isEmpty());
}

TEST_CASE("TimelineView tooltip on a lock lane says who held it and when", "[timelineview][holder]")
{
    TraceScript s;
    const quint32 t1 = s.create(0, QStringLiteral("task 1"));
    const quint32 t2 = s.create(0, QStringLiteral("task 2"));
    s.holder(0, QStringLiteral("lock"), t1);
    s.holder(500 * Ms, QStringLiteral("lock"), t2);
    s.holder(1000 * Ms, QStringLiteral("lock"), 0);
    s.finish(1500 * Ms, t1, Outcome::Completed);
    s.finish(1500 * Ms, t2, Outcome::Completed);
    ViewFixture f(s.build());
    int r = 0;
    while (f.view.layout().row(r).kind != TimelineRow::Kind::Holder)
        ++r;
    const TimelineRow &row = f.view.layout().row(r);
    const double y = f.view.geometry().rowTop(row, f.view.timelineViewport().scrollY())
        + row.height / 2.0;
    CHECK(f.view.toolTipAt(QPointF(f.xOf(750 * Ms), y))
          == QStringLiteral("<b>lock</b><br>held by task 2 from 500 ms to 1 s"));
    CHECK(f.view.toolTipAt(QPointF(f.xOf(1250 * Ms), y)).endsWith(QStringLiteral(": free")));
}

TEST_CASE("TimelineView selects with a click and collapses with the expander", "[timelineview]")
{
    ViewFixture f(treeTrace());
    QSignalSpy selection(&f.view, &TimelineView::selectionChanged);
    const quint32 parent = f.unitNamed(QStringLiteral("parent"));
    const int y = int(f.rowCenterY(parent));
    QTest::mouseClick(f.vp(), Qt::LeftButton, Qt::NoModifier, QPoint(int(f.xOf(150 * Ms)), y));
    REQUIRE(selection.count() == 1);
    REQUIRE(selection.at(0).at(0).value<quint32>() == parent);
    REQUIRE(f.view.selectedUnit() == parent);

    const int rowsBefore = f.view.layout().rowCount();
    const int row = f.view.layout().rowOfUnit(parent);
    const double expanderX = f.view.geometry().expanderCenter(f.view.layout().row(row), 0).x();
    QTest::mouseClick(f.vp(), Qt::LeftButton, Qt::NoModifier, QPoint(int(expanderX), y));
    REQUIRE(f.view.collapsed().contains(parent));
    REQUIRE(f.view.layout().rowCount() == rowsBefore - 3); // child a, child b, grandchild
    QTest::mouseClick(f.vp(), Qt::LeftButton, Qt::NoModifier, QPoint(int(expanderX), y));
    REQUIRE(f.view.layout().rowCount() == rowsBefore);
    REQUIRE(f.view.selectedUnit() == parent); // the expander does not change the selection
}

TEST_CASE("TimelineView reports the time under the mouse", "[timelineview]")
{
    ViewFixture f(semaphoreTrace());
    QSignalSpy cursor(&f.view, &TimelineView::cursorTimeChanged);
    const double x = f.xOf(1500 * Ms);
    QMouseEvent move(QEvent::MouseMove, QPointF(x, 300), f.vp()->mapToGlobal(QPointF(x, 300)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(f.vp(), &move);
    REQUIRE(cursor.count() >= 1);
    const qint64 t = cursor.last().at(0).toLongLong();
    REQUIRE(std::abs(t - 1500 * Ms) <= qint64(f.view.timelineViewport().nsPerPixel()));
}

namespace {

//! n tasks queued from 0; task i waits from i ms and ends at i + 10 ms: at t ms the tasks
//! t - 9 .. t wait and the tasks after t queue.
TraceData queueWaves(int n)
{
    TraceScript s;
    const quint32 main = s.create(0, QStringLiteral("main"), 0, UnitKind::Main);
    s.state(0, main, UnitState::Waiting);
    std::vector<quint32> ids;
    for (int i = 1; i <= n; ++i) {
        ids.push_back(s.create(0, QStringLiteral("task %1").arg(i), main));
        s.state(0, ids.back(), UnitState::Queued);
    }
    for (int t = 1; t <= n + 10; ++t) {
        if (t > 10)
            s.finish(t * Ms, ids[std::size_t(t - 11)], Outcome::Completed);
        if (t <= n)
            s.state(t * Ms, ids[std::size_t(t - 1)], UnitState::Waiting);
    }
    s.finish((n + 10) * Ms, main, Outcome::Completed);
    TraceData data = s.build();
    data.info.totalNs = (n + 10) * Ms;
    data.info.finished = true;
    return data;
}

//! The state of a unit at t, -1 if it is not alive then.
int stateAt(const TraceData &data, quint32 unit, qint64 t)
{
    for (const StateInterval &iv : data.unit(unit)->intervals) {
        if (iv.startNs <= t && (iv.endNs < 0 || t < iv.endNs))
            return int(iv.state);
    }
    return -1;
}

} // namespace

TEST_CASE("TimelineView: with more lanes than fit, an overview shows them all by state",
          "[timelineview][overview]")
{
    SECTION("lanes that fit get no overview")
    {
        ViewFixture f(treeTrace());
        CHECK(f.view.geometry().overview.isEmpty());
        CHECK(f.view.geometry().rows.top() == f.view.style().headerHeight());
    }

    ViewFixture f(queueWaves(2000));
    const TimelineGeometry &geo = f.view.geometry();
    REQUIRE_FALSE(geo.overview.isEmpty());
    CHECK(geo.rows.top() == f.view.style().headerHeight() + f.view.style().overviewHeight());
    CHECK(geo.overview.bottom() < geo.ruler.top());
    const StateDensity &density = f.view.layout().analysis().density();
    const qint64 endNs = density.endNs();
    REQUIRE(endNs == 2010 * Ms);

    SECTION("drawn as a strip per state at the state's own scale")
    {
        const QImage image = f.vp()->grab().toImage();
        auto pixel = [&](qint64 t, UnitState state) {
            return image.pixelColor(int(geo.overviewX(t, endNs)) + 1,
                                    int(geo.overviewStrip(state).center().y()));
        };
        const TimelineStyle &style = f.view.style();
        // Ten wait from 10 ms to 2000 ms, their peak: the full colour.
        CHECK(pixel(1000 * Ms, UnitState::Waiting) == style.stateColor(UnitState::Waiting));
        // Nobody queues at the end, nobody is ever pending.
        CHECK(pixel(2005 * Ms, UnitState::Queued) == style.alternateRow);
        CHECK(pixel(1000 * Ms, UnitState::Pending) == style.alternateRow);
        // The queue empties as time goes on: paler later.
        CHECK(pixel(100 * Ms, UnitState::Queued) != pixel(1900 * Ms, UnitState::Queued));
    }

    SECTION("a click on a state's strip scrolls to the first lane in that state then")
    {
        QSignalSpy selection(&f.view, &TimelineView::selectionChanged);
        for (const UnitState state : {UnitState::Waiting, UnitState::Queued}) {
            INFO("state " << int(state));
            const QRectF strip = geo.overviewStrip(state);
            const QPoint at(int(geo.overviewX(1200 * Ms, endNs)), int(strip.center().y()));
            QTest::mouseClick(f.vp(), Qt::LeftButton, Qt::NoModifier, at);
            const qint64 t = geo.overviewTimeAt(at.x(), endNs);
            const quint32 unit = f.view.selectedUnit();
            REQUIRE(unit != 0);
            CHECK(stateAt(f.data, unit, t) == int(state));
            const int row = f.view.layout().rowOfUnit(unit);
            for (int r = 0; r < row; ++r) {
                const TimelineRow &before = f.view.layout().row(r);
                if (before.kind == TimelineRow::Kind::Unit && before.unitId != 1)
                    CHECK(stateAt(f.data, before.unitId, t) != int(state));
            }
            // Its lane is at the top of the rows, far below where the view was.
            CHECK(f.view.timelineViewport().scrollY() == f.view.layout().row(row).y);
            CHECK(f.view.timelineViewport().isVisible(t, t));
        }
        CHECK(selection.count() == 2);
    }

    SECTION("a click at a time outside the rows' view brings it into view")
    {
        f.view.setVisibleRange(0, 100 * Ms);
        const QPoint at(int(geo.overviewX(1500 * Ms, endNs)),
                        int(geo.overviewStrip(UnitState::Waiting).center().y()));
        QTest::mouseClick(f.vp(), Qt::LeftButton, Qt::NoModifier, at);
        const qint64 t = geo.overviewTimeAt(at.x(), endNs);
        CHECK(f.view.timelineViewport().isVisible(t, t));
        CHECK(f.view.timelineViewport().durationNs() == 100 * Ms);
    }
}

// A live run fed event by event: a recorder, the builder reading it, and the view showing it
// live at the edge (1 s), laid out there. main runs from 0.
struct LiveFixture
{
    LiveFixture() { at(0).stateChanged(main, UnitState::Running); }
    TraceWriter at(qint64 t) { return TraceWriter(&recorder, t); }
    quint32 create(qint64 t, UnitKind kind, quint32 parent, const char *label)
    {
        const quint32 id = recorder.newUnitId();
        at(t).created(id, kind, parent, recorder.intern(QString::fromLatin1(label)));
        return id;
    }
    void show()
    {
        builder.update();
        view.resize(1200, 700);
        view.setLive(true);
        view.setData(&builder.data());
        view.setNowNs(Sec);
        view.show();
        REQUIRE(QTest::qWaitForWindowExposed(&view));
        view.relayout();
    }

    TraceRecorder recorder;
    TraceBuilder builder{&recorder};
    TimelineView view;
    const quint32 main = create(0, UnitKind::Main, 0, "main");
};

TEST_CASE("TimelineView: a live run repaints when its edge moves a pixel or a visible state "
          "changes before it, not for a stretch with nothing new",
          "[timelineview][live]")
{
    LiveFixture f;
    const quint32 task = f.create(Ms, UnitKind::Task, f.main, "worker");
    f.at(2 * Ms).stateChanged(task, UnitState::Running);
    f.at(3 * Ms).stateChanged(task, UnitState::Waiting);
    f.at(3 * Ms).stateChanged(f.main, UnitState::Waiting);
    f.show();
    auto frames = [&] {
        QCoreApplication::processEvents();
        return f.view.paintCount();
    };
    const quint64 shown = frames();
    REQUIRE(shown > 0);
    REQUIRE(frames() == shown);
    const double nsPerPixel = f.view.timelineViewport().nsPerPixel();
    REQUIRE(nsPerPixel > 1000);

    // The live frames of an idle stretch: the clock moves by less than a pixel, nothing new.
    qint64 now = Sec;
    for (int frame = 0; frame < 20; ++frame) {
        now += qint64(nsPerPixel / 50);
        f.view.setNowNs(now);
        f.view.dataChanged();
        REQUIRE(frames() == shown);
    }
    // The edge moves by a few pixels: a paint.
    now += qint64(nsPerPixel * 3);
    f.view.setNowNs(now);
    f.view.dataChanged();
    const quint64 moved = frames();
    REQUIRE(moved > shown);

    // A visible unit changes state at the edge: that shows when the edge moves on a pixel.
    f.at(now).stateChanged(task, UnitState::Running);
    REQUIRE(f.builder.update());
    f.view.dataChanged();
    REQUIRE(frames() == moved);
    now += qint64(nsPerPixel * 1.5);
    f.view.setNowNs(now);
    f.view.dataChanged();
    const quint64 edgeMoved = frames();
    REQUIRE(edgeMoved > moved);

    // Another visible unit's state changed longer than a pixel ago (an event read late): a
    // paint without the edge moving.
    f.at(now - qint64(nsPerPixel * 3)).stateChanged(f.main, UnitState::Running);
    REQUIRE(f.builder.update());
    f.view.dataChanged();
    REQUIRE(frames() > edgeMoved);
}

TEST_CASE("TimelineView: a live run's new rows are laid out at the next frame, its state changes "
          "once the edge moved a few pixels",
          "[timelineview][live]")
{
    LiveFixture f;
    f.at(Ms).stateChanged(f.main, UnitState::Waiting);
    f.show();
    QSignalSpy layouts(&f.view, &TimelineView::layoutChanged);
    const int rows = f.view.layout().rowCount();
    const double nsPerPixel = f.view.timelineViewport().nsPerPixel();
    qint64 now = Sec;

    // Only a state changed, the edge moved less than a pixel: the layout stays.
    now += qint64(nsPerPixel / 2);
    f.at(now).stateChanged(f.main, UnitState::Running);
    REQUIRE(f.builder.update());
    f.view.setNowNs(now);
    f.view.dataChanged();
    REQUIRE(layouts.count() == 0);

    // A task is created: its row is there at this frame.
    const quint32 task = f.create(now, UnitKind::Task, f.main, "worker");
    REQUIRE(f.builder.update());
    f.view.dataChanged();
    REQUIRE(layouts.count() == 1);
    REQUIRE(f.view.layout().rowCount() == rows + 1);
    REQUIRE(f.view.layout().rowOfUnit(task) >= 0);

    // States change as the edge moves on by a few pixels: a new layout then.
    now += qint64(nsPerPixel / 2);
    f.at(now).stateChanged(task, UnitState::Running);
    REQUIRE(f.builder.update());
    f.view.setNowNs(now);
    f.view.dataChanged();
    REQUIRE(layouts.count() == 1);
    now += qint64(nsPerPixel * 3);
    f.at(now).stateChanged(task, UnitState::Waiting);
    REQUIRE(f.builder.update());
    f.view.setNowNs(now);
    f.view.dataChanged();
    REQUIRE(layouts.count() == 2);
}
