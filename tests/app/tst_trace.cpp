#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

// `loopscope trace PROGRAM.py`: the user's own asyncio program under the tracer, end to end
// through the binary, as a user runs it.

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
    qint64 wallMs = 0;
};

Result run(const QString &program, const QStringList &args, const QString &workingDir = {},
           const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    QElapsedTimer wall;
    wall.start();
    p.start(program, args);
    REQUIRE(p.waitForFinished(120000));
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()),
            wall.elapsed()};
}

Result loopscope(const QStringList &args, const QString &workingDir = {})
{
    return run(QStringLiteral(LOOPSCOPE_BINARY), args, workingDir);
}

struct Programs {
    QTemporaryDir dir;
    QString write(const QString &name, const char *source)
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write(source);
        return path;
    }
    QJsonObject summary(const QString &name)
    {
        QFile f(dir.filePath(name));
        REQUIRE(f.open(QIODevice::ReadOnly));
        return QJsonDocument::fromJson(f.readAll()).object();
    }
};

const QJsonObject *taskNamed(const QJsonArray &tasks, const QString &label, QJsonObject *out)
{
    for (const QJsonValue &t : tasks) {
        if (t.toObject().value(QLatin1String("label")).toString() == label) {
            *out = t.toObject();
            return out;
        }
    }
    return nullptr;
}

const char *const Gather = R"(import asyncio

async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)
    return what

async def main():
    first = asyncio.create_task(say_after(0.1, 'hello'), name='first')
    second = asyncio.create_task(say_after(0.2, 'world'))
    print(await first, await second)

asyncio.run(main())
)";

} // namespace

TEST_CASE("trace runs a program as python3 would and records its tasks", "[cli][trace]")
{
    Programs p;
    const QString program = p.write(QStringLiteral("gather.py"), Gather);
    const QString summary = p.dir.filePath(QStringLiteral("s.json"));
    const Result untraced = run(QStringLiteral("python3"), {program});
    REQUIRE(untraced.exitCode == 0);
    const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--summary"), summary,
                                QStringLiteral("--png"), p.dir.filePath(QStringLiteral("t.png")),
                                program});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    // What it prints, then our result line.
    CHECK(r.out.startsWith(untraced.out));
    CHECK(r.out.contains(QStringLiteral("gather.py: ")));
    CHECK(QFile::exists(p.dir.filePath(QStringLiteral("t.png"))));

    const QJsonObject s = p.summary(QStringLiteral("s.json"));
    CHECK(s.value(QLatin1String("scenario")).toString() == QStringLiteral("gather.py"));
    const QJsonObject main = s.value(QLatin1String("main")).toObject();
    CHECK(main.value(QLatin1String("kind")).toString() == QStringLiteral("main"));
    CHECK(main.value(QLatin1String("outcome")).toString() == QStringLiteral("completed"));
    const QJsonArray tasks = s.value(QLatin1String("tasks")).toArray();
    QJsonObject first, second;
    REQUIRE(taskNamed(tasks, QStringLiteral("first"), &first));
    REQUIRE(taskNamed(tasks, QStringLiteral("say_after(0.2, 'world')"), &second));
    CHECK(first.value(QLatin1String("kind")).toString() == QStringLiteral("task"));
    CHECK(first.value(QLatin1String("parent")).toInt() == main.value(QLatin1String("id")).toInt());
    // Times from the program: 0.1 s and 0.2 s of sleep, started together.
    CHECK(first.value(QLatin1String("end_s")).toDouble() == Approx(0.1).margin(0.08));
    CHECK(second.value(QLatin1String("end_s")).toDouble() == Approx(0.2).margin(0.08));
    CHECK(s.value(QLatin1String("total_s")).toDouble() == Approx(0.2).margin(0.1));
    CHECK(s.value(QLatin1String("stats")).toObject().value(QLatin1String("max_concurrency")).toInt()
          == 2);
}

#ifdef LOOPSCOPE_HAS_CTRACER
TEST_CASE("trace uses the tracer's C hot paths on CPython 3.11 unless told not to",
          "[cli][trace]")
{
    const Result version = run(QStringLiteral("python3"),
        {QStringLiteral("-c"), QStringLiteral("import sys; print(sys.version_info[:2])")});
    if (!version.out.startsWith(QStringLiteral("(3, 11)"))) {
        WARN("python3 is not CPython 3.11: the C module is for 3.11 only");
        return;
    }
    Programs p;
    const QString program = p.write(QStringLiteral("gather.py"), Gather);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LOOPSCOPE_DEBUG"), QStringLiteral("1"));
    env.remove(QStringLiteral("LOOPSCOPE_CTRACER"));
    const QStringList args{QStringLiteral("trace"), QStringLiteral("--clock"),
        QStringLiteral("virtual"), QStringLiteral("--summary"),
        p.dir.filePath(QStringLiteral("s.json")), program};
    const Result c = run(QStringLiteral(LOOPSCOPE_BINARY), args, {}, env);
    INFO(c.err.toStdString());
    REQUIRE(c.exitCode == 0);
    CHECK(c.err.contains(QStringLiteral("loopscope: tracer: C hot paths from")));
    const QJsonObject withC = p.summary(QStringLiteral("s.json"));

    env.insert(QStringLiteral("LOOPSCOPE_CTRACER"), QStringLiteral("0"));
    const Result py = run(QStringLiteral(LOOPSCOPE_BINARY), args, {}, env);
    INFO(py.err.toStdString());
    REQUIRE(py.exitCode == 0);
    CHECK(py.err.contains(QStringLiteral("loopscope: tracer: pure Python (forced)")));
    CHECK(p.summary(QStringLiteral("s.json")).value(QLatin1String("tasks"))
          == withC.value(QLatin1String("tasks")));
}
#endif

TEST_CASE("trace on the virtual clock is instant and exact", "[cli][trace]")
{
    Programs p;
    const QString program = p.write(QStringLiteral("slow.py"), R"(import asyncio

async def factorial(name, number):
    f = 1
    for i in range(2, number + 1):
        await asyncio.sleep(1)
        f *= i
    print(f"Task {name}: factorial({number}) = {f}")

async def main():
    await asyncio.gather(factorial("A", 2), factorial("B", 3), factorial("C", 4))

asyncio.run(main())
)");
    const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--clock"),
                                QStringLiteral("virtual"), QStringLiteral("--summary"),
                                p.dir.filePath(QStringLiteral("s.json")), program});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.contains(QStringLiteral("Task C: factorial(4) = 24")));
    CHECK(r.wallMs < 2500); // three seconds of sleeping, far less of waiting
    const QJsonObject s = p.summary(QStringLiteral("s.json"));
    CHECK(s.value(QLatin1String("total_s")).toDouble() == Approx(3.0).margin(0.01));
}

TEST_CASE("trace keeps the program's arguments, folder, output and exit status", "[cli][trace]")
{
    Programs p;
    SECTION("arguments after the program are the program's, options included")
    {
        const QString program = p.write(QStringLiteral("args.py"), R"(import asyncio, os, sys
async def main():
    print(sys.argv[1:], os.getcwd() == os.path.realpath(sys.argv[2]), __name__)
asyncio.run(main())
)");
        const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--quiet"), program,
                                    QStringLiteral("--png"), p.dir.path()},
                                   p.dir.path());
        INFO(r.err.toStdString());
        CHECK(r.exitCode == 0);
        CHECK_FALSE(r.out.contains(QStringLiteral("['--png'"))); // --quiet: only the result line
        const Result loud = loopscope({QStringLiteral("trace"), program, QStringLiteral("--png"),
                                       p.dir.path()},
                                      p.dir.path());
        CHECK(loud.out.startsWith(QStringLiteral("['--png', '%1'] True __main__").arg(p.dir.path())));
    }
    SECTION("sys.exit(3): the program's status is kept, ours is 1")
    {
        const QString program = p.write(QStringLiteral("exit3.py"), R"(import asyncio, sys
async def main():
    await asyncio.sleep(0.01)
    sys.exit(3)
asyncio.run(main())
)");
        const Result r = loopscope({QStringLiteral("trace"), program});
        CHECK(r.exitCode == 1);
        CHECK(r.err.contains(QStringLiteral("exit3.py exited with status 3")));
    }
    SECTION("an exception: the same traceback as without us, main failed")
    {
        const QString program = p.write(QStringLiteral("raises.py"), R"(import asyncio
async def main():
    await asyncio.sleep(0.01)
    raise ValueError("boom")
asyncio.run(main())
)");
        const Result untraced = run(QStringLiteral("python3"), {program});
        const QString summary = p.dir.filePath(QStringLiteral("s.json"));
        const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--summary"), summary,
                                    program});
        CHECK(r.exitCode == 1);
        CHECK(r.err.startsWith(untraced.err));
        CHECK_FALSE(r.err.contains(QStringLiteral("loopscope_tracer")));
        const QJsonObject main = p.summary(QStringLiteral("s.json")).value(QLatin1String("main")).toObject();
        CHECK(main.value(QLatin1String("outcome")).toString() == QStringLiteral("failed"));
        CHECK(main.value(QLatin1String("error")).toString().contains(QStringLiteral("ValueError: boom")));
    }
    SECTION("megabytes of output: every byte printed as without us, every line in the summary")
    {
        const QString program = p.write(QStringLiteral("loud.py"), R"(import asyncio, sys
async def main():
    for i in range(100000):
        print(f"line {i:06d} " + "x" * 90)
        if i % 10000 == 0:
            await asyncio.sleep(0)
    print("the end", file=sys.stderr)
asyncio.run(main())
)");
        const Result untraced = run(QStringLiteral("python3"), {program});
        REQUIRE(untraced.out.size() > 10'000'000);
        const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--summary"),
                                    p.dir.filePath(QStringLiteral("s.json")), program});
        CHECK(r.exitCode == 0);
        CHECK(r.out.startsWith(untraced.out));
        CHECK(r.err.startsWith(untraced.err));
        const QJsonArray output =
            p.summary(QStringLiteral("s.json")).value(QLatin1String("output")).toArray();
        REQUIRE(output.size() == 100001);
        CHECK(output[99999].toObject().value(QLatin1String("text")).toString().startsWith(
            QStringLiteral("line 099999 ")));
        CHECK(output[100000].toObject().value(QLatin1String("stream")).toString()
              == QStringLiteral("stderr"));
    }
    SECTION("threads that print while the loop runs: nothing hangs, no line is lost")
    {
        const QString program = p.write(QStringLiteral("threads.py"), R"(import asyncio, threading
def worker(k):
    for i in range(2000):
        print(f"t{k} {i}")
async def main():
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    await asyncio.sleep(0.01)
    for t in threads:
        t.join()
asyncio.run(main())
)");
        const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--summary"),
                                    p.dir.filePath(QStringLiteral("s.json")), program});
        CHECK(r.exitCode == 0);
        CHECK(r.out.count(QLatin1Char('\n')) >= 8000);
        CHECK(p.summary(QStringLiteral("s.json")).value(QLatin1String("output")).toArray().size()
              == 8000);
    }
    SECTION("no event loop at all: a clear message, not an empty view")
    {
        const QString program = p.write(QStringLiteral("plain.py"), "print('just a script')\n");
        const Result r = loopscope({QStringLiteral("trace"), program});
        CHECK(r.exitCode == 1);
        CHECK(r.out.contains(QStringLiteral("just a script")));
        CHECK(r.err.contains(QStringLiteral("without starting an asyncio event loop")));
    }
}

TEST_CASE("trace says why each task was cancelled and where each one waited", "[cli][trace]")
{
    Programs p;
    const QString program = p.write(QStringLiteral("why.py"), R"(import asyncio

async def work(delay):
    await asyncio.sleep(delay)

async def fail():
    await asyncio.sleep(0.05)
    raise ValueError("boom")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(work(1), name="sibling")
            tg.create_task(fail(), name="failing")
    except* ValueError:
        pass
    try:
        await asyncio.wait_for(work(10), 0.1)
    except TimeoutError:
        pass

asyncio.run(main())
)");
    const QString summary = p.dir.filePath(QStringLiteral("s.json"));
    const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--clock"),
                                QStringLiteral("virtual"), QStringLiteral("--summary"), summary,
                                program});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    const QJsonArray tasks = p.summary(QStringLiteral("s.json")).value(QLatin1String("tasks")).toArray();
    QJsonObject sibling, failing, cut;
    REQUIRE(taskNamed(tasks, QStringLiteral("sibling"), &sibling));
    REQUIRE(taskNamed(tasks, QStringLiteral("failing"), &failing));
    REQUIRE(taskNamed(tasks, QStringLiteral("work(10)"), &cut));
    const QJsonObject byGroup = sibling.value(QLatin1String("cancelled_by")).toObject();
    CHECK(byGroup.value(QLatin1String("reason")).toString() == QStringLiteral("taskgroup"));
    CHECK(byGroup.value(QLatin1String("unit")).toInt() == failing.value(QLatin1String("id")).toInt());
    CHECK(!failing.contains(QLatin1String("cancelled_by"))); // only cancelled units have one
    CHECK(cut.value(QLatin1String("outcome")).toString() == QStringLiteral("timed_out"));
    const QJsonObject byTimeout = cut.value(QLatin1String("cancelled_by")).toObject();
    CHECK(byTimeout.value(QLatin1String("reason")).toString() == QStringLiteral("timeout"));
    CHECK(byTimeout.value(QLatin1String("unit")).isNull());
    // Each waited in its `await asyncio.sleep`: line 4 of the program, or line 7.
    auto firstWait = [](const QJsonObject &task) {
        for (const QJsonValue &iv : task.value(QLatin1String("intervals")).toArray()) {
            if (iv.toObject().value(QLatin1String("state")).toString() == QLatin1String("waiting"))
                return iv.toObject().value(QLatin1String("at")).toString();
        }
        return QString();
    };
    CHECK(firstWait(sibling) == QStringLiteral("why.py:4"));
    CHECK(firstWait(failing) == QStringLiteral("why.py:7"));
    CHECK(firstWait(cut) == QStringLiteral("why.py:4"));
}

TEST_CASE("trace takes the program's marked constants as parameters", "[cli][trace]")
{
    Programs p;
    const QString program = p.write(QStringLiteral("limit.py"), R"(import asyncio
LIMIT = 2  # loopscope: 1..5
DELAY = 0.01  # loopscope: 0..1 s
async def main():
    print(LIMIT, DELAY)
asyncio.run(main())
)");
    const QString summary = p.dir.filePath(QStringLiteral("s.json"));
    const Result r = loopscope({QStringLiteral("trace"), QStringLiteral("--set"),
                                QStringLiteral("LIMIT=4"), QStringLiteral("--summary"), summary,
                                program});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.startsWith(QStringLiteral("4 0.01")));
    const QJsonObject params = p.summary(QStringLiteral("s.json")).value(QLatin1String("params")).toObject();
    CHECK(params.value(QLatin1String("LIMIT")).toDouble() == 4);
    CHECK(params.value(QLatin1String("DELAY")).toDouble() == 0.01);
    QFile source(program);
    REQUIRE(source.open(QIODevice::ReadOnly));
    CHECK(source.readAll().contains("LIMIT = 2  # loopscope: 1..5")); // never rewritten
}

TEST_CASE("trace refuses bad input with one line and exit 2", "[cli][trace]")
{
    Programs p;
    const QString program = p.write(QStringLiteral("ok.py"), "import asyncio\nN = 1  # loopscope: 1..3\n"
                                                             "asyncio.run(asyncio.sleep(0))\n");
    const std::pair<QStringList, const char *> cases[] = {
        {{QStringLiteral("trace"), p.dir.filePath(QStringLiteral("missing.py"))}, "no such file"},
        {{QStringLiteral("trace"), p.dir.path()}, "is a directory"},
        {{QStringLiteral("trace")}, "which program?"},
        {{QStringLiteral("trace"), QStringLiteral("--python"), QStringLiteral("/nonexistent/python"),
          program},
         "no Python 3.11+ found"},
        {{QStringLiteral("trace"), QStringLiteral("--set"), QStringLiteral("M=2"), program},
         "ok.py has no marked constant M"},
        {{QStringLiteral("trace"), QStringLiteral("--set"), QStringLiteral("N=9"), program},
         "N=9 is out of range"},
        {{QStringLiteral("trace"), QStringLiteral("--time-scale"), QStringLiteral("2"), program},
         "--time-scale is for"},
    };
    for (const auto &[args, message] : cases) {
        INFO(args.join(QLatin1Char(' ')).toStdString());
        const Result r = loopscope(args);
        CHECK(r.exitCode == 2);
        CHECK(r.err.contains(QLatin1String(message)));
        CHECK(r.err.trimmed().count(QLatin1Char('\n')) == 0);
    }
}
