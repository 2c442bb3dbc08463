#include <catch2/catch.hpp>

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

Result runCli(const QStringList &args,
              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LOOPSCOPE_BINARY), args);
    REQUIRE(p.waitForFinished(120000));
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

int lineCount(const QString &text) { return int(text.trimmed().split(QLatin1Char('\n')).size()); }

} // namespace

TEST_CASE("CLI lists every scenario with its parameters", "[cli]")
{
    const Result r = runCli({QStringLiteral("list")});
    CHECK(r.exitCode == 0);
    for (const char *id : {"sequential", "concurrent_tasks", "gather_return_exceptions", "taskgroup",
                           "http_concurrent", "semaphore", "async_generator", "wait_for_timeout",
                           "timeout_context", "executor", "cancellation", "blocking_pitfall",
                           "forgot_await", "stress"})
        CHECK(r.out.contains(QLatin1String(id)));
    CHECK(r.out.contains(QStringLiteral("limit             default 3")));
}

TEST_CASE("CLI runs a scenario and writes all five files", "[cli]")
{
    QTemporaryDir dir;
    const QString base = dir.path() + QStringLiteral("/sem");
    const Result r = runCli({QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--clock"),
                             QStringLiteral("virtual"), QStringLiteral("--set"), QStringLiteral("limit=5"),
                             QStringLiteral("--summary"), base + QStringLiteral(".json"),
                             QStringLiteral("--trace"), base + QStringLiteral(".trace.json"),
                             QStringLiteral("--png"), base + QStringLiteral(".png"), QStringLiteral("--svg"),
                             base + QStringLiteral(".svg"), QStringLiteral("--pdf"),
                             base + QStringLiteral(".pdf"), QStringLiteral("--width"),
                             QStringLiteral("800"), QStringLiteral("--dpr"), QStringLiteral("2")});
    INFO(r.err.toStdString());
    CHECK(r.exitCode == 0);
    CHECK(r.out.contains(QStringLiteral("Fetched 10 URLs")));
    CHECK(r.out.contains(QStringLiteral("semaphore: 2.00 s, 10 units: 10 completed")));
    QFile summary(base + QStringLiteral(".json"));
    REQUIRE(summary.open(QIODevice::ReadOnly));
    const QJsonObject s = QJsonDocument::fromJson(summary.readAll()).object();
    CHECK(s.value(QStringLiteral("params")).toObject().value(QStringLiteral("limit")).toInt() == 5);
    CHECK(s.value(QStringLiteral("total_s")).toDouble() == Approx(2.0));
    QFile png(base + QStringLiteral(".png"));
    REQUIRE(png.open(QIODevice::ReadOnly));
    CHECK(png.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8));
    QFile pdf(base + QStringLiteral(".pdf"));
    REQUIRE(pdf.open(QIODevice::ReadOnly));
    CHECK(pdf.read(4) == QByteArray("%PDF"));
    QFile svg(base + QStringLiteral(".svg"));
    REQUIRE(svg.open(QIODevice::ReadOnly));
    CHECK(svg.readAll().contains("<svg"));

    SECTION("and draws the saved trace again")
    {
        const Result rr = runCli({QStringLiteral("render"), base + QStringLiteral(".trace.json"),
                                  QStringLiteral("--png"), base + QStringLiteral("-again.png")});
        CHECK(rr.exitCode == 0);
        CHECK(QFile::exists(base + QStringLiteral("-again.png")));
    }
}

TEST_CASE("CLI prints the run's findings after the result line", "[cli][why]")
{
    const Result r = runCli({QStringLiteral("run"), QStringLiteral("blocking_pitfall"),
                             QStringLiteral("--clock"), QStringLiteral("virtual"),
                             QStringLiteral("--quiet")});
    INFO(r.err.toStdString());
    CHECK(r.exitCode == 0);
    const QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == QStringLiteral("blocking_pitfall: 1.50 s, 3 units: 3 completed"));
    CHECK(lines[1].startsWith(QStringLiteral("finding blocked_loop at 500 ms: Task 3 held the "
                                             "event loop for 1 s")));
}

TEST_CASE("CLI --version prints the CMake project version", "[cli]")
{
    const Result r = runCli({QStringLiteral("--version")});
    CHECK(r.exitCode == 0);
    CHECK(r.out == QStringLiteral("loopscope " LOOPSCOPE_VERSION "\n"));
}

TEST_CASE("CLI rejects bad input with one line and exit 2", "[cli]")
{
    QTemporaryDir dir;
    const QString out = dir.path() + QStringLiteral("/out.json");
    QFile foreign(dir.path() + QStringLiteral("/foreign.json"));
    REQUIRE(foreign.open(QIODevice::WriteOnly));
    foreign.write("{\"hello\": \"world\"}");
    foreign.close();
    QFile broken(dir.path() + QStringLiteral("/broken.json"));
    REQUIRE(broken.open(QIODevice::WriteOnly));
    broken.write("{\"traceEvents\": [");
    broken.close();

    struct Case {
        QStringList args;
        const char *mentions;
    };
    const Case cases[] = {
        {{QStringLiteral("run"), QStringLiteral("nope")}, "unknown scenario 'nope'"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--set"),
          QStringLiteral("limt=3")},
         "unknown parameter 'limt'"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--set"),
          QStringLiteral("limit=0")},
         "limit=0 is out of range"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--set"),
          QStringLiteral("limit=abc")},
         "is not a number"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--set"),
          QStringLiteral("limit=2.5")},
         "must be a whole number"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--time-scale"),
          QStringLiteral("0")},
         "time scale 0 is out of range"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--clock"),
          QStringLiteral("fast")},
         "--clock takes real or virtual"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--summary"),
          QStringLiteral("/nonexistent-dir/x.json")},
         "cannot write /nonexistent-dir/x.json"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--png"), dir.path()},
         "is a directory"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--bogus")},
         "Unknown option 'bogus'."}, // QCommandLineParser's wording
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--screenshot"),
          out},
         "--screenshot is for the window, not for run"},
        {{QStringLiteral("lsit")}, "'lsit' is neither a command"},
        {{QStringLiteral("render"), dir.path() + QStringLiteral("/foreign.json"),
          QStringLiteral("--png"), out},
         "foreign.json"},
        {{QStringLiteral("render"), dir.path() + QStringLiteral("/broken.json"),
          QStringLiteral("--png"), out},
         "broken.json"},
        {{QStringLiteral("render"), dir.path() + QStringLiteral("/missing.json"),
          QStringLiteral("--png"), out},
         "missing.json"},
    };
    for (const Case &c : cases) {
        const Result r = runCli(c.args);
        INFO(c.args.join(QLatin1Char(' ')).toStdString() << " -> " << r.err.toStdString());
        CHECK(r.exitCode == 2);
        CHECK(lineCount(r.err) == 1);
        CHECK(r.err.contains(QLatin1String(c.mentions)));
    }
    // Nothing was written anywhere.
    CHECK_FALSE(QFile::exists(out));
    CHECK(QDir(dir.path()).entryList(QDir::Files).size() == 2);
}

TEST_CASE("CLI help and version are Qt's, and list the commands", "[cli]")
{
    const Result help = runCli({QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.startsWith(QStringLiteral("Usage: ")));
    for (const char *word : {"list", "run ID", "render TRACE.json", "--set <NAME=VALUE>",
                             "--time-scale <S>", "--clock <real|virtual>", "--summary <FILE>",
                             "--screenshot <FILE>", "Exit status"})
        CHECK(help.out.contains(QLatin1String(word)));
    CHECK_FALSE(help.out.contains(QStringLiteral("platformtheme"))); // Qt's own stay hidden
    const Result version = runCli({QStringLiteral("--version")});
    CHECK(version.exitCode == 0);
    CHECK(version.out.startsWith(QStringLiteral("loopscope ")));
}

TEST_CASE("Without a display the window says how to run headless, exit 2", "[cli]")
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QLatin1String(name));
    const Result r = runCli({QStringLiteral("--scenario"), QStringLiteral("semaphore")}, env);
    INFO(r.err.toStdString());
    CHECK(r.exitCode == 2);
    CHECK(lineCount(r.err) == 1);
    CHECK(r.err.contains(QStringLiteral("no display")));
    CHECK(r.err.contains(QStringLiteral("loopscope run")));
    CHECK(r.err.contains(QStringLiteral("xvfb-run loopscope")));

    // Headless commands need none.
    const Result list = runCli({QStringLiteral("list")}, env);
    CHECK(list.exitCode == 0);
}

TEST_CASE("CLI render of a foreign trace says on one stderr line what it skipped", "[cli]")
{
    QTemporaryDir dir;
    const QString trace
        = Loopscope::Test::sourcePath(QStringLiteral("tests/trace/foreign_node_timers.json"));
    const QString png = dir.path() + QStringLiteral("/node.png");
    const Result r = runCli({QStringLiteral("render"), trace, QStringLiteral("--png"), png});
    INFO(r.err.toStdString());
    CHECK(r.exitCode == 0);
    CHECK(QFile::exists(png));
    CHECK(lineCount(r.err) == 1);
    CHECK(r.err.contains(QStringLiteral("foreign_node_timers.json: imported; skipped 4 'M' "
                                        "metadata events; ")));
    CHECK(r.err.contains(QStringLiteral("b without e, drawn to the end")));
}
