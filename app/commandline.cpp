#include "commandline.h"

#include "atomicfile.h"
#include "imageexporter.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"
#include "summarywriter.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace Loopscope {

namespace {

struct BadInput {
    QString message;
};

void printOut(const QString &line)
{
    std::fputs(line.toLocal8Bit().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void printErr(const QString &line)
{
    std::fputs((QStringLiteral("loopscope: ") + line).toLocal8Bit().constData(), stderr);
    std::fputc('\n', stderr);
}

const char *const Usage = R"(Usage:
  loopscope                          open the desktop app (see --help-gui)
  loopscope list                     list the scenarios with their parameters
  loopscope run ID [options]         run a scenario headless
      --set NAME=VALUE               set a parameter (repeatable; see 'list')
      --time-scale S                 0.01..100; 0.1 runs ten times faster (default 1)
      --clock real|virtual           virtual: instant and exact (default real)
      --summary FILE                 write the summary JSON
      --trace FILE                   write the trace JSON (opens in Perfetto)
      --png FILE | --svg FILE | --pdf FILE   write the timeline as an image
      --width W --height H --dpr D   image size (height 0: fit every lane) and pixel ratio 1..3
      --quiet                        print only the result line
  loopscope render TRACE.json (--png FILE | --svg FILE | --pdf FILE) [--width W --height H --dpr D]
                                     draw a saved trace again
  loopscope --help | --version
Exit status: 0 success, 1 the run or a write failed, 2 bad input.)";

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

//! A path we are about to write: its folder must exist and be writable, and it is no folder.
void checkWritable(const QString &option, const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        throw BadInput{QStringLiteral("%1 %2: is a directory").arg(option, path)};
    const QFileInfo dir(info.absolutePath());
    if (!dir.isDir())
        throw BadInput{QStringLiteral("cannot write %1: no such directory %2").arg(path, dir.filePath())};
    if (!dir.isWritable())
        throw BadInput{QStringLiteral("cannot write %1: directory %2 is not writable").arg(path, dir.filePath())};
}

struct Outputs {
    QString summary, trace, png, svg, pdf;
    int width = 1600;
    int height = 0;
    double dpr = 1;
    bool anyImage() const { return !png.isEmpty() || !svg.isEmpty() || !pdf.isEmpty(); }
};

//! Takes one output/size option at args[i] if it is one; returns false if not.
bool takeOutputOption(const QStringList &args, int &i, Outputs &out)
{
    const QString &a = args[i];
    auto value = [&]() -> QString {
        if (i + 1 >= args.size())
            throw BadInput{QStringLiteral("%1 needs a value").arg(a)};
        return args[++i];
    };
    if (a == QLatin1String("--summary"))
        out.summary = value();
    else if (a == QLatin1String("--trace"))
        out.trace = value();
    else if (a == QLatin1String("--png"))
        out.png = value();
    else if (a == QLatin1String("--svg"))
        out.svg = value();
    else if (a == QLatin1String("--pdf"))
        out.pdf = value();
    else if (a == QLatin1String("--width"))
        out.width = int(parseNumber(a, value(), 16, 20000));
    else if (a == QLatin1String("--height"))
        out.height = int(parseNumber(a, value(), 0, 20000));
    else if (a == QLatin1String("--dpr"))
        out.dpr = parseNumber(a, value(), 1, 3);
    else
        return false;
    return true;
}

void checkOutputs(const Outputs &out)
{
    const std::pair<const char *, QString> files[] = {{"--summary", out.summary}, {"--trace", out.trace},
                                                      {"--png", out.png},         {"--svg", out.svg},
                                                      {"--pdf", out.pdf}};
    for (const auto &[option, path] : files) {
        if (!path.isEmpty())
            checkWritable(QLatin1String(option), path);
    }
    if (out.height != 0 && out.height < 16)
        throw BadInput{QStringLiteral("--height %1 is out of range: 0 (fit) or 16 to 20000").arg(out.height)};
}

//! Writes every requested file; returns false (after printing why) if one failed.
bool writeOutputs(const TraceData &data, const Outputs &out)
{
    bool ok = true;
    QString error;
    auto report = [&](bool written) {
        if (!written) {
            printErr(error);
            ok = false;
        }
    };
    if (!out.summary.isEmpty())
        report(writeFileAtomically(out.summary, SummaryWriter::toJson(data), &error));
    if (!out.trace.isEmpty())
        report(writeFileAtomically(out.trace, TraceJsonWriter::toJson(data), &error));
    const QSize size(out.width, out.height);
    ImageExporter::ExportOptions options;
    if (!out.png.isEmpty())
        report(ImageExporter::exportPng(data, out.png, size, out.dpr, options, &error));
    if (!out.svg.isEmpty())
        report(ImageExporter::exportSvg(data, out.svg, size, options, &error));
    if (!out.pdf.isEmpty())
        report(ImageExporter::exportPdf(data, out.pdf, size, options, &error));
    return ok;
}

int listScenarios()
{
    QString text;
    QTextStream s(&text);
    for (const QString &group : ScenarioRegistry::groups()) {
        s << group << ":\n";
        for (const Scenario &sc : ScenarioRegistry::all()) {
            if (sc.group != group)
                continue;
            s << "  " << sc.id << " - " << sc.title << "\n";
            if (sc.params.empty())
                s << "      (no parameters)\n";
            for (const ParamSpec &p : sc.params) {
                const QString unit = p.unit.isEmpty() ? QString() : QLatin1Char(' ') + p.unit;
                s << "      " << qSetFieldWidth(18) << Qt::left << p.name << qSetFieldWidth(0)
                  << "default " << p.defaultValue << unit << ", " << p.min << " to " << p.max
                  << unit << (p.isInteger() ? ", whole" : "") << "  " << p.help << "\n";
            }
        }
    }
    s.flush();
    std::fputs(text.toLocal8Bit().constData(), stdout);
    return 0;
}

int runScenario(const QStringList &args)
{
    if (args.size() < 2 || args[1].startsWith(QLatin1String("--")))
        throw BadInput{QStringLiteral("run: which scenario? (try 'loopscope list')")};
    const QString id = args[1];
    const Scenario *scenario = ScenarioRegistry::find(id);
    if (!scenario)
        throw BadInput{QStringLiteral("unknown scenario '%1' (try 'loopscope list')").arg(id)};
    QStringList assignments;
    ScenarioRunner::Options options;
    options.scenario = id;
    Outputs out;
    bool quiet = false;
    for (int i = 2; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&]() -> QString {
            if (i + 1 >= args.size())
                throw BadInput{QStringLiteral("%1 needs a value").arg(a)};
            return args[++i];
        };
        if (a == QLatin1String("--set")) {
            assignments << value();
        } else if (a.startsWith(QLatin1String("--set="))) {
            assignments << a.mid(6);
        } else if (a == QLatin1String("--time-scale")) {
            const QString text = value();
            bool ok = false;
            options.timeScale = text.toDouble(&ok);
            if (!ok)
                throw BadInput{QStringLiteral("--time-scale: '%1' is not a number").arg(text)};
            QString error;
            if (!ScenarioRunner::checkTimeScale(options.timeScale, &error))
                throw BadInput{error};
        } else if (a == QLatin1String("--clock")) {
            const QString c = value();
            if (c == QLatin1String("real"))
                options.clock = Clock::Mode::Real;
            else if (c == QLatin1String("virtual"))
                options.clock = Clock::Mode::Virtual;
            else
                throw BadInput{QStringLiteral("--clock takes real or virtual, not '%1'").arg(c)};
        } else if (a == QLatin1String("--quiet")) {
            quiet = true;
        } else if (!takeOutputOption(args, i, out)) {
            throw BadInput{QStringLiteral("run: unknown option '%1'").arg(a)};
        }
    }
    QString error;
    if (!scenario->resolve(assignments, &options.params, &error))
        throw BadInput{error};
    checkOutputs(out);

    ScenarioRunner runner;
    QObject::connect(&runner, &ScenarioRunner::outputLine, &runner,
                     [quiet](qint64, const QString &line) {
                         if (!quiet)
                             printOut(line);
                     });
    QObject::connect(&runner, &ScenarioRunner::finished, qApp, &QCoreApplication::quit);
    if (!runner.start(options, &error))
        throw BadInput{error};
    QCoreApplication::exec();
    runner.wait();

    const TraceData data = runner.traceData();
    printOut(SummaryWriter::resultLine(data));
    const UnitRecord *main = data.unit(data.info.mainId);
    const bool mainOk = main && main->outcome == Outcome::Completed;
    const bool written = writeOutputs(data, out);
    if (!mainOk && main)
        printErr(QStringLiteral("%1: main ended %2%3")
                     .arg(id, QLatin1String(outcomeName(main->outcome)),
                          main->error.isEmpty() ? QString() : QStringLiteral(": ") + main->error));
    return mainOk && written ? 0 : 1;
}

int renderTrace(const QStringList &args)
{
    if (args.size() < 2 || args[1].startsWith(QLatin1String("--")))
        throw BadInput{QStringLiteral("render: which trace file?")};
    Outputs out;
    for (int i = 2; i < args.size(); ++i) {
        if (!takeOutputOption(args, i, out))
            throw BadInput{QStringLiteral("render: unknown option '%1'").arg(args[i])};
    }
    if (!out.anyImage())
        throw BadInput{QStringLiteral("render: say what to write: --png, --svg or --pdf")};
    if (!out.summary.isEmpty() || !out.trace.isEmpty())
        throw BadInput{QStringLiteral("render writes images only (--png, --svg, --pdf)")};
    checkOutputs(out);
    QString error;
    const auto data = TraceJsonReader::fromFile(args[1], &error);
    if (!data)
        throw BadInput{error};
    return writeOutputs(*data, out) ? 0 : 1;
}

} // namespace

bool CommandLine::handles(const QStringList &args)
{
    if (args.isEmpty())
        return false;
    static const QStringList commands{QStringLiteral("list"), QStringLiteral("run"),
                                      QStringLiteral("render"), QStringLiteral("--help"),
                                      QStringLiteral("-h"), QStringLiteral("--version")};
    return commands.contains(args.first());
}

int CommandLine::exec(const QStringList &args)
{
    try {
        const QString &command = args.first();
        if (command == QLatin1String("--help") || command == QLatin1String("-h")) {
            printOut(QString::fromUtf8(Usage));
            return 0;
        }
        if (command == QLatin1String("--version")) {
            printOut(QStringLiteral("loopscope ") + QCoreApplication::applicationVersion());
            return 0;
        }
        if (command == QLatin1String("list"))
            return listScenarios();
        if (command == QLatin1String("run"))
            return runScenario(args);
        return renderTrace(args);
    } catch (const BadInput &bad) {
        printErr(bad.message);
        return 2;
    }
}

} // namespace Loopscope
