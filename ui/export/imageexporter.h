#pragma once

#include "timelinestyle.h"

#include <QImage>
#include <QList>
#include <QSet>
#include <QSize>
#include <QString>

namespace Loopscope {

struct TraceData;

//! Writes the timeline as PNG, SVG or PDF with TimelinePainter, so a file shows exactly what the
//! screen shows.
//!
//! Sizes are in logical pixels; a PNG has size * dpr device pixels. A height of 0 (or less) means
//! "tall enough for every row" (capped at MaxAutoHeight). Files are written by
//! writeFileAtomically: either the whole file appears or the old one stays; on failure *error
//! gets one line naming the path and the reason ("cannot write /nope/x.png: No such file or
//! directory").
//! Any thread (QImage, QSvgGenerator and QPdfWriter need no GUI thread).
class ImageExporter
{
public:
    struct ExportOptions
    {
        TimelineStyle style = TimelineStyle::light();
        qint64 startNs = 0;  //!< visible range; endNs < 0: the whole run
        qint64 endNs = -1;
        QList<quint32> selected; //!< highlighted rows (TimelineZoomControl::selectedUnits())
        QSet<quint32> collapsed;
        //! The label column (the screen's, TimelineView::geometry().labelWidth, so the file shows
        //! exactly its column); <= 0: fitted to the labels at the picture's width.
        int labelWidth = 0;
        bool title = true;
        bool legend = true;
        //! A pinned run to compare the data with (TimelineLayout's comparison rows: each unit's
        //! A lane under its B lane, A faint); null: the data alone. Must outlive the call.
        const TraceData *pinned = nullptr;
    };

    //! Tallest picture an automatic height produces (logical pixels).
    static constexpr int MaxAutoHeight = 20000;

    //! size with an automatic height resolved (and a minimum width and height applied).
    static QSize resolvedSize(const TraceData &data, QSize size, const ExportOptions &options);

    static QImage renderImage(const TraceData &data, QSize size, double dpr,
                              const ExportOptions &options);

    static bool exportPng(const TraceData &data, const QString &path, QSize size, double dpr,
                          const ExportOptions &options, QString *error = nullptr);
    static bool exportSvg(const TraceData &data, const QString &path, QSize size,
                          const ExportOptions &options, QString *error = nullptr);
    //! One page, sized to the content (size in logical pixels at 96 dpi).
    static bool exportPdf(const TraceData &data, const QString &path, QSize size,
                          const ExportOptions &options, QString *error = nullptr);
};

} // namespace Loopscope
