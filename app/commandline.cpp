#include "commandline.h"

#include "atomicfile.h"
#include "comparisonwriter.h"
#include "imageexporter.h"
#include "programs/programrunner.h"
#include "run/runcontroller.h"
#include "runcomparison.h"
#include "runfile.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"
#include "summarywriter.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace Loopscope {

namespace {

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

//! Writes every requested file; returns false (after printing why) if one failed. pinned: a run
//! to draw the data against (compare), and then out.summary is not written here.
bool writeOutputs(const TraceData &data, const LaunchOptions::Outputs &out,
                  const TraceData *pinned = nullptr)
{
    bool ok = true;
    QString error;
    auto report = [&](bool written) {
        if (!written) {
            printErr(error);
            ok = false;
        }
    };
    if (!out.summary.isEmpty() && !pinned)
        report(writeFileAtomically(out.summary, SummaryWriter::toJson(data), &error));
    if (!out.trace.isEmpty())
        report(writeFileAtomically(out.trace, TraceJsonWriter::toJson(data), &error));
    const QSize size(out.width, out.height);
    ImageExporter::ExportOptions options;
    options.pinned = pinned;
    if (!out.png.isEmpty())
        report(ImageExporter::exportPng(data, out.png, size, out.dpr, options, &error));
    if (!out.svg.isEmpty())
        report(ImageExporter::exportSvg(data, out.svg, size, options, &error));
    if (!out.pdf.isEmpty())
        report(ImageExporter::exportPdf(data, out.pdf, size, options, &error));
    return ok;
}

//! The result line, then the run's findings.
void printResult(const TraceData &data)
{
    printOut(SummaryWriter::resultLine(data));
    for (const QString &line : SummaryWriter::findingLines(data))
        printOut(line);
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

int runScenario(const LaunchOptions &o)
{
    ScenarioRunner::Options options;
    options.scenario = o.scenario;
    options.params = o.params;
    options.timeScale = o.timeScale;
    options.clock = o.clock;
    RunController run;
    run.setFrameInterval(0); // nothing to draw: read the trace once, at the end
    const bool quiet = o.quiet;
    QObject::connect(&run, &RunController::outputLine, &run, [quiet](qint64, const QString &line) {
        if (!quiet)
            printOut(line);
    });
    QObject::connect(&run, &RunController::finished, qApp, &QCoreApplication::quit);
    QString error;
    if (!run.start(std::make_unique<ScenarioRunner>(options), &error)) {
        printErr(error);
        return 2;
    }
    QCoreApplication::exec();
    if (!run.error().isEmpty()) {
        printErr(run.error());
        return 1;
    }

    const TraceData data = run.takeData();
    printResult(data);
    const UnitRecord *main = data.unit(data.info.mainId);
    const bool mainOk = main && main->outcome == Outcome::Completed;
    const bool written = writeOutputs(data, o.outputs);
    if (!mainOk && main)
        printErr(QStringLiteral("%1: main ended %2%3")
                     .arg(o.scenario, QLatin1String(outcomeName(main->outcome)),
                          main->error.isEmpty() ? QString() : QStringLiteral(": ") + main->error));
    return mainOk && written ? 0 : 1;
}

int traceProgram(const LaunchOptions &o)
{
    ProgramRunner::Options options;
    options.program = o.program;
    options.arguments = o.programArguments;
    options.python = o.python;
    options.clock = o.clock;
    options.tasksOnly = o.tasksOnly;
    options.internals = o.internals;
    options.params = o.params;
    options.forwardOutput = !o.quiet; // the program prints itself, to our stdout and stderr
    RunController run;
    run.setFrameInterval(0);
    QObject::connect(&run, &RunController::finished, qApp, &QCoreApplication::quit);
    QString error;
    if (!run.start(std::make_unique<ProgramRunner>(options), &error)) {
        printErr(error);
        return 2;
    }
    QCoreApplication::exec();
    const int status = static_cast<const ProgramRunner *>(run.source())->exitStatus();
    const TraceData data = run.takeData();
    const bool written = writeOutputs(data, o.outputs);
    if (!run.error().isEmpty()) {
        printErr(run.error());
        return 1;
    }
    printResult(data);
    if (status != 0)
        printErr(QStringLiteral("%1 exited with status %2").arg(data.info.scenario).arg(status));
    return status == 0 && written ? 0 : 1;
}

//! A trace JSON or a summary JSON, as a run; nullopt (after printing why) if it is neither.
std::optional<TraceData> readRun(const QString &path)
{
    QString error;
    std::optional<TraceData> data = RunFile::read(path, &error);
    if (!data)
        printErr(error);
    return data;
}

int compareRuns(const LaunchOptions &o)
{
    const QString &aFile = o.compareFiles.at(0), &bFile = o.compareFiles.at(1);
    const std::optional<TraceData> a = readRun(aFile);
    if (!a)
        return 2;
    const std::optional<TraceData> b = readRun(bFile);
    if (!b)
        return 2;
    const RunComparison comparison = RunComparison::compare(*a, *b);
    for (const QString &line : ComparisonWriter::lines(comparison))
        printOut(line);
    bool ok = writeOutputs(*b, o.outputs, &*a);
    if (!o.outputs.summary.isEmpty()) {
        QString error;
        if (!writeFileAtomically(o.outputs.summary,
                                 ComparisonWriter::toJson(comparison, *a, *b, aFile, bFile),
                                 &error)) {
            printErr(error);
            ok = false;
        }
    }
    return ok ? 0 : 1;
}

int renderTrace(const LaunchOptions &o)
{
    QString error;
    TraceImportReport report;
    const auto data = TraceJsonReader::fromFile(o.traceFile, &error, &report);
    if (!data) {
        printErr(error);
        return 2;
    }
    if (!report.isEmpty())
        printErr(QStringLiteral("%1: imported; %2").arg(o.traceFile, report.text()));
    return writeOutputs(*data, o.outputs) ? 0 : 1;
}

} // namespace

int CommandLine::exec(const LaunchOptions &options)
{
    switch (options.command) {
    case LaunchOptions::Command::Help:
        printOut(LaunchOptions::helpText().trimmed());
        return 0;
    case LaunchOptions::Command::Version:
        printOut(QCoreApplication::applicationName() + QLatin1Char(' ')
                 + QCoreApplication::applicationVersion());
        return 0;
    case LaunchOptions::Command::List:
        return listScenarios();
    case LaunchOptions::Command::Run:
        return runScenario(options);
    case LaunchOptions::Command::Trace:
        return traceProgram(options);
    case LaunchOptions::Command::Render:
        return renderTrace(options);
    case LaunchOptions::Command::Compare:
        return compareRuns(options);
    case LaunchOptions::Command::Gui:
        break;
    }
    return 2;
}

} // namespace Loopscope
