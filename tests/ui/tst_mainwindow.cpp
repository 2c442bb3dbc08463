#include <catch2/catch.hpp>

#include "atomicfile.h"
#include "codepanel.h"
#include "eventloopchecker.h"
#include "mainwindow.h"
#include "momentpanel.h"
#include "outputpanel.h"
#include "parameterpanel.h"
#include "run/runcontroller.h"
#include "scenariobrowser.h"
#include "scenarios/scenarioregistry.h"
#include "statspanel.h"
#include "testsupport.h"
#include "timelinegeometry.h"
#include "timelineplayer.h"
#include "timelineview.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <csignal>

#include <QAbstractSpinBox>
#include <QMimeData>
#include <QUrl>
#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSlider>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTextBlock>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QXmlStreamReader>

#include <thread>

using namespace Loopscope;
using Loopscope::Test::EventLoopChecker;

namespace {

constexpr int RunTimeoutMs = 20000;

struct WindowFixture
{
    explicit WindowFixture(Clock::Mode clock = Clock::Mode::Virtual)
        : window(MainWindow::Persistence::Forget)
    {
        window.setClockMode(clock);
        window.resize(1300, 850);
        window.show();
    }
    // Picks a scenario in the browser as a user would.
    void pick(const QString &id)
    {
        auto *tree = window.browser()->findChild<QTreeWidget *>();
        REQUIRE(tree);
        QTreeWidgetItem *found = nullptr;
        for (int g = 0; g < tree->topLevelItemCount(); ++g) {
            for (int i = 0; i < tree->topLevelItem(g)->childCount(); ++i) {
                QTreeWidgetItem *item = tree->topLevelItem(g)->child(i);
                if (item->data(0, Qt::UserRole).toString() == id)
                    found = item;
            }
        }
        REQUIRE(found);
        tree->setCurrentItem(found);
    }
    bool waitFinished(QSignalSpy &spy, int count = 1)
    {
        return QTest::qWaitFor([&] { return spy.count() >= count && !window.runController()->isRunning(); },
                               RunTimeoutMs);
    }
    const UnitRecord *unitNamed(const QString &label) const
    {
        for (const UnitRecord &u : window.traceData()->units) {
            if (u.label == label)
                return &u;
        }
        return nullptr;
    }
    double param(const QString &name) const
    {
        for (const auto &[n, v] : window.runController()->data().info.params) {
            if (n == name)
                return v;
        }
        return -1;
    }

    MainWindow window;
};

} // namespace

TEST_CASE("Your programs: two of the same name are told apart by their folders",
          "[mainwindow][browser]")
{
    const QStringList labels = ScenarioBrowser::programLabels(
        {QStringLiteral("/work/main/tests/programs/echo.py"),
         QStringLiteral("/work/other/tests/programs/echo.py"), QStringLiteral("/home/a/lock.py"),
         QStringLiteral("/srv/x/echo.py")});
    // Alone in its name: the file name only. Sharing one: as many trailing folders as it takes.
    CHECK(labels.value(0) == QStringLiteral("echo.py \u2014 main/tests/programs"));
    CHECK(labels.value(1) == QStringLiteral("echo.py \u2014 other/tests/programs"));
    CHECK(labels.value(2) == QStringLiteral("lock.py"));
    CHECK(labels.value(3) == QStringLiteral("echo.py \u2014 x"));
}

TEST_CASE("MainWindow: picking a scenario runs it and its lanes appear", "[mainwindow]")
{
    WindowFixture f;
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    f.pick(QStringLiteral("semaphore"));
    REQUIRE(f.waitFinished(finished));
    REQUIRE(f.window.currentScenario() == QStringLiteral("semaphore"));
    const TraceData *data = f.window.traceData();
    REQUIRE(data);
    REQUIRE(data->info.finished);
    REQUIRE(data->info.totalNs == 4'000'000'000);
    // One lane per request, plus the counters and main.
    const TimelineLayout &layout = f.window.timelineView()->layout();
    for (int i = 1; i <= 10; ++i) {
        const UnitRecord *u = f.unitNamed(QStringLiteral("req%1").arg(i));
        REQUIRE(u);
        REQUIRE(layout.rowOfUnit(u->id) >= 0);
    }
    // Fitted after the run; output and stats filled.
    REQUIRE(f.window.timelineView()->timelineViewport().endNs() == data->info.totalNs);
    REQUIRE(f.window.outputPanel()->lineCount() == int(data->output.size()));
    REQUIRE(f.window.outputPanel()->lineCount() > 0);
    REQUIRE(f.window.statsPanel()->stats().maxConcurrency == 3);
    REQUIRE(f.window.statsPanel()->valueText(QStringLiteral("speedup")) == QStringLiteral("2.50\u00d7"));

    // Clicking an output line moves the timeline cursor to its time.
    QSignalSpy cursor(f.window.timelineView(), &TimelineView::cursorTimeChanged);
    const int last = f.window.outputPanel()->lineCount() - 1;
    f.window.outputPanel()->activateLine(last);
    REQUIRE(f.window.timelineView()->cursorNs() == f.window.outputPanel()->lineTimeNs(last));
}

TEST_CASE("MainWindow: moving a slider re-runs with the new value", "[mainwindow]")
{
    WindowFixture f;
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("semaphore")));
    REQUIRE(f.waitFinished(finished));
    REQUIRE(f.param(QStringLiteral("limit")) == 3);

    QSlider *slider = f.window.parameterPanel()->slider(QStringLiteral("limit"));
    REQUIRE(slider);
    QSignalSpy edited(f.window.parameterPanel(), &ParameterPanel::paramsEdited);
    QSignalSpy started(f.window.runController(), &RunController::started);
    // A drag: several steps in a row, the events of each handled before the next one.
    // limit takes 1..50: position 4 is 5.
    for (int position : {7, 1, 2, 4}) {
        slider->setValue(position);
        QCoreApplication::processEvents();
    }
    REQUIRE(f.waitFinished(finished, 2));
    REQUIRE(f.param(QStringLiteral("limit")) == 5);
    // 10 requests through Semaphore(5): two waves.
    REQUIRE(f.window.traceData()->info.totalNs == 2'000'000'000);
    // Debounced: one edit and one re-run for the whole drag, not one per step.
    REQUIRE(edited.count() == 1);
    REQUIRE(started.count() == 1);
    REQUIRE(finished.count() == 2);
}

TEST_CASE("MainWindow: Stop mid-run leaves every task ended", "[mainwindow]")
{
    WindowFixture f(Clock::Mode::Real);
    f.window.setTimeScale(1.0);
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("cancellation"), false));
    f.window.setParams(ScenarioParams({{QStringLiteral("duration"), 10.0}}));
    REQUIRE(f.window.run());
    // Wait until the task is under way, then stop.
    REQUIRE(QTest::qWaitFor(
        [&] {
            const TraceData *d = f.window.traceData();
            return d && d->units.size() >= 2 && f.window.runController()->liveEdgeNs() > 200'000'000;
        },
        RunTimeoutMs));
    REQUIRE(f.window.runController()->isRunning());
    f.window.stop();
    REQUIRE(f.waitFinished(finished));
    const TraceData *data = f.window.traceData();
    REQUIRE(data->info.totalNs < 5'000'000'000);
    for (const UnitRecord &u : data->units) {
        if (u.label.isEmpty())
            continue;
        INFO(u.label.toStdString());
        REQUIRE(u.outcome != Outcome::None);
        REQUIRE(u.endNs >= 0);
    }
    REQUIRE_FALSE(f.window.timelineView()->isLive());
}

TEST_CASE("EventLoopChecker sees a blocked thread", "[mainwindow][checker]")
{
    EventLoopChecker checker;
    checker.start();
    REQUIRE(QTest::qWaitFor([&] { return checker.ticks() >= 3; }, RunTimeoutMs));
    CHECK(checker.longestStallMs() < 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(150)); // the thread blocked
    REQUIRE(QTest::qWaitFor([&] { return checker.ticks() >= 5; }, RunTimeoutMs));
    checker.stop();
    CHECK(checker.longestStallMs() >= 135);
}

TEST_CASE("MainWindow: the window thread is never blocked for 100 ms during a live run",
          "[mainwindow][checker]")
{
    struct Live {
        const char *scenario;
        ScenarioParams params;
    };
    // The blocking pitfall blocks its own loop on purpose (1 s of real time here); stress
    // streams a few thousand tasks to the live timeline.
    const Live runs[] = {
        {"blocking_pitfall", ScenarioParams({{QStringLiteral("block"), 5.0}})},
        {"stress", ScenarioParams({{QStringLiteral("tasks"), 3000.0}})},
    };
    for (const Live &live : runs) {
        INFO(live.scenario);
        WindowFixture f(Clock::Mode::Real);
        f.window.setTimeScale(0.2);
        QSignalSpy finished(&f.window, &MainWindow::runFinished);
        REQUIRE(f.window.selectScenario(QLatin1String(live.scenario), false));
        f.window.setParams(live.params);
        EventLoopChecker checker;
        checker.start();
        REQUIRE(f.window.run());
        REQUIRE(f.waitFinished(finished));
        checker.stop();
        CHECK(checker.ticks() > 10);
        CHECK(checker.longestStallMs() < 100);
    }
}

TEST_CASE("MainWindow: export writes valid files and opens a saved trace", "[mainwindow]")
{
    WindowFixture f;
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    ExportRequest request;
    QString error;
    // Nothing to export yet.
    REQUIRE_FALSE(f.window.exportTo(dir.filePath(QStringLiteral("none.png")), request, &error));
    REQUIRE_FALSE(error.isEmpty());

    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("taskgroup")));
    REQUIRE(f.waitFinished(finished));

    SECTION("images, trace and summary")
    {
        request.format = ExportRequest::Format::Png;
        request.size = QSize(900, 0);
        request.dpr = 2;
        const QString png = dir.filePath(QStringLiteral("t.png"));
        REQUIRE(f.window.exportTo(png, request, &error));
        QImage image;
        REQUIRE(image.load(png, "PNG"));
        REQUIRE(image.width() == 1800);

        request.format = ExportRequest::Format::Svg;
        const QString svg = dir.filePath(QStringLiteral("t.svg"));
        REQUIRE(f.window.exportTo(svg, request, &error));
        QFile svgFile(svg);
        REQUIRE(svgFile.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svgFile);
        while (!xml.atEnd())
            xml.readNext();
        REQUIRE_FALSE(xml.hasError());

        request.format = ExportRequest::Format::Pdf;
        request.visibleRange = true;
        const QString pdf = dir.filePath(QStringLiteral("t.pdf"));
        REQUIRE(f.window.exportTo(pdf, request, &error));
        QFile pdfFile(pdf);
        REQUIRE(pdfFile.open(QIODevice::ReadOnly));
        REQUIRE(pdfFile.read(5) == QByteArray("%PDF-"));

        request.format = ExportRequest::Format::TraceJson;
        const QString json = dir.filePath(QStringLiteral("t.json"));
        REQUIRE(f.window.exportTo(json, request, &error));
        const auto back = TraceJsonReader::fromFile(json, &error);
        REQUIRE(back);
        REQUIRE(back->units.size() == f.window.traceData()->units.size());

        const QString summary = dir.filePath(QStringLiteral("s.json"));
        REQUIRE(f.window.saveSummary(summary, &error));
        QFile summaryFile(summary);
        REQUIRE(summaryFile.open(QIODevice::ReadOnly));
        REQUIRE(summaryFile.readAll().contains("\"scenario\": \"taskgroup\""));

        // Opening the trace shows it read-only.
        const std::size_t units = f.window.traceData()->units.size();
        REQUIRE(f.window.openTrace(json, &error));
        REQUIRE(f.window.isShowingFile());
        REQUIRE(f.window.traceData()->units.size() == units);
        REQUIRE(f.window.timelineView()->layout().rowCount() > 7);
    }
    SECTION("errors name the problem and leave nothing behind")
    {
        request.format = ExportRequest::Format::Png;
        REQUIRE_FALSE(f.window.exportTo(QStringLiteral("/nonexistent/dir/x.png"), request, &error));
        REQUIRE(error.contains(QStringLiteral("/nonexistent/dir/x.png")));
        REQUIRE_FALSE(QFile::exists(QStringLiteral("/nonexistent/dir/x.png")));

        const QString junk = dir.filePath(QStringLiteral("junk.json"));
        QFile file(junk);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write("{ not json");
        file.close();
        error.clear();
        REQUIRE_FALSE(f.window.openTrace(junk, &error));
        REQUIRE_FALSE(error.isEmpty());
        REQUIRE_FALSE(f.window.isShowingFile()); // the run stays on screen
    }
}

namespace {

// The x of the label column's right edge: the one column that is the separator colour all the way
// down the rows (rows..rowsEnd). -1 if there is none.
int separatorColumn(const QImage &image, const QColor &separator, int rowsTop, int rowsBottom)
{
    for (int x = 0; x < image.width(); ++x) {
        bool all = true;
        for (int k = 0; k < 8 && all; ++k) {
            const int y = rowsTop + 2 + (rowsBottom - rowsTop - 4) * k / 7;
            all = image.pixelColor(x, y) == separator;
        }
        if (all)
            return x;
    }
    return -1;
}

} // namespace

TEST_CASE("MainWindow: an exported PNG and SVG have exactly the screen's label column",
          "[mainwindow]")
{
    WindowFixture f;
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    // Long executor labels widen the column beyond the style's narrowest.
    REQUIRE(f.window.selectScenario(QStringLiteral("executor")));
    REQUIRE(f.waitFinished(finished));
    const TimelineView *view = f.window.timelineView();
    const TimelineGeometry &screen = view->geometry();
    REQUIRE(screen.labelWidth > view->style().labelWidth);
    const int rowsHeight = std::min(screen.rows.height(), view->layout().contentHeight());

    const QImage shown = f.window.timelineImage();
    const int onScreen = separatorColumn(shown.scaled(screen.target.size()), view->style().separator,
                                         screen.rows.top(), screen.rows.top() + rowsHeight);
    REQUIRE(onScreen == screen.timeArea.left() - 1);

    // Wider and narrower pictures than the window: the column stays the screen's.
    for (const int width : {900, 2000}) {
        ExportRequest request;
        request.size = QSize(width, 0);
        request.dpr = 1;
        QString error;
        const QString png = dir.filePath(QStringLiteral("x.png"));
        REQUIRE(f.window.exportTo(png, request, &error));
        QImage image;
        REQUIRE(image.load(png, "PNG"));
        CHECK(separatorColumn(image, view->style().separator, screen.rows.top(),
                              screen.rows.top() + rowsHeight)
              == onScreen);

        request.format = ExportRequest::Format::Svg;
        const QString svg = dir.filePath(QStringLiteral("x.svg"));
        REQUIRE(f.window.exportTo(svg, request, &error));
        QSvgRenderer renderer(svg);
        REQUIRE(renderer.isValid());
        QImage drawn(renderer.viewBox().size(), QImage::Format_ARGB32_Premultiplied);
        drawn.fill(Qt::white);
        QPainter painter(&drawn);
        renderer.render(&painter);
        painter.end();
        CHECK(separatorColumn(drawn, view->style().separator, screen.rows.top(),
                              screen.rows.top() + rowsHeight)
              == onScreen);
    }
}

TEST_CASE("MainWindow: every parameter of every scenario is in view at the default size",
          "[mainwindow]")
{
    MainWindow window(MainWindow::Persistence::Forget); // its own default size
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto *scroll = qobject_cast<QScrollArea *>(
        window.findChild<QDockWidget *>(QStringLiteral("scenarioDock"))->widget());
    REQUIRE(scroll);
    for (const Scenario &scenario : ScenarioRegistry::all()) {
        REQUIRE(window.selectScenario(scenario.id, false));
        QCoreApplication::processEvents();
        const QRect visible = scroll->viewport()->rect();
        const auto spins = window.parameterPanel()->findChildren<QAbstractSpinBox *>();
        REQUIRE(spins.size() == int(scenario.params.size()));
        for (const QAbstractSpinBox *spin : spins) {
            const QRect at(spin->mapTo(scroll->viewport(), QPoint(0, 0)), spin->size());
            INFO(scenario.id.toStdString() << " parameter box at " << at.y() << ".." << at.bottom()
                                           << " of " << visible.height());
            CHECK(visible.contains(at));
        }
    }
}

TEST_CASE("ParameterPanel: values it cannot take show the default", "[mainwindow][params]")
{
    const Scenario *semaphore = ScenarioRegistry::find(QStringLiteral("semaphore"));
    REQUIRE(semaphore);
    ParameterPanel panel;
    QSignalSpy edited(&panel, &ParameterPanel::paramsEdited);
    // As remembered settings from an older version might be: out of range, unknown, partial.
    panel.setScenario(semaphore, ScenarioParams({{QStringLiteral("limit"), 999.0},
                                                 {QStringLiteral("gone"), 1.0},
                                                 {QStringLiteral("requests"), 20.0}}));
    const std::vector<std::pair<QString, double>> expected{{QStringLiteral("requests"), 20},
                                                           {QStringLiteral("limit"), 3},
                                                           {QStringLiteral("delay"), 1}};
    CHECK(panel.params().values() == expected);
    panel.setParams(ScenarioParams({{QStringLiteral("delay"), 2.5}}));
    const std::vector<std::pair<QString, double>> later{{QStringLiteral("requests"), 10},
                                                        {QStringLiteral("limit"), 3},
                                                        {QStringLiteral("delay"), 2.5}};
    CHECK(panel.params().values() == later);
    CHECK(edited.isEmpty());
}

namespace {

QString writeProgram(const QTemporaryDir &dir, const QString &name, const QByteArray &source)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(source);
    return path;
}

} // namespace

TEST_CASE("MainWindow: the window thread is never blocked for 100 ms while a traced program "
          "streams many tasks",
          "[mainwindow][checker][program]")
{
    // 50 000 tasks on the real clock: a layout that big is built on a pool thread over the
    // held data, and the builder applies a frame's worth of events at a time.
    constexpr int Tasks = 50000;
    WindowFixture f(Clock::Mode::Real);
    QTemporaryDir dir;
    const QString program = writeProgram(dir, QStringLiteral("many.py"), R"(import asyncio

async def job(k):
    await asyncio.sleep(0.2 + (k % 50) / 100)

async def main():
    await asyncio.gather(*(asyncio.create_task(job(k)) for k in range(50000)))

asyncio.run(main())
)");
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    QString error;
    // Measured from the start on: starting asks the interpreter its version once per process,
    // and waits for the child to start; the streaming is what this is about.
    REQUIRE(f.window.selectProgram(program, {}, {}, true, &error));
    EventLoopChecker checker;
    checker.start();
    REQUIRE(f.waitFinished(finished));
    checker.stop();
    CHECK(checker.ticks() > 10);
    CHECK(checker.longestStallMs() < 100);
    // runFinished came with the final layout in place: the Stats panel counts every task done.
    const RunStats &stats = f.window.statsPanel()->stats();
    CHECK(stats.units == Tasks);
    CHECK(stats.outcomes[std::size_t(Outcome::Completed)] == Tasks);
}

TEST_CASE("MainWindow traces a Python program like a scenario", "[mainwindow][program]")
{
    WindowFixture f(Clock::Mode::Virtual);
    QTemporaryDir dir;
    const QString program = writeProgram(dir, QStringLiteral("mine.py"), R"(import asyncio, sys
LIMIT = 2  # loopscope: 1..5

async def job(k):
    await asyncio.sleep(0.5 * k)
    print("job", k, "done")

async def main():
    print("to stderr", file=sys.stderr)
    await asyncio.gather(*(job(k) for k in range(1, LIMIT + 1)))

asyncio.run(main())
)");
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    QString error;
    REQUIRE(f.window.selectProgram(program, {}, {}, true, &error));
    REQUIRE(f.waitFinished(finished));
    const TraceData *data = f.window.traceData();
    REQUIRE(data);
    CHECK(data->info.scenario == QStringLiteral("mine.py"));
    CHECK(f.unitNamed(QStringLiteral("job(1)")));
    CHECK(f.unitNamed(QStringLiteral("job(2)")));
    CHECK(double(data->info.totalNs) / 1e9 == Approx(1.0).margin(0.01)); // the virtual clock: exact
    // The program's source, its output (stderr apart), and a place among "Your programs".
    CHECK(f.window.codePanel()->pythonText().contains(QStringLiteral("LIMIT = 2")));
    REQUIRE(f.window.outputPanel()->lineCount() == 3);
    CHECK(data->output[0].stream == OutputStream::Stderr);
    CHECK(data->output[2].text == QStringLiteral("job 2 done"));
    CHECK(f.window.recentPrograms().value(0) == QFileInfo(program).absoluteFilePath());
    // Its marked constant is a slider that re-runs it.
    QSlider *slider = f.window.parameterPanel()->slider(QStringLiteral("LIMIT"));
    REQUIRE(slider);
    f.window.setRerunDelayMs(0);
    slider->setValue(2); // LIMIT takes 1..5: position 2 is 3
    REQUIRE(f.waitFinished(finished, 2));
    CHECK(f.unitNamed(QStringLiteral("job(3)")));
    CHECK(double(f.window.traceData()->info.totalNs) / 1e9 == Approx(1.5).margin(0.01));

    SECTION("Run (F5) traces the file's current contents")
    {
        writeProgram(dir, QStringLiteral("mine.py"),
                     "import asyncio\nasync def main():\n    await asyncio.sleep(0.25)\n"
                     "asyncio.run(main())\n");
        REQUIRE(f.window.run());
        REQUIRE(f.waitFinished(finished, 3));
        CHECK(f.window.codePanel()->pythonText().contains(QStringLiteral("sleep(0.25)")));
        CHECK(double(f.window.traceData()->info.totalNs) / 1e9 == Approx(0.25).margin(0.01));
    }
    SECTION("a program that never starts an event loop says so")
    {
        const QString plain = writeProgram(dir, QStringLiteral("plain.py"), "print('hi')\n");
        REQUIRE(f.window.selectProgram(plain, {}, {}, true, &error));
        REQUIRE(f.waitFinished(finished, 3));
        CHECK(f.window.statusBar()->findChild<QLabel *>()->text().contains(
            QStringLiteral("without starting an asyncio event loop")));
    }
    SECTION("View > Show asyncio Internals adds asyncio's own tasks")
    {
        CHECK_FALSE(f.unitNamed(QStringLiteral("shutdown_default_executor()")));
        QAction *internals = nullptr;
        for (QAction *a : f.window.findChildren<QAction *>()) {
            if (a->text() == QStringLiteral("Show asyncio &Internals"))
                internals = a;
        }
        REQUIRE(internals);
        internals->setChecked(true); // re-runs the program on screen
        REQUIRE(f.waitFinished(finished, 3));
        CHECK(f.unitNamed(QStringLiteral("shutdown_default_executor()")));
    }
    SECTION("a file that is not there is refused with one line")
    {
        CHECK_FALSE(f.window.selectProgram(dir.filePath(QStringLiteral("gone.py")), {}, {}, true,
                                           &error));
        CHECK(error.contains(QStringLiteral("no such file")));
    }
}

TEST_CASE("MainWindow stops a traced program like Ctrl+C and keeps what it recorded",
          "[mainwindow][program]")
{
    WindowFixture f(Clock::Mode::Real);
    QTemporaryDir dir;
    const QString program = writeProgram(dir, QStringLiteral("forever.py"), R"(import asyncio
async def tick():
    while True:
        await asyncio.sleep(0.05)

async def main():
    await asyncio.gather(tick(), asyncio.sleep(3600))

asyncio.run(main())
)");
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectProgram(program));
    REQUIRE(QTest::qWaitFor(
        [&] {
            const TraceData *d = f.window.traceData();
            return d && f.unitNamed(QStringLiteral("tick()")) && f.window.runController()->liveEdgeNs() > 200'000'000;
        },
        RunTimeoutMs));
    QElapsedTimer took;
    took.start();
    f.window.stop();
    REQUIRE(f.waitFinished(finished));
    CHECK(took.elapsed() < 4000); // SIGINT was enough: asyncio.run cancels main and ends
    const UnitRecord *tick = f.unitNamed(QStringLiteral("tick()"));
    REQUIRE(tick);
    CHECK(tick->outcome == Outcome::Cancelled);
    CHECK(tick->intervals.size() > 4); // what it did before the stop is all there
}

TEST_CASE("MainWindow stops a program that ignores Ctrl+C with SIGTERM, then SIGKILL",
          "[mainwindow][program]")
{
    WindowFixture f(Clock::Mode::Real);
    QTemporaryDir dir;
    const QString program = writeProgram(dir, QStringLiteral("stubborn.py"), R"(import asyncio, signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)

async def tick():
    while True:
        await asyncio.sleep(0.05)

asyncio.run(tick())
)");
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectProgram(program));
    REQUIRE(QTest::qWaitFor(
        [&] {
            return f.window.traceData() && f.window.runController()->liveEdgeNs() > 300'000'000;
        },
        RunTimeoutMs));
    QElapsedTimer took;
    took.start();
    f.window.stop();
    REQUIRE(f.waitFinished(finished));
    // SIGINT and SIGTERM ignored, 2 s apart; SIGKILL 2 s after SIGTERM ends it.
    CHECK(took.elapsed() >= 3900);
    CHECK(took.elapsed() < 9000);
    const UnitRecord *main = f.unitNamed(QStringLiteral("tick()"));
    REQUIRE(main);
    CHECK(main->intervals.size() > 4); // what it did before the stop is all there
}

TEST_CASE("MainWindow: a .py dropped on the window is traced; closing mid-run ends the program",
          "[mainwindow][program]")
{
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(QStringLiteral("pid"));
    const QString program = writeProgram(dir, QStringLiteral("dropped.py"), R"(import asyncio, os
with open(os.path.join(os.path.dirname(__file__), "pid"), "w") as f:
    f.write(str(os.getpid()))

async def tick():
    while True:
        await asyncio.sleep(0.05)

asyncio.run(tick())
)");
    WindowFixture f(Clock::Mode::Real);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(program)});
    QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton,
                          Qt::NoModifier);
    QCoreApplication::sendEvent(&f.window, &enter);
    CHECK(enter.isAccepted());
    QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&f.window, &drop);
    REQUIRE(QTest::qWaitFor(
        [&] {
            return f.window.traceData() && f.unitNamed(QStringLiteral("tick()"))
                && QFileInfo(pidFile).size() > 0;
        },
        RunTimeoutMs));
    CHECK(f.window.traceData()->info.scenario == QStringLiteral("dropped.py"));
    QFile file(pidFile);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const qint64 pid = file.readAll().toLongLong();
    REQUIRE(pid > 0);
    REQUIRE(::kill(pid_t(pid), 0) == 0);
    f.window.close(); // mid-run, as a user closes it
    CHECK(::kill(pid_t(pid), 0) != 0); // the program ended with it (and was reaped)
}

TEST_CASE("MainWindow: At this moment lists the tasks by state at the time cursor",
          "[mainwindow][replay]")
{
    WindowFixture f;
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("semaphore")));
    REQUIRE(f.waitFinished(finished));
    f.window.timelineView()->setCursorTime(500'000'000);
    // Semaphore(3) at 0.5 s: three requests hold a permit, seven queue for one, main waits.
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("waiting")) == 4);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("queued")) == 7);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("running")) == -1);
    f.window.timelineView()->setCursorTime(3'500'000'000);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("queued")) == -1);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("waiting")) == 2); // req10 and main
}

namespace {
//! The 1-based line of the first line of text containing what, 0 if none.
int lineWith(const QString &text, const QString &what)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].contains(what))
            return i + 1;
    }
    return 0;
}

QList<int> drawnLines(const QPlainTextEdit *edit)
{
    QList<int> lines;
    for (const QTextEdit::ExtraSelection &s : edit->extraSelections())
        lines << s.cursor.blockNumber() + 1;
    return lines;
}

QPoint lineCentre(QPlainTextEdit *edit, int line)
{
    return edit->cursorRect(QTextCursor(edit->document()->findBlockByNumber(line - 1))).center();
}
} // namespace

TEST_CASE("MainWindow: the code panel lights the lines tasks wait at, at the time cursor",
          "[mainwindow][replay][code]")
{
    WindowFixture f;
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("concurrent_tasks")));
    REQUIRE(f.waitFinished(finished));
    QDockWidget *dock = f.window.findChild<QDockWidget *>(QStringLiteral("codeDock"));
    REQUIRE(dock);
    dock->raise();
    CodePanel *code = f.window.codePanel();
    REQUIRE(QTest::qWaitFor([&] { return code->isVisible(); }));
    const QList<QPlainTextEdit *> edits = code->findChildren<QPlainTextEdit *>();
    REQUIRE(edits.size() == 2);
    QPlainTextEdit *cpp = edits[0]->toPlainText() == code->cppText() ? edits[0] : edits[1];
    QPlainTextEdit *python = cpp == edits[0] ? edits[1] : edits[0];
    const int cppSleep = lineWith(code->cppText(), QStringLiteral("co_await sleep(delay)"));
    const int cppGather = lineWith(code->cppText(), QStringLiteral("co_await gather(tasks)"));
    const int pySleep = lineWith(code->pythonText(), QStringLiteral("await asyncio.sleep(delay)"));
    REQUIRE(cppSleep > 0);
    REQUIRE(pySleep > 0);
    const QList<quint32> apis{f.unitNamed(QStringLiteral("API-1"))->id,
                              f.unitNamed(QStringLiteral("API-2"))->id,
                              f.unitNamed(QStringLiteral("API-3"))->id};

    // At 0.5 s the three tasks sleep and main waits in gather.
    f.window.timelineView()->setCursorTime(500'000'000);
    code->flushMoment();
    CHECK_FALSE(code->isMomentPending());
    const QList<CodePanel::Highlight> lit = code->highlights(CodePanel::Side::Cpp);
    REQUIRE(lit.size() == 2);
    CHECK(lit[0].line == cppSleep);
    CHECK(lit[0].state == UnitState::Waiting);
    CHECK(lit[0].units == apis);
    CHECK(lit[0].text == QStringLiteral("API-1, API-2, API-3 waiting here"));
    CHECK(lit[1].line == cppGather);
    CHECK(lit[1].text == QStringLiteral("main waiting here"));
    const QList<CodePanel::Highlight> pyLit = code->highlights(CodePanel::Side::Python);
    REQUIRE(pyLit.size() == 2);
    CHECK(pyLit[0].line == pySleep);
    CHECK(pyLit[0].units == apis);
    CHECK(drawnLines(cpp) == QList<int>{cppSleep, cppGather});
    CHECK(drawnLines(python) == QList<int>{pySleep, pyLit[1].line});
    // The line's background, in its indentation, is not the plain one of the next line.
    const QImage shot = cpp->viewport()->grab().toImage();
    const QPoint sleepAt = lineCentre(cpp, cppSleep) + QPoint(4, 0);
    const QPoint plainAt = lineCentre(cpp, cppSleep + 1) + QPoint(4, 0);
    CHECK(shot.pixelColor(sleepAt * shot.devicePixelRatio())
          != shot.pixelColor(plainAt * shot.devicePixelRatio()));

    SECTION("clicking a lit line selects its tasks in the timeline and At this moment")
    {
        QTest::mouseClick(python->viewport(), Qt::LeftButton, {}, lineCentre(python, pySleep));
        CHECK(f.window.timelineView()->zoomControl()->selectedUnits() == apis);
        CHECK(f.window.timelineView()->selectedUnit() == apis[0]);
        CHECK(f.window.momentPanel()->selectedUnits() == apis);
        // A line no task waits at selects nothing new.
        QTest::mouseClick(cpp->viewport(), Qt::LeftButton, {}, lineCentre(cpp, 1));
        CHECK(f.window.timelineView()->zoomControl()->selectedUnits() == apis);
    }
    SECTION("moving the cursor past the end clears them, at most once a frame")
    {
        f.window.timelineView()->setCursorTime(1'500'000'000); // API-3 has ended
        f.window.timelineView()->setCursorTime(10'000'000'000);
        CHECK(code->isMomentPending()); // two moves in one frame: the last one is drawn next
        CHECK(drawnLines(cpp) == QList<int>{cppSleep, cppGather});
        code->flushMoment();
        CHECK(code->highlights(CodePanel::Side::Cpp).isEmpty());
        CHECK(code->highlights(CodePanel::Side::Python).isEmpty());
        CHECK(drawnLines(cpp).isEmpty());
        CHECK(drawnLines(python).isEmpty());
    }
    SECTION("a hidden panel draws nothing until it is shown")
    {
        dock->hide(); // as View > Code unticked does
        REQUIRE_FALSE(code->isVisible());
        f.window.timelineView()->setCursorTime(2'500'000'000); // only API-2 sleeps
        CHECK(code->highlights(CodePanel::Side::Cpp).value(0).units == QList<quint32>{apis[1]});
        f.window.timelineView()->setCursorTime(10'000'000'000);
        code->flushMoment();
        CHECK(code->isMomentPending());
        CHECK(drawnLines(cpp) == QList<int>{cppSleep, cppGather}); // as it was
        dock->show();
        REQUIRE(QTest::qWaitFor([&] { return !code->isMomentPending(); }));
        CHECK(drawnLines(cpp).isEmpty());
    }
}

TEST_CASE("MainWindow: a bookmark marks a moment, is listed and saved with the trace",
          "[mainwindow][replay]")
{
    WindowFixture f;
    QTemporaryDir dir;
    QSignalSpy finished(&f.window, &MainWindow::runFinished);
    REQUIRE(f.window.selectScenario(QStringLiteral("semaphore")));
    REQUIRE(f.waitFinished(finished));
    REQUIRE(f.window.addBookmark(1'500'000'000, QStringLiteral("second wave")));
    QMenu *menu = nullptr;
    for (QMenu *m : f.window.menuBar()->findChildren<QMenu *>()) {
        if (m->title() == QStringLiteral("&Bookmarks"))
            menu = m;
    }
    REQUIRE(menu);
    QAction *entry = nullptr;
    for (QAction *a : menu->actions()) {
        if (a->text().contains(QStringLiteral("second wave")))
            entry = a;
    }
    REQUIRE(entry);
    entry->trigger();
    CHECK(f.window.timelineView()->zoomControl()->cursorNs() == 1'500'000'000);

    ExportRequest request;
    request.format = ExportRequest::Format::TraceJson;
    const QString json = dir.filePath(QStringLiteral("t.json"));
    QString error;
    REQUIRE(f.window.exportTo(json, request, &error));
    REQUIRE(f.window.openTrace(json, &error));
    REQUIRE(f.window.traceData()->bookmarks.size() == 1);
    CHECK(f.window.traceData()->bookmarks[0].note == QStringLiteral("second wave"));
}

TEST_CASE("MainWindow: an opened foreign trace says what it skipped and replays",
          "[mainwindow][replay][import]")
{
    WindowFixture f;
    QString error;
    REQUIRE(f.window.openTrace(
        Test::sourcePath(QStringLiteral("tests/trace/foreign_node_timers.json")), &error));
    REQUIRE(f.window.isShowingFile());
    auto *status = f.window.statusBar()->findChild<QLabel *>();
    REQUIRE(status);
    CHECK(status->text().contains(QStringLiteral("skipped 4 'M' metadata events")));
    CHECK(status->text().contains(QStringLiteral("b without e, drawn to the end")));

    // Step from just before the second timer's callback: the cursor lands on it, and the panel
    // lists what runs there (the main thread, its RunTimers call, the Timeout) and what waits.
    const UnitRecord *timeout = nullptr;
    for (const UnitRecord &u : f.window.traceData()->units) {
        if (u.label.startsWith(QLatin1String("Timeout 0x")))
            timeout = &u; // the last one: the 20 ms timer
    }
    REQUIRE(timeout);
    REQUIRE(timeout->intervals.size() == 3);
    const qint64 callback = timeout->intervals[1].startNs;
    f.window.timelineView()->setCursorTime(callback - 1);
    f.window.timelineView()->player()->stepForward();
    CHECK(f.window.timelineView()->cursorNs() == callback);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("running")) == 3);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("waiting")) > 5);
    f.window.timelineView()->player()->stepForward();
    CHECK(f.window.timelineView()->cursorNs() > callback);
    CHECK(f.window.momentPanel()->groupCount(QStringLiteral("running")) < 3);
}

TEST_CASE("MainWindow: a trace opened in the background shows, or its cancel changes nothing",
          "[mainwindow][open]")
{
    WindowFixture f;
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QString error;
    const QString foreign = Test::sourcePath(QStringLiteral("tests/trace/foreign_node_timers.json"));
    REQUIRE(f.window.openTrace(foreign, &error));
    const std::size_t foreignUnits = f.window.traceData()->units.size();
    const QString title = f.window.windowTitle();

    // A trace of ours with two units, gzip-compressed by its name.
    TraceData data;
    data.info.finished = true;
    data.info.totalNs = 1'000'000;
    for (quint32 id = 1; id <= 2; ++id) {
        UnitRecord u;
        u.id = id;
        u.kind = id == 1 ? UnitKind::Main : UnitKind::Task;
        u.parent = id - 1;
        u.label = QStringLiteral("unit %1").arg(id);
        u.startNs = 0;
        u.endNs = 1'000'000;
        u.outcome = Outcome::Completed;
        u.intervals.push_back({ 0, 1'000'000, UnitState::Running, 0, 0 });
        data.units.push_back(u);
    }
    REQUIRE(data.units.size() != foreignUnits);
    const QString gz = dir.filePath(QStringLiteral("sample.json.gz"));
    REQUIRE(writeFileAtomically(gz, TraceJsonWriter::toJson(data), &error));
    QSignalSpy finished(&f.window, &MainWindow::openFinished);

    SECTION("cancelled: the previous trace stays")
    {
        f.window.openTraceInBackground(gz);
        REQUIRE(f.window.openProgress());
        f.window.openProgress()->cancel();
        REQUIRE(QTest::qWaitFor([&] { return finished.count() == 1; }, RunTimeoutMs));
        CHECK(finished.at(0).at(1).toBool() == false);
        CHECK(f.window.traceData()->units.size() == foreignUnits);
        CHECK(f.window.windowTitle() == title);
        CHECK_FALSE(f.window.openProgress());
    }
    SECTION("not cancelled: it shows, with the dialog gone")
    {
        f.window.openTraceInBackground(gz);
        REQUIRE(QTest::qWaitFor([&] { return finished.count() == 1; }, RunTimeoutMs));
        CHECK(finished.at(0).at(1).toBool() == true);
        REQUIRE(f.window.isShowingFile());
        CHECK(f.window.traceData()->units.size() == data.units.size());
        CHECK(f.window.windowTitle() != title);
        CHECK_FALSE(f.window.openProgress());
    }
}
