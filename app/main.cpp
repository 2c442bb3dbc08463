#include "commandline.h"
#include "environment.h"
#include "guilauncher.h"

#include <QGuiApplication>

int main(int argc, char **argv)
{
    Loopscope::prepareQtEnvironment();
    // Before either path, so --version, the About box and the GUI all read the same value.
    QCoreApplication::setApplicationVersion(QStringLiteral(LOOPSCOPE_VERSION));
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (!Loopscope::CommandLine::handles(args))
        return Loopscope::launchGui(argc, argv);

    // Headless: images are drawn without a display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("loopscope"));
    return Loopscope::CommandLine::exec(args);
}
