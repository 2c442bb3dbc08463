#pragma once

#include "clock.h"
#include "exportdialog.h"
#include "scenarios/scenario.h"
#include "tracedata.h"
#include "traceimportreport.h"

#include <QMainWindow>
#include <QPointer>
#include <QElapsedTimer>
#include <QTimer>

#include <memory>

QT_BEGIN_NAMESPACE
class QProgressDialog;
QT_END_NAMESPACE

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;

namespace Loopscope {

class CodePanel;
class FindingsPanel;
class ComparePanel;
class MomentPanel;
class OutputPanel;
class ParameterPanel;
class RunController;
class ScenarioBrowser;
class StatsPanel;
class TimelineView;

//! Loopscope's window: the scenario browser and parameters on the left, the live timeline in
//! the middle, output, stats and code below. Its RunController owns the run (start, stop,
//! re-run, the trace built at display rate, the run's info and live edge); the window keeps the
//! actions, docks and dialogs and never touches coroutines.
//!
//! Every action that writes or reads a file has a dialog-free form (exportTo, saveSummary,
//! openTrace) that returns false with a one-line error; the menu actions only ask for a path
//! and show that error in a message box. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    //! Remember: settings (last scenario, parameters, speed, clock, geometry) are read and
    //! written with QSettings. Forget: neither (tests).
    enum class Persistence { Remember, Forget };

    explicit MainWindow(Persistence persistence = Persistence::Remember,
                        QWidget *parent = nullptr);
    ~MainWindow() override;

    RunController *runController() const { return m_run; }
    TimelineView *timelineView() const { return m_view; }
    ScenarioBrowser *browser() const { return m_browser; }
    ParameterPanel *parameterPanel() const { return m_params; }
    OutputPanel *outputPanel() const { return m_output; }
    StatsPanel *statsPanel() const { return m_stats; }
    MomentPanel *momentPanel() const { return m_moment; }
    CodePanel *codePanel() const { return m_code; }
    FindingsPanel *findingsPanel() const { return m_findings; }
    ComparePanel *comparePanel() const { return m_compare; }

    //! Shows a scenario (explanation, parameters, code) with its remembered parameters; runs
    //! it if run. False if the id is unknown.
    bool selectScenario(const QString &id, bool run = true);
    QString currentScenario() const { return m_scenarioId; }
    //! Shows a Python program (its source, its marked constants as parameters) and traces it if
    //! run, as `python3 PROGRAM.py ARGS...` in workingDirectory (empty: the program's folder).
    //! It joins "Your programs". False with a one-line error if it cannot be read.
    bool selectProgram(const QString &path, const QStringList &arguments = {},
                       const QString &workingDirectory = {}, bool run = true,
                       QString *error = nullptr);
    //! The program on screen (absolute path), empty when a scenario is.
    QString currentProgram() const { return m_programPath; }
    QStringList recentPrograms() const { return m_recentPrograms; }
    void setParams(const ScenarioParams &params);
    //! 1 = real time, 0.1 = ten times faster.
    void setTimeScale(double scale);
    double timeScale() const { return m_timeScale; }
    void setClockMode(Clock::Mode mode);
    Clock::Mode clockMode() const { return m_clock; }
    //! Debounce before a parameter change re-runs (250 ms; tests may shorten it).
    void setRerunDelayMs(int ms);

    //! What the timeline shows: the current run, or an opened trace; nullptr if nothing.
    const TraceData *traceData() const;
    bool isShowingFile() const { return m_showingFile; }
    //! Marks timeNs of what the timeline shows with a note (saved in its trace JSON); false if
    //! nothing is shown.
    bool addBookmark(qint64 timeNs, const QString &note);

    //! Writes the timeline (PNG/SVG/PDF) or the trace JSON to path. Atomic; false with a
    //! one-line error if there is nothing to export or the file cannot be written.
    bool exportTo(const QString &path, const ExportRequest &request, QString *error = nullptr);
    bool saveSummary(const QString &path, QString *error = nullptr);
    //! Shows a saved trace JSON, read-only (stops a run going on). False with a one-line error
    //! for a file that cannot be read or is not a trace.
    bool openTrace(const QString &path, QString *error = nullptr);
    //! The same, read on a pool thread (what File > Open Trace and a drop do): a progress dialog
    //! shows the bytes read and its Cancel drops the read, leaving the view as it was; the
    //! window stays responsive. Ends with openFinished (after showing the trace or the error).
    void openTraceInBackground(const QString &path);
    //! The progress dialog of the open going on, if any (tests cancel through it).
    QProgressDialog *openProgress() const;
    //! The timeline as the screen shows it, at the screen's pixel ratio.
    QImage timelineImage() const;

    //! Pins what the timeline shows (a finished run or an opened trace) as run A: the runs
    //! after it (a parameter change, another program, an opened trace) are B, drawn on one
    //! time axis with A's lanes faint under theirs, and compared in the Compare panel. False
    //! with a one-line error if there is nothing finished to pin.
    bool pinRun(QString *error = nullptr);
    //! Pins the run saved in path (a trace or summary JSON, RunFile) as A. False with a
    //! one-line error if it cannot be read.
    bool pinFile(const QString &path, QString *error = nullptr);
    //! Back to one run.
    void unpinRun();
    bool isPinned() const;

public Q_SLOTS:
    //! Starts the current scenario with the panel's parameters; false (and a status message)
    //! if it cannot start.
    bool run();
    void stop();
    void setDarkTimeline(bool dark);

Q_SIGNALS:
    //! A run of ours ended and the view shows all of it.
    void runFinished();
    //! An openTraceInBackground ended: shown (the view shows path), or not (cancelled or
    //! failed; the view is untouched).
    void openFinished(const QString &path, bool shown);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildDocks();
    void restoreSettings();
    void saveSettings() const;
    void saveParams() const;
    ScenarioParams rememberedParams(const Scenario &scenario) const;
    void onScenarioActivated(const QString &id);
    void onStarted();
    void onFinished();
    //! The end of a run, shown once the view has its final layout: panels, status, runFinished.
    void showFinished();
    void onFrame();
    void refreshPanels(bool finished);
    void refreshCompare();
    void updateActions();
    void updateTitle();
    void scheduleRerun();
    void exportWithDialog(ExportRequest::Format format);
    void openWithDialog();
    void traceWithDialog();
    void bookmarkWithDialog();
    void updateBookmarksMenu();
    //! What runs when Run is pressed: a scenario id, or a program's file name.
    QString runName() const;
    bool hasTarget() const { return !m_scenarioId.isEmpty() || !m_programPath.isEmpty(); }
    //! Shows a trace read from a file (read-only: no runner); the status bar says what an
    //! imported trace's report counted.
    void showTrace(TraceData data, const QString &path, const TraceImportReport &report = {});
    void saveSummaryWithDialog();
    void copyImage();
    void showAbout();
    void showError(const QString &title, const QString &error);

    Persistence m_persistence;
    RunController *m_run;
    TimelineView *m_view;
    ScenarioBrowser *m_browser;
    ParameterPanel *m_params;
    OutputPanel *m_output;
    StatsPanel *m_stats;
    MomentPanel *m_moment;
    CodePanel *m_code;
    FindingsPanel *m_findings = nullptr; //!< made with its dock (buildDocks)
    ComparePanel *m_compare;
    QLabel *m_scenarioTitle;
    QLabel *m_explanation;
    QLabel *m_statusLabel;
    QComboBox *m_speed = nullptr;

    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_rerunAction = nullptr;
    QAction *m_liveAction = nullptr;
    QAction *m_instantAction = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_traceAction = nullptr;
    QAction *m_exportPngAction = nullptr;
    QAction *m_exportSvgAction = nullptr;
    QAction *m_exportPdfAction = nullptr;
    QAction *m_exportJsonAction = nullptr;
    QAction *m_saveSummaryAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_internalsAction = nullptr;
    QAction *m_bookmarkAction = nullptr;
    QAction *m_pinAction = nullptr;
    QAction *m_unpinAction = nullptr;
    QMenu *m_bookmarksMenu = nullptr;
    QAction *m_playAction = nullptr;
    QAction *m_previousEventAction = nullptr;
    QAction *m_nextEventAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_quitAction = nullptr;
    QList<QDockWidget *> m_docks;

    QString m_scenarioId;
    QString m_programPath;        //!< the traced program on screen (then m_scenarioId is empty)
    QStringList m_programArguments;
    QString m_programFolder;
    Scenario m_programSpec;       //!< its marked constants, for the parameter panel
    QStringList m_recentPrograms; //!< "Your programs", newest first
    double m_timeScale = 1.0;
    Clock::Mode m_clock = Clock::Mode::Real;

    TraceData m_fileData;
    bool m_showingFile = false;
    QPointer<QProgressDialog> m_openProgress;
    QString m_filePath;
    QTimer m_rerunTimer;
    qint64 m_lastStatsMs = 0;
    QElapsedTimer m_runClock;
    bool m_finishing = false; //!< the run ended; showFinished() waits for the view's layout
};

} // namespace Loopscope
