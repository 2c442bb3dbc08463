// Build-time tool: `svgtopng IN.svg SIZE OUT.png` renders the icon at SIZE x SIZE pixels, so the
// installed PNG icons are always drawn from the one SVG we keep (no rendered copies in git).
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fputs("usage: svgtopng IN.svg SIZE OUT.png\n", stderr);
        return 2;
    }
    // A raster QImage needs no QGuiApplication (the icon has no text, so no fonts), and without
    // one the tool needs no display, no platform plugin and no runtime folder at build time.
    const QString in = QString::fromLocal8Bit(argv[1]);
    const int size = QString::fromLocal8Bit(argv[2]).toInt();
    const QString out = QString::fromLocal8Bit(argv[3]);
    QSvgRenderer renderer(in);
    if (!renderer.isValid() || size < 1 || size > 4096) {
        std::fprintf(stderr, "svgtopng: cannot render %s at %s px\n", argv[1], argv[2]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    renderer.render(&painter);
    painter.end();
    if (!image.save(out, "PNG")) {
        std::fprintf(stderr, "svgtopng: cannot write %s\n", argv[3]);
        return 1;
    }
    return 0;
}
