#include <catch2/catch.hpp>

#include "findingspanel.h"
#include "mainwindow.h"
#include "scenariotest.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelineview.h"
#include "wording.h"

#include <QDockWidget>
#include <QImage>
#include <QListWidget>
#include <QPainter>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>

using namespace Loopscope;
using Loopscope::Test::idOf;
using Loopscope::Test::runScenario;

namespace {

// The window after a finished virtual-clock run of a scenario.
struct FindingsWindow
{
    explicit FindingsWindow(const QString &scenario)
        : window(MainWindow::Persistence::Forget)
    {
        window.setClockMode(Clock::Mode::Virtual);
        window.resize(1300, 850);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(&window, &MainWindow::runFinished);
        REQUIRE(window.selectScenario(scenario));
        REQUIRE(QTest::qWaitFor([&] { return finished.count() >= 1; }, 20000));
    }
    FindingsPanel *panel() const { return window.findingsPanel(); }
    TimelineView *view() const { return window.timelineView(); }
    const std::vector<Finding> &findings() const
    {
        return view()->layout().analysis().findings();
    }
    // What the view draws now.
    TimelineDrawList drawList() const
    {
        return TimelinePainter::buildDrawList(*window.traceData(), view()->layout(),
                                              view()->timelineViewport(), view()->style(),
                                              view()->geometry(), {});
    }

    MainWindow window;
};

// The draw list of data in a picture of size, fitted.
TimelineDrawList drawListOf(const TraceData &data, const TimelineLayout &layout, QSize size)
{
    const TimelineStyle style = TimelineStyle::light();
    const TimelineGeometry geometry = TimelineGeometry::compute(style, QRect(QPoint(), size));
    TimelineViewport viewport;
    viewport.setTimeArea(geometry.timeArea.left(), geometry.timeArea.width());
    viewport.fit(data.endNs());
    return TimelinePainter::buildDrawList(data, layout, viewport, style, geometry, {});
}

} // namespace

TEST_CASE("Findings panel: the blocking pitfall's blocked loop is listed, the window has a "
          "Findings dock in the View menu",
          "[findings][mainwindow]")
{
    FindingsWindow f(QStringLiteral("blocking_pitfall"));
    REQUIRE(f.panel()->count() == 1);
    const QString row = f.panel()->text(0);
    CHECK(row.startsWith(QStringLiteral("blocked loop \u00b7 at 500 ms")));
    CHECK(row.contains(QStringLiteral("Task 3 held the event loop for 1 s")));
    CHECK(f.panel()->emptyText().isEmpty());
    auto *dock = f.window.findChild<QDockWidget *>(QStringLiteral("findingsDock"));
    REQUIRE(dock);
    CHECK(dock->widget() == f.panel());
    CHECK(dock->toggleViewAction()->text() == QStringLiteral("Findings"));
    // Raised over Stats and At This Moment: the run found something.
    QString current;
    for (const QTabBar *tabs : f.window.findChildren<QTabBar *>()) {
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->tabText(i) == QStringLiteral("Findings"))
                current = tabs->tabText(tabs->currentIndex());
        }
    }
    CHECK(current == QStringLiteral("Findings"));
}

TEST_CASE("Findings panel: an opened trace shows its findings, a new run clears them",
          "[findings][mainwindow]")
{
    QTemporaryDir dir;
    const QString json = dir.filePath(QStringLiteral("blocking.json"));
    {
        FindingsWindow f(QStringLiteral("blocking_pitfall"));
        ExportRequest request;
        request.format = ExportRequest::Format::TraceJson;
        QString error;
        REQUIRE(f.window.exportTo(json, request, &error));
    }
    FindingsWindow f(QStringLiteral("concurrent_tasks"));
    REQUIRE(f.panel()->count() == 0);
    QString error;
    REQUIRE(f.window.openTrace(json, &error));
    REQUIRE(f.panel()->count() == 1);
    CHECK(f.panel()->text(0).startsWith(QStringLiteral("blocked loop")));
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.run());
    CHECK(f.panel()->count() == 0); // the new run's, not the file's
    REQUIRE(QTest::qWaitFor([&] { return finished.count() >= 1; }, 20000));
    CHECK(f.panel()->emptyText() == QStringLiteral("No findings in this run."));
}

TEST_CASE("Findings panel: concurrent_tasks has none and says so plainly", "[findings][mainwindow]")
{
    FindingsWindow f(QStringLiteral("concurrent_tasks"));
    CHECK(f.panel()->count() == 0);
    CHECK(f.panel()->emptyText() == QStringLiteral("No findings in this run."));
    CHECK(f.drawList().findingMarkers.empty());
}

TEST_CASE("Findings panel: selecting a finding moves the time cursor there and selects its unit",
          "[findings][mainwindow]")
{
    FindingsWindow f(QStringLiteral("blocking_pitfall"));
    REQUIRE(f.findings().size() == 1);
    const Finding finding = f.findings().front();
    const quint32 task3 = idOf(*f.window.traceData(), QStringLiteral("Task 3"));
    REQUIRE(finding.unit == task3);
    REQUIRE(f.view()->zoomControl()->cursorNs() != finding.timeNs);
    f.panel()->selectFinding(0);
    CHECK(f.view()->zoomControl()->cursorNs() == finding.timeNs);
    CHECK(f.view()->selectedUnit() == task3);
    // A click on the selected row goes back to it after the cursor moved on.
    f.view()->setCursorTime(0);
    auto *list = f.panel()->findChild<QListWidget *>();
    REQUIRE(list);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->item(0)).center());
    CHECK(f.view()->zoomControl()->cursorNs() == finding.timeNs);
}

TEST_CASE("Finding markers: on the loop lane at the finding's time, with its text as tooltip; a "
          "click selects it in the panel",
          "[findings][timeline]")
{
    FindingsWindow f(QStringLiteral("blocking_pitfall"));
    const TimelineDrawList list = f.drawList();
    REQUIRE(list.findingMarkers.size() == 1);
    const TimelineDrawList::FindingMarker &m = list.findingMarkers.front();
    CHECK(m.finding == 0);
    CHECK(m.kind == FindingKind::BlockedLoop);
    CHECK(f.view()->layout().row(m.row).kind == TimelineRow::Kind::Loop);
    // It ends at the finding's time, on its row.
    const double x = f.view()->timelineViewport().mapTimeToX(f.findings().front().timeNs);
    CHECK(m.rect.right() == Approx(x - 1));
    const TimelineRow &row = f.view()->layout().row(m.row);
    const QRectF lane = f.view()->geometry().laneRect(row, f.view()->timelineViewport().scrollY());
    CHECK(lane.contains(m.rect));

    const QPointF at = m.rect.center();
    CHECK(f.view()->findingAt(at) == 0);
    CHECK(f.view()->findingAt(at + QPointF(0, row.height)) == -1);
    CHECK(f.view()->toolTipAt(at).contains(f.findings().front().text.toHtmlEscaped()));

    f.view()->setCursorTime(0);
    QWidget *vp = f.view()->QAbstractScrollArea::viewport();
    QTest::mouseClick(vp, Qt::LeftButton, {}, at.toPoint());
    CHECK(f.panel()->selectedFinding() == 0);
    CHECK(f.view()->zoomControl()->cursorNs() == f.findings().front().timeNs);
}

TEST_CASE("Finding markers are painted in the finding colour", "[findings][timeline][painter]")
{
    const TraceData data = runScenario(QStringLiteral("blocking_pitfall"));
    for (const TimelineStyle &style : {TimelineStyle::light(), TimelineStyle::dark()}) {
        INFO(style.name.toStdString());
        const TimelineLayout layout(data, style);
        const QSize size(1200, 400);
        const TimelineGeometry geometry = TimelineGeometry::compute(style, QRect(QPoint(), size));
        TimelineViewport viewport;
        viewport.setTimeArea(geometry.timeArea.left(), geometry.timeArea.width());
        viewport.fit(data.endNs());
        const TimelineDrawList list =
            TimelinePainter::buildDrawList(data, layout, viewport, style, geometry, {});
        REQUIRE(list.findingMarkers.size() == 1);
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::magenta);
        {
            QPainter p(&image);
            TimelinePainter::paint(p, data, layout, viewport, style, geometry, {});
        }
        const QRectF r = list.findingMarkers.front().rect;
        // Inside the triangle, beside the exclamation mark; the mark itself stands out.
        const QColor fill =
            image.pixelColor(QPointF(r.center().x() - r.width() / 4, r.bottom() - 2.5).toPoint());
        CHECK(fill == style.finding);
        const QColor mark =
            image.pixelColor(QPointF(r.center().x(), r.top() + r.height() * 0.55).toPoint());
        CHECK(std::abs(qGray(mark.rgb()) - qGray(fill.rgb())) > 100);
    }
}

TEST_CASE("Cause arrows: from the failed TaskGroup child to each sibling it cancelled",
          "[findings][timeline][cancelled_by]")
{
    // Item i sleeps 0.5 + 0.1 (i - 1) s: item 5 fails at 0.9 s while 6 and 7 still sleep.
    const TraceData data =
        runScenario(QStringLiteral("taskgroup"), {QStringLiteral("stagger=0.1")});
    const TimelineLayout layout(data, TimelineStyle::light());
    const TimelineDrawList list = drawListOf(data, layout, QSize(1200, 500));
    const quint32 item5 = idOf(data, QStringLiteral("item 5"));
    REQUIRE(list.causeArrows.size() == 2);
    for (const auto &[arrow, label] :
         {std::pair{list.causeArrows[0], "item 6"}, std::pair{list.causeArrows[1], "item 7"}}) {
        INFO(label);
        CHECK(arrow.causeUnit == item5);
        CHECK(arrow.unitId == idOf(data, QLatin1String(label)));
        CHECK(arrow.row == layout.rowOfUnit(arrow.unitId));
        CHECK(arrow.from.x() == Approx(arrow.to.x())); // cancelled as item 5 failed
        CHECK(arrow.from.y() < arrow.to.y());          // item 5's lane is above theirs
    }

    SECTION("none without a cancellation")
    {
        const TraceData plain = runScenario(QStringLiteral("concurrent_tasks"));
        const TimelineLayout plainLayout(plain, TimelineStyle::light());
        CHECK(drawListOf(plain, plainLayout, QSize(1200, 500)).causeArrows.empty());
    }
}

TEST_CASE("Cause arrows and deadlines say why in their tooltip",
          "[findings][timeline][cancelled_by]")
{
    SECTION("a cause arrow")
    {
        FindingsWindow f(QStringLiteral("taskgroup"));
        f.window.setParams(ScenarioParams({{QStringLiteral("stagger"), 0.1}}));
        QSignalSpy finished(&f.window, &MainWindow::runFinished);
        REQUIRE(f.window.run());
        REQUIRE(QTest::qWaitFor([&] { return finished.count() >= 1; }, 20000));
        const TimelineDrawList list = f.drawList();
        REQUIRE(list.causeArrows.size() == 2);
        const QString tip = f.view()->toolTipAt(list.causeArrows[0].to);
        CHECK(tip.contains(
            QStringLiteral("cancelled by TaskGroup: item 5 failed with ValueError")));
        // At the cause's end: what it did to the unit the arrow points at.
        const QString fromTip = f.view()->toolTipAt(list.causeArrows[0].from);
        CHECK(fromTip.startsWith(QStringLiteral("<b>item 6</b>")));
        CHECK(fromTip.contains(QStringLiteral("item 5 failed with ValueError")));
    }
    SECTION("a timeout's deadline")
    {
        FindingsWindow f(QStringLiteral("wait_for_timeout"));
        const TraceData &data = *f.window.traceData();
        REQUIRE(data.deadlines.size() == 1);
        const DeadlineMarker d = data.deadlines.front();
        const UnitRecord *u = data.unit(d.unit);
        REQUIRE(u);
        CHECK(u->outcome == Outcome::TimedOut);
        const int r = f.view()->layout().rowOfUnit(d.unit);
        REQUIRE(r >= 0);
        const TimelineRow &row = f.view()->layout().row(r);
        const QPointF at(f.view()->timelineViewport().mapTimeToX(d.timeNs),
                         f.view()->geometry().rowTop(row, 0) + row.height / 2.0);
        const QString tip = f.view()->toolTipAt(at);
        CHECK(tip.contains(QStringLiteral("deadline at 2 s")));
        CHECK(tip.contains(Wording::cancelledBy(data, *u)));
    }
}

TEST_CASE("Findings panel: a refresh mid-run keeps the selected finding and says nothing new",
          "[findings]")
{
    // A live run hands the panel its findings again every 250 ms: the row the user selected
    // stays selected (found again by kind and unit when the list changed), and no refresh
    // announces a selection the user did not make (the cursor would jump back).
    FindingsPanel panel;
    QSignalSpy activated(&panel, &FindingsPanel::findingActivated);
    std::vector<Finding> findings{
        {FindingKind::BlockedLoop, 3, 500'000'000, QStringLiteral("Task 3 held the loop.")},
        {FindingKind::NeverAwaited, 5, 700'000'000, QStringLiteral("fetch() was never awaited.")},
    };
    panel.setFindings(findings);
    panel.selectFinding(1);
    REQUIRE(activated.count() == 1);
    panel.setFindings(findings);
    CHECK(panel.selectedFinding() == 1);
    // One more finding before it, and its own sentence grew: still the same finding.
    findings.insert(findings.begin(), Finding{FindingKind::SequentialAwaits, 1, 100'000'000,
                                              QStringLiteral("main awaited one at a time.")});
    findings[2].text = QStringLiteral("fetch() was never awaited (2 times).");
    panel.setFindings(findings);
    CHECK(panel.count() == 3);
    CHECK(panel.selectedFinding() == 2);
    CHECK(activated.count() == 1);
    // Gone: nothing is selected.
    findings.pop_back();
    panel.setFindings(findings);
    CHECK(panel.selectedFinding() == -1);
    CHECK(activated.count() == 1);
}
