#include "commandline.h"
#if __has_include("guilauncher.h")
#include "guilauncher.h"
#define LOOPSCOPE_HAVE_GUI 1
#endif

#include <QGuiApplication>

#include <QDir>
#include <QFile>

int main(int argc, char **argv)
{
    // Qt warns on every start when this is unset (containers, CI): give it a private folder.
    if (!qEnvironmentVariableIsSet("XDG_RUNTIME_DIR")) {
        const QString dir = QDir::tempPath() + QStringLiteral("/loopscope-runtime-%1")
                                                   .arg(QString::fromLocal8Bit(qgetenv("USER")));
        if (QDir().mkpath(dir)) {
            QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
        }
    }
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (!Loopscope::CommandLine::handles(args)) {
#ifdef LOOPSCOPE_HAVE_GUI
        return Loopscope::launchGui(argc, argv);
#else
        args.prepend(QStringLiteral("--help"));
#endif
    }

    // Headless: images are drawn without a display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("loopscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LOOPSCOPE_VERSION));
    return Loopscope::CommandLine::exec(args);
}
