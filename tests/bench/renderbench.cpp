// loopscope-bench render N: the stress scenario's timeline of N tasks (up to 1e6) painted into a
// 1920x1080 image (the whole run and three zoom levels, the last one deep), the layout build
// (and the run analysis inside it), and the time to write its PNG and trace JSON.

#include "renderbench.h"

#include "atomicfile.h"
#include "imageexporter.h"
#include "runanalysis.h"
#include "runtime/runtime.h"
#include "scenarios/scenarioregistry.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelineviewport.h"
#include "tracebuilder.h"
#include "tracejsonwriter.h"

#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <vector>

namespace Loopscope::Bench {

namespace {
double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// CPU time of this thread (ms): what a frame costs, also on a VM whose cores are shared, where
// the wall time of a frame includes the time other processes ran.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}
} // namespace

TraceData stressTrace(int n)
{
    const Scenario *stress = ScenarioRegistry::find(QStringLiteral("stress"));
    ScenarioParams params = stress->defaults();
    params.set(QStringLiteral("tasks"), n);
    TraceRecorder recorder;
    {
        EventLoop loop(Clock::Mode::Virtual, 1.0, &recorder);
        runMain(loop, stress->main(params));
    }
    TraceBuilder builder(&recorder);
    builder.update();
    TraceData data = builder.take();
    data.info.scenario = stress->id;
    data.info.params = params.values();
    data.info.clock = QStringLiteral("virtual");
    data.info.totalNs = data.endNs();
    data.info.finished = true;
    return data;
}

int runRender(int argc, char **argv, int n)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);

    const TraceData data = stressTrace(n);

    const TimelineStyle style = TimelineStyle::light();
    QElapsedTimer timer;
    // The layout computes the run's analysis too: timed alone, the rest is the rows.
    timer.start();
    const RunAnalysis analysis = RunAnalysis::compute(data);
    const double analysisMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const TimelineLayout layout(data, style);
    const double layoutMs = double(timer.nsecsElapsed()) / 1e6;

    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    const QRect target = image.rect();
    // With the lanes' height, so that the overview is drawn as the window draws it.
    const TimelineGeometry geo =
        TimelineGeometry::compute(style, target, 0, layout.contentHeight());
    const QRect area = geo.timeArea;
    const qint64 total = data.info.totalNs;
    struct Zoom {
        const char *name;
        double fraction;
    };
    const Zoom zooms[] = {{"whole", 1.0}, {"zoom_10pct", 0.1}, {"zoom_1pct", 0.01}, {"zoom_0.1pct", 0.001}};
    std::vector<std::pair<const char *, double>> frames, cpuFrames;
    double worst = 0, cpuWorst = 0;
    for (const Zoom &z : zooms) {
        const qint64 span = std::max<qint64>(qint64(double(total) * z.fraction), 1000);
        const qint64 start = (total - span) / 2;
        TimelineViewport viewport(start, start + span, area.left(), area.width());
        viewport.setLimitNs(total);
        // Zoomed views also scroll to the middle of the lanes.
        if (z.fraction < 1)
            viewport.setScrollY(layout.contentHeight() / 2);
        std::vector<double> ms, cpuMs;
        for (int i = 0; i < 11; ++i) {
            image.fill(Qt::white);
            timer.restart();
            const double cpu0 = threadCpuMs();
            QPainter painter(&image);
            TimelinePainter::paint(painter, data, layout, viewport, style, geo, {});
            painter.end();
            cpuMs.push_back(threadCpuMs() - cpu0);
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        worst = std::max(worst, medianOf(ms));
        frames.emplace_back(z.name, medianOf(ms));
        cpuWorst = std::max(cpuWorst, medianOf(cpuMs));
        cpuFrames.emplace_back(z.name, medianOf(cpuMs));
    }

    // A folder of its own: runs side by side (or other users of /tmp) do not clash.
    const QTemporaryDir temp;
    const QString dir = temp.path();
    QString error;
    timer.restart();
    const bool pngOk = ImageExporter::exportPng(data, dir + QStringLiteral("/loopscope-bench.png"),
                                                QSize(1920, 1080), 1.0, {}, &error);
    const double pngS = double(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    const bool traceOk = writeFileAtomically(dir + QStringLiteral("/loopscope-bench.trace.json"),
                                             TraceJsonWriter::toJson(data), &error);
    const double traceS = double(timer.nsecsElapsed()) / 1e9;
    if (!pngOk || !traceOk) {
        std::fprintf(stderr, "render: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"render\",\"n\":%d,\"layout_ms\":%.2f,"
                "\"analysis_ms\":%.2f",
                n, layoutMs, analysisMs);
    for (const auto &[name, ms] : frames)
        std::printf(",\"frame_ms_%s\":%.3f", name, ms);
    std::printf(",\"frame_ms_worst\":%.3f", worst);
    for (const auto &[name, ms] : cpuFrames)
        std::printf(",\"frame_cpu_ms_%s\":%.3f", name, ms);
    std::printf(",\"frame_cpu_ms_worst\":%.3f,\"png_s\":%.3f,\"trace_json_s\":%.3f}\n", cpuWorst,
                pngS, traceS);
    return 0;
}

} // namespace Loopscope::Bench
