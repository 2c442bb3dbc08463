#include <catch2/catch.hpp>

#include "scenarios/launchoptions.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace Loopscope;

namespace {

QStringList words(const char *text)
{
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

TEST_CASE("LaunchOptions: the first argument picks the command", "[launchoptions]")
{
    LaunchOptions o;
    QString error;
    using Command = LaunchOptions::Command;

    SECTION("run takes the shared scenario options and the outputs")
    {
        REQUIRE(LaunchOptions::parse(words("run taskgroup --set stagger=0.5 --set=items=3 "
                                           "--clock virtual --time-scale 0.5 --png /tmp/x.png "
                                           "--width 800 --dpr 2 --quiet"),
                                     &o, &error));
        CHECK(o.command == Command::Run);
        CHECK(o.scenario == QStringLiteral("taskgroup"));
        CHECK(o.params.value(QStringLiteral("stagger")) == 0.5);
        CHECK(o.params.value(QStringLiteral("items")) == 3);
        CHECK(o.params.value(QStringLiteral("fail_item")) == 5); // the default
        CHECK(o.clock == Clock::Mode::Virtual);
        CHECK(o.timeScale == 0.5);
        CHECK(o.outputs.png == QStringLiteral("/tmp/x.png"));
        CHECK(o.outputs.width == 800);
        CHECK(o.outputs.height == 0);
        CHECK(o.outputs.dpr == 2);
        CHECK(o.quiet);
    }
    SECTION("no command is the window, with the same scenario options and Qt's own")
    {
        REQUIRE(LaunchOptions::parse(words("--scenario taskgroup --set stagger=0.5 --clock "
                                           "virtual --time-scale 0.5 -platform offscreen --run"),
                                     &o, &error));
        CHECK(o.command == Command::Gui);
        CHECK(o.scenario == QStringLiteral("taskgroup"));
        CHECK(o.hasParams);
        CHECK(o.params.value(QStringLiteral("stagger")) == 0.5);
        CHECK(o.hasClock);
        CHECK(o.clock == Clock::Mode::Virtual);
        CHECK(o.hasTimeScale);
        CHECK(o.timeScale == 0.5);
        CHECK(o.run);
        CHECK(o.cursorS < 0);
        CHECK(o.displayGiven);
        REQUIRE(LaunchOptions::parse({}, &o, &error));
        CHECK(o.command == Command::Gui);
        CHECK_FALSE(o.displayGiven);
        CHECK_FALSE(o.hasParams);
        REQUIRE(LaunchOptions::parse(words("--scenario sequential --cursor 1.5"), &o, &error));
        CHECK(o.cursorS == 1.5);
    }
    SECTION("list, render, help and version")
    {
        REQUIRE(LaunchOptions::parse(words("list"), &o, &error));
        CHECK(o.command == Command::List);
        REQUIRE(LaunchOptions::parse(words("render t.json --svg /tmp/t.svg"), &o, &error));
        CHECK(o.command == Command::Render);
        CHECK(o.traceFile == QStringLiteral("t.json"));
        CHECK(o.outputs.svg == QStringLiteral("/tmp/t.svg"));
        for (const char *help : {"--help", "-h", "run semaphore --help", "--help-all"}) {
            REQUIRE(LaunchOptions::parse(words(help), &o, &error));
            CHECK(o.command == Command::Help);
        }
        REQUIRE(LaunchOptions::parse(words("--version"), &o, &error));
        CHECK(o.command == Command::Version);
    }
    SECTION("compare takes two run files, the images and the summary; the window --pin-trace")
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.json"));
        const QString b = dir.filePath(QStringLiteral("b.json"));
        for (const QString &path : {a, b}) {
            QFile file(path);
            REQUIRE(file.open(QIODevice::WriteOnly));
        }
        REQUIRE(LaunchOptions::parse({QStringLiteral("compare"), a, b, QStringLiteral("--png"),
                                      QStringLiteral("/tmp/c.png"), QStringLiteral("--summary"),
                                      QStringLiteral("/tmp/c.json"), QStringLiteral("--width"),
                                      QStringLiteral("900")},
                                     &o, &error));
        CHECK(o.command == Command::Compare);
        CHECK(o.compareFiles == QStringList{a, b});
        CHECK(o.outputs.png == QStringLiteral("/tmp/c.png"));
        CHECK(o.outputs.summary == QStringLiteral("/tmp/c.json"));
        CHECK(o.outputs.width == 900);
        REQUIRE(LaunchOptions::parse({QStringLiteral("--scenario"), QStringLiteral("semaphore"),
                                      QStringLiteral("--pin-trace"), a},
                                     &o, &error));
        CHECK(o.command == Command::Gui);
        CHECK(o.pinTrace == a);
    }
}

TEST_CASE("LaunchOptions: bad input is one line naming the problem", "[launchoptions]")
{
    QTemporaryDir dir;
    const QString trace = dir.filePath(QStringLiteral("t.json"));
    QFile file(trace);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.close();

    const std::pair<QStringList, const char *> cases[] = {
        {words("run"), "run: which scenario?"},
        {words("run nope"), "unknown scenario 'nope'"},
        {words("run semaphore extra"), "run: unexpected argument 'extra'"},
        {words("run semaphore --set limt=3"), "unknown parameter 'limt'"},
        {words("run semaphore --set limit=0"), "limit=0 is out of range"},
        {words("run semaphore --set"), "Missing value after '--set'."},
        {words("run semaphore --bogus"), "Unknown option 'bogus'."},
        {words("run semaphore --quiet=1"), "Unexpected value after '--quiet'."},
        {words("run semaphore --time-scale fast"), "--time-scale: 'fast' is not a number"},
        {words("run semaphore --time-scale 0"), "time scale 0 is out of range"},
        {words("run semaphore --clock sundial"), "--clock takes real or virtual, not 'sundial'"},
        {words("run semaphore --width 8"), "--width 8 is out of range: it takes 16 to 20000"},
        {words("run semaphore --height 8"), "--height 8 is out of range: 0 (fit) or 16"},
        {words("run semaphore --dpr x"), "--dpr: 'x' is not a number"},
        {words("run semaphore --png /nonexistent/dir/x.png"),
         "cannot write /nonexistent/dir/x.png"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--svg"), dir.path()},
         "is a directory"},
        {words("run semaphore --screenshot /tmp/x.png"),
         "--screenshot is for the window, not for run"},
        {words("run semaphore --cursor 1"), "--cursor is for the window, not for run"},
        {words("--cursor soon"), "--cursor: 'soon' is not a number"},
        {words("render"), "render: which trace file?"},
        {words("render t.json"), "render: say what to write: --png, --svg or --pdf"},
        {words("render t.json --png /tmp/x.png --summary /tmp/s.json"),
         "--summary is for run, trace and compare, not for render"},
        {words("render t.json --png /tmp/x.png --set limit=3"),
         "--set is for run, trace and the window, not for render"},
        {words("list extra"), "list: unexpected argument 'extra'"},
        {words("list --quiet"), "--quiet is for run and trace, not for list"},
        {words("--png /tmp/x.png"),
         "--png is for run, trace, render and compare, not for the window"},
        {words("--scenario nope"), "unknown scenario 'nope'"},
        {words("--scenario semaphore --set limit=999"), "limit=999 is out of range"},
        {words("--set limit=3"), "--set needs --scenario"},
        {words("--scenario"), "Missing value after '--scenario'."},
        {words("--scenario semaphore --screenshot /nonexistent/dir/x.png"),
         "cannot write /nonexistent/dir/x.png"},
        {words("lsit"),
         "'lsit' is neither a command (list, run, render, compare) nor a trace file"},
        {words("compare"), "compare: which two runs?"},
        {{QStringLiteral("compare"), trace}, "compare: which two runs?"},
        {{QStringLiteral("compare"), trace, trace, trace}, "compare: unexpected argument"},
        {{QStringLiteral("compare"), trace, QStringLiteral("/nonexistent/b.json")},
         "compare: cannot read /nonexistent/b.json: no such file"},
        {{QStringLiteral("compare"), trace, dir.path()}, "not a file"},
        {{QStringLiteral("compare"), trace, trace, QStringLiteral("--trace"),
          QStringLiteral("/tmp/x.json")},
         "--trace is for run and trace, not for compare"},
        {words("--pin-trace /nonexistent/a.json"),
         "--pin-trace: cannot read /nonexistent/a.json: no such file"},
        {{QStringLiteral("run"), QStringLiteral("semaphore"), QStringLiteral("--pin-trace"), trace},
         "--pin-trace is for the window, not for run"},
        {{trace, trace}, "one trace file at a time"},
    };
    for (const auto &[args, mentions] : cases) {
        LaunchOptions o;
        QString error;
        CHECK_FALSE(LaunchOptions::parse(args, &o, &error));
        INFO(args.join(QLatin1Char(' ')).toStdString() << " -> " << error.toStdString());
        CHECK(error.contains(QLatin1String(mentions)));
        CHECK_FALSE(error.contains(QLatin1Char('\n')));
    }
    LaunchOptions o;
    QString error;
    CHECK(LaunchOptions::parse({trace}, &o, &error));
    CHECK(o.traceFile == trace);
}

TEST_CASE("LaunchOptions: trace PROGRAM.py leaves everything after it to the program",
          "[launchoptions]")
{
    QTemporaryDir dir;
    const QString program = dir.filePath(QStringLiteral("prog.py"));
    QFile file(program);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("import asyncio\nN = 2  # loopscope: 1..5\nDELAY = 0.5  # loopscope: 0..2 s\n");
    file.close();
    LaunchOptions o;
    QString error;
    using Command = LaunchOptions::Command;

    SECTION("our options before it, the program's after it, -- optional")
    {
        REQUIRE(LaunchOptions::parse(QStringList{QStringLiteral("trace"), QStringLiteral("--clock"),
                                                 QStringLiteral("virtual"), QStringLiteral("--set"),
                                                 QStringLiteral("N=4"), QStringLiteral("--tasks-only"),
                                                 program, QStringLiteral("--png"),
                                                 QStringLiteral("x"), QStringLiteral("--"),
                                                 QStringLiteral("y")},
                                     &o, &error));
        INFO(error.toStdString());
        CHECK(o.command == Command::Trace);
        CHECK(o.program == program);
        CHECK(o.programArguments
              == QStringList{QStringLiteral("--png"), QStringLiteral("x"), QStringLiteral("--"),
                             QStringLiteral("y")});
        CHECK(o.outputs.png.isEmpty()); // the program's --png, not ours
        CHECK(o.clock == Clock::Mode::Virtual);
        CHECK(o.tasksOnly);
        CHECK(o.params.value(QStringLiteral("N")) == 4);
        CHECK(o.params.value(QStringLiteral("DELAY")) == 0.5); // a marked constant's own value

        REQUIRE(LaunchOptions::parse(QStringList{QStringLiteral("trace"), QStringLiteral("--"),
                                                 program, QStringLiteral("-v")},
                                     &o, &error));
        CHECK(o.program == program);
        CHECK(o.programArguments == QStringList{QStringLiteral("-v")});
        REQUIRE(LaunchOptions::parse(QStringList{QStringLiteral("trace"), program,
                                                 QStringLiteral("--"), QStringLiteral("-v")},
                                     &o, &error));
        CHECK(o.programArguments == QStringList{QStringLiteral("-v")});
    }
    SECTION("marked constants are the parameters --set checks")
    {
        CHECK_FALSE(LaunchOptions::parse(
            QStringList{QStringLiteral("trace"), QStringLiteral("--set"), QStringLiteral("N=9"), program},
            &o, &error));
        CHECK(error.startsWith(QStringLiteral("N=9 is out of range: N takes 1 to 5")));
        CHECK_FALSE(LaunchOptions::parse(
            QStringList{QStringLiteral("trace"), QStringLiteral("--set"), QStringLiteral("LIMIT=1"),
                        program},
            &o, &error));
        CHECK(error.contains(QStringLiteral("prog.py has no marked constant LIMIT")));
    }
}
