// loopscope-bench render N: the stress scenario's timeline of N tasks painted into a 1920x1080
// image (the whole run and three zoom levels), and the time to write its PNG and trace JSON.

#include "renderbench.h"

#include "atomicfile.h"
#include "imageexporter.h"
#include "runtime/runtime.h"
#include "scenarios/scenarioregistry.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelineviewport.h"
#include "tracebuilder.h"
#include "tracejsonwriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace Loopscope::Bench {

namespace {
double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
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
    timer.start();
    const TimelineLayout layout(data, style);
    const double layoutMs = double(timer.nsecsElapsed()) / 1e6;

    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    const QRect target = image.rect();
    const TimelineGeometry geo = TimelineGeometry::compute(style, target);
    const QRect area = geo.timeArea;
    const qint64 total = data.info.totalNs;
    struct Zoom {
        const char *name;
        double fraction;
    };
    const Zoom zooms[] = {{"whole", 1.0}, {"zoom_10pct", 0.1}, {"zoom_1pct", 0.01}, {"zoom_0.1pct", 0.001}};
    std::vector<std::pair<const char *, double>> frames;
    double worst = 0;
    for (const Zoom &z : zooms) {
        const qint64 span = std::max<qint64>(qint64(double(total) * z.fraction), 1000);
        const qint64 start = (total - span) / 2;
        TimelineViewport viewport(start, start + span, area.left(), area.width());
        viewport.setLimitNs(total);
        // Zoomed views also scroll to the middle of the lanes.
        if (z.fraction < 1)
            viewport.setScrollY(layout.contentHeight() / 2);
        std::vector<double> ms;
        for (int i = 0; i < 11; ++i) {
            image.fill(Qt::white);
            timer.restart();
            QPainter painter(&image);
            TimelinePainter::paint(painter, data, layout, viewport, style, geo, {});
            painter.end();
            ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        const double med = medianOf(ms);
        worst = std::max(worst, med);
        frames.emplace_back(z.name, med);
    }

    const QString dir = QDir::tempPath();
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
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"render\",\"n\":%d,\"layout_ms\":%.2f", n,
                layoutMs);
    for (const auto &[name, ms] : frames)
        std::printf(",\"frame_ms_%s\":%.3f", name, ms);
    std::printf(",\"frame_ms_worst\":%.3f,\"png_s\":%.3f,\"trace_json_s\":%.3f}\n", worst, pngS,
                traceS);
    return 0;
}

} // namespace Loopscope::Bench
