// loopscope compare A.json B.json: lines, total, the delta summary, the picture, exit 2.
#include <catch2/catch.hpp>

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

struct Result
{
    int exitCode = -1;
    QStringList out;
    QString err;
};

Result loopscope(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(LOOPSCOPE_BINARY), args);
    REQUIRE(p.waitForFinished(120000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
        out.isEmpty() ? QStringList() : out.split(QLatin1Char('\n')),
        QString::fromUtf8(p.readAllStandardError()) };
}

//! Runs semaphore with limit on the virtual clock, writing base.trace.json and base.json.
void runSemaphore(const QString &base, int limit)
{
    const Result r = loopscope({ QStringLiteral("run"), QStringLiteral("semaphore"),
        QStringLiteral("--clock"), QStringLiteral("virtual"), QStringLiteral("--set"),
        QStringLiteral("limit=%1").arg(limit), QStringLiteral("--quiet"), QStringLiteral("--trace"),
        base + QStringLiteral(".trace.json"), QStringLiteral("--summary"),
        base + QStringLiteral(".json") });
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

TEST_CASE("CLI compare: Semaphore(3) against Semaphore(5)", "[cli][compare]")
{
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("limit3")),
                  b = dir.filePath(QStringLiteral("limit5"));
    runSemaphore(a, 3);
    runSemaphore(b, 5);
    const QString png = dir.filePath(QStringLiteral("cmp.png"));
    const QString summary = dir.filePath(QStringLiteral("cmp.json"));

    const Result r = loopscope({ QStringLiteral("compare"), a + QStringLiteral(".trace.json"),
        b + QStringLiteral(".trace.json"), QStringLiteral("--png"), png,
        QStringLiteral("--summary"), summary, QStringLiteral("--width"), QStringLiteral("900") });
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.isEmpty());
    REQUIRE(r.out.size() == 13); // 10 tasks, total, most at once, longest stall
    CHECK(r.out[0] == QStringLiteral("req1: A 1.000 s, B 1.000 s, delta 0.000 s"));
    CHECK(r.out[3] == QStringLiteral("req4: A 2.000 s, B 1.000 s, delta -1.000 s"));
    CHECK(r.out[9] == QStringLiteral("req10: A 4.000 s, B 2.000 s, delta -2.000 s"));
    CHECK(r.out[10] == QStringLiteral("total: A 4.000 s, B 2.000 s, delta -2.000 s"));
    CHECK(r.out[11] == QStringLiteral("most at once: A 3, B 5, delta +2"));
    CHECK(r.out[12].startsWith(QStringLiteral("longest stall: A 0.000 s")));

    SECTION("the summary holds the delta table")
    {
        const QJsonObject s = readJson(summary);
        const QJsonObject total = s.value(QStringLiteral("total")).toObject();
        CHECK(total.value(QStringLiteral("a_s")).toDouble() == 4.0);
        CHECK(total.value(QStringLiteral("b_s")).toDouble() == 2.0);
        CHECK(total.value(QStringLiteral("delta_s")).toDouble() == -2.0);
        const QJsonObject most = s.value(QStringLiteral("max_concurrency")).toObject();
        CHECK(most.value(QStringLiteral("a")).toInt() == 3);
        CHECK(most.value(QStringLiteral("b")).toInt() == 5);
        CHECK(s.value(QStringLiteral("a"))
                  .toObject()
                  .value(QStringLiteral("params"))
                  .toObject()
                  .value(QStringLiteral("limit"))
                  .toInt()
            == 3);
        const QJsonArray tasks = s.value(QStringLiteral("tasks")).toArray();
        REQUIRE(tasks.size() == 10);
        const QJsonObject req10 = tasks.at(9).toObject();
        CHECK(req10.value(QStringLiteral("label")).toString() == QStringLiteral("req10"));
        CHECK(req10.value(QStringLiteral("a_end_s")).toDouble() == 4.0);
        CHECK(req10.value(QStringLiteral("b_end_s")).toDouble() == 2.0);
        CHECK(req10.value(QStringLiteral("delta_s")).toDouble() == -2.0);
        CHECK(req10.value(QStringLiteral("a_wait_s")).toDouble() == 4.0);
        CHECK(req10.value(QStringLiteral("wait_delta_s")).toDouble() == -2.0);
    }
    SECTION("the picture has two lanes per task: twice the rows of one run")
    {
        const QImage both(png);
        REQUIRE(!both.isNull());
        CHECK(both.width() == 900);
        const QString one = dir.filePath(QStringLiteral("one.png"));
        REQUIRE(loopscope({ QStringLiteral("render"), b + QStringLiteral(".trace.json"),
                              QStringLiteral("--png"), one, QStringLiteral("--width"),
                              QStringLiteral("900") })
                    .exitCode
            == 0);
        const QImage single(one);
        // 11 more unit rows (main and 10 requests), each 22 px.
        CHECK(both.height() - single.height() == 11 * 22);
    }
    SECTION("a summary file compares like its trace")
    {
        const Result s = loopscope({ QStringLiteral("compare"), a + QStringLiteral(".json"),
            b + QStringLiteral(".trace.json") });
        CHECK(s.exitCode == 0);
        CHECK(s.out == r.out);
    }
}

TEST_CASE(
    "CLI compare: a file that is not a Loopscope trace or summary is exit 2", "[cli][compare]")
{
    QTemporaryDir dir;
    const QString run = dir.filePath(QStringLiteral("run"));
    runSemaphore(run, 3);
    auto write = [&dir](const char *name, const QByteArray &content) {
        QFile file(dir.filePath(QLatin1String(name)));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(content);
        return file.fileName();
    };
    const QString foreign = write("package.json", "{\"name\": \"x\", \"version\": \"1\"}");
    const QString malformed = write("broken.json", "{\"traceEvents\": [");
    const QString badSummary = write("bad.json",
        "{\"scenario\": \"x\", \"total_s\": \"long\", "
        "\"tasks\": []}");
    const QString missing = dir.filePath(QStringLiteral("missing.json"));
    const QString png = dir.filePath(QStringLiteral("x.png"));
    for (const QString &bad : { foreign, malformed, badSummary, missing }) {
        for (const bool first : { true, false }) {
            const QString trace = run + QStringLiteral(".trace.json");
            const Result r = loopscope({ QStringLiteral("compare"), first ? bad : trace,
                first ? trace : bad, QStringLiteral("--png"), png });
            INFO(bad.toStdString() << " -> " << r.err.toStdString());
            CHECK(r.exitCode == 2);
            CHECK(r.err.trimmed().count(QLatin1Char('\n')) == 0);
            CHECK(r.err.contains(bad));
            CHECK(r.out.isEmpty());
        }
    }
    CHECK_FALSE(QFile::exists(png));
}

TEST_CASE("CLI help lists compare and the window's --pin-trace", "[cli][compare]")
{
    const Result help = loopscope({ QStringLiteral("--help") });
    CHECK(help.exitCode == 0);
    const QString text = help.out.join(QLatin1Char('\n'));
    CHECK(text.contains(QStringLiteral("compare A.json B.json")));
    CHECK(text.contains(QStringLiteral("--pin-trace <FILE>")));
}
