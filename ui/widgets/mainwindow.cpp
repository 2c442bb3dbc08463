#include "mainwindow.h"

#include "momentpanel.h"
#include "runcomparison.h"
#include "runmoment.h"

#include "atomicfile.h"
#include "codepanel.h"
#include "comparepanel.h"
#include "findingspanel.h"
#include "imageexporter.h"
#include "outputpanel.h"
#include "parameterpanel.h"
#include "scenariobrowser.h"
#include "scenarios/scenarioregistry.h"
#include "programdialog.h"
#include "programs/programrunner.h"
#include "run/runcontroller.h"
#include "runfile.h"
#include "scenarios/scenariorunner.h"
#include "statspanel.h"
#include "summarywriter.h"
#include "timelinepainter.h"
#include "timelineview.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"
#include "wording.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QUrl>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPainter>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

struct SpeedPreset {
    double timeScale;
    const char *label;
};
// Time scale = scenario seconds per real second, inverted: 0.25 runs four times faster.
constexpr SpeedPreset SpeedPresets[] = {
    {10.0, "0.1\u00d7 (slow motion)"}, {4.0, "0.25\u00d7"},        {2.0, "0.5\u00d7"},
    {1.0, "1\u00d7 (real time)"},      {0.5, "2\u00d7"},           {0.25, "4\u00d7"},
    {0.1, "10\u00d7"},
};

bool followsDarkPalette()
{
    return QApplication::palette().color(QPalette::Window).lightness() < 128;
}

QString withShortcut(const QString &tip, const QAction *action)
{
    const QKeySequence key = action->shortcut();
    return key.isEmpty() ? tip
                         : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText));
}

} // namespace

MainWindow::MainWindow(Persistence persistence, QWidget *parent)
    : QMainWindow(parent)
    , m_persistence(persistence)
    , m_run(new RunController(this))
    , m_view(new TimelineView(this))
    , m_browser(new ScenarioBrowser(this))
    , m_params(new ParameterPanel(this))
    , m_output(new OutputPanel(this))
    , m_stats(new StatsPanel(this))
    , m_moment(new MomentPanel(this))
    , m_code(new CodePanel(this))
    , m_compare(new ComparePanel(this))
    , m_scenarioTitle(new QLabel(this))
    , m_explanation(new QLabel(this))
    , m_statusLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(QStringLiteral("Loopscope"));
    setWindowIcon(QIcon(QStringLiteral(":/loopscope/icons/loopscope.svg")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    setAcceptDrops(true); // a .py dropped on the window is traced, a .json opened
    resize(1400, 900);

    m_view->setObjectName(QStringLiteral("timeline"));
    m_view->setPlaceholderText(
        QStringLiteral("Pick a scenario on the left: it runs and its tasks appear here as "
                       "bars over time.\n\nRun: F5    Stop: Esc    Zoom: Ctrl+wheel"));
    setCentralWidget(m_view);

    buildActions();
    buildMenus();
    buildToolBar();
    buildDocks();
    statusBar()->addWidget(m_statusLabel, 1);
    m_statusLabel->setText(QStringLiteral("Ready"));

    m_rerunTimer.setSingleShot(true);
    m_rerunTimer.setInterval(0);
    connect(&m_rerunTimer, &QTimer::timeout, this, [this] { run(); });

    connect(m_run, &RunController::started, this, &MainWindow::onStarted);
    connect(m_run, &RunController::finished, this, &MainWindow::onFinished);
    connect(m_run, &RunController::updated, this, &MainWindow::onFrame);
    // Lines arrive through the trace too; a line is the moment to show it, not the next frame.
    connect(m_run, &RunController::outputLine, this, [this] {
        if (!m_showingFile && m_run->update(RunController::Amount::Frame))
            onFrame();
    });
    // Big layouts are built on a pool thread over the run's data, frozen meanwhile; an opened
    // trace is not the run's and is laid out here.
    m_view->setDataHold([this] {
        return m_showingFile ? RunController::DataHold() : m_run->holdData();
    });
    connect(m_view, &TimelineView::layoutChanged, this, [this] {
        if (m_finishing && !m_view->isLayoutPending())
            showFinished();
    });
    connect(m_browser, &ScenarioBrowser::scenarioActivated, this,
            &MainWindow::onScenarioActivated);
    connect(m_params, &ParameterPanel::paramsEdited, this, [this] {
        saveParams();
        run();
    });
    connect(m_output, &OutputPanel::timeActivated, m_view, &TimelineView::setCursorTime);
    // The time cursor (scrubbed, replayed, stepped) drives "At this moment".
    connect(m_view->zoomControl(), &TimelineZoomControl::cursorChanged, this, [this](qint64 ns) {
        const TraceData *data = traceData();
        if (!data || ns < 0) {
            m_moment->clear();
            m_code->clearMoment();
        } else {
            const RunMoment moment = RunMoment::at(*data, ns);
            m_moment->setMoment(*data, moment);
            m_code->setMoment(*data, moment);
        }
    });
    connect(m_moment, &MomentPanel::unitActivated, m_view, &TimelineView::setSelectedUnit);
    // A finding selected in its panel: the cursor goes to it, its unit is selected; a finding's
    // marker clicked on the timeline selects it in the panel.
    connect(m_findings, &FindingsPanel::findingActivated, this, [this](quint32 unit, qint64 ns) {
        m_view->setCursorTime(ns);
        m_view->setSelectedUnit(unit);
    });
    connect(m_view, &TimelineView::findingClicked, m_findings, &FindingsPanel::selectFinding);
    // Clicking a line in the code panel selects the tasks waiting there, in both places.
    connect(m_code, &CodePanel::unitsActivated, m_view->zoomControl(),
            &TimelineZoomControl::setSelectedUnits);
    connect(m_view->zoomControl(), &TimelineZoomControl::selectionChanged, m_moment,
            [this] { m_moment->setSelectedUnits(m_view->zoomControl()->selectedUnits()); });
    connect(m_view, &TimelineView::zoomChanged, this, [this] { updateActions(); });
    connect(m_run, &RunController::pinnedChanged, this, [this] {
        m_view->setPinned(m_run->pinned());
        refreshCompare();
        updateActions();
        for (QDockWidget *d : std::as_const(m_docks)) {
            if (d->widget() == m_compare && m_run->pinned()) {
                d->show();
                d->raise();
            }
        }
    });

    setDarkTimeline(followsDarkPalette());
    restoreSettings();
    // Never a blank window: the remembered scenario, or the first one.
    if (m_scenarioId.isEmpty() && !ScenarioRegistry::all().empty())
        selectScenario(ScenarioRegistry::all().front().id, false);
    updateActions();
    updateTitle();
}

MainWindow::~MainWindow()
{
    m_run->stop();
    m_run->wait();
}

void MainWindow::buildActions()
{
    auto make = [this](const QString &text, const QKeySequence &key, const QString &tip) {
        auto *a = new QAction(text, this);
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setToolTip(withShortcut(tip, a));
        a->setStatusTip(tip);
        addAction(a);
        return a;
    };
    m_runAction = make(QStringLiteral("&Run"), QKeySequence(Qt::Key_F5),
                       QStringLiteral("Run the scenario with these parameters"));
    m_runAction->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_stopAction = make(QStringLiteral("&Stop"), QKeySequence(Qt::Key_Escape),
                        QStringLiteral("Stop the run: every task still going is cancelled"));
    m_stopAction->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_rerunAction = make(QStringLiteral("Re-r&un"), QKeySequence(Qt::CTRL | Qt::Key_R),
                         QStringLiteral("Run the scenario again from the start"));
    m_rerunAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    connect(m_runAction, &QAction::triggered, this, [this] { run(); });
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stop);
    connect(m_rerunAction, &QAction::triggered, this, [this] { run(); });

    auto *clocks = new QActionGroup(this);
    m_liveAction = make(QStringLiteral("&Live"), QKeySequence(Qt::CTRL | Qt::Key_L),
                        QStringLiteral("Live: the real clock, scaled by the speed; watch the "
                                       "timeline grow"));
    m_instantAction = make(QStringLiteral("&Instant"), QKeySequence(Qt::CTRL | Qt::Key_I),
                           QStringLiteral("Instant: a virtual clock that jumps to the next timer; "
                                          "the whole run appears at once, same timings"));
    for (QAction *a : {m_liveAction, m_instantAction}) {
        a->setCheckable(true);
        clocks->addAction(a);
    }
    m_liveAction->setChecked(true);
    connect(m_liveAction, &QAction::triggered, this, [this] {
        setClockMode(Clock::Mode::Real);
        scheduleRerun();
    });
    connect(m_instantAction, &QAction::triggered, this, [this] {
        setClockMode(Clock::Mode::Virtual);
        scheduleRerun();
    });

    m_openAction = make(QStringLiteral("&Open Trace\u2026"), QKeySequence::Open,
                        QStringLiteral("Show a saved trace JSON (read-only)"));
    m_traceAction = make(QStringLiteral("&Trace Python Program\u2026"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                         QStringLiteral("Run your own asyncio program and watch its tasks live "
                                        "(nothing in it is changed)"));
    connect(m_traceAction, &QAction::triggered, this, &MainWindow::traceWithDialog);
    m_exportPngAction = make(QStringLiteral("Export &PNG\u2026"), QKeySequence(Qt::CTRL | Qt::Key_E),
                             QStringLiteral("Save the timeline as a PNG image"));
    m_exportSvgAction = make(QStringLiteral("Export &SVG\u2026"), {},
                             QStringLiteral("Save the timeline as an SVG drawing"));
    m_exportPdfAction = make(QStringLiteral("Export P&DF\u2026"), {},
                             QStringLiteral("Save the timeline as a one-page PDF"));
    m_exportJsonAction = make(QStringLiteral("Export &Trace JSON\u2026"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                              QStringLiteral("Save the trace for Perfetto / chrome://tracing "
                                             "(Loopscope can open it again)"));
    m_saveSummaryAction = make(QStringLiteral("Save S&ummary\u2026"), QKeySequence::Save,
                               QStringLiteral("Save the run summary JSON (tasks, times, output)"));
    m_copyAction = make(QStringLiteral("&Copy Image"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                        QStringLiteral("Copy the timeline picture to the clipboard"));
    m_quitAction = make(QStringLiteral("&Quit"), QKeySequence::Quit, QStringLiteral("Quit Loopscope"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openWithDialog);
    connect(m_exportPngAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportRequest::Format::Png); });
    connect(m_exportSvgAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportRequest::Format::Svg); });
    connect(m_exportPdfAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportRequest::Format::Pdf); });
    connect(m_exportJsonAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportRequest::Format::TraceJson); });
    connect(m_saveSummaryAction, &QAction::triggered, this, &MainWindow::saveSummaryWithDialog);
    connect(m_copyAction, &QAction::triggered, this, &MainWindow::copyImage);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_zoomInAction = make(QStringLiteral("Zoom &In"), QKeySequence::ZoomIn,
                          QStringLiteral("Zoom in on the timeline (also Ctrl+wheel, or drag on "
                                         "the ruler)"));
    m_zoomOutAction = make(QStringLiteral("Zoom &Out"), QKeySequence::ZoomOut,
                           QStringLiteral("Zoom out"));
    m_fitAction = make(QStringLiteral("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0),
                       QStringLiteral("Show the whole run"));
    m_followAction = make(QStringLiteral("Follow &Live Edge"), QKeySequence(Qt::Key_End),
                          QStringLiteral("Keep the newest events in view while a run goes on"));
    connect(m_zoomInAction, &QAction::triggered, m_view, &TimelineView::zoomIn);
    connect(m_zoomOutAction, &QAction::triggered, m_view, &TimelineView::zoomOut);
    connect(m_fitAction, &QAction::triggered, m_view, &TimelineView::fitToWindow);
    connect(m_followAction, &QAction::triggered, m_view, &TimelineView::followLive);

    // Replay: the shortcuts belong to the timeline (its arrows pan a live run, and a focused
    // button keeps its Space).
    auto replay = [this](const QString &text, Qt::Key key, const QString &tip, auto slot) {
        auto *a = new QAction(text, m_view);
        a->setShortcut(QKeySequence(key));
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(withShortcut(tip, a));
        a->setStatusTip(tip);
        m_view->addAction(a);
        connect(a, &QAction::triggered, m_view->player(), slot);
        return a;
    };
    m_playAction = replay(QStringLiteral("&Play / Pause"), Qt::Key_Space,
                          QStringLiteral("Replay the finished run at the chosen speed, moving the "
                                         "time cursor; again to pause"),
                          &TimelinePlayer::togglePlay);
    m_playAction->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    m_previousEventAction = replay(QStringLiteral("Pre&vious Event"), Qt::Key_Left,
                                   QStringLiteral("Move the time cursor to the previous state "
                                                  "change"),
                                   &TimelinePlayer::stepBack);
    m_nextEventAction = replay(QStringLiteral("&Next Event"), Qt::Key_Right,
                               QStringLiteral("Move the time cursor to the next state change"),
                               &TimelinePlayer::stepForward);
    connect(m_view->player(), &TimelinePlayer::playingChanged, this, [this](bool playing) {
        m_playAction->setText(playing ? QStringLiteral("&Pause") : QStringLiteral("&Play / Pause"));
    });

    m_bookmarkAction = make(QStringLiteral("&Add Bookmark\u2026"), QKeySequence(Qt::CTRL | Qt::Key_B),
                            QStringLiteral("Mark the time cursor with a note (saved in the trace "
                                           "JSON)"));
    connect(m_bookmarkAction, &QAction::triggered, this, &MainWindow::bookmarkWithDialog);
    m_pinAction = make(QStringLiteral("&Pin This Run"), QKeySequence(Qt::CTRL | Qt::Key_P),
                       QStringLiteral("Keep this run as A and compare the next run with it: "
                                      "move a slider, trace a program or open a trace"));
    m_pinAction->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
    m_unpinAction = make(QStringLiteral("U&npin"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
                         QStringLiteral("Stop comparing: show one run again"));
    connect(m_pinAction, &QAction::triggered, this, [this] {
        QString error;
        if (!pinRun(&error))
            m_statusLabel->setText(error);
    });
    connect(m_unpinAction, &QAction::triggered, this, &MainWindow::unpinRun);
    m_internalsAction = make(QStringLiteral("Show asyncio &Internals"), {},
                             QStringLiteral("In a traced program, show asyncio's own tasks too "
                                            "(the runner's shutdown steps, a server's accepts)"));
    m_internalsAction->setCheckable(true);
    connect(m_internalsAction, &QAction::toggled, this, [this] {
        if (!m_programPath.isEmpty())
            scheduleRerun();
    });

    m_darkAction = make(QStringLiteral("&Dark Timeline"), QKeySequence(Qt::CTRL | Qt::Key_D),
                        QStringLiteral("Draw the timeline on a dark background"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTimeline);

    m_aboutAction = make(QStringLiteral("&About Loopscope"), {},
                         QStringLiteral("What Loopscope is, and its version"));
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(m_openAction);
    file->addAction(m_traceAction);
    file->addSeparator();
    file->addAction(m_exportPngAction);
    file->addAction(m_exportSvgAction);
    file->addAction(m_exportPdfAction);
    file->addAction(m_exportJsonAction);
    file->addAction(m_saveSummaryAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu *edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    edit->addAction(m_copyAction);
    QMenu *runMenu = menuBar()->addMenu(QStringLiteral("&Run"));
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_stopAction);
    runMenu->addAction(m_rerunAction);
    runMenu->addSeparator();
    runMenu->addAction(m_playAction);
    runMenu->addAction(m_previousEventAction);
    runMenu->addAction(m_nextEventAction);
    runMenu->addSeparator();
    runMenu->addAction(m_pinAction);
    runMenu->addAction(m_unpinAction);
    runMenu->addSeparator();
    runMenu->addAction(m_liveAction);
    runMenu->addAction(m_instantAction);
    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(m_zoomInAction);
    view->addAction(m_zoomOutAction);
    view->addAction(m_fitAction);
    view->addAction(m_followAction);
    view->addSeparator();
    view->addAction(m_darkAction);
    view->addAction(m_internalsAction);
    view->setObjectName(QStringLiteral("viewMenu"));
    m_bookmarksMenu = menuBar()->addMenu(QStringLiteral("&Bookmarks"));
    updateBookmarksMenu();
    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(m_aboutAction);
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(QStringLiteral("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->addAction(m_playAction);
    bar->addAction(m_pinAction);
    bar->addSeparator();
    bar->addAction(m_liveAction);
    bar->addAction(m_instantAction);
    auto *speedLabel = new QLabel(QStringLiteral("  Speed: "), bar);
    m_speed = new QComboBox(bar);
    m_speed->setObjectName(QStringLiteral("speed"));
    for (const SpeedPreset &p : SpeedPresets)
        m_speed->addItem(QString::fromUtf8(p.label), p.timeScale);
    m_speed->setCurrentIndex(3);
    const QString speedTip = QStringLiteral(
        "How fast a Live run plays, and a replay (Space): 2\u00d7 shows a 4 s scenario in 2 s. "
        "Times on the timeline stay in scenario seconds.");
    m_speed->setToolTip(speedTip);
    speedLabel->setToolTip(speedTip);
    bar->addWidget(speedLabel);
    bar->addWidget(m_speed);
    connect(m_speed, &QComboBox::activated, this, [this](int index) {
        m_timeScale = m_speed->itemData(index).toDouble();
        m_view->player()->setSpeed(1.0 / m_timeScale);
        if (m_clock == Clock::Mode::Real) // an Instant run does not depend on it
            scheduleRerun();
    });
    bar->addSeparator();
    bar->addAction(m_zoomInAction);
    bar->addAction(m_zoomOutAction);
    bar->addAction(m_fitAction);
}

void MainWindow::buildDocks()
{
    // Left: the scenarios, what the chosen one shows, and its parameters.
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 6, 6);
    leftLayout->addWidget(m_browser, 3);
    // Every scenario visible without scrolling (14 scenarios in 6 groups).
    m_browser->setMinimumHeight(320);
    QFont titleFont = m_scenarioTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_scenarioTitle->setFont(titleFont);
    m_scenarioTitle->setWordWrap(true);
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_explanation->setToolTip(QStringLiteral("What this scenario shows on the timeline"));
    leftLayout->addWidget(m_scenarioTitle);
    leftLayout->addWidget(m_explanation);
    auto *paramsTitle = new QLabel(QStringLiteral("<b>Parameters</b> (a change re-runs)"), left);
    leftLayout->addWidget(paramsTitle);
    leftLayout->addWidget(m_params);
    leftLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto dock = [this](const QString &title, const QString &name, QWidget *w,
                       Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(w);
        addDockWidget(area, d);
        m_docks << d;
        return d;
    };
    // The scenario column runs the window's full height, so every parameter of every scenario
    // fits at the default size (it scrolls in a smaller window).
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    QDockWidget *scenarios = dock(QStringLiteral("Scenario"), QStringLiteral("scenarioDock"),
                                  scroll, Qt::LeftDockWidgetArea);
    QDockWidget *output = dock(QStringLiteral("Output"), QStringLiteral("outputDock"), m_output,
                               Qt::BottomDockWidgetArea);
    QDockWidget *moment = dock(QStringLiteral("At This Moment"), QStringLiteral("momentDock"),
                               m_moment, Qt::BottomDockWidgetArea);
    QDockWidget *stats = dock(QStringLiteral("Stats"), QStringLiteral("statsDock"), m_stats,
                              Qt::BottomDockWidgetArea);
    QDockWidget *code = dock(QStringLiteral("Code"), QStringLiteral("codeDock"), m_code,
                             Qt::BottomDockWidgetArea);
    m_findings = new FindingsPanel(this);
    QDockWidget *findings = dock(QStringLiteral("Findings"), QStringLiteral("findingsDock"),
                                 m_findings, Qt::BottomDockWidgetArea);
    QDockWidget *compare = dock(QStringLiteral("Compare"), QStringLiteral("compareDock"),
                                m_compare, Qt::BottomDockWidgetArea);
    splitDockWidget(output, stats, Qt::Horizontal);
    tabifyDockWidget(stats, moment);
    tabifyDockWidget(moment, findings);
    tabifyDockWidget(findings, compare);
    stats->raise();
    tabifyDockWidget(output, code);
    output->raise();
    resizeDocks({scenarios}, {330}, Qt::Horizontal);
    resizeDocks({output, stats}, {700, 360}, Qt::Horizontal);
    resizeDocks({output}, {230}, Qt::Vertical);

    QMenu *viewMenu = findChild<QMenu *>(QStringLiteral("viewMenu"));
    if (viewMenu) {
        viewMenu->addSeparator();
        for (QDockWidget *d : std::as_const(m_docks))
            viewMenu->addAction(d->toggleViewAction());
    }
}

void MainWindow::restoreSettings()
{
    if (m_persistence == Persistence::Forget)
        return;
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (s.contains(QStringLiteral("run/timeScale")))
        setTimeScale(s.value(QStringLiteral("run/timeScale")).toDouble());
    if (s.contains(QStringLiteral("run/clock")))
        setClockMode(s.value(QStringLiteral("run/clock")).toString() == QStringLiteral("virtual")
                         ? Clock::Mode::Virtual
                         : Clock::Mode::Real);
    if (s.contains(QStringLiteral("view/dark")))
        m_darkAction->setChecked(s.value(QStringLiteral("view/dark")).toBool());
    m_recentPrograms = s.value(QStringLiteral("programs/recent")).toStringList();
    m_browser->setPrograms(m_recentPrograms);
    const QString last = s.value(QStringLiteral("run/scenario")).toString();
    if (!last.isEmpty())
        selectScenario(last, false);
}

void MainWindow::saveSettings() const
{
    if (m_persistence == Persistence::Forget)
        return;
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("run/timeScale"), m_timeScale);
    s.setValue(QStringLiteral("run/clock"), m_clock == Clock::Mode::Virtual
                                                ? QStringLiteral("virtual")
                                                : QStringLiteral("real"));
    s.setValue(QStringLiteral("view/dark"), m_darkAction->isChecked());
    if (!m_scenarioId.isEmpty())
        s.setValue(QStringLiteral("run/scenario"), m_scenarioId);
}

void MainWindow::saveParams() const
{
    if (m_persistence == Persistence::Forget || m_scenarioId.isEmpty())
        return;
    QSettings s;
    s.beginGroup(QStringLiteral("params/") + m_scenarioId);
    const ScenarioParams params = m_params->params();
    for (const auto &[name, value] : params.values())
        s.setValue(name, value);
    s.endGroup();
}

ScenarioParams MainWindow::rememberedParams(const Scenario &scenario) const
{
    if (m_persistence == Persistence::Forget)
        return scenario.defaults();
    ScenarioParams stored;
    QSettings s;
    s.beginGroup(QStringLiteral("params/") + scenario.id);
    for (const QString &name : s.childKeys()) {
        bool ok = false;
        const double v = s.value(name).toDouble(&ok);
        if (ok)
            stored.set(name, v);
    }
    ScenarioParams params;
    // Settings outlive spec changes: a value a newer version no longer takes gets the default.
    scenario.resolve(stored, &params, nullptr, Scenario::OnInvalid::UseDefault);
    return params;
}

bool MainWindow::selectScenario(const QString &id, bool runIt)
{
    const Scenario *scenario = ScenarioRegistry::find(id);
    if (!scenario)
        return false;
    m_scenarioId = id;
    m_programPath.clear();
    m_browser->setCurrentScenario(id);
    m_scenarioTitle->setText(scenario->title);
    m_explanation->setText(scenario->explanation);
    m_params->setScenario(scenario, rememberedParams(*scenario));
    m_code->setScenario(scenario);
    m_view->setPlaceholderText(
        QStringLiteral("%1\n\nPress Run (F5) to watch it.").arg(scenario->title));
    updateTitle();
    updateActions();
    if (runIt)
        return run();
    return true;
}

void MainWindow::onScenarioActivated(const QString &id)
{
    const QString program = ScenarioBrowser::programOf(id);
    if (program.isEmpty()) {
        selectScenario(id, true);
        return;
    }
    QString error;
    if (!selectProgram(program, {}, {}, true, &error))
        showError(QStringLiteral("Cannot trace the program"), error);
}

bool MainWindow::selectProgram(const QString &path, const QStringList &arguments,
                               const QString &workingDirectory, bool runIt, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QFile file(absolute);
    if (!QFileInfo(absolute).isFile() || !file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2")
                         .arg(path, QFileInfo(absolute).exists() ? QStringLiteral("not a readable file")
                                                                 : QStringLiteral("no such file"));
        return false;
    }
    const QString source = QString::fromUtf8(file.readAll());
    const QString name = QFileInfo(absolute).fileName();
    m_scenarioId.clear();
    m_programPath = absolute;
    m_programArguments = arguments;
    m_programFolder = workingDirectory;
    m_programSpec = Scenario{};
    m_programSpec.id = name;
    m_programSpec.title = name;
    m_programSpec.group = QStringLiteral("Your programs");
    m_programSpec.params = ProgramRunner::markedConstants(source);
    m_programSpec.explanation =
        QStringLiteral("Your program %1%2, traced as python3 runs it. Mark a module-level number "
                       "with  # loopscope: MIN..MAX  to get a slider for it.")
            .arg(absolute, arguments.isEmpty() ? QString()
                                               : QStringLiteral(" ") + arguments.join(QLatin1Char(' ')));
    m_recentPrograms.removeAll(absolute);
    m_recentPrograms.prepend(absolute);
    while (m_recentPrograms.size() > 10)
        m_recentPrograms.removeLast();
    if (m_persistence == Persistence::Remember)
        QSettings().setValue(QStringLiteral("programs/recent"), m_recentPrograms);
    m_browser->setPrograms(m_recentPrograms);
    m_browser->setCurrentScenario(ScenarioBrowser::programId(absolute));
    m_scenarioTitle->setText(name);
    m_explanation->setText(m_programSpec.explanation);
    m_params->setScenario(&m_programSpec, m_programSpec.defaults());
    m_code->setProgram(name, source);
    m_view->setPlaceholderText(QStringLiteral("%1\n\nPress Run (F5) to trace it.").arg(name));
    updateTitle();
    updateActions();
    return runIt ? run() : true;
}

bool MainWindow::addBookmark(qint64 timeNs, const QString &note)
{
    if (!traceData())
        return false;
    if (m_showingFile)
        m_fileData.addBookmark(timeNs, note);
    else
        m_run->addBookmark(timeNs, note);
    updateBookmarksMenu();
    m_view->viewport()->update();
    return true;
}

void MainWindow::bookmarkWithDialog()
{
    const qint64 t = m_view->zoomControl()->cursorNs() >= 0 ? m_view->zoomControl()->cursorNs()
                                                            : m_run->liveEdgeNs();
    bool ok = false;
    const QString note = QInputDialog::getText(
        this, QStringLiteral("Add Bookmark"),
        QStringLiteral("A note for %1:").arg(Wording::duration(t)), QLineEdit::Normal, QString(),
        &ok);
    if (ok && !addBookmark(t, note.isEmpty() ? Wording::duration(t) : note))
        m_statusLabel->setText(QStringLiteral("Nothing to bookmark: run a scenario first"));
}

void MainWindow::updateBookmarksMenu()
{
    m_bookmarksMenu->clear();
    m_bookmarksMenu->addAction(m_bookmarkAction);
    const TraceData *data = traceData();
    if (!data || data->bookmarks.empty())
        return;
    m_bookmarksMenu->addSeparator();
    for (const Bookmark &mark : data->bookmarks) {
        const qint64 t = mark.timeNs;
        QAction *a = m_bookmarksMenu->addAction(
            QStringLiteral("%1 \u2014 %2").arg(Wording::duration(t), mark.note));
        connect(a, &QAction::triggered, this, [this, t] { m_view->setCursorTime(t); });
    }
}

QString MainWindow::runName() const
{
    return m_programPath.isEmpty() ? m_scenarioId : QFileInfo(m_programPath).completeBaseName();
}

void MainWindow::traceWithDialog()
{
    ProgramDialog dialog(this);
    if (!m_programPath.isEmpty()) {
        dialog.setProgram(m_programPath);
        dialog.setArguments(m_programArguments);
        dialog.setWorkingDirectory(m_programFolder);
    }
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    if (!selectProgram(dialog.program(), dialog.arguments(), dialog.workingDirectory(), true,
                       &error))
        showError(QStringLiteral("Cannot trace the program"), error);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile()
        && (urls.first().path().endsWith(QLatin1String(".py"))
            || urls.first().path().endsWith(QLatin1String(".json"))
            || urls.first().path().endsWith(QLatin1String(".json.gz"))))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = event->mimeData()->urls().value(0).toLocalFile();
    QString error;
    event->acceptProposedAction();
    if (!path.endsWith(QLatin1String(".py"))) {
        openTraceInBackground(path);
        return;
    }
    if (!selectProgram(path, {}, {}, true, &error))
        showError(QStringLiteral("Cannot open %1").arg(QFileInfo(path).fileName()), error);
}

void MainWindow::setParams(const ScenarioParams &params) { m_params->setParams(params); }

void MainWindow::setTimeScale(double scale)
{
    m_timeScale = scale;
    m_view->player()->setSpeed(1.0 / scale);
    int best = -1;
    for (int i = 0; i < m_speed->count(); ++i) {
        if (qFuzzyCompare(m_speed->itemData(i).toDouble(), scale))
            best = i;
    }
    if (best < 0) {
        m_speed->addItem(QStringLiteral("%1\u00d7").arg(1.0 / scale, 0, 'g', 3), scale);
        best = m_speed->count() - 1;
    }
    m_speed->setCurrentIndex(best);
}

void MainWindow::setClockMode(Clock::Mode mode)
{
    m_clock = mode;
    (mode == Clock::Mode::Virtual ? m_instantAction : m_liveAction)->setChecked(true);
}

void MainWindow::setRerunDelayMs(int ms) { m_params->setDebounceMs(ms); }

void MainWindow::scheduleRerun()
{
    if (hasTarget() && !m_showingFile)
        m_rerunTimer.start();
}

bool MainWindow::run()
{
    m_rerunTimer.stop();
    if (!hasTarget()) {
        m_statusLabel->setText(QStringLiteral("Pick a scenario first"));
        return false;
    }
    if (!m_programPath.isEmpty()) {
        // The file's current contents: its source and marked constants are read again.
        QFile file(m_programPath);
        if (file.open(QIODevice::ReadOnly))
            m_code->setProgram(QFileInfo(m_programPath).fileName(), QString::fromUtf8(file.readAll()));
        ProgramRunner::Options program;
        program.program = m_programPath;
        program.arguments = m_programArguments;
        program.workingDirectory = m_programFolder.isEmpty()
            ? QFileInfo(m_programPath).absolutePath()
            : m_programFolder;
        program.clock = m_clock;
        program.internals = m_internalsAction->isChecked();
        program.params = m_params->params();
        program.forwardOutput = false; // the output panel shows it
        QString error;
        if (!m_run->start(std::make_unique<ProgramRunner>(program), &error)) {
            m_statusLabel->setText(QStringLiteral("Cannot trace: ") + error);
            showError(QStringLiteral("Cannot trace the program"), error);
            return false;
        }
        return true;
    }
    ScenarioRunner::Options options;
    options.scenario = m_scenarioId;
    options.params = m_params->params();
    options.timeScale = m_timeScale;
    options.clock = m_clock;
    QString error;
    // start() stops the run going on and waits for it: every task of it ends cancelled.
    if (!m_run->start(std::make_unique<ScenarioRunner>(options), &error)) {
        m_statusLabel->setText(QStringLiteral("Cannot run: ") + error);
        return false;
    }
    if (m_persistence == Persistence::Remember)
        QSettings().setValue(QStringLiteral("run/scenario"), m_scenarioId);
    return true;
}

void MainWindow::stop()
{
    if (!m_run->isRunning())
        return;
    m_run->stop();
    m_statusLabel->setText(QStringLiteral("Stopping: cancelling every task still going\u2026"));
}

void MainWindow::onStarted()
{
    m_showingFile = false;
    m_filePath.clear();
    m_view->setLive(true);
    m_view->setData(&m_run->data());
    m_output->clear();
    m_stats->clear();
    m_findings->clear();
    m_runClock.start();
    m_lastStatsMs = -1000;
    m_finishing = false;
    const RunInfo &info = m_run->data().info;
    m_statusLabel->setText(QStringLiteral("Running %1 (%2 clock)\u2026")
                               .arg(info.scenario, info.clock));
    updateTitle();
    updateActions();
    updateBookmarksMenu();
}

void MainWindow::onFrame()
{
    if (m_showingFile || !m_run->hasRun())
        return;
    const bool finished = m_run->data().info.finished;
    m_view->setNowNs(m_run->liveEdgeNs());
    m_view->dataChanged();
    m_output->setLines(m_run->data().output);
    // Stats cost O(units): a few times a second is plenty while live.
    if (!finished && m_runClock.elapsed() - m_lastStatsMs >= 250) {
        m_lastStatsMs = m_runClock.elapsed();
        refreshPanels(false);
        m_statusLabel->setText(QStringLiteral("Running %1\u2026 %2")
                                   .arg(runName(),
                                        Wording::duration(m_run->liveEdgeNs())));
    }
}

void MainWindow::onFinished()
{
    if (m_showingFile)
        return; // a run we had already left (a trace was opened meanwhile)
    m_view->finishLive();
    m_output->setLines(m_run->data().output);
    // The panels read the final layout's analysis: a big one is still being built.
    m_finishing = m_view->isLayoutPending();
    if (!m_finishing)
        showFinished();
}

void MainWindow::showFinished()
{
    m_finishing = false;
    refreshPanels(true);
    m_statusLabel->setText(QStringLiteral("Finished \u2014 ")
                           + SummaryWriter::resultLine(m_run->data()));
    if (!m_run->error().isEmpty()) {
        // A program that never started a loop, or a run that could not run: say so, never an
        // empty view without a word.
        m_statusLabel->setText(m_run->error());
        m_view->setPlaceholderText(m_run->error());
        showError(QStringLiteral("Nothing to show"), m_run->error());
    } else if (const auto *program = qobject_cast<const ProgramRunner *>(m_run->source());
               program && program->exitStatus() != 0) {
        m_statusLabel->setText(m_statusLabel->text()
                               + QStringLiteral(" \u2014 the program exited with status %1")
                                     .arg(program->exitStatus()));
    }
    updateTitle();
    updateActions();
    Q_EMIT runFinished();
}

void MainWindow::refreshPanels(bool finished)
{
    const TraceData *data = traceData();
    if (!data) {
        m_stats->clear();
        m_findings->clear();
        return;
    }
    // The view's layout analysed the data when it last changed; reuse that, not a second pass.
    m_stats->setStats(m_view->layout().analysis().stats(), finished);
    const bool hadFindings = m_findings->count() > 0;
    m_findings->setFindings(m_view->layout().analysis().findings());
    if (!hadFindings && m_findings->count() > 0)
        findChild<QDockWidget *>(QStringLiteral("findingsDock"))->raise(); // something to see
    refreshCompare();
}

void MainWindow::refreshCompare()
{
    const TraceData *a = m_run->pinned();
    const TraceData *b = traceData();
    if (!a || !b) {
        m_compare->clear();
        return;
    }
    m_compare->setComparison(RunComparison::compare(*a, *b), TimelinePainter::title(a->info),
                             TimelinePainter::title(b->info));
}

bool MainWindow::pinRun(QString *error)
{
    const TraceData *data = traceData();
    if (!data || data->units.empty() || m_run->isRunning()) {
        if (error)
            *error = m_run->isRunning()
                ? QStringLiteral("cannot pin a run still going: pin it once it has finished")
                : QStringLiteral("nothing to pin: run a scenario or open a trace first");
        return false;
    }
    m_run->pin(*data);
    m_statusLabel->setText(QStringLiteral("Pinned %1 as A: change a parameter, trace a program "
                                          "or open a trace to compare")
                               .arg(TimelinePainter::title(data->info)));
    return true;
}

bool MainWindow::pinFile(const QString &path, QString *error)
{
    const std::optional<TraceData> data = RunFile::read(path, error);
    if (!data)
        return false;
    m_run->pin(*data);
    m_statusLabel->setText(QStringLiteral("Pinned %1 as A").arg(QFileInfo(path).fileName()));
    return true;
}

void MainWindow::unpinRun()
{
    m_run->unpin();
}

bool MainWindow::isPinned() const
{
    return m_run->pinned() != nullptr;
}

const TraceData *MainWindow::traceData() const
{
    if (m_showingFile)
        return &m_fileData;
    return m_run->hasRun() ? &m_run->data() : nullptr;
}

void MainWindow::updateActions()
{
    const bool running = m_run->isRunning();
    const bool haveData = traceData() != nullptr;
    m_runAction->setEnabled(hasTarget());
    m_rerunAction->setEnabled(hasTarget());
    m_stopAction->setEnabled(running);
    for (QAction *a : {m_exportPngAction, m_exportSvgAction, m_exportPdfAction,
                       m_exportJsonAction, m_saveSummaryAction, m_copyAction})
        a->setEnabled(haveData);
    m_followAction->setEnabled(running);
    m_pinAction->setEnabled(haveData && !running);
    m_unpinAction->setEnabled(isPinned());
}

void MainWindow::updateTitle()
{
    QString title = QStringLiteral("Loopscope");
    if (m_showingFile)
        title = QStringLiteral("%1 (read-only) \u2014 Loopscope").arg(QFileInfo(m_filePath).fileName());
    else if (!m_programPath.isEmpty())
        title = QStringLiteral("%1 (traced) \u2014 Loopscope").arg(QFileInfo(m_programPath).fileName());
    else if (const Scenario *s = ScenarioRegistry::find(m_scenarioId))
        title = QStringLiteral("%1 \u2014 Loopscope").arg(s->title);
    setWindowTitle(title);
}

bool MainWindow::exportTo(const QString &path, const ExportRequest &request, QString *error)
{
    const TraceData *data = traceData();
    if (!data || data->units.empty()) {
        if (error)
            *error = QStringLiteral("nothing to export: run a scenario or open a trace first");
        return false;
    }
    if (request.format == ExportRequest::Format::TraceJson)
        return writeFileAtomically(path, TraceJsonWriter::toJson(*data), error);

    ImageExporter::ExportOptions options;
    options.style = request.dark ? TimelineStyle::dark() : TimelineStyle::light();
    options.labelWidth = m_view->geometry().labelWidth; // exactly the screen's column
    if (request.visibleRange) {
        options.startNs = m_view->timelineViewport().startNs();
        options.endNs = m_view->timelineViewport().endNs();
    }
    options.selected = m_view->zoomControl()->selectedUnits();
    options.collapsed = m_view->collapsed();
    options.pinned = m_run->pinned(); // the view compares with it too
    switch (request.format) {
    case ExportRequest::Format::Png:
        return ImageExporter::exportPng(*data, path, request.size, request.dpr, options, error);
    case ExportRequest::Format::Svg:
        return ImageExporter::exportSvg(*data, path, request.size, options, error);
    case ExportRequest::Format::Pdf:
        return ImageExporter::exportPdf(*data, path, request.size, options, error);
    case ExportRequest::Format::TraceJson:
        break;
    }
    return false;
}

bool MainWindow::saveSummary(const QString &path, QString *error)
{
    const TraceData *data = traceData();
    if (!data || data->units.empty()) {
        if (error)
            *error = QStringLiteral("nothing to save: run a scenario or open a trace first");
        return false;
    }
    return writeFileAtomically(path, SummaryWriter::toJson(*data), error);
}

bool MainWindow::openTrace(const QString &path, QString *error)
{
    TraceImportReport report;
    std::optional<TraceData> data = TraceJsonReader::fromFile(path, error, &report);
    if (!data)
        return false;
    showTrace(std::move(*data), path, report);
    return true;
}

void MainWindow::showTrace(TraceData data, const QString &path, const TraceImportReport &report)
{
    m_rerunTimer.stop();
    m_run->stop(); // its finished() is ignored: we show the file now
    m_fileData = std::move(data);
    m_fileData.info.finished = true;
    m_showingFile = true;
    m_finishing = false;
    m_filePath = path;
    m_view->setLive(false);
    m_view->setData(&m_fileData);
    m_output->clear();
    m_output->setLines(m_fileData.output);
    refreshPanels(true);
    QString status = QStringLiteral("Showing %1 (read-only) \u2014 %2")
                         .arg(QFileInfo(path).fileName(), SummaryWriter::resultLine(m_fileData));
    if (!report.isEmpty())
        status += QStringLiteral(" \u2014 ") + report.text();
    m_statusLabel->setText(status);
    m_statusLabel->setToolTip(status);
    updateTitle();
    updateActions();
    updateBookmarksMenu();
}

QImage MainWindow::timelineImage() const
{
    const qreal dpr = m_view->devicePixelRatioF();
    const QRect target = m_view->geometry().target;
    QImage image(target.size() * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(m_view->style().background);
    if (const TraceData *data = m_view->drawn()) {
        QPainter p(&image);
        TimelinePainter::PaintOptions options;
        options.select(m_view->zoomControl()->selectedUnits());
        options.cursorNs = m_view->cursorNs();
        TimelinePainter::paint(p, *data, m_view->layout(), m_view->timelineViewport(), m_view->style(),
                               m_view->geometry(), options);
    }
    return image;
}

void MainWindow::exportWithDialog(ExportRequest::Format format)
{
    ExportRequest request;
    request.format = format;
    request.dark = m_darkAction->isChecked();
    if (format != ExportRequest::Format::TraceJson) {
        ExportDialog dialog(request, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        request = dialog.request();
    }
    const QString suffix = ExportRequest::suffix(format);
    QString base = m_showingFile ? QFileInfo(m_filePath).completeBaseName() : runName();
    if (format == ExportRequest::Format::TraceJson && !m_showingFile)
        base += QStringLiteral(".trace");
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export %1").arg(ExportRequest::formatName(format)),
        base + QLatin1Char('.') + suffix,
        format == ExportRequest::Format::TraceJson
            ? QStringLiteral("%1 (*.json *.json.gz)").arg(ExportRequest::formatName(format))
            : QStringLiteral("%1 (*.%2)").arg(ExportRequest::formatName(format), suffix));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, request, &error))
        showError(QStringLiteral("Export failed"), error);
    else
        m_statusLabel->setText(QStringLiteral("Wrote ") + path);
}

void MainWindow::openWithDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open Trace"), QString(),
        QStringLiteral("Trace JSON (*.json *.json.gz);;All files (*)"));
    if (!path.isEmpty())
        openTraceInBackground(path);
}

QProgressDialog *MainWindow::openProgress() const
{
    return m_openProgress;
}

void MainWindow::openTraceInBackground(const QString &path)
{
    if (m_openProgress)
        m_openProgress->cancel(); // the newer open replaces it
    struct Loaded
    {
        std::optional<TraceData> data;
        QString error;
        TraceImportReport report;
    };
    // Shared with the reading thread: how far it is (per mille) and whether to stop.
    struct Shared
    {
        std::atomic<int> permille { 0 };
        std::atomic<bool> cancelled { false };
    };
    auto shared = std::make_shared<Shared>();
    auto *progress = new QProgressDialog(
        QStringLiteral("Reading %1\u2026").arg(QFileInfo(path).fileName()),
        QStringLiteral("Cancel"), 0, 1000, this);
    progress->setWindowTitle(QStringLiteral("Open Trace"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setMinimumDuration(300); // a small file opens without a flash of dialog
    progress->setValue(0);
    m_openProgress = progress;
    connect(progress, &QProgressDialog::canceled, this, [shared] { shared->cancelled = true; });
    // The reader calls back on its thread; the dialog is polled on ours.
    auto *poll = new QTimer(progress);
    connect(poll, &QTimer::timeout, progress, [progress, shared] {
        if (progress->wasCanceled())
            shared->cancelled = true; // cancel() called directly emits no canceled()
        else
            progress->setValue(shared->permille.load());
    });
    poll->start(50);

    auto *watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this,
            [this, watcher, path, shared, progress = QPointer<QProgressDialog>(progress)] {
                Loaded loaded = watcher->result();
                watcher->deleteLater();
                const bool cancelled
                    = shared->cancelled.load() || (progress && progress->wasCanceled());
                if (progress) {
                    progress->disconnect(this);
                    progress->close();
                }
                bool shown = false;
                if (cancelled)
                    m_statusLabel->setText(QStringLiteral("Open of %1 cancelled")
                                               .arg(QFileInfo(path).fileName()));
                else if (!loaded.data)
                    showError(QStringLiteral("Cannot open trace"), loaded.error);
                else {
                    showTrace(std::move(*loaded.data), path, loaded.report);
                    shown = true;
                }
                Q_EMIT openFinished(path, shown);
            });
    m_statusLabel->setText(QStringLiteral("Reading %1\u2026").arg(QFileInfo(path).fileName()));
    watcher->setFuture(QtConcurrent::run([path, shared] {
        Loaded loaded;
        loaded.data = TraceJsonReader::fromFile(
            path, &loaded.error, &loaded.report, [shared](qint64 done, qint64 total) {
                if (total > 0)
                    shared->permille = int(std::min<qint64>(1000, done * 1000 / total));
                return !shared->cancelled.load();
            });
        return loaded;
    }));
}

void MainWindow::saveSummaryWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save Summary"), runName() + QStringLiteral(".summary.json"),
        QStringLiteral("Summary JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveSummary(path, &error))
        showError(QStringLiteral("Cannot save the summary"), error);
    else
        m_statusLabel->setText(QStringLiteral("Wrote ") + path);
}

void MainWindow::copyImage()
{
    QApplication::clipboard()->setImage(timelineImage());
    m_statusLabel->setText(QStringLiteral("Timeline image copied to the clipboard"));
}

void MainWindow::showAbout()
{
    QString states;
    for (const UnitState state : {UnitState::Running, UnitState::Waiting, UnitState::Queued,
                                  UnitState::Ready}) {
        states += QStringLiteral("<b>%1</b>: %2. ")
                      .arg(Wording::state(state), Wording::stateMeaning(state).toHtmlEscaped());
    }
    QMessageBox box(this);
    box.setWindowTitle(QStringLiteral("About Loopscope"));
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.setTextFormat(Qt::RichText);
    box.setText(QStringLiteral(
        "<h3>Loopscope %1</h3>"
        "<p>A microscope for asynchronous code: C++20 coroutines re-enact the classic asyncio "
        "patterns, every task state change is recorded, and the timeline shows what gather, a "
        "semaphore, a timeout or a blocking call really does.</p>"
        "<p>Bars: %2</p><p>Built with Qt %3 and QCoro.</p>")
                    .arg(QCoreApplication::applicationVersion(), states,
                         QString::fromLatin1(qVersion())));
    box.exec();
}

void MainWindow::showError(const QString &title, const QString &error)
{
    // Not modal-blocking: the window goes on drawing (and tests go on) while it is shown.
    auto *box = new QMessageBox(QMessageBox::Critical, title, error, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::setDarkTimeline(bool dark)
{
    if (m_darkAction && m_darkAction->isChecked() != dark) {
        m_darkAction->setChecked(dark); // calls back
        return;
    }
    m_view->setStyle(dark ? TimelineStyle::dark() : TimelineStyle::light());
    m_code->setDark(followsDarkPalette());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    saveParams();
    m_run->stop();
    m_run->wait();
    QMainWindow::closeEvent(event);
}

} // namespace Loopscope
