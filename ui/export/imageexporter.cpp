#include "imageexporter.h"

#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelineviewport.h"
#include "tracedata.h"

#include <QDir>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <functional>

namespace Loopscope {

namespace {

constexpr int MinWidth = 320;
constexpr int MinHeight = 120;

TimelineViewport viewportFor(const TraceData &data, const QRect &target,
                             const ImageExporter::ExportOptions &options)
{
    const QRect area = TimelinePainter::timeArea(target, options.style);
    TimelineViewport vp;
    vp.setTimeArea(area.left(), area.width());
    const qint64 total = std::max(data.info.totalNs, data.endNs());
    if (options.endNs < 0) {
        vp.fit(total);
    } else {
        vp.setRange(options.startNs, options.endNs);
    }
    return vp;
}

void paintTimeline(QPainter &painter, const TraceData &data, const QSize &size,
                   const ImageExporter::ExportOptions &exportOptions)
{
    ImageExporter::ExportOptions options = exportOptions;
    options.style.fitLabelColumn(data, size.width());
    const TimelineLayout layout(data, options.style, options.collapsed);
    const QRect target(QPoint(0, 0), size);
    const TimelineViewport vp = viewportFor(data, target, options);
    TimelinePainter::PaintOptions paintOptions;
    paintOptions.selectedUnit = options.selectedUnit;
    paintOptions.title = options.title;
    paintOptions.legend = options.legend;
    TimelinePainter::paint(painter, data, layout, vp, options.style, target, paintOptions);
}

QString failure(const QString &path, const QString &reason)
{
    return QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), reason);
}

// QSaveFile reports a missing directory in terms of its temporary file; say it plainly.
QString openFailure(const QString &path, const QSaveFile &file)
{
    const QFileInfo dir(QFileInfo(path).absolutePath());
    if (!dir.exists())
        return failure(path, QStringLiteral("No such file or directory"));
    if (!dir.isDir())
        return failure(path, QStringLiteral("Not a directory"));
    if (!dir.isWritable())
        return failure(path, QStringLiteral("Permission denied"));
    return failure(path, file.errorString());
}

// Opens path atomically, lets write() fill it and commits; nothing appears on failure.
bool writeAtomically(const QString &path, QString *error,
                     const std::function<bool(QSaveFile &, QString *reason)> &write)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = openFailure(path, file);
        return false;
    }
    QString reason;
    if (!write(file, &reason)) {
        file.cancelWriting();
        if (error)
            *error = failure(path, reason.isEmpty() ? file.errorString() : reason);
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = failure(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

QSize ImageExporter::resolvedSize(const TraceData &data, QSize size, const ExportOptions &options)
{
    int width = std::max(MinWidth, size.width());
    int height = size.height();
    if (height <= 0) {
        const TimelineLayout layout(data, options.style, options.collapsed);
        height = std::min(MaxAutoHeight, layout.preferredHeight());
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
    return writeAtomically(path, error, [&](QSaveFile &file, QString *reason) {
        if (image.save(&file, "PNG"))
            return true;
        *reason = QStringLiteral("PNG encoding failed");
        return false;
    });
}

bool ImageExporter::exportSvg(const TraceData &data, const QString &path, QSize size,
                              const ExportOptions &options, QString *error)
{
    const QSize logical = resolvedSize(data, size, options);
    return writeAtomically(path, error, [&](QSaveFile &file, QString *reason) {
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
        return file.error() == QFileDevice::NoError;
    });
}

bool ImageExporter::exportPdf(const TraceData &data, const QString &path, QSize size,
                              const ExportOptions &options, QString *error)
{
    const QSize logical = resolvedSize(data, size, options);
    return writeAtomically(path, error, [&](QSaveFile &file, QString *reason) {
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
        return file.error() == QFileDevice::NoError;
    });
}

} // namespace Loopscope
