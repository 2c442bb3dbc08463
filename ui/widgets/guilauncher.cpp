#include "guilauncher.h"

#include "atomicfile.h"
#include "mainwindow.h"
#include "scenarios/launchoptions.h"
#include "timelineview.h"

#include <QApplication>
#include <QDockWidget>
#include <QIODevice>
#include <QIcon>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

namespace Loopscope {

namespace {
void printError(const QString &message)
{
    std::fprintf(stderr, "loopscope: %s\n", qPrintable(message));
}

bool hasDisplay(const LaunchOptions &options)
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return options.displayGiven || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")
        || !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    Q_UNUSED(options);
    return true;
#endif
}
} // namespace

int launchGui(int argc, char **argv, const LaunchOptions &options)
{
    // Qt would abort in its platform plugin (a core dump) without saying what to do instead.
    if (!hasDisplay(options)) {
        printError(QStringLiteral("no display (DISPLAY and WAYLAND_DISPLAY are unset): run "
                                  "headless with 'loopscope run ID' (see 'loopscope --help'), "
                                  "or open the window on a virtual display: xvfb-run loopscope"));
        return 2;
    }

    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Loopscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Loopscope"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Loopscope"));
    QGuiApplication::setDesktopFileName(QStringLiteral("loopscope"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/loopscope/icons/loopscope.svg")));

    MainWindow window;
    if (options.hasClock)
        window.setClockMode(options.clock);
    if (options.hasTimeScale)
        window.setTimeScale(options.timeScale);
    if (!options.scenario.isEmpty()) {
        window.selectScenario(options.scenario, false);
        if (options.hasParams)
            window.setParams(options.params);
    }
    // Before the grab below: the picture shows the moment, with the code panel in front.
    auto placeCursor = [&window, &options] {
        window.timelineView()->setCursorTime(qint64(options.cursorS * 1e9));
        if (auto *code = window.findChild<QDockWidget *>(QStringLiteral("codeDock")))
            code->raise();
    };
    if (options.cursorS >= 0 && options.traceFile.isEmpty())
        QObject::connect(&window, &MainWindow::runFinished, &window, placeCursor);
    int exitCode = 0;
    if (!options.screenshot.isEmpty()) {
        const QString path = options.screenshot;
        auto grab = [&window, &exitCode, path] {
            // Let the final layout and fit reach the screen before grabbing.
            QTimer::singleShot(300, &window, [&window, &exitCode, path] {
                const QPixmap pixmap = window.grab();
                QString problem;
                const bool ok = writeFileAtomically(
                    path,
                    [&pixmap](QIODevice &device, QString *why) {
                        if (pixmap.save(&device, "PNG"))
                            return true;
                        if (why)
                            *why = QStringLiteral("cannot encode the PNG");
                        return false;
                    },
                    &problem);
                if (!ok) {
                    printError(problem);
                    exitCode = 1;
                }
                QCoreApplication::exit(exitCode);
            });
        };
        if (!options.traceFile.isEmpty())
            QTimer::singleShot(0, &window, grab);
        else
            QObject::connect(&window, &MainWindow::runFinished, &window, grab);
    }
    window.show();
    if (!options.pinTrace.isEmpty()) {
        QString error;
        if (!window.pinFile(options.pinTrace, &error)) {
            printError(error);
            return 2;
        }
    }
    if (!options.traceFile.isEmpty()) {
        QString error;
        if (!window.openTrace(options.traceFile, &error)) {
            printError(error);
            return 2;
        }
        if (options.cursorS >= 0)
            placeCursor();
    } else if (!options.program.isEmpty()) {
        QString error;
        if (!window.selectProgram(options.program, options.programArguments, {}, false, &error)) {
            printError(error);
            return 2;
        }
        if (options.hasParams)
            window.setParams(options.params);
        window.run();
    } else if (!window.run()) {
        // Never a blank window: the chosen, remembered or first scenario runs at once.
        printError(QStringLiteral("cannot run %1").arg(window.currentScenario()));
        return 2;
    }
    const int code = app.exec();
    return exitCode != 0 ? exitCode : code;
}

} // namespace Loopscope
