#include <catch2/catch.hpp>

#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelinetestdata.h"
#include "timelineviewport.h"

#include <QImage>
#include <QPainter>
#include <QPointF>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

QStringList unitLabels(const TimelineLayout &layout, const TraceData &data)
{
    QStringList out;
    for (const TimelineRow &r : layout.rows()) {
        if (r.kind == TimelineRow::Kind::Unit)
            out << QString(r.depth, QLatin1Char(' ')) + data.unit(r.unitId)->label;
    }
    return out;
}

quint32 idOf(const TraceData &data, const QString &label)
{
    for (const UnitRecord &u : data.units) {
        if (u.label == label)
            return u.id;
    }
    return 0;
}

} // namespace

TEST_CASE("TimelineLayout puts children under their parent in creation order",
          "[timeline][layout]")
{
    const TraceData data = treeTrace();
    const TimelineStyle style = TimelineStyle::light();
    const TimelineLayout layout(data, style);
    REQUIRE(unitLabels(layout, data)
            == QStringList{QStringLiteral("main"), QStringLiteral(" parent"),
                           QStringLiteral("  child a"), QStringLiteral("  child b"),
                           QStringLiteral("   grandchild"), QStringLiteral(" sibling")});
    const int parentRow = layout.rowOfUnit(idOf(data, QStringLiteral("parent")));
    REQUIRE(layout.row(parentRow).hasChildren);
    REQUIRE_FALSE(layout.row(parentRow).collapsed);

    SECTION("collapsing a parent hides all its descendants")
    {
        const quint32 parent = idOf(data, QStringLiteral("parent"));
        const TimelineLayout collapsed(data, style, {parent});
        REQUIRE(unitLabels(collapsed, data)
                == QStringList{QStringLiteral("main"), QStringLiteral(" parent"),
                               QStringLiteral(" sibling")});
        REQUIRE(collapsed.row(collapsed.rowOfUnit(parent)).collapsed);
        REQUIRE(collapsed.rowOfUnit(idOf(data, QStringLiteral("grandchild"))) == -1);
        REQUIRE(collapsed.contentHeight() == layout.contentHeight() - 3 * style.rowHeight);
    }
}

TEST_CASE("TimelineLayout counts the run's units for the title: not main, not the pinned run",
          "[timeline][layout]")
{
    const TraceData data = treeTrace(); // main and five units under it
    const TimelineStyle style = TimelineStyle::light();
    CHECK(TimelineLayout(data, style).unitCount() == 5);
    // Collapsed units are still units of the run.
    CHECK(TimelineLayout(data, style, {idOf(data, QStringLiteral("parent"))}).unitCount() == 5);
    // Compared with a pinned run of ten requests, the count stays the run's own.
    const TimelineLayout compared(data, semaphoreTrace(), style);
    CHECK(compared.rowCount() > TimelineLayout(data, style).rowCount());
    CHECK(compared.unitCount() == 5);
}

TEST_CASE("TimelineLayout finds a counter's peak in any range of its samples",
          "[timeline][layout]")
{
    // 1000 samples of 1..10 with one 99 at index 500: ranges by block maxima and one by one.
    TraceData data = treeTrace();
    CounterSeries series{QStringLiteral("in use"), {}};
    for (int k = 0; k < 1000; ++k)
        series.samples.push_back({qint64(k) * Ms, k == 500 ? 99 : 1 + k % 10});
    data.counters.push_back(series);
    const TimelineLayout layout(data, TimelineStyle::light());
    const auto &samples = data.counters[0].samples;
    CHECK(layout.counterPeak(0, samples, 0, 1000) == 99);
    CHECK(layout.counterPeak(0, samples, 500, 501) == 99);
    CHECK(layout.counterPeak(0, samples, 0, 500) == 10);
    CHECK(layout.counterPeak(0, samples, 501, 1000) == 10);
    CHECK(layout.counterPeak(0, samples, 3, 5) == 5); // values 4 and 5
    CHECK(layout.counterPeak(0, samples, 7, 7) == 0);
    // A live run appends samples after the layout was built: they count too, also where they
    // complete a block that was partial when it was built (960..1023).
    for (int k = 1000; k < 1024; ++k)
        data.counters[0].samples.push_back({qint64(k) * Ms, k == 1010 ? 500 : 1});
    CHECK(layout.counterPeak(0, data.counters[0].samples, 960, 1024) == 500);
}

TEST_CASE("TimelineLayout adds loop, worker and counter rows where the run has them",
          "[timeline][layout]")
{
    const TraceData data = semaphoreTrace();
    const TimelineLayout layout(data, TimelineStyle::light());
    QList<TimelineRow::Kind> kinds;
    QStringList counters;
    QList<int> lanes;
    for (const TimelineRow &r : layout.rows()) {
        if (r.kind != TimelineRow::Kind::Unit)
            kinds << r.kind;
        if (r.kind == TimelineRow::Kind::Counter)
            counters << data.counters[std::size_t(r.index)].name;
        if (r.kind == TimelineRow::Kind::Worker)
            lanes << r.index;
    }
    REQUIRE(kinds.front() == TimelineRow::Kind::Loop);
    REQUIRE(lanes == QList<int>{2});
    REQUIRE(counters.contains(QStringLiteral("semaphore in use")));
    REQUIRE(counters.contains(QStringLiteral("executor in use")));
    const int inUse = int(counters.indexOf(QStringLiteral("semaphore in use")));
    REQUIRE(layout.counterMax(inUse) == 3);

    const auto &jobs = layout.workerSpans(2);
    REQUIRE(jobs.size() == 1);
    REQUIRE(data.unit(jobs[0].unitId)->label == QStringLiteral("blocking_io_operation(file1.txt)"));

    // The never-awaited coroutine still gets its row.
    REQUIRE(layout.rowOfUnit(idOf(data, QStringLiteral("get_data #1"))) >= 0);
}

TEST_CASE("TimelineLayout marks the loop blocked by a long run while others are ready",
          "[timeline][layout]")
{
    TraceScript s;
    const quint32 blocker = s.create(0, QStringLiteral("blocker"));
    const quint32 other = s.create(0, QStringLiteral("other"));
    const quint32 quick = s.create(0, QStringLiteral("quick"));
    s.state(10 * Ms, blocker, UnitState::Running);
    s.state(10 * Ms, other, UnitState::Waiting);
    s.state(100 * Ms, other, UnitState::Ready); // its timer fired, but the loop is busy
    s.state(1010 * Ms, blocker, UnitState::Waiting);
    s.state(1010 * Ms, other, UnitState::Running);
    s.state(1011 * Ms, other, UnitState::Waiting);
    // A long run with nobody ready is busy, not blocked.
    s.state(2000 * Ms, quick, UnitState::Running);
    s.state(2200 * Ms, quick, UnitState::Waiting);
    s.loopLag(3000 * Ms, 40 * Ms);
    const TraceData data = s.build();
    const TimelineLayout layout(data, TimelineStyle::light());

    REQUIRE(layout.rowCount() > 0);
    REQUIRE(layout.row(0).kind == TimelineRow::Kind::Loop);
    const auto &blocked = layout.loopBlocked();
    REQUIRE(blocked.size() == 2);
    REQUIRE(blocked[0].startNs == 10 * Ms);
    REQUIRE(blocked[0].endNs == 1010 * Ms);
    REQUIRE(blocked[1].startNs == 2960 * Ms); // from the loop lag sample
    REQUIRE(blocked[1].endNs == 3000 * Ms);
    REQUIRE(layout.loopBusy().size() == 2); // 10..1011 ms (touching runs merge), 2000..2200 ms
    // The rows show the analysis' spans: one computation, not a copy of its own.
    REQUIRE(&layout.loopBlocked() == &layout.analysis().loopBlocked());
    REQUIRE(&layout.loopBusy() == &layout.analysis().loopBusy());
}

TEST_CASE("TimelineLayout gives each event loop a row heading a group of its units",
          "[timeline][layout]")
{
    // Two loops, as a traced program running asyncio.run in two threads has them.
    TraceScript s;
    const quint32 mainA = s.create(0, QStringLiteral("main A"), 0, UnitKind::Main, 0);
    const quint32 mainB = s.create(0, QStringLiteral("main B"), 0, UnitKind::Main, 1);
    const quint32 taskA = s.create(0, QStringLiteral("task A"), mainA, UnitKind::Task, 0);
    const quint32 taskB = s.create(0, QStringLiteral("task B"), mainB, UnitKind::Task, 1);
    // main A holds its loop 1 s while task B is ready: on the other loop, so no one is blocked.
    s.state(10 * Ms, mainA, UnitState::Running);
    s.state(10 * Ms, taskB, UnitState::Waiting);
    s.state(100 * Ms, taskB, UnitState::Ready);
    s.state(200 * Ms, taskB, UnitState::Running);
    s.state(210 * Ms, taskB, UnitState::Waiting);
    s.state(1010 * Ms, mainA, UnitState::Waiting);
    s.state(1010 * Ms, taskA, UnitState::Running);
    s.state(1020 * Ms, taskA, UnitState::Waiting);
    s.state(1020 * Ms, mainB, UnitState::Running);
    s.state(1030 * Ms, mainB, UnitState::Waiting);
    s.loopLag(2000 * Ms, 40 * Ms, 1);
    const TraceData data = s.build();
    const TimelineStyle style = TimelineStyle::light();
    const TimelineLayout layout(data, style);

    REQUIRE(layout.analysis().loopCount() == 2);
    REQUIRE(layout.rowCount() == 6);
    const auto &rows = layout.rows();
    CHECK(rows[0].kind == TimelineRow::Kind::Loop);
    CHECK(rows[0].index == 0);
    CHECK(rows[1].unitId == mainA);
    CHECK(rows[2].unitId == taskA);
    CHECK(rows[3].kind == TimelineRow::Kind::Loop);
    CHECK(rows[3].index == 1);
    CHECK(rows[4].unitId == mainB);
    CHECK(rows[5].unitId == taskB);
    CHECK(rows[3].y == rows[2].y + rows[2].height + style.groupGap); // groups stand apart
    CHECK(rows[1].y == rows[0].y + rows[0].height);

    // Each loop row shows its own loop: busy where its units ran, blocked by its own lag only.
    const auto &busyA = layout.loopBusy(rows[0]);
    REQUIRE(busyA.size() == 1);
    CHECK(busyA[0].startNs == 10 * Ms);
    CHECK(busyA[0].endNs == 1020 * Ms);
    CHECK(layout.loopBlocked(rows[0]).empty());
    const auto &blockedB = layout.loopBlocked(rows[3]);
    REQUIRE(blockedB.size() == 1);
    CHECK(blockedB[0].startNs == 1960 * Ms);
    REQUIRE(layout.loopBusy(rows[3]).size() == 2);
    CHECK(layout.loopBusy(rows[3])[0].startNs == 200 * Ms);
    // Merged over both loops for the figures.
    CHECK(layout.loopBlocked().size() == 1);
    CHECK(layout.analysis().stats().longestStallNs == 40 * Ms);
}

TEST_CASE("TimelineLayout's analysis gives the Stats panel's figures", "[timeline][layout]")
{
    const TraceData data = semaphoreTrace();
    const TimelineLayout layout(data, TimelineStyle::light());
    const RunStats &s = layout.analysis().stats();
    REQUIRE(s.totalNs == data.info.totalNs);
    REQUIRE(s.sequentialNs > 10 * Sec); // ten requests of ~1 s, plus the other tasks
    REQUIRE(s.speedUp == Approx(double(s.sequentialNs) / double(s.totalNs)));
    // The requests that queue run 2 ms first, while the wave before holds the three slots;
    // with flaky, cancellable, slow, ticker, blocking_call and the job waiting too, that is 9.
    REQUIRE(s.maxConcurrency == 9);
    REQUIRE(s.longestStallNs == 300 * Ms); // blocking_call held the loop while ticker was ready
    REQUIRE(s.longestStallAtNs == 2300 * Ms);
    REQUIRE(s.outcomes[std::size_t(Outcome::Completed)] == 13);
    REQUIRE(s.outcomes[std::size_t(Outcome::NeverAwaited)] == 1);
}

TEST_CASE("TimelineLayout hit testing finds the row and the interval", "[timeline][layout]")
{
    const TraceData data = treeTrace();
    const TimelineStyle style = TimelineStyle::light();
    const TimelineLayout layout(data, style);
    TimelineViewport vp(0, Sec, 300, 1000); // 1 ms per pixel

    const quint32 parent = idOf(data, QStringLiteral("parent"));
    const TimelineRow &row = layout.row(layout.rowOfUnit(parent));
    REQUIRE(layout.rowAt(row.y + 1) == layout.rowOfUnit(parent));
    REQUIRE(layout.rowAt(-1) == -1);
    REQUIRE(layout.rowAt(layout.contentHeight() + 5) == -1);

    const TimelineGeometry geo = TimelineGeometry::compute(style, QRect(0, 0, 1400, 800));
    const double y = geo.rows.top() + row.y + row.height / 2.0;
    const TimelineHit waiting = layout.itemAt(QPointF(vp.mapTimeToX(500 * Ms), y), data, vp, geo);
    REQUIRE(waiting.unitId == parent);
    REQUIRE(data.unit(parent)->intervals[std::size_t(waiting.interval)].state
            == UnitState::Waiting);
    const TimelineHit running = layout.itemAt(QPointF(vp.mapTimeToX(850 * Ms), y), data, vp, geo);
    REQUIRE(data.unit(parent)->intervals[std::size_t(running.interval)].state
            == UnitState::Running);

    SECTION("scrolling moves the rows under the point")
    {
        vp.setScrollY(row.height);
        const TimelineHit below = layout.itemAt(QPointF(vp.mapTimeToX(500 * Ms), y), data, vp, geo);
        REQUIRE(below.row == layout.rowOfUnit(parent) + 1);
    }
    SECTION("the header and the label column hit no interval")
    {
        REQUIRE(layout.itemAt(QPointF(500, 5), data, vp, geo).row == -1);
        const TimelineHit label = layout.itemAt(QPointF(50, y), data, vp, geo);
        REQUIRE(label.unitId == parent);
        REQUIRE(label.interval == -1);
    }
}

TEST_CASE("A lock's holder lane sits right under that lock's own counters",
          "[timeline][layout][holder]")
{
    // A semaphore, then a lock, then an executor: the lock's "held by" row belongs with "lock
    // queue" and "lock held", not after the executor's counters.
    TraceScript s;
    const quint32 t1 = s.create(0, QStringLiteral("task 1"));
    s.state(0, t1, UnitState::Running);
    s.counter(0, QStringLiteral("semaphore in use"), 1);
    s.counter(0, QStringLiteral("lock queue"), 0);
    s.counter(0, QStringLiteral("lock held"), 1);
    s.counter(0, QStringLiteral("executor in use"), 0);
    s.holder(0, QStringLiteral("lock"), t1);
    s.holder(0, QStringLiteral("other"), t1); // no counters of its own: after all of them
    s.holder(100 * Ms, QStringLiteral("lock"), 0);
    s.holder(100 * Ms, QStringLiteral("other"), 0);
    s.finish(100 * Ms, t1, Outcome::Completed);
    const TraceData data = s.build();
    const TimelineLayout layout(data, TimelineStyle::light());
    QStringList rows;
    for (int i = 0; i < layout.rowCount(); ++i) {
        const TimelineRow &r = layout.row(i);
        if (r.kind == TimelineRow::Kind::Counter)
            rows << data.counters[std::size_t(r.index)].name;
        else if (r.kind == TimelineRow::Kind::Holder)
            rows << QStringLiteral("held by: ") + data.holders[std::size_t(r.index)].name;
    }
    CHECK(rows
          == QStringList{QStringLiteral("semaphore in use"), QStringLiteral("lock queue"),
                         QStringLiteral("lock held"), QStringLiteral("held by: lock"),
                         QStringLiteral("executor in use"), QStringLiteral("held by: other")});
}

TEST_CASE("A lock lane shows who holds it: a row of holds, each named by its holder",
          "[timeline][layout][holder]")
{
    TraceScript s;
    const quint32 t1 = s.create(0, QStringLiteral("task 1"));
    const quint32 t2 = s.create(0, QStringLiteral("task 2"));
    s.state(0, t1, UnitState::Running);
    s.holder(0, QStringLiteral("lock"), 0);
    s.holder(0, QStringLiteral("lock"), t1);
    s.holder(500 * Ms, QStringLiteral("lock"), t2);
    s.holder(1000 * Ms, QStringLiteral("lock"), 0); // free 1 s .. 1.5 s
    s.holder(1500 * Ms, QStringLiteral("lock"), t1);
    s.holder(2000 * Ms, QStringLiteral("lock"), 0);
    s.finish(2000 * Ms, t1, Outcome::Completed);
    s.finish(2000 * Ms, t2, Outcome::Completed);
    const TraceData data = s.build();
    const TimelineStyle style = TimelineStyle::light();
    const TimelineLayout layout(data, style);

    int holderRow = -1;
    for (int i = 0; i < layout.rowCount(); ++i) {
        if (layout.row(i).kind == TimelineRow::Kind::Holder) {
            REQUIRE(holderRow == -1); // one lock, one row
            holderRow = i;
        }
    }
    REQUIRE(holderRow >= 0);
    const TimelineRow &row = layout.row(holderRow);
    REQUIRE(data.holders[std::size_t(row.index)].name == QStringLiteral("lock"));
    REQUIRE(holderRow < layout.rowOfUnit(t1)); // above the tasks, with the other lanes

    const QSize size(1400, 400);
    const TimelineGeometry geo = TimelineGeometry::compute(style, QRect(QPoint(0, 0), size));
    TimelineViewport vp;
    vp.setTimeArea(geo.timeArea.left(), geo.timeArea.width());
    vp.fit(data.endNs());
    const double y = geo.rowTop(row, vp.scrollY()) + row.height / 2.0;

    SECTION("one segment per hold, labelled by the holder, where the hold is")
    {
        const TimelineDrawList list =
            TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
        QStringList labels;
        for (const TimelineDrawList::Bar &b : list.holds) {
            REQUIRE(b.row == holderRow);
            REQUIRE(b.count == 1);
            labels << data.unit(b.unitId)->label;
        }
        REQUIRE(labels
                == QStringList{QStringLiteral("task 1"), QStringLiteral("task 2"),
                               QStringLiteral("task 1")});
        REQUIRE(list.holds[1].rect.left() == Approx(vp.mapTimeToX(500 * Ms)));
        REQUIRE(list.holds[1].rect.right() == Approx(vp.mapTimeToX(1000 * Ms)));
    }
    SECTION("drawn in the held colour, nothing where the lock is free")
    {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&image);
        TimelinePainter::paint(p, data, layout, vp, style, geo, {});
        p.end();
        const auto at = [&](qint64 ns) { return image.pixelColor(int(vp.mapTimeToX(ns)), int(y)); };
        REQUIRE(at(250 * Ms) == style.held);
        REQUIRE(at(1250 * Ms) != style.held);
        REQUIRE(at(1750 * Ms) == style.held);
    }
    SECTION("a point on a hold hits it and its holder; a free stretch hits nobody")
    {
        const TimelineHit held = layout.itemAt(QPointF(vp.mapTimeToX(750 * Ms), y), data, vp, geo);
        REQUIRE(held.row == holderRow);
        REQUIRE(held.hold == 1);
        REQUIRE(held.unitId == t2);
        const TimelineHit free = layout.itemAt(QPointF(vp.mapTimeToX(1250 * Ms), y), data, vp, geo);
        REQUIRE(free.row == holderRow);
        REQUIRE(free.hold == -1);
        REQUIRE(free.unitId == 0);
    }
}
