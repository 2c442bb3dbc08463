#include <catch2/catch.hpp>

#include "datapaths.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace Loopscope;

namespace {

//! An installed tree under dir: <dir>/bin and <dir>/share/loopscope/<relative> (an empty file).
QString makeInstalledTree(const QTemporaryDir &dir, const QString &relative)
{
    const QString data = dir.filePath(QStringLiteral("share/loopscope"));
    const QString file = data + QLatin1Char('/') + relative;
    REQUIRE(QDir().mkpath(dir.filePath(QStringLiteral("bin"))));
    REQUIRE(QDir().mkpath(QFileInfo(file).absolutePath()));
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly));
    return file;
}

} // namespace

TEST_CASE("findDataPath looks beside the installed binary first", "[io][datapaths]")
{
    QTemporaryDir prefix;
    REQUIRE(prefix.isValid());
    // The icon exists in the source tree too: the installed copy must win.
    const QString installed = makeInstalledTree(prefix, QStringLiteral("icons/loopscope.svg"));
    const QString bin = prefix.filePath(QStringLiteral("bin"));
    CHECK(findDataPath(QStringLiteral("icons/loopscope.svg"), bin) == installed);
    CHECK(findDataPath(QStringLiteral("icons"), bin)
        == prefix.filePath(QStringLiteral("share/loopscope/icons")));
}

TEST_CASE("findDataPath falls back to the source tree in a build tree", "[io][datapaths]")
{
    const QString source = Test::sourcePath(QStringLiteral("resources/icons/loopscope.svg"));
    SECTION("an explicit folder without an installed tree")
    {
        QTemporaryDir bin;
        REQUIRE(bin.isValid());
        CHECK(findDataPath(QStringLiteral("icons/loopscope.svg"), bin.path()) == source);
    }
    SECTION("this test binary's own folder")
    {
        CHECK(findDataPath(QStringLiteral("icons/loopscope.svg")) == source);
    }
    SECTION("nothing anywhere")
    {
        CHECK(findDataPath(QStringLiteral("python/tracer/no-such-file.py")).isEmpty());
    }
}
