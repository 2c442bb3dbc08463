#include <catch2/catch.hpp>

#include "atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIODevice>
#include <QTemporaryDir>

using namespace Loopscope;

namespace {

QByteArray contents(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

} // namespace

TEST_CASE("writeFileAtomically writes exactly the data", "[io][atomicfile]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("summary.json"));
    QByteArray data("{\"a\": 1}\n");
    data.append('\0');
    data.append("\xff tail");

    QString error;
    REQUIRE(writeFileAtomically(path, data, &error));
    CHECK(error.isEmpty());
    CHECK(contents(path) == data);

    SECTION("replacing an existing file")
    {
        REQUIRE(writeFileAtomically(path, QByteArrayLiteral("short"), &error));
        CHECK(contents(path) == QByteArrayLiteral("short"));
    }
    SECTION("streaming through a callback")
    {
        REQUIRE(writeFileAtomically(
            path,
            [](QIODevice &device, QString *) {
                return device.write("part 1, ") == 8 && device.write("part 2") == 6;
            },
            &error));
        CHECK(contents(path) == QByteArrayLiteral("part 1, part 2"));
    }
    SECTION("a callback that fails leaves the old file and no temporary")
    {
        CHECK_FALSE(writeFileAtomically(
            path,
            [](QIODevice &device, QString *why) {
                device.write("half");
                *why = QStringLiteral("the painter gave up");
                return false;
            },
            &error));
        CHECK(error == QStringLiteral("cannot write %1: the painter gave up").arg(path));
        CHECK(contents(path) == data);
        CHECK(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden)
            == QStringList { QStringLiteral("summary.json") });
    }
}

TEST_CASE("writeFileAtomically fails with one line naming the path", "[io][atomicfile]")
{
    QString error;
    SECTION("a directory that does not exist")
    {
        const QString path = QStringLiteral("/nonexistent/x.json");
        CHECK_FALSE(writeFileAtomically(path, QByteArrayLiteral("data"), &error));
        CHECK(error.startsWith(QStringLiteral("cannot write /nonexistent/x.json: ")));
        CHECK(error.size() > int(QStringLiteral("cannot write /nonexistent/x.json: ").size()));
        CHECK_FALSE(error.contains(QLatin1Char('\n')));
        CHECK_FALSE(QFileInfo::exists(path));
    }
    SECTION("a path that is a directory")
    {
        QTemporaryDir dir;
        REQUIRE(dir.isValid());
        CHECK_FALSE(writeFileAtomically(dir.path(), QByteArrayLiteral("data"), &error));
        CHECK(error.startsWith(QStringLiteral("cannot write %1: ").arg(dir.path())));
        CHECK(QFileInfo(dir.path()).isDir());
    }
    SECTION("a read-only directory leaves no file")
    {
        QTemporaryDir dir;
        REQUIRE(dir.isValid());
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        const QString path = dir.filePath(QStringLiteral("trace.json"));
        const bool written = writeFileAtomically(path, QByteArrayLiteral("data"), &error);
        QFile::setPermissions(
            dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (written) {
            // root ignores permissions; nothing to check then.
            SUCCEED("running as root");
        } else {
            CHECK(error.startsWith(QStringLiteral("cannot write %1: ").arg(path)));
            CHECK(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
        }
    }
    SECTION("no path")
    {
        CHECK_FALSE(writeFileAtomically(QString(), QByteArrayLiteral("data"), &error));
        CHECK_FALSE(error.isEmpty());
    }
}
