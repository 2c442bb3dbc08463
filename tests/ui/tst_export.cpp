#include <catch2/catch.hpp>

#include "imageexporter.h"
#include "timelinegeometry.h"
#include "timelinelayout.h"
#include "timelinetestdata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

using namespace Loopscope;
using namespace Loopscope::Test;

TEST_CASE("ImageExporter writes a PNG of the requested size times the pixel ratio",
          "[export]")
{
    const TraceData data = semaphoreTrace();
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("timeline.png"));
    ImageExporter::ExportOptions options;
    QString error;

    for (double dpr : {1.0, 2.0, 3.0}) {
        DYNAMIC_SECTION("dpr " << dpr)
        {
            REQUIRE(ImageExporter::exportPng(data, path, QSize(800, 500), dpr, options, &error));
            REQUIRE(error.isEmpty());
            QImage image;
            REQUIRE(image.load(path, "PNG"));
            REQUIRE(image.size() == QSize(qRound(800 * dpr), qRound(500 * dpr)));
            // The light background around the picture.
            REQUIRE(image.pixelColor(2, 2) == options.style.background);
        }
    }
}

TEST_CASE("ImageExporter picks a height that fits every row", "[export]")
{
    const TraceData data = semaphoreTrace();
    ImageExporter::ExportOptions options;
    const TimelineLayout layout(data, options.style);
    const QImage image = ImageExporter::renderImage(data, QSize(1000, 0), 1.0, options);
    REQUIRE(image.width() == 1000);
    REQUIRE(image.height() == TimelineGeometry::preferredHeight(options.style, layout));
    REQUIRE(image.height() > layout.contentHeight());

    SECTION("dark style")
    {
        options.style = TimelineStyle::dark();
        const QImage dark = ImageExporter::renderImage(data, QSize(600, 400), 2.0, options);
        REQUIRE(dark.size() == QSize(1200, 800));
        REQUIRE(dark.devicePixelRatio() == 2.0);
        REQUIRE(dark.pixelColor(3, 3) == options.style.background);
    }
}

TEST_CASE("ImageExporter writes SVG that parses as XML", "[export]")
{
    const TraceData data = semaphoreTrace();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("timeline.svg"));
    QString error;
    REQUIRE(ImageExporter::exportSvg(data, path, QSize(1200, 0), {}, &error));
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    QString root;
    bool hasLabel = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && root.isEmpty())
            root = xml.name().toString();
        if (xml.isCharacters() && xml.text().contains(QStringLiteral("req10")))
            hasLabel = true;
    }
    REQUIRE_FALSE(xml.hasError());
    REQUIRE(root == QStringLiteral("svg"));
    REQUIRE(hasLabel);
}

TEST_CASE("ImageExporter writes a one-page PDF", "[export]")
{
    const TraceData data = semaphoreTrace();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("timeline.pdf"));
    QString error;
    REQUIRE(ImageExporter::exportPdf(data, path, QSize(1200, 700), {}, &error));
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    REQUIRE(bytes.startsWith("%PDF"));
    // Page objects are "/Type /Page"; the page tree is "/Type /Pages".
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![A-Za-z])"));
    REQUIRE(QString::fromLatin1(bytes).count(page) == 1);
    // The page is the picture's size: 1200 x 700 px at 96 per inch are 900 x 525 pt.
    static const QRegularExpression box(
        QStringLiteral("/MediaBox\\s*\\[\\s*0 0 ([0-9.]+) ([0-9.]+)"));
    const QRegularExpressionMatch m = box.match(QString::fromLatin1(bytes));
    REQUIRE(m.hasMatch());
    REQUIRE(m.captured(1).toDouble() == Approx(900).margin(1));
    REQUIRE(m.captured(2).toDouble() == Approx(525).margin(1));
}

TEST_CASE("ImageExporter fails on an unwritable path with a one-line error and no file",
          "[export]")
{
    const TraceData data = semaphoreTrace();
    const QString path = QStringLiteral("/nope/x.png");
    QString error;
    REQUIRE_FALSE(ImageExporter::exportPng(data, path, QSize(400, 300), 1.0, {}, &error));
    REQUIRE(error == QStringLiteral("cannot write /nope/x.png: No such file or directory"));
    REQUIRE_FALSE(QFileInfo::exists(path));

    error.clear();
    REQUIRE_FALSE(ImageExporter::exportSvg(data, QStringLiteral("/nope/x.svg"), {400, 300}, {},
                                           &error));
    REQUIRE(error.startsWith(QStringLiteral("cannot write /nope/x.svg: ")));
    error.clear();
    REQUIRE_FALSE(ImageExporter::exportPdf(data, QStringLiteral("/nope/x.pdf"), {400, 300}, {},
                                           &error));
    REQUIRE(error.startsWith(QStringLiteral("cannot write /nope/x.pdf: ")));
    REQUIRE_FALSE(error.contains(QLatin1Char('\n')));

    SECTION("a path under a regular file fails, for root too, and leaves that file alone")
    {
        QTemporaryDir dir;
        REQUIRE(dir.isValid());
        const QString existing = dir.filePath(QStringLiteral("keep.png"));
        QFile f(existing);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("old");
        f.close();
        // Not a directory: no permission bit to bypass, so root (how CI runs) fails as well.
        const QString under = existing + QStringLiteral("/x.png");
        REQUIRE_FALSE(ImageExporter::exportPng(data, under, {400, 300}, 1.0, {}, &error));
        REQUIRE(error.toStdString()
                == (QStringLiteral("cannot write ") + under + QStringLiteral(": Not a directory"))
                       .toStdString());
        QFile again(existing);
        REQUIRE(again.open(QIODevice::ReadOnly));
        REQUIRE(again.readAll() == "old");
        REQUIRE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                == QStringList{QStringLiteral("keep.png")});
    }
}

TEST_CASE("ImageExporter highlights every selected row, as the screen does", "[export]")
{
    // Several rows are selected when a line of code is clicked (the tasks waiting there): the
    // file shows them all, not only the first.
    const TraceData data = semaphoreTrace();
    ImageExporter::ExportOptions options;
    auto selectionPixels = [&](const QList<quint32> &selected) {
        options.selected = selected;
        const QImage image = ImageExporter::renderImage(data, QSize(900, 0), 1.0, options)
                                 .convertToFormat(QImage::Format_RGB32);
        const QRgb selection = options.style.selection.rgb();
        int n = 0;
        for (int y = 0; y < image.height(); ++y) {
            const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
            for (int x = 0; x < image.width(); ++x)
                n += (line[x] & 0xffffff) == (selection & 0xffffff);
        }
        return n;
    };
    const quint32 req1 = data.units[1].id;
    const quint32 req2 = data.units[2].id;
    const quint32 req3 = data.units[3].id;
    REQUIRE(selectionPixels({}) == 0);
    const int one = selectionPixels({req1});
    REQUIRE(one > 0);
    CHECK(selectionPixels({req1, req2, req3}) > 2 * one);
}
