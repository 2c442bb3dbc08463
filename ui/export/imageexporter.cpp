#include "imageexporter.h"

#include "atomicfile.h"
#include "runcomparison.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelineviewport.h"
#include "tracedata.h"

#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <functional>

namespace Loopscope {

namespace {

constexpr int MinWidth = 320;
constexpr int MinHeight = 120;

TimelineLayout layoutOf(const TraceData &data, const ImageExporter::ExportOptions &options)
{
    return options.pinned ? TimelineLayout(data, *options.pinned, options.style, options.collapsed)
                          : TimelineLayout(data, options.style, options.collapsed);
}

// Everything one picture needs, computed once: what is drawn (the data, or a comparison's
// overlay), the layout, the geometry (with the caller's label column, or one fitted to this
// width) and the viewport on its time area.
struct Picture
{
    TraceData overlay; // empty unless comparing
    const TraceData &data;
    TimelineLayout layout;
    TimelineGeometry geometry;
    TimelineViewport viewport;

    Picture(const TraceData &run, const QSize &size, const ImageExporter::ExportOptions &options)
        : overlay(options.pinned ? RunComparison::overlay(*options.pinned, run) : TraceData())
        , data(options.pinned ? overlay : run)
        , layout(layoutOf(run, options))
    {
        const int labelWidth = options.labelWidth > 0
            ? options.labelWidth
            : TimelineGeometry::fitLabelWidth(data, layout, options.style, size.width());
        geometry = TimelineGeometry::compute(options.style, QRect(QPoint(0, 0), size), labelWidth,
                                             layout.contentHeight());
        viewport.setTimeArea(geometry.timeArea.left(), geometry.timeArea.width());
        if (options.endNs < 0)
            viewport.fit(std::max(data.info.totalNs, data.endNs()));
        else
            viewport.setRange(options.startNs, options.endNs);
    }
};

void paintTimeline(QPainter &painter, const TraceData &data, const QSize &size,
                   const ImageExporter::ExportOptions &options)
{
    const Picture picture(data, size, options);
    TimelinePainter::PaintOptions paintOptions;
    paintOptions.select(options.selected);
    paintOptions.title = options.title;
    paintOptions.legend = options.legend;
    TimelinePainter::paint(painter, picture.data, picture.layout, picture.viewport, options.style,
                           picture.geometry, paintOptions);
}

} // namespace

QSize ImageExporter::resolvedSize(const TraceData &data, QSize size, const ExportOptions &options)
{
    int width = std::max(MinWidth, size.width());
    int height = size.height();
    if (height <= 0) {
        const TimelineLayout layout = layoutOf(data, options);
        height = std::min(MaxAutoHeight, TimelineGeometry::preferredHeight(options.style, layout));
    }
    return QSize(width, std::max(MinHeight, height));
}

QImage ImageExporter::renderImage(const TraceData &data, QSize size, double dpr,
                                  const ExportOptions &options)
{
    dpr = std::clamp(dpr, 0.25, 8.0);
    const QSize logical = resolvedSize(data, size, options);
    QImage image(QSize(qRound(logical.width() * dpr), qRound(logical.height() * dpr)),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(options.style.background);
    QPainter painter(&image);
    paintTimeline(painter, data, logical, options);
    painter.end();
    return image;
}

bool ImageExporter::exportPng(const TraceData &data, const QString &path, QSize size, double dpr,
                              const ExportOptions &options, QString *error)
{
    const QImage image = renderImage(data, size, dpr, options);
    return writeFileAtomically(
        path,
        [&](QIODevice &file, QString *reason) {
            if (image.save(&file, "PNG"))
                return true;
            *reason = QStringLiteral("PNG encoding failed");
            return false;
        },
        error);
}

bool ImageExporter::exportSvg(const TraceData &data, const QString &path, QSize size,
                              const ExportOptions &options, QString *error)
{
    const QSize logical = resolvedSize(data, size, options);
    return writeFileAtomically(
        path,
        [&](QIODevice &file, QString *reason) {
            QSvgGenerator generator;
            generator.setOutputDevice(&file);
            generator.setSize(logical);
            generator.setViewBox(QRect(QPoint(0, 0), logical));
            generator.setResolution(96);
            generator.setTitle(TimelinePainter::title(data.info));
            generator.setDescription(QStringLiteral("Loopscope timeline"));
            QPainter painter;
            if (!painter.begin(&generator)) {
                *reason = QStringLiteral("cannot start the SVG generator");
                return false;
            }
            paintTimeline(painter, data, logical, options);
            painter.end();
            return true;
        },
        error);
}

bool ImageExporter::exportPdf(const TraceData &data, const QString &path, QSize size,
                              const ExportOptions &options, QString *error)
{
    const QSize logical = resolvedSize(data, size, options);
    return writeFileAtomically(
        path,
        [&](QIODevice &file, QString *reason) {
            QPdfWriter writer(&file);
            writer.setResolution(96);
            writer.setCreator(QStringLiteral("Loopscope"));
            writer.setTitle(TimelinePainter::title(data.info));
            // One page exactly the size of the picture: 96 logical pixels per inch.
            const QPageSize page(QSizeF(logical.width() * 72.0 / 96.0, logical.height() * 72.0 / 96.0),
                                 QPageSize::Point, QString(), QPageSize::ExactMatch);
            writer.setPageLayout(QPageLayout(page, QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
            QPainter painter;
            if (!painter.begin(&writer)) {
                *reason = QStringLiteral("cannot start the PDF writer");
                return false;
            }
            paintTimeline(painter, data, logical, options);
            painter.end();
            return true;
        },
        error);
}

} // namespace Loopscope
