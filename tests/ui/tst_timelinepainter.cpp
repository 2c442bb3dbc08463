#include <catch2/catch.hpp>

#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelinetestdata.h"
#include "timelineviewport.h"
#include "wording.h"

#include <QImage>
#include <QPainter>

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

quint32 idOf(const TraceData &data, const QString &label)
{
    for (const UnitRecord &u : data.units) {
        if (u.label == label)
            return u.id;
    }
    return 0;
}

// Paints like the view does and keeps what is needed to find a pixel again.
struct Rendered
{
    QImage image;
    TimelineLayout layout;
    TimelineViewport viewport;
    TimelineGeometry geometry;

    QColor at(qint64 ns, quint32 unit) const
    {
        const TimelineRow &row = layout.row(layout.rowOfUnit(unit));
        const int y = int(geometry.rowTop(row, viewport.scrollY())) + row.height / 2;
        return image.pixelColor(int(viewport.mapTimeToX(ns)), y);
    }
};

Rendered render(const TraceData &data, const TimelineStyle &style, QSize size,
                const TimelinePainter::PaintOptions &options = {}, qint64 endNs = -1)
{
    Rendered r{QImage(size, QImage::Format_ARGB32_Premultiplied), TimelineLayout(data, style), {},
               TimelineGeometry::compute(style, QRect(QPoint(0, 0), size))};
    const QRect area = r.geometry.timeArea;
    r.viewport.setTimeArea(area.left(), area.width());
    r.viewport.fit(endNs > 0 ? endNs : data.endNs());
    r.image.fill(Qt::magenta);
    QPainter p(&r.image);
    TimelinePainter::paint(p, data, r.layout, r.viewport, style, r.geometry, options);
    return r;
}

} // namespace

TEST_CASE("TimelinePainter draws a unit's states in their colours on its row",
          "[timeline][painter]")
{
    const TraceData data = treeTrace();
    for (const TimelineStyle &style : {TimelineStyle::light(), TimelineStyle::dark()}) {
        DYNAMIC_SECTION("style " << style.name.toStdString())
        {
            const Rendered r = render(data, style, QSize(1200, 500));
            const quint32 parent = idOf(data, QStringLiteral("parent"));
            // parent runs 100..200 ms and 800..900 ms, waits 200..800 ms.
            REQUIRE(r.at(150 * Ms, parent) == style.stateColor(UnitState::Running));
            REQUIRE(r.at(500 * Ms, parent) == style.stateColor(UnitState::Waiting));
            REQUIRE(r.at(850 * Ms, parent) == style.stateColor(UnitState::Running));
            // The sibling finished at 700 ms: nothing of it at 850 ms.
            const QColor after = r.at(850 * Ms, idOf(data, QStringLiteral("sibling")));
            REQUIRE(after != style.stateColor(UnitState::Waiting));
            REQUIRE(after != style.stateColor(UnitState::Running));
            // The background was painted everywhere.
            REQUIRE(r.image.pixelColor(r.image.width() - 2, r.image.height() - 2)
                    == style.background);
        }
    }
}

TEST_CASE("TimelinePainter state colours are distinct", "[timeline][painter]")
{
    for (const TimelineStyle &style : {TimelineStyle::light(), TimelineStyle::dark()}) {
        for (int a = 0; a < 5; ++a) {
            for (int b = a + 1; b < 5; ++b)
                REQUIRE(style.stateColor(UnitState(a)) != style.stateColor(UnitState(b)));
            REQUIRE(style.stateColor(UnitState(a)) != style.background);
        }
        REQUIRE(style.hatch(UnitState::Queued) != TimelineStyle::Hatch::None);
        REQUIRE(style.hatch(UnitState::Running) == TimelineStyle::Hatch::None);
    }
}

TEST_CASE("TimelinePainter draws open intervals of a live run up to now", "[timeline][painter]")
{
    TraceScript s;
    const quint32 t = s.create(0, QStringLiteral("live task"));
    s.state(100 * Ms, t, UnitState::Running);
    s.state(200 * Ms, t, UnitState::Waiting); // still waiting: open interval
    const TraceData data = s.build();
    const TimelineStyle style = TimelineStyle::light();
    TimelinePainter::PaintOptions options;
    options.nowNs = 600 * Ms;
    options.liveEdge = true;
    const Rendered r = render(data, style, QSize(1000, 300), options, Sec);
    REQUIRE(r.at(400 * Ms, t) == style.stateColor(UnitState::Waiting));
    REQUIRE(r.at(800 * Ms, t) != style.stateColor(UnitState::Waiting));
}

TEST_CASE("TimelinePainter folds tiny intervals into a bounded draw list", "[timeline][painter]")
{
    const TimelineStyle style = TimelineStyle::light();
    const TimelineGeometry geo = TimelineGeometry::compute(style, QRect(0, 0, 1920, 1080));
    const QRect area = geo.timeArea;

    SECTION("one unit with 100 000 intervals")
    {
        TraceData data;
        data.units.resize(1);
        UnitRecord &u = data.units[0];
        u.id = 1;
        u.label = QStringLiteral("busy");
        constexpr int N = 100000;
        for (int i = 0; i < N; ++i)
            u.intervals.push_back({qint64(i) * 1000, qint64(i + 1) * 1000,
                                   i % 3 ? UnitState::Running : UnitState::Waiting, 0});
        u.endNs = qint64(N) * 1000;
        u.outcome = Outcome::Completed;
        data.info.totalNs = u.endNs;
        const TimelineLayout layout(data, style);
        TimelineViewport vp;
        vp.setTimeArea(area.left(), area.width());
        vp.fit(data.info.totalNs);
        const TimelineDrawList list =
            TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
        qint64 unitBars = 0, covered = 0;
        for (const auto &b : list.bars) {
            if (b.role == TimelineDrawList::Role::State) {
                ++unitBars;
                covered += b.count;
            }
        }
        REQUIRE(unitBars > 0);
        REQUIRE(unitBars <= 2 * area.width() / int(style.foldWidth) + 4);
        REQUIRE(covered == N); // every interval is in some bar
        REQUIRE(list.foldedIntervals > N / 2);
        // Running dominates (2 of 3 intervals): folds show it.
        qint64 running = 0;
        for (const auto &b : list.bars)
            running += b.state == UnitState::Running;
        REQUIRE(running > unitBars / 2);

        SECTION("zoomed in, only the visible intervals are visited, unfolded")
        {
            vp.setRange(50'000'000, 50'000'000 + 20 * 1000);
            const TimelineDrawList zoomed =
                TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
            qint64 bars = 0;
            for (const auto &b : zoomed.bars) {
                if (b.role == TimelineDrawList::Role::State) {
                    ++bars;
                    REQUIRE(b.count == 1);
                }
            }
            REQUIRE(bars >= 20);
            REQUIRE(bars <= 22);
            REQUIRE(zoomed.visitedIntervals <= 2 * 22); // this row + the loop row's spans
            REQUIRE(zoomed.foldedIntervals == 0);
        }

        SECTION("squeezed into 100 px, the visits follow the pixels, not the intervals")
        {
            // The run ends 100 px into a view 15x as long: ~1000 intervals per pixel column.
            const double pixels = 100;
            vp.setRange(0, qint64(double(u.endNs) * area.width() / pixels));
            REQUIRE(vp.mapTimeToX(u.endNs) - vp.mapTimeToX(0) == Approx(pixels).margin(1));
            const TimelineDrawList squeezed =
                TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
            // At most two visits per pixel column for each of the two rows (this one and the
            // loop row's busy spans); the rest is found by binary search.
            CHECK(squeezed.visitedIntervals <= qint64(2 * 2 * (pixels + 2)));
            qint64 squeezedCovered = 0;
            for (const auto &b : squeezed.bars)
                squeezedCovered += b.role == TimelineDrawList::Role::State ? b.count : 0;
            CHECK(squeezedCovered == N); // still every interval in some bar
            CHECK(squeezed.foldedIntervals >= N);
        }
    }

    SECTION("100 000 units visit only the visible rows")
    {
        TraceData data;
        data.units.resize(100001);
        data.units[0] = {1, 0, UnitKind::Main, QStringLiteral("main"), 0, 0, -1, Outcome::None,
                         {}, {{0, -1, UnitState::Waiting, 0}}};
        for (quint32 i = 2; i <= 100001; ++i) {
            UnitRecord &u = data.units[i - 1];
            u.id = i;
            u.parent = 1;
            u.label = QStringLiteral("task %1").arg(i - 1);
            const qint64 s = qint64(i) * 10000;
            u.intervals = {{s, s + 1'000'000, UnitState::Pending, 0},
                           {s + 1'000'000, s + 1'100'000, UnitState::Running, 0},
                           {s + 1'100'000, s + 90'000'000, UnitState::Waiting, 0},
                           {s + 90'000'000, s + 90'100'000, UnitState::Running, 0}};
            u.outcome = Outcome::Completed;
            u.endNs = s + 90'100'000;
        }
        data.recomputeLastEventNs();
        const TimelineLayout layout(data, style);
        TimelineViewport vp;
        vp.setTimeArea(area.left(), area.width());
        vp.fit(data.endNs());
        vp.setScrollY(layout.contentHeight() / 2);
        const TimelineDrawList list =
            TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
        const int visibleRows = list.lastRow - list.firstRow + 1;
        REQUIRE(visibleRows > 10);
        REQUIRE(visibleRows <= 1080 / style.rowHeight + 2);
        REQUIRE(list.bars.size() <= std::size_t(visibleRows * 4));
        // Only the visible rows were looked at, and every interval of theirs is in some bar.
        qint64 visibleIntervals = 0;
        for (int r = list.firstRow; r <= list.lastRow; ++r) {
            const TimelineRow &row = layout.row(r);
            if (row.kind == TimelineRow::Kind::Unit)
                visibleIntervals += qint64(data.unit(row.unitId)->intervals.size());
        }
        REQUIRE(visibleIntervals > 0);
        REQUIRE(list.visitedIntervals <= visibleIntervals + 4);
        qint64 covered = 0;
        for (const auto &b : list.bars) {
            REQUIRE(b.row >= list.firstRow);
            REQUIRE(b.row <= list.lastRow);
            if (b.role == TimelineDrawList::Role::State)
                covered += b.count;
        }
        REQUIRE(covered == visibleIntervals);

        // And the picture shows them: a visible task waits at the middle of its wait.
        QImage image(geo.target.size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::magenta);
        QPainter p(&image);
        TimelinePainter::paint(p, data, layout, vp, style, geo, {});
        p.end();
        const int middle = (list.firstRow + list.lastRow) / 2;
        const TimelineRow &row = layout.row(middle);
        REQUIRE(row.kind == TimelineRow::Kind::Unit);
        const StateInterval &wait = data.unit(row.unitId)->intervals[2];
        REQUIRE(wait.state == UnitState::Waiting);
        const int y = int(geo.rowTop(row, vp.scrollY())) + row.height / 2;
        const int x = int(vp.mapTimeToX((wait.startNs + wait.endNs) / 2));
        REQUIRE(image.pixelColor(x, y) == style.stateColor(UnitState::Waiting));
    }
}

TEST_CASE("TimelinePainter keeps a job of milliseconds visible in a run of seconds",
          "[timeline][painter]")
{
    // The executor scenario's CPU job: ~10 ms on a worker in a 2 s run.
    const TimelineStyle style = TimelineStyle::light();
    TraceData data;
    data.units.resize(2);
    data.units[0] = {1, 0, UnitKind::Main, QStringLiteral("main"), 0, 0, 2 * Sec,
                     Outcome::Completed, {}, {{0, 2 * Sec, UnitState::Waiting, 0}}};
    data.units[1] = {2, 1, UnitKind::Executor, QStringLiteral("cpu_intensive_task(10000000)"), 0, 0,
                     10 * Ms, Outcome::Completed, {}, {{0, 10 * Ms, UnitState::Running, 3}}};
    data.info.totalNs = 2 * Sec;
    data.info.finished = true;
    const TimelineLayout layout(data, style);
    const TimelineGeometry geo = TimelineGeometry::compute(style, QRect(0, 0, 1000, 400));
    TimelineViewport vp;
    vp.setTimeArea(geo.timeArea.left(), geo.timeArea.width());
    vp.fit(data.info.totalNs);
    REQUIRE(vp.mapTimeToX(10 * Ms) - vp.mapTimeToX(0) < 5); // narrower than a few pixels
    const TimelineDrawList list = TimelinePainter::buildDrawList(data, layout, vp, style, geo, {});
    int jobBars = 0;
    for (const auto &b : list.bars) {
        if (b.unitId != 2)
            continue;
        ++jobBars;
        CHECK(b.rect.width() >= style.minBarWidth);
    }
    CHECK(jobBars == 2); // its own lane and the worker lane
}

TEST_CASE("TimelinePainter ruler ticks and labels read well", "[timeline][painter]")
{
    REQUIRE(TimelinePainter::tickStep(1e9 / 100.0, 80) == 1'000'000'000); // 100 px per second
    REQUIRE(TimelinePainter::tickStep(1e9 / 200.0, 80) == 500'000'000);
    REQUIRE(TimelinePainter::tickStep(1e9 / 300.0, 80) == 500'000'000);
    REQUIRE(TimelinePainter::tickStep(1e9 / 1000.0, 80) == 100'000'000);
    REQUIRE(TimelinePainter::tickStep(1e9 / 450.0, 80) == 200'000'000);

    REQUIRE(TimelinePainter::formatTick(0, 500 * Ms) == QStringLiteral("0 s"));
    REQUIRE(TimelinePainter::formatTick(500 * Ms, 500 * Ms) == QStringLiteral("0.5 s"));
    REQUIRE(TimelinePainter::formatTick(1500 * Ms, 500 * Ms) == QStringLiteral("1.5 s"));
    REQUIRE(TimelinePainter::formatTick(2 * Sec, Sec) == QStringLiteral("2 s"));
    REQUIRE(TimelinePainter::formatTick(250 * Ms, 50 * Ms) == QStringLiteral("0.25 s"));
    REQUIRE(TimelinePainter::formatTick(2500 * 1000, 500 * 1000) == QStringLiteral("2.5 ms"));
    REQUIRE(TimelinePainter::formatTick(15 * Ms, 5 * Ms) == QStringLiteral("15 ms"));
    REQUIRE(TimelinePainter::formatTick(40'000, 20'000) == QStringLiteral("0.04 ms"));
    REQUIRE(TimelinePainter::formatTick(4'000, 2'000) == QString::fromUtf8("4 \u00b5s"));

    REQUIRE(Wording::duration(4 * Sec) == QStringLiteral("4 s"));
    REQUIRE(Wording::duration(4040 * Ms) == QStringLiteral("4.04 s"));
    REQUIRE(Wording::duration(850 * Ms) == QStringLiteral("850 ms"));
}

TEST_CASE("TimelinePainter title names the scenario and its parameters", "[timeline][painter]")
{
    const TraceData data = semaphoreTrace();
    REQUIRE(TimelinePainter::title(data.info)
            == QString::fromUtf8("semaphore \u2014 requests=10, limit=3, delay=1"));
    RunInfo plain;
    plain.scenario = QStringLiteral("forgot_await");
    REQUIRE(TimelinePainter::title(plain) == QStringLiteral("forgot_await"));
    plain.params = {{QStringLiteral("page_delay"), 0.5}};
    REQUIRE(TimelinePainter::title(plain) == QString::fromUtf8("forgot_await \u2014 page_delay=0.5"));
}
