#include "launchoptions.h"

#include "programs/programrunner.h"
#include "scenarioregistry.h"
#include "scenariorunner.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

namespace Loopscope {

namespace {

using Command = LaunchOptions::Command;

enum Takers : unsigned { ForGui = 1, ForRun = 2, ForRender = 4, ForTrace = 8, ForCompare = 16 };
constexpr unsigned ForRuns = ForRun | ForTrace; // a scenario or a program
constexpr unsigned ForImages = ForRuns | ForRender | ForCompare;

struct OptionDef {
    const char *name;
    const char *valueName; // nullptr: a switch
    const char *help;
    unsigned takers;
};

constexpr OptionDef Definitions[] = {
    {"set", "NAME=VALUE",
     "Set a parameter (repeatable; see 'list'), or a program's marked constant.", ForRuns | ForGui},
    {"time-scale", "S", "0.01 to 100; 0.1 runs ten times faster (default 1).", ForRun | ForGui},
    {"clock", "real|virtual", "virtual: instant and exact (default real).", ForRuns | ForGui},
    {"summary", "FILE", "run, trace: write the summary JSON; compare: the delta table as JSON.",
     ForRuns | ForCompare},
    {"trace", "FILE", "run, trace: write the trace JSON (opens in Perfetto).", ForRuns},
    {"png", "FILE", "run, trace, render, compare: write the timeline as a PNG.", ForImages},
    {"svg", "FILE", "run, trace, render, compare: write the timeline as an SVG.", ForImages},
    {"pdf", "FILE", "run, trace, render, compare: write the timeline as a PDF.", ForImages},
    {"width", "W", "image width, 16 to 20000 (default 1600).", ForImages},
    {"height", "H", "image height, 16 to 20000; 0 fits every lane (default).", ForImages},
    {"dpr", "D", "image device pixel ratio, 1 to 3 (default 1).", ForImages},
    {"quiet", nullptr, "run, trace: print only the result line.", ForRuns},
    {"python", "PATH", "trace: the Python 3.11+ to run the program with (default python3).",
     ForTrace},
    {"internals", nullptr, "trace: show asyncio's own tasks too.", ForTrace},
    {"tasks-only", nullptr, "trace: tasks only, no inline coroutine units (cheapest).", ForTrace},
    {"scenario", "ID", "window: open at this scenario.", ForGui},
    {"run", nullptr, "window: run the scenario at once (it always does; kept for scripts).", ForGui},
    {"screenshot", "FILE", "window: save the window as a PNG when the run ends, then quit.",
     ForGui},
    {"cursor", "SECONDS", "window: put the time cursor there when the run ends (the code panel "
     "shows where each task waits).", ForGui},
    {"pin-trace", "FILE", "window: pin this trace (or summary) as run A, then run the scenario "
     "as B to compare.", ForGui},
};

// Qt's own options (QGuiApplication, QApplication, xcb), read by the application object.
constexpr const char *QtOptionsWithValue[] = {
    "platform", "platformpluginpath", "platformtheme", "plugin",   "qwindowgeometry",
    "geometry", "qwindowtitle",       "title",         "qwindowicon", "icon",
    "style",    "stylesheet",         "display",       "session",  "name",
    "qmljsdebugger"};
constexpr const char *QtSwitches[] = {"reverse", "nograb", "dograb", "sync", "widgetcount"};

const char *const Description = R"(Loopscope: watch asyncio patterns run as a timeline.

Commands (the first argument):
  (none) [TRACE.json]  open the window (at --scenario ID, or showing a saved trace)
  list                 list the scenarios with their parameters
  run ID               run a scenario headless
  trace PROGRAM.py [--] [ARGS...]
                       run your own asyncio program under the tracer (its exit status:
                       0 when it exits 0, 1 otherwise)
  render TRACE.json    draw a saved trace again (--png, --svg or --pdf)
  compare A.json B.json
                       compare two runs (trace or summary files): one line per task
                       (label, end in A, end in B, delta), then the totals

Exit status: 0 success, 1 the run or a write failed, 2 bad input.)";

struct BadInput {
    QString message;
};

void setUp(QCommandLineParser &parser)
{
    // Qt's options are single-dash words (-platform offscreen), not bundled letters.
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(QString::fromUtf8(Description));
    parser.addHelpOption();
    parser.addVersionOption();
    for (const OptionDef &d : Definitions) {
        parser.addOption(d.valueName ? QCommandLineOption(QLatin1String(d.name),
                                                          QLatin1String(d.help),
                                                          QLatin1String(d.valueName))
                                     : QCommandLineOption(QLatin1String(d.name),
                                                          QLatin1String(d.help)));
    }
    auto addHidden = [&parser](const char *name, bool takesValue) {
        QCommandLineOption option(QLatin1String(name), QString(),
                                  takesValue ? QStringLiteral("value") : QString());
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    };
    for (const char *name : QtOptionsWithValue)
        addHidden(name, true);
    for (const char *name : QtSwitches)
        addHidden(name, false);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("list, run ID or render TRACE.json; none (or a "
                                                "TRACE.json) opens the window."),
                                 QStringLiteral("[command] [arguments]"));
}

Command commandOf(const QString &word)
{
    if (word == QLatin1String("list"))
        return Command::List;
    if (word == QLatin1String("run"))
        return Command::Run;
    if (word == QLatin1String("trace"))
        return Command::Trace;
    if (word == QLatin1String("render"))
        return Command::Render;
    if (word == QLatin1String("compare"))
        return Command::Compare;
    return Command::Gui;
}

QString nameOf(Command command)
{
    switch (command) {
    case Command::List:
        return QStringLiteral("list");
    case Command::Run:
        return QStringLiteral("run");
    case Command::Trace:
        return QStringLiteral("trace");
    case Command::Render:
        return QStringLiteral("render");
    case Command::Compare:
        return QStringLiteral("compare");
    default:
        return QStringLiteral("the window");
    }
}

unsigned takerOf(Command command)
{
    switch (command) {
    case Command::Run:
        return ForRun;
    case Command::Trace:
        return ForTrace;
    case Command::Render:
        return ForRender;
    case Command::Compare:
        return ForCompare;
    case Command::Gui:
        return ForGui;
    default:
        return 0;
    }
}

void checkOptionsBelong(const QCommandLineParser &parser, Command command)
{
    for (const OptionDef &d : Definitions) {
        if ((d.takers & takerOf(command)) || !parser.isSet(QLatin1String(d.name)))
            continue;
        QStringList takers;
        for (const Command c :
             {Command::Run, Command::Trace, Command::Render, Command::Compare, Command::Gui}) {
            if (d.takers & takerOf(c))
                takers << nameOf(c);
        }
        const QString last = takers.takeLast();
        const QString all = takers.isEmpty()
            ? last
            : takers.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
        throw BadInput{QStringLiteral("--%1 is for %2, not for %3")
                           .arg(QLatin1String(d.name), all, nameOf(command))};
    }
}

double parseNumber(const QString &option, const QString &text, double lo, double hi)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok)
        throw BadInput{QStringLiteral("%1: '%2' is not a number").arg(option, text)};
    if (!(v >= lo && v <= hi))
        throw BadInput{QStringLiteral("%1 %2 is out of range: it takes %3 to %4")
                           .arg(option, text, QString::number(lo), QString::number(hi))};
    return v;
}

//! A file we are going to write: its folder must exist and be writable, and it is no folder.
void checkWritable(const QString &option, const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        throw BadInput{QStringLiteral("%1 %2: is a directory").arg(option, path)};
    const QFileInfo dir(info.absolutePath());
    if (!dir.isDir())
        throw BadInput{
            QStringLiteral("cannot write %1: no such directory %2").arg(path, dir.filePath())};
    if (!dir.isWritable())
        throw BadInput{QStringLiteral("cannot write %1: directory %2 is not writable")
                           .arg(path, dir.filePath())};
}

//! A file we are going to read: it must exist and be a file.
void checkReadable(const QString &what, const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw BadInput{QStringLiteral("%1: cannot read %2: no such file").arg(what, path)};
    if (!info.isFile())
        throw BadInput{QStringLiteral("%1: cannot read %2: not a file").arg(what, path)};
}

void readClock(const QCommandLineParser &parser, LaunchOptions &o)
{
    if (!parser.isSet(QStringLiteral("clock")))
        return;
    const QString clock = parser.value(QStringLiteral("clock"));
    if (clock == QLatin1String("real"))
        o.clock = Clock::Mode::Real;
    else if (clock == QLatin1String("virtual"))
        o.clock = Clock::Mode::Virtual;
    else
        throw BadInput{QStringLiteral("--clock takes real or virtual, not '%1'").arg(clock)};
    o.hasClock = true;
}

//! trace PROGRAM.py: the program must be readable; --set goes to its marked constants.
void readProgramOptions(const QCommandLineParser &parser, LaunchOptions &o)
{
    QFile file(o.program);
    if (!QFileInfo(o.program).isFile() || !file.open(QIODevice::ReadOnly))
        throw BadInput{QStringLiteral("cannot read %1: %2")
                           .arg(o.program, QFileInfo(o.program).isDir()
                                               ? QStringLiteral("is a directory")
                                               : QStringLiteral("no such file"))};
    readClock(parser, o);
    o.python = parser.isSet(QStringLiteral("python")) ? parser.value(QStringLiteral("python"))
                                                      : o.python;
    o.internals = parser.isSet(QStringLiteral("internals"));
    o.tasksOnly = parser.isSet(QStringLiteral("tasks-only"));
    Scenario program;
    program.id = QFileInfo(o.program).fileName();
    program.params = ProgramRunner::markedConstants(QString::fromUtf8(file.readAll()));
    const QStringList assignments = parser.values(QStringLiteral("set"));
    QString problem;
    if (!program.resolve(assignments, &o.params, &problem)) {
        // Say it in a program's words: the first name that is not a marked constant.
        for (const QString &a : assignments) {
            const QString name = a.section(QLatin1Char('='), 0, 0).trimmed();
            if (problem.startsWith(QLatin1String("unknown parameter")) && !program.param(name)) {
                problem = QStringLiteral("--set %1: %2 has no marked constant %3 (mark one in "
                                         "the program: %3 = 3  # loopscope: 1..10)")
                              .arg(a, program.id, name);
                break;
            }
        }
        throw BadInput{problem};
    }
    o.hasParams = !assignments.isEmpty();
}

// Whether arg is one of our or Qt's options that takes its value as the next argument ("--set",
// "-platform").
bool takesSeparateValue(const QString &arg)
{
    if (!arg.startsWith(QLatin1Char('-')) || arg.contains(QLatin1Char('=')))
        return false;
    const QString name = arg.mid(arg.startsWith(QLatin1String("--")) ? 2 : 1);
    for (const OptionDef &d : Definitions) {
        if (d.valueName && name == QLatin1String(d.name))
            return true;
    }
    for (const char *qt : QtOptionsWithValue) {
        if (name == QLatin1String(qt))
            return true;
    }
    return false;
}

//! `trace PROGRAM.py [--] [ARGS...]`: everything after the program is the program's own,
//! options included, so it is split off before Qt's parser sees it.
QStringList splitProgramArguments(QStringList &arguments)
{
    bool command = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        if (command && a == QLatin1String("--") && i + 1 < arguments.size()) {
            QStringList rest = arguments.mid(i + 2);
            arguments = arguments.mid(0, i) + QStringList{arguments.at(i + 1)};
            return rest;
        }
        if (a.size() > 1 && a.startsWith(QLatin1Char('-'))) {
            i += takesSeparateValue(a) ? 1 : 0;
            continue;
        }
        // `loopscope PROGRAM.py [ARGS...]`: the window traces it (no command word).
        if (!command && !a.endsWith(QLatin1String(".py"))) {
            if (a != QLatin1String("trace"))
                return {};
            command = true;
            continue;
        }
        QStringList rest = arguments.mid(i + 1);
        if (!rest.isEmpty() && rest.first() == QLatin1String("--"))
            rest.removeFirst();
        arguments = arguments.mid(0, i + 1);
        return rest;
    }
    return {};
}

//! --set, --time-scale and --clock, for o.scenario (none: --set is an error).
void readScenarioOptions(const QCommandLineParser &parser, LaunchOptions &o)
{
    const Scenario *scenario = nullptr;
    if (!o.scenario.isEmpty()) {
        scenario = ScenarioRegistry::find(o.scenario);
        if (!scenario)
            throw BadInput{
                QStringLiteral("unknown scenario '%1' (try 'loopscope list')").arg(o.scenario)};
    }
    if (parser.isSet(QStringLiteral("time-scale"))) {
        const QString text = parser.value(QStringLiteral("time-scale"));
        bool ok = false;
        o.timeScale = text.toDouble(&ok);
        if (!ok)
            throw BadInput{QStringLiteral("--time-scale: '%1' is not a number").arg(text)};
        QString problem;
        if (!ScenarioRunner::checkTimeScale(o.timeScale, &problem))
            throw BadInput{problem};
        o.hasTimeScale = true;
    }
    readClock(parser, o);
    const QStringList assignments = parser.values(QStringLiteral("set"));
    if (!scenario) {
        if (!assignments.isEmpty())
            throw BadInput{QStringLiteral("--set needs --scenario")};
        return;
    }
    QString problem;
    if (!scenario->resolve(assignments, &o.params, &problem))
        throw BadInput{problem};
    o.hasParams = !assignments.isEmpty();
}

void readOutputs(const QCommandLineParser &parser, LaunchOptions::Outputs &out)
{
    const std::pair<const char *, QString *> files[] = {{"summary", &out.summary},
                                                        {"trace", &out.trace},
                                                        {"png", &out.png},
                                                        {"svg", &out.svg},
                                                        {"pdf", &out.pdf}};
    for (const auto &[name, path] : files) {
        *path = parser.value(QLatin1String(name));
        if (!path->isEmpty())
            checkWritable(QStringLiteral("--") + QLatin1String(name), *path);
    }
    auto number = [&parser](const char *name, double lo, double hi, double fallback) {
        const QString option = QLatin1String(name);
        return parser.isSet(option) ? parseNumber(QStringLiteral("--") + option,
                                                  parser.value(option), lo, hi)
                                    : fallback;
    };
    out.width = int(number("width", 16, 20000, out.width));
    out.height = int(number("height", 0, 20000, out.height));
    out.dpr = number("dpr", 1, 3, out.dpr);
    if (out.height != 0 && out.height < 16)
        throw BadInput{QStringLiteral("--height %1 is out of range: 0 (fit) or 16 to 20000")
                           .arg(out.height)};
}

//! Exactly `count` arguments after the command word; `missing` says what the first one is.
void expectArguments(Command command, const QStringList &arguments, qsizetype count,
                     const QString &missing)
{
    if (arguments.size() > count)
        throw BadInput{QStringLiteral("%1: unexpected argument '%2'")
                           .arg(nameOf(command), arguments.at(count))};
    if (arguments.size() < count)
        throw BadInput{QStringLiteral("%1: %2").arg(nameOf(command), missing)};
}

void readGui(const QCommandLineParser &parser, QStringList arguments,
             const QStringList &programArguments, LaunchOptions &o)
{
    o.scenario = parser.value(QStringLiteral("scenario"));
    o.run = parser.isSet(QStringLiteral("run"));
    o.programArguments = programArguments;
    if (parser.isSet(QStringLiteral("screenshot"))) {
        o.screenshot = parser.value(QStringLiteral("screenshot"));
        if (o.screenshot.isEmpty())
            throw BadInput{QStringLiteral("--screenshot needs a file name")};
        checkWritable(QStringLiteral("--screenshot"), o.screenshot);
        o.run = true;
    }
    if (parser.isSet(QStringLiteral("cursor")))
        o.cursorS = parseNumber(QStringLiteral("--cursor"), parser.value(QStringLiteral("cursor")),
                                0, 1e9);
    if (arguments.size() > 1)
        throw BadInput{QStringLiteral("one trace file at a time ('%1' and '%2')")
                           .arg(arguments.at(0), arguments.at(1))};
    if (!arguments.isEmpty() && arguments.first().endsWith(QLatin1String(".py"))) {
        o.program = arguments.first();
        readProgramOptions(parser, o);
        return;
    }
    if (!arguments.isEmpty()) {
        o.traceFile = arguments.first();
        if (!QFileInfo(o.traceFile).isFile())
            throw BadInput{QStringLiteral("'%1' is neither a command (list, run, render, "
                                          "compare) nor a trace file")
                               .arg(o.traceFile)};
    }
    if (parser.isSet(QStringLiteral("pin-trace"))) {
        o.pinTrace = parser.value(QStringLiteral("pin-trace"));
        checkReadable(QStringLiteral("--pin-trace"), o.pinTrace);
    }
    readScenarioOptions(parser, o);
}

LaunchOptions read(const QStringList &arguments)
{
    QCommandLineParser parser;
    setUp(parser);
    QStringList ours = arguments;
    const QStringList programArguments = splitProgramArguments(ours);
    if (!parser.parse(QStringList{QStringLiteral("loopscope")} + ours))
        throw BadInput{parser.errorText()};
    LaunchOptions o;
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        o.command = Command::Help;
        return o;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        o.command = Command::Version;
        return o;
    }
    QStringList rest = parser.positionalArguments();
    o.command = commandOf(rest.value(0));
    if (o.command != Command::Gui)
        rest.removeFirst();
    checkOptionsBelong(parser, o.command);
    o.displayGiven = parser.isSet(QStringLiteral("platform"))
        || parser.isSet(QStringLiteral("display"));
    switch (o.command) {
    case Command::List:
        expectArguments(o.command, rest, 0, QString());
        break;
    case Command::Run:
        expectArguments(o.command, rest, 1,
                        QStringLiteral("which scenario? (try 'loopscope list')"));
        o.scenario = rest.first();
        o.quiet = parser.isSet(QStringLiteral("quiet"));
        readScenarioOptions(parser, o);
        readOutputs(parser, o.outputs);
        break;
    case Command::Trace:
        expectArguments(o.command, rest, 1,
                        QStringLiteral("which program? (trace PROGRAM.py [--] [ARGS...])"));
        o.program = rest.first();
        o.programArguments = programArguments;
        o.quiet = parser.isSet(QStringLiteral("quiet"));
        readProgramOptions(parser, o);
        readOutputs(parser, o.outputs);
        break;
    case Command::Compare:
        expectArguments(o.command, rest, 2,
                        QStringLiteral("which two runs? (compare A.json B.json: trace or summary "
                                       "files)"));
        o.compareFiles = rest;
        for (const QString &file : rest)
            checkReadable(QStringLiteral("compare"), file);
        readOutputs(parser, o.outputs);
        break;
    case Command::Render:
        expectArguments(o.command, rest, 1, QStringLiteral("which trace file?"));
        o.traceFile = rest.first();
        readOutputs(parser, o.outputs);
        if (!o.outputs.anyImage())
            throw BadInput{QStringLiteral("render: say what to write: --png, --svg or --pdf")};
        break;
    default:
        readGui(parser, rest, programArguments, o);
    }
    return o;
}

} // namespace

bool LaunchOptions::parse(const QStringList &arguments, LaunchOptions *out, QString *error)
{
    try {
        *out = read(arguments);
        return true;
    } catch (const BadInput &bad) {
        if (error)
            *error = bad.message;
        return false;
    }
}

QString LaunchOptions::helpText()
{
    QCommandLineParser parser;
    setUp(parser);
    return parser.helpText();
}

} // namespace Loopscope
