// loopscope-bench open N FILE: what File > Open Trace does with a big trace, timed: the file read
// into TraceData, the lanes laid out and the whole run painted once (1920x1080). Against it,
// peers/node_open.mjs and peers/python_open.py only parse the same file (run.sh).

#include "openbench.h"
#include "renderbench.h"

#include "atomicfile.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinestyle.h"
#include "timelineviewport.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

namespace Loopscope::Bench {

int runMakeTrace(int argc, char **argv, int n, const char *file)
{
    QCoreApplication app(argc, argv);
    const TraceData data = stressTrace(n);
    if (data.units.size() != std::size_t(n) + 1) {
        std::fprintf(stderr, "make_trace: %zu units, expected %d (stress caps its tasks?)\n",
            data.units.size(), n + 1);
        return 1;
    }
    QString error;
    if (!writeFileAtomically(QString::fromLocal8Bit(file), TraceJsonWriter::toJson(data), &error)) {
        std::fprintf(stderr, "make_trace: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}

int runOpen(int argc, char **argv, int n, const char *file)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QString path = QString::fromLocal8Bit(file);

    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    QString error;
    const std::optional<TraceData> data = TraceJsonReader::fromFile(path, &error);
    if (!data) {
        std::fprintf(stderr, "open: %s\n", qPrintable(error));
        return 1;
    }
    if (data->units.size() != std::size_t(n) + 1) {
        std::fprintf(stderr, "open: %zu units, expected %d\n", data->units.size(), n + 1);
        return 1;
    }
    const auto t1 = Clock::now();
    const TimelineStyle style = TimelineStyle::light();
    const TimelineLayout layout(*data, style);
    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    const TimelineGeometry geo = TimelineGeometry::compute(style, image.rect());
    TimelineViewport viewport(0, data->endNs(), geo.timeArea.left(), geo.timeArea.width());
    viewport.setLimitNs(data->endNs());
    {
        QPainter painter(&image);
        TimelinePainter::paint(painter, *data, layout, viewport, style, geo, {});
    }
    const auto t2 = Clock::now();

    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const double peakRss = double(usage.ru_maxrss) * 1024.0;
    const double fileBytes = double(QFileInfo(path).size());
    auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    std::printf("{\"peer\":\"loopscope\",\"workload\":\"open\",\"n\":%d,\"open_s\":%.4f,"
                "\"read_s\":%.4f,\"draw_s\":%.4f,\"peak_rss_mb\":%.1f,\"file_mb\":%.1f,"
                "\"rss_over_file\":%.3f}\n",
        n, seconds(t2 - t0), seconds(t1 - t0), seconds(t2 - t1), peakRss / 1048576.0,
        fileBytes / 1048576.0, peakRss / fileBytes);
    return 0;
}

} // namespace Loopscope::Bench
