#pragma once

#include "timelinedrawlist.h"

#include <QList>
#include <QRect>
#include <QString>

#include <algorithm>
#include <vector>

class QPainter;

namespace Loopscope {

struct TraceData;
struct RunInfo;
struct TimelineGeometry;
struct TimelineStyle;
class TimelineLayout;
class TimelineViewport;

//! Draws a timeline: data + layout + viewport + style in, pixels out. Stateless, so the view and
//! every exporter (QImage, QSvgGenerator, QPdfWriter) get the same picture.
//!
//! The geometry places, top to bottom: the title line (scenario and parameters, total time),
//! the time ruler, the rows (label column on the left, bars in the viewport's time area), and
//! the legend. The viewport's time area must be geometry.timeArea; its scrollY() scrolls the
//! rows. Only visible rows are visited and each row's first visible interval is
//! found by binary search, so a frame's cost follows what is on screen. Faint rows (a pinned
//! run's units in a comparison: draw RunComparison::overlay() with its layout) have their bars,
//! markers and label drawn at the style's faintOpacity.
//! Call from the GUI thread or any thread that owns the paint device.
class TimelinePainter
{
public:
    struct PaintOptions
    {
        quint32 selectedUnit = 0; //!< highlighted row; its flow links are drawn
        //! more highlighted rows (the tasks waiting at a line of code), sorted
        std::vector<quint32> alsoSelected;
        //! The selection as TimelineZoomControl keeps it (the first is selectedUnit, the rest
        //! alsoSelected): the one translation, for the view and every export alike.
        void select(const QList<quint32> &units)
        {
            selectedUnit = units.isEmpty() ? 0 : units.front();
            alsoSelected.assign(units.begin() + (units.isEmpty() ? 0 : 1), units.end());
            std::sort(alsoSelected.begin(), alsoSelected.end());
        }
        quint32 hoverUnit = 0;    //!< lightly highlighted row
        qint64 cursorNs = -1;     //!< a vertical time cursor, < 0: none
        qint64 nowNs = -1;        //!< live runs: open intervals end here; < 0: data.endNs()
        bool liveEdge = false;    //!< draw a line at nowNs
        bool title = true;        //!< the title line
        bool legend = true;       //!< the legend at the bottom
    };

    static void paint(QPainter &painter, const TraceData &data, const TimelineLayout &layout,
                      const TimelineViewport &viewport, const TimelineStyle &style,
                      const TimelineGeometry &geometry, const PaintOptions &options);

    //! The bars, outcome markers, finding markers (layout.analysis().findings(), pinned by
    //! TimelineLayout::rowOfFinding) and cause arrows (a cancelled or timed-out unit's
    //! cancelledBy -> the unit) paint() would draw in the rows area (folded, visible rows only).
    static TimelineDrawList buildDrawList(const TraceData &data, const TimelineLayout &layout,
                                          const TimelineViewport &viewport,
                                          const TimelineStyle &style,
                                          const TimelineGeometry &geometry,
                                          const PaintOptions &options);

    //! What a paint() shows, to tell whether a new frame would look different: where the
    //! viewport's range and the live edge (options.nowNs, clamped to the range) are, and a digest
    //! of the rest that paint() reads: the visible rows' bars, counter and lock samples and the
    //! loop's lag up to a pixel before the edge (what happens within the edge's last pixel shows
    //! when the edge moves on by one), their units' outcomes and labels, the loop's and workers'
    //! spans, flows, deadlines, bookmarks, findings, the overview's extent, the run's end, the
    //! options, the geometry and the layout's size. A live title's time is not in it: it is
    //! drawn as of the last frame painted (at most a pixel's worth of time behind).
    struct FrameKey
    {
        qint64 startNs = 0;
        qint64 endNs = -1;
        qint64 nowNs = -1;
        int scrollY = 0;
        double timeWidth = 1;
        quint64 digest = 0;
        //! True if a paint for this key looks like one for other: the same digest and scroll,
        //! and the range's ends and the live edge less than a pixel apart. A default key looks
        //! like none.
        bool looksLike(const FrameKey &other) const;
    };
    //! The key of what paint() with these arguments would draw. O(visible rows).
    static FrameKey frameKey(const TraceData &data, const TimelineLayout &layout,
                             const TimelineViewport &viewport, const TimelineGeometry &geometry,
                             const PaintOptions &options);

    //! "semaphore — requests=10, limit=3, delay=1".
    static QString title(const RunInfo &info);
    //! A ruler step of 1, 2 or 5 x 10^k ns giving ticks at least minPixels apart.
    static qint64 tickStep(double nsPerPixel, double minPixels);
    //! A tick label for a time, precise enough for the step: "0 s", "1.5 s", "250 ms", "40 µs".
    static QString formatTick(qint64 ns, qint64 stepNs);
};

} // namespace Loopscope
