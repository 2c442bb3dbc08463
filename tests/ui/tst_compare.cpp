// Pin this run, run again, compare: two lanes per task (A faint under B), the delta table,
// exports of what the view shows, unpin.
#include <catch2/catch.hpp>

#include "comparepanel.h"
#include "mainwindow.h"
#include "run/runcontroller.h"
#include "runcomparison.h"
#include "scenariotest.h"
#include "timelinegeometry.h"
#include "timelineview.h"

#include <QAction>
#include <QImage>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Loopscope;
using Loopscope::Test::idOf;

namespace {

constexpr qint64 S = 1'000'000'000;

QAction *actionNamed(MainWindow &window, const QString &text)
{
    for (QAction *a : window.findChildren<QAction *>()) {
        if (a->text() == text)
            return a;
    }
    FAIL("no action " << text.toStdString());
    return nullptr;
}

//! The pixel at time t in the middle of row `row` of the view.
QRgb pixelAt(TimelineView &view, const QImage &image, int row, qint64 t)
{
    const TimelineRow &r = view.layout().row(row);
    const double y = view.geometry().rowTop(r, view.timelineViewport().scrollY()) + r.height / 2.0;
    const double x = view.timelineViewport().mapTimeToX(t);
    return image.pixel(int(x), int(y));
}

int lightness(QRgb rgb)
{
    return QColor(rgb).lightness();
}

} // namespace

TEST_CASE("MainWindow: pin a run, run again, compare on one axis, unpin", "[mainwindow][compare]")
{
    MainWindow window(MainWindow::Persistence::Forget);
    window.setClockMode(Clock::Mode::Virtual);
    window.resize(1300, 1000);
    window.show();
    QSignalSpy finished(&window, &MainWindow::runFinished);
    auto waitFinished = [&](int count) {
        return QTest::qWaitFor(
            [&] { return finished.count() >= count && !window.runController()->isRunning(); },
            20000);
    };
    REQUIRE(window.selectScenario(QStringLiteral("semaphore"))); // limit 3
    REQUIRE(waitFinished(1));
    TimelineView *view = window.timelineView();
    const int rowsAlone = view->layout().rowCount();
    QTemporaryDir dir;
    ExportRequest request;
    request.format = ExportRequest::Format::Png;
    request.size = QSize(900, 0);
    request.dpr = 1;
    QString error;
    REQUIRE(window.exportTo(dir.filePath(QStringLiteral("alone.png")), request, &error));

    QAction *pin = actionNamed(window, QStringLiteral("&Pin This Run"));
    QAction *unpin = actionNamed(window, QStringLiteral("U&npin"));
    CHECK(pin->isEnabled());
    CHECK_FALSE(unpin->isEnabled());
    pin->trigger();
    REQUIRE(window.isPinned());
    CHECK(unpin->isEnabled());
    CHECK(window.comparePanel()->heading().contains(QStringLiteral("limit=3")));

    // The next run is B: a parameter change.
    window.setParams(ScenarioParams({ { QStringLiteral("requests"), 10 },
        { QStringLiteral("limit"), 5 }, { QStringLiteral("delay"), 1 } }));
    REQUIRE(window.run());
    REQUIRE(waitFinished(2));
    const TraceData &b = window.runController()->data();
    REQUIRE(b.info.totalNs == 2 * S);
    const TraceData *a = window.runController()->pinned();
    REQUIRE(a);
    REQUIRE(a->info.totalNs == 4 * S);

    SECTION("each task's A lane directly under its B lane, drawn fainter")
    {
        CHECK(view->layout().rowCount() == rowsAlone + 11); // main and 10 requests
        for (int i = 1; i <= 10; ++i) {
            const QString label = QStringLiteral("req%1").arg(i);
            INFO(label.toStdString());
            const int row = view->layout().rowOfUnit(idOf(b, label));
            REQUIRE(row >= 0);
            CHECK_FALSE(view->layout().row(row).faint);
            const TimelineRow &under = view->layout().row(row + 1);
            CHECK(under.faint);
            CHECK(under.unitId == RunComparison::pinnedId(b, idOf(*a, label)));
            CHECK(view->drawn()->unit(under.unitId)->label == label);
        }
        // One axis: A's 4 s fit, not only B's 2 s.
        CHECK(view->timelineViewport().endNs() == 4 * S);
        // req1 waits from 0 to 1 s in both runs: same colour, A's lighter (faint).
        const QImage image = view->viewport()->grab().toImage();
        const int row = view->layout().rowOfUnit(idOf(b, QStringLiteral("req1")));
        const QRgb bPixel = pixelAt(*view, image, row, S / 2);
        const QRgb aPixel = pixelAt(*view, image, row + 1, S / 2);
        CHECK(QColor(bPixel) == view->style().stateColor(UnitState::Waiting));
        CHECK(lightness(aPixel) > lightness(bPixel));
        // After B's end, A's req10 still waits: a faint bar where B has none.
        const int req10 = view->layout().rowOfUnit(idOf(b, QStringLiteral("req10")));
        const QRgb late = pixelAt(*view, image, req10 + 1, 3 * S + S / 2);
        CHECK(QColor(late) != view->style().background);
        CHECK(QColor(late) != view->style().alternateRow);
    }
    SECTION("the delta table: run figures, then every task's end and waiting time")
    {
        QTableWidget *table = window.comparePanel()->table();
        REQUIRE(table->rowCount() == ComparePanel::RunRows + 10);
        auto cell = [table](int row, int column) { return table->item(row, column)->text(); };
        CHECK(cell(0, ComparePanel::What) == QStringLiteral("total time"));
        CHECK(cell(0, ComparePanel::EndA) == QStringLiteral("4 s"));
        CHECK(cell(0, ComparePanel::EndB) == QStringLiteral("2 s"));
        CHECK(cell(0, ComparePanel::EndDelta) == QStringLiteral("-2 s"));
        CHECK(cell(1, ComparePanel::EndA) == QStringLiteral("3"));
        CHECK(cell(1, ComparePanel::EndB) == QStringLiteral("5"));
        CHECK(cell(1, ComparePanel::EndDelta) == QStringLiteral("+2"));
        const int req10 = ComparePanel::RunRows + 9;
        CHECK(cell(req10, ComparePanel::What) == QStringLiteral("req10"));
        CHECK(cell(req10, ComparePanel::EndA) == QStringLiteral("4 s"));
        CHECK(cell(req10, ComparePanel::EndB) == QStringLiteral("2 s"));
        CHECK(cell(req10, ComparePanel::EndDelta) == QStringLiteral("-2 s"));
        CHECK(cell(req10, ComparePanel::WaitA) == QStringLiteral("4 s"));
        CHECK(cell(req10, ComparePanel::WaitDelta) == QStringLiteral("-2 s"));
    }
    SECTION("an export draws what the view shows: both runs")
    {
        REQUIRE(window.exportTo(dir.filePath(QStringLiteral("both.png")), request, &error));
        const QImage alone(dir.filePath(QStringLiteral("alone.png")));
        const QImage both(dir.filePath(QStringLiteral("both.png")));
        CHECK(both.height() - alone.height() == 11 * view->style().rowHeight);
    }
    SECTION("unpin returns to one run")
    {
        unpin->trigger();
        CHECK_FALSE(window.isPinned());
        CHECK(view->layout().rowCount() == rowsAlone);
        for (const TimelineRow &r : view->layout().rows())
            CHECK_FALSE(r.faint);
        CHECK(view->drawn() == &b);
        CHECK(window.comparePanel()->table()->rowCount() == 0);
        CHECK(view->timelineViewport().endNs() == 2 * S);
    }
}

TEST_CASE("MainWindow: an opened trace is B against the pinned run", "[mainwindow][compare]")
{
    QTemporaryDir dir;
    QString error;
    // B on disk first: the semaphore at limit 5, from a run of its own.
    const QString bFile = dir.filePath(QStringLiteral("limit5.json"));
    {
        MainWindow other(MainWindow::Persistence::Forget);
        other.setClockMode(Clock::Mode::Virtual);
        QSignalSpy done(&other, &MainWindow::runFinished);
        REQUIRE(other.selectScenario(QStringLiteral("semaphore")));
        REQUIRE(QTest::qWaitFor(
            [&] { return done.count() >= 1 && !other.runController()->isRunning(); }, 20000));
        other.setParams(ScenarioParams({ { QStringLiteral("requests"), 10 },
            { QStringLiteral("limit"), 5 }, { QStringLiteral("delay"), 1 } }));
        REQUIRE(other.run());
        REQUIRE(QTest::qWaitFor(
            [&] { return done.count() >= 2 && !other.runController()->isRunning(); }, 20000));
        REQUIRE(other.runController()->data().info.totalNs == 2 * S);
        ExportRequest trace;
        trace.format = ExportRequest::Format::TraceJson;
        REQUIRE(other.exportTo(bFile, trace, &error));
    }
    MainWindow window(MainWindow::Persistence::Forget);
    window.setClockMode(Clock::Mode::Virtual);
    window.resize(1300, 1000);
    window.show();
    QSignalSpy finished(&window, &MainWindow::runFinished);
    REQUIRE(window.selectScenario(QStringLiteral("semaphore"))); // limit 3: A
    REQUIRE(QTest::qWaitFor(
        [&] { return finished.count() >= 1 && !window.runController()->isRunning(); }, 20000));
    REQUIRE(window.pinRun(&error));
    REQUIRE(window.openTrace(bFile, &error));
    REQUIRE(window.isPinned());
    TimelineView *view = window.timelineView();
    const TraceData *b = view->data();
    REQUIRE(b);
    REQUIRE(b->info.totalNs == 2 * S);
    const int row = view->layout().rowOfUnit(idOf(*b, QStringLiteral("req10")));
    REQUIRE(row >= 0);
    CHECK(view->layout().row(row + 1).faint);
    QTableWidget *table = window.comparePanel()->table();
    REQUIRE(table->rowCount() == ComparePanel::RunRows + 10);
    CHECK(table->item(0, ComparePanel::EndA)->text() == QStringLiteral("4 s"));
    CHECK(table->item(0, ComparePanel::EndB)->text() == QStringLiteral("2 s"));
}
