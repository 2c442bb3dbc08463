#include <catch2/catch.hpp>

#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinestyle.h"
#include "timelinetestdata.h"
#include "timelinezoomcontrol.h"

#include <QSignalSpy>

using namespace Loopscope;
using namespace Loopscope::Test;

TEST_CASE("niceCeil rounds up to 1, 2 or 5 x 10^k", "[timeline][zoom]")
{
    CHECK(niceCeil(0) == 1);
    CHECK(niceCeil(1) == 1);
    CHECK(niceCeil(3) == 5);
    CHECK(niceCeil(1000) == 1000);
    CHECK(niceCeil(1001) == 2000);
    CHECK(niceCeil(2001) == 5000);
    CHECK(niceCeil(5001) == 10000);
    CHECK(niceCeil(1'050'000'000) == 2'000'000'000);
}

TEST_CASE("TimelineZoomControl follows a live run until the user pans away", "[timeline][zoom]")
{
    TimelineZoomControl zoom;
    zoom.setTimeArea(200, 1000);
    QSignalSpy range(&zoom, &TimelineZoomControl::rangeChanged);
    QSignalSpy following(&zoom, &TimelineZoomControl::followingChanged);
    zoom.setLive(true);
    REQUIRE(zoom.isFollowing());
    REQUIRE(following.count() == 1);

    zoom.setEndNs(1'500'000'000);
    // The whole run so far, in a round window.
    CHECK(zoom.viewport().startNs() == 0);
    CHECK(zoom.viewport().endNs() == 2'000'000'000);
    const int changes = range.count();
    zoom.setEndNs(1'600'000'000); // still inside the round window: no change
    CHECK(range.count() == changes);

    SECTION("zooming in about the edge keeps following")
    {
        zoom.zoomIn();
        CHECK(zoom.isFollowing());
        zoom.setEndNs(3'000'000'000);
        CHECK(zoom.viewport().isVisible(3'000'000'000, 3'000'000'000));
    }
    SECTION("panning stops following, follow() returns to the edge")
    {
        zoom.pan(300);
        CHECK_FALSE(zoom.isFollowing());
        const TimelineViewport before = zoom.viewport();
        zoom.setEndNs(9'000'000'000);
        CHECK(zoom.viewport().startNs() == before.startNs());
        zoom.follow();
        CHECK(zoom.isFollowing());
        CHECK(zoom.viewport().isVisible(9'000'000'000, 9'000'000'000));
    }
    SECTION("finishing shows the whole run")
    {
        zoom.finishLive(2'500'000'000);
        CHECK_FALSE(zoom.isFollowing());
        CHECK(zoom.viewport().startNs() == 0);
        CHECK(zoom.viewport().endNs() == 2'500'000'000);
    }
}

TEST_CASE("TimelineZoomControl keeps a finished run in range and shows the cursor",
          "[timeline][zoom]")
{
    TimelineZoomControl zoom;
    zoom.setTimeArea(200, 1000);
    zoom.setEndNs(10 * Sec);
    zoom.fit();
    zoom.setRange(2 * Sec, 3 * Sec);
    QSignalSpy range(&zoom, &TimelineZoomControl::rangeChanged);
    QSignalSpy cursor(&zoom, &TimelineZoomControl::cursorChanged);

    zoom.pan(-100000); // far beyond the end
    CHECK(zoom.viewport().endNs() == 10 * Sec);
    CHECK(zoom.viewport().durationNs() == Sec);
    CHECK(range.count() == 1);

    zoom.setCursorNs(1 * Sec); // off screen: brought into view at the same zoom
    REQUIRE(cursor.count() == 1);
    CHECK(zoom.cursorNs() == Sec);
    CHECK(zoom.viewport().isVisible(Sec, Sec));
    CHECK(zoom.viewport().durationNs() == Sec);
    zoom.setCursorNs(1 * Sec);
    CHECK(cursor.count() == 1); // one signal per change

    QSignalSpy selection(&zoom, &TimelineZoomControl::selectionChanged);
    zoom.setSelectedUnit(4);
    zoom.setSelectedUnit(4);
    CHECK(selection.count() == 1);
    // Several (the tasks waiting at a line of code): the first is the selected unit.
    zoom.setSelectedUnits({2, 0, 3});
    zoom.setSelectedUnits({2, 3});
    CHECK(selection.count() == 2);
    CHECK(zoom.selectedUnit() == 2);
    CHECK(zoom.selectedUnits() == QList<quint32>{2, 3});
    zoom.setSelectedUnit(3);
    CHECK(zoom.selectedUnits() == QList<quint32>{3});
    CHECK(selection.count() == 3);
    zoom.reset();
    CHECK(zoom.selectedUnit() == 0);
    CHECK(zoom.cursorNs() == -1);
}

TEST_CASE("TimelineGeometry places the label column, time area and rows once",
          "[timeline][geometry]")
{
    const TimelineStyle style = TimelineStyle::light();
    const TraceData data = treeTrace();
    const TimelineLayout layout(data, style);
    const QRect target(0, 0, 1200, 600);
    const TimelineGeometry g = TimelineGeometry::compute(style, target, 300);
    CHECK(g.timeArea.left() == style.margin + 300);
    CHECK(g.timeArea.left() + g.timeArea.width() == 1200 - style.margin - style.rightMargin);
    CHECK(g.rows.top() == style.headerHeight());
    CHECK(g.rows.bottom() + 1 == 600 - style.footerHeight());
    CHECK(g.legend.top() == g.rows.bottom() + 1);

    const TimelineRow &first = layout.row(0);
    CHECK(g.rowTop(first, 0) == g.rows.top());
    CHECK(g.rowTop(first, 10) == g.rows.top() - 10);
    CHECK(g.rowAt(layout, QPointF(50, g.rows.top() + 1), 0) == 0);
    CHECK(g.rowAt(layout, QPointF(50, g.rows.top() - 1), 0) == -1);
    CHECK(g.inRuler(QPointF(g.timeArea.left() + 5, g.ruler.center().y())));
    CHECK_FALSE(g.inRuler(QPointF(20, g.ruler.center().y())));

    // Labels decide the column: at least the style's, at most 35% of the width.
    const int fitted = TimelineGeometry::fitLabelWidth(data, layout, style, 1200);
    CHECK(fitted >= style.labelWidth);
    CHECK(fitted <= std::max(style.labelWidth, int(1200 * 0.35)));
    TraceData wide = data;
    wide.units[1].label = QString(200, QLatin1Char('w'));
    const TimelineLayout wideLayout(wide, style);
    CHECK(TimelineGeometry::fitLabelWidth(wide, wideLayout, style, 1200) == int(1200 * 0.35));

    // The live view keeps what it measured: the same column, and the next fit reads the widths
    // it knows instead of measuring (a known width is taken as it is).
    TimelineGeometry::LabelWidths known;
    CHECK(TimelineGeometry::fitLabelWidth(data, layout, style, 1200, &known) == fitted);
    CHECK(known.contains(data.units[1].label));
    CHECK(TimelineGeometry::fitLabelWidth(data, layout, style, 1200, &known) == fitted);
    known[data.units[1].label] = 5000;
    CHECK(TimelineGeometry::fitLabelWidth(data, layout, style, 1200, &known) == int(1200 * 0.35));
}
