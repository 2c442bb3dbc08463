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
