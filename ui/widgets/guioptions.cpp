#include "guioptions.h"

#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"

#include <QFileInfo>

namespace Loopscope {

namespace {
// Qt's own options that take a value (QGuiApplication / QApplication).
bool qtOptionTakesValue(const QString &arg)
{
    static const QStringList withValue = {
        QStringLiteral("-platform"),        QStringLiteral("-platformpluginpath"),
        QStringLiteral("-platformtheme"),   QStringLiteral("-plugin"),
        QStringLiteral("-qwindowgeometry"), QStringLiteral("-geometry"),
        QStringLiteral("-qwindowtitle"),    QStringLiteral("-title"),
        QStringLiteral("-qwindowicon"),     QStringLiteral("-icon"),
        QStringLiteral("-style"),           QStringLiteral("-stylesheet"),
        QStringLiteral("-display"),         QStringLiteral("-session"),
        QStringLiteral("-name"),            QStringLiteral("-qmljsdebugger"),
    };
    return withValue.contains(arg);
}
} // namespace

QString GuiOptions::usage()
{
    return QStringLiteral(
        "usage: loopscope [--scenario ID] [--set NAME=VALUE]... [--time-scale S]\n"
        "                 [--clock real|virtual] [--run] [--screenshot FILE] [TRACE.json]\n"
        "       loopscope run|list ... (headless, see loopscope --help)\n");
}

bool GuiOptions::parse(const QStringList &args, GuiOptions *out, QString *error)
{
    GuiOptions o;
    QStringList assignments;
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    for (int i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        auto value = [&](QString *v) {
            if (i + 1 >= args.size())
                return false;
            *v = args.at(++i);
            return true;
        };
        QString v;
        if (arg == QStringLiteral("--help") || arg == QStringLiteral("-h")) {
            o.help = true;
        } else if (arg == QStringLiteral("--scenario")) {
            if (!value(&o.scenario))
                return fail(QStringLiteral("--scenario needs a scenario id"));
        } else if (arg == QStringLiteral("--set")) {
            if (!value(&v))
                return fail(QStringLiteral("--set needs NAME=VALUE"));
            assignments << v;
        } else if (arg == QStringLiteral("--time-scale")) {
            if (!value(&v))
                return fail(QStringLiteral("--time-scale needs a number"));
            bool ok = false;
            o.timeScale = v.toDouble(&ok);
            if (!ok)
                return fail(QStringLiteral("--time-scale: '%1' is not a number").arg(v));
            QString problem;
            if (!ScenarioRunner::checkTimeScale(o.timeScale, &problem))
                return fail(problem);
            o.hasTimeScale = true;
        } else if (arg == QStringLiteral("--clock")) {
            if (!value(&v))
                return fail(QStringLiteral("--clock needs real or virtual"));
            if (v == QStringLiteral("real"))
                o.clock = Clock::Mode::Real;
            else if (v == QStringLiteral("virtual"))
                o.clock = Clock::Mode::Virtual;
            else
                return fail(QStringLiteral("--clock: '%1' is not real or virtual").arg(v));
            o.hasClock = true;
        } else if (arg == QStringLiteral("--run")) {
            o.run = true;
        } else if (arg == QStringLiteral("--screenshot")) {
            if (!value(&o.screenshot) || o.screenshot.isEmpty())
                return fail(QStringLiteral("--screenshot needs a file name"));
            const QFileInfo dir(QFileInfo(o.screenshot).absolutePath());
            if (!dir.isDir())
                return fail(QStringLiteral("--screenshot: folder %1 does not exist")
                                .arg(dir.filePath()));
            o.run = true;
        } else if (arg.startsWith(QStringLiteral("--"))) {
            return fail(QStringLiteral("unknown option '%1' (try --help)").arg(arg));
        } else if (arg.startsWith(QLatin1Char('-')) && arg.size() > 1) {
            if (qtOptionTakesValue(arg))
                ++i; // Qt's option and its value: QApplication reads them
        } else {
            if (!o.traceFile.isEmpty())
                return fail(QStringLiteral("one trace file at a time ('%1' and '%2')")
                                .arg(o.traceFile, arg));
            if (!QFileInfo(arg).isFile())
                return fail(QStringLiteral("no such trace file: %1").arg(arg));
            o.traceFile = arg;
        }
    }
    if (!assignments.isEmpty() && o.scenario.isEmpty())
        return fail(QStringLiteral("--set needs --scenario"));
    if (o.run && o.scenario.isEmpty() && o.traceFile.isEmpty())
        return fail(QStringLiteral("--run and --screenshot need --scenario (or a trace file)"));
    if (!o.scenario.isEmpty()) {
        const Scenario *scenario = ScenarioRegistry::find(o.scenario);
        if (!scenario)
            return fail(QStringLiteral("unknown scenario '%1' (try 'loopscope list')")
                            .arg(o.scenario));
        QString problem;
        if (!scenario->resolve(assignments, &o.params, &problem))
            return fail(problem);
        o.hasParams = !assignments.isEmpty();
    }
    *out = o;
    return true;
}

} // namespace Loopscope
