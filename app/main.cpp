#include "commandline.h"
#include "environment.h"
#include "guilauncher.h"
#include "scenarios/launchoptions.h"

#include <QGuiApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    Loopscope::prepareQtEnvironment();
    // Before either path, so --version, the About box and the GUI all read the same value.
    QCoreApplication::setApplicationVersion(QStringLiteral(LOOPSCOPE_VERSION));
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    Loopscope::LaunchOptions options;
    QString error;
    // Checked before any application object exists, so bad input never flashes a window.
    if (!Loopscope::LaunchOptions::parse(args, &options, &error)) {
        std::fprintf(stderr, "loopscope: %s\n", qPrintable(error));
        return 2;
    }
    if (options.command == Loopscope::LaunchOptions::Command::Gui)
        return Loopscope::launchGui(argc, argv, options);

    // Headless: images are drawn without a display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("loopscope"));
    return Loopscope::CommandLine::exec(options);
}
