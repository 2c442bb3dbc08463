#include <catch2/catch.hpp>

#include "imageexporter.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinepainter.h"
#include "timelinetestdata.h"
#include "timelineviewport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <iostream>

using namespace Loopscope;
using namespace Loopscope::Test;

// Hidden: renders pictures to look at (and times a big frame). Run: tst_ui "[.look]"
// Output goes to $LOOPSCOPE_LOOK_DIR, default /tmp.
TEST_CASE("Render pictures to look at", "[.look]")
{
    const QString dir = qEnvironmentVariableIsSet("LOOPSCOPE_LOOK_DIR")
        ? qEnvironmentVariable("LOOPSCOPE_LOOK_DIR")
        : QDir::tempPath();
    const TraceData data = semaphoreTrace();
    ImageExporter::ExportOptions options;
    options.selected = {1};
    QString error;
    REQUIRE(ImageExporter::exportPng(data, dir + QStringLiteral("/look.png"), QSize(1600, 900),
                                     1.0, options, &error));
    REQUIRE(ImageExporter::exportPdf(data, dir + QStringLiteral("/look.pdf"), QSize(1600, 0),
                                     options, &error));
    REQUIRE(ImageExporter::exportSvg(data, dir + QStringLiteral("/look.svg"), QSize(1600, 0),
                                     options, &error));
    {
        QSvgRenderer svg(dir + QStringLiteral("/look.svg"));
        REQUIRE(svg.isValid());
        QImage back(svg.defaultSize(), QImage::Format_ARGB32_Premultiplied);
        back.fill(Qt::white);
        QPainter p(&back);
        svg.render(&p);
        p.end();
        back.save(dir + QStringLiteral("/look-svg.png"));
    }
    ImageExporter::renderImage(data, QSize(1600, 900), 2.0, options)
        .copy(1700, 100, 1300, 1100)
        .save(dir + QStringLiteral("/look-crop.png"));
    options.style = TimelineStyle::dark();
    options.selected.clear();
    REQUIRE(ImageExporter::exportPng(data, dir + QStringLiteral("/look-dark.png"),
                                     QSize(1600, 0), 1.0, options, &error));

    // A big run: 100 000 tasks of 4 intervals, one 1920x1080 frame.
    TraceData big;
    big.units.resize(100001);
    big.units[0] = {1, 0, UnitKind::Main, QStringLiteral("main"), 0, 0, -1, Outcome::None,
                    {}, {{0, 1'000'000, UnitState::Running, 0}}};
    for (quint32 i = 2; i <= 100001; ++i) {
        UnitRecord &u = big.units[i - 1];
        u.id = i;
        u.parent = 1;
        u.label = QStringLiteral("task %1").arg(i - 1);
        const qint64 s = qint64(i) * 20000;
        const qint64 d = 100'000'000 + qint64(i % 97) * 19'000'000;
        u.intervals = {{s, s + 2'000'000, UnitState::Pending, 0},
                       {s + 2'000'000, s + 2'050'000, UnitState::Running, 0},
                       {s + 2'050'000, s + d, UnitState::Waiting, 0},
                       {s + d, s + d + 50'000, UnitState::Running, 0}};
        u.outcome = Outcome::Completed;
        u.endNs = s + d + 50'000;
    }
    big.info.scenario = QStringLiteral("stress");
    big.info.params = {{QStringLiteral("tasks"), 100000}};
    big.recomputeLastEventNs();
    big.info.totalNs = big.endNs();
    big.info.finished = true;
    const TimelineStyle style = TimelineStyle::light();
    QElapsedTimer layoutTimer;
    layoutTimer.start();
    const TimelineLayout layout(big, style);
    const qint64 layoutMs = layoutTimer.elapsed();
    const QRect target(0, 0, 1920, 1080);
    const TimelineGeometry geo = TimelineGeometry::compute(style, target);
    TimelineViewport vp;
    const QRect area = geo.timeArea;
    vp.setTimeArea(area.left(), area.width());
    vp.fit(big.info.totalNs);
    vp.setScrollY(layout.contentHeight() / 2);
    QImage image(target.size(), QImage::Format_ARGB32_Premultiplied);
    double best = 1e9;
    for (int i = 0; i < 10; ++i) {
        QPainter p(&image);
        QElapsedTimer t;
        t.start();
        TimelinePainter::paint(p, big, layout, vp, style, geo, {});
        best = std::min(best, t.nsecsElapsed() / 1e6);
    }
    image.save(dir + QStringLiteral("/look-big.png"));
    vp.setScrollY(0);
    double bestTop = 1e9;
    for (int i = 0; i < 10; ++i) {
        QPainter p(&image);
        QElapsedTimer t;
        t.start();
        TimelinePainter::paint(p, big, layout, vp, style, geo, {});
        bestTop = std::min(bestTop, t.nsecsElapsed() / 1e6);
    }
    image.save(dir + QStringLiteral("/look-big-top.png"));
    std::cout << "100k tasks: layout " << layoutMs << " ms, frame (middle) " << best
              << " ms, frame (top, with loop row) " << bestTop << " ms\n";
}
