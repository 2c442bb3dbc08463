#include "programrunner.h"

#include "datapaths.h"
#include "tracerdecoder.h"
#include "tracerecorder.h"

#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace Loopscope {

namespace {

constexpr int EscalateMs = 2000; // SIGINT, then SIGTERM, then SIGKILL, this far apart

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QString pythonPath(const QString &python)
{
    if (python.contains(QLatin1Char('/')))
        return QFileInfo(python).isExecutable() ? python : QString();
    return QStandardPaths::findExecutable(python);
}

} // namespace

ProgramRunner::ProgramRunner(Options options, QObject *parent)
    : RunSource(parent)
    , m_options(std::move(options))
{
}

ProgramRunner::~ProgramRunner()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        // No event loop to wait with here: escalate in place.
        ::kill(pid_t(m_process->processId()), SIGINT);
        if (!m_process->waitForFinished(EscalateMs)) {
            m_process->terminate();
            if (!m_process->waitForFinished(EscalateMs)) {
                m_process->kill();
                m_process->waitForFinished(-1);
            }
        }
    }
    m_stopReading = true;
    if (m_reader.joinable())
        m_reader.join();
    if (m_readFd >= 0)
        ::close(m_readFd);
}

std::vector<ParamSpec> ProgramRunner::markedConstants(const QString &source)
{
    // NAME = 3  # loopscope: 1..20     or     DELAY = 0.5  # loopscope: 0..5 s
    static const QRegularExpression marked(QStringLiteral(
        R"(^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*#\s*)"
        R"(loopscope:\s*([-+]?[\d.eE+-]+)\s*\.\.\s*([-+]?[\d.eE+-]+)\s*(\S*))"));
    std::vector<ParamSpec> specs;
    for (const QString &line : source.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch m = marked.match(line);
        if (!m.hasMatch())
            continue;
        bool ok1 = false, ok2 = false, ok3 = false;
        const double value = m.captured(2).toDouble(&ok1);
        const double lo = m.captured(3).toDouble(&ok2);
        const double hi = m.captured(4).toDouble(&ok3);
        if (!ok1 || !ok2 || !ok3 || lo > hi)
            continue;
        const QString literal = m.captured(2) + m.captured(3) + m.captured(4);
        const bool whole = !literal.contains(QLatin1Char('.')) && !literal.contains(QLatin1Char('e'))
            && !literal.contains(QLatin1Char('E'));
        specs.push_back({.name = m.captured(1),
                         .label = m.captured(1),
                         .unit = m.captured(5),
                         .min = lo,
                         .max = hi,
                         .step = whole ? 1.0 : std::max((hi - lo) / 100, 1e-6),
                         .defaultValue = std::clamp(value, lo, hi),
                         .help = QStringLiteral("%1 in the program (%2 there)")
                                     .arg(m.captured(1), m.captured(2))});
    }
    return specs;
}

bool ProgramRunner::check(const Options &options, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    const QFileInfo program(options.program);
    if (!program.exists())
        return fail(QStringLiteral("cannot read %1: no such file").arg(options.program));
    if (!program.isFile() || !program.isReadable())
        return fail(QStringLiteral("cannot read %1: %2")
                        .arg(options.program, program.isDir() ? QStringLiteral("is a directory")
                                                              : QStringLiteral("not readable")));
    const QString python = pythonPath(options.python);
    if (python.isEmpty())
        return fail(QStringLiteral("no Python 3.11+ found: '%1' is not an executable on PATH "
                                   "(install the python3 package: apt-get install python3)")
                        .arg(options.python));
    // Every re-run (a slider moved, F5) checks again: ask each interpreter for its version once
    // per process, not by starting and waiting for a probe on the GUI thread every time.
    static std::mutex verifiedMutex;
    static QSet<QString> verified;
    {
        std::lock_guard lock(verifiedMutex);
        if (verified.contains(python))
            return true;
    }
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"),
                         QStringLiteral("import sys; print('%d.%d' % sys.version_info[:2])")});
    if (!probe.waitForFinished(15000) || probe.exitCode() != 0)
        return fail(QStringLiteral("no Python 3.11+ found: '%1' does not run as Python").arg(python));
    const QStringList version =
        QString::fromLatin1(probe.readAllStandardOutput()).trimmed().split(QLatin1Char('.'));
    const int major = version.value(0).toInt(), minor = version.value(1).toInt();
    if (major < 3 || (major == 3 && minor < 11))
        return fail(QStringLiteral("no Python 3.11+ found: '%1' is Python %2.%3 (Debian 12's "
                                   "python3 package is 3.11)")
                        .arg(python)
                        .arg(major)
                        .arg(minor));
    std::lock_guard lock(verifiedMutex);
    verified.insert(python);
    return true;
}

RunInfo ProgramRunner::describe() const
{
    RunInfo info;
    info.scenario = QFileInfo(m_options.program).fileName();
    info.params = m_options.params.values();
    info.clock = m_options.clock == Clock::Mode::Virtual ? QStringLiteral("virtual")
                                                         : QStringLiteral("real");
    return info;
}

bool ProgramRunner::start(std::shared_ptr<TraceRecorder> recorder, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_process)
        return fail(QStringLiteral("this run was started already"));
    if (!check(m_options, error))
        return false;
    // Installed beside the binary (share/loopscope), or the source tree's in a build tree.
    const QString tracerPath = findDataPath(QStringLiteral("python/tracer/loopscope_tracer.py"));
    if (tracerPath.isEmpty())
        return fail(QStringLiteral("the tracer (python/tracer/loopscope_tracer.py) is missing "
                                   "from this installation"));

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return fail(QStringLiteral("cannot make the tracer's pipe: %1")
                        .arg(QString::fromLocal8Bit(std::strerror(errno))));
    m_recorder = std::move(recorder);
    m_decoder = std::make_unique<TracerDecoder>(m_recorder.get());

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LOOPSCOPE_TRACE_FD"), QString::number(fds[1]));
    env.insert(QStringLiteral("LOOPSCOPE_CLOCK"), m_options.clock == Clock::Mode::Virtual
                                                      ? QStringLiteral("virtual")
                                                      : QStringLiteral("real"));
    if (m_options.tasksOnly)
        env.insert(QStringLiteral("LOOPSCOPE_TASKS_ONLY"), QStringLiteral("1"));
    if (m_options.internals)
        env.insert(QStringLiteral("LOOPSCOPE_INTERNALS"), QStringLiteral("1"));
#ifdef LOOPSCOPE_BUILD_CTRACER
    // The tracer prefers a module beside itself (installed); a build tree's is here. One set
    // already (a test forcing pure Python with 0) is left as it is.
    const QString ctracer = QStringLiteral(LOOPSCOPE_BUILD_CTRACER);
    if (!env.contains(QStringLiteral("LOOPSCOPE_CTRACER")) && QFileInfo::exists(ctracer))
        env.insert(QStringLiteral("LOOPSCOPE_CTRACER"), ctracer);
#endif
    QStringList sets;
    for (const auto &[name, value] : m_options.params.values())
        sets << name + QLatin1Char('=') + QString::number(value, 'g', 17);
    if (!sets.isEmpty())
        env.insert(QStringLiteral("LOOPSCOPE_SET"), sets.join(QLatin1Char(';')));

    m_process = new QProcess(this);
    m_process->setProgram(pythonPath(m_options.python));
    m_process->setArguments(QStringList{tracerPath, m_options.program} + m_options.arguments);
    m_process->setProcessEnvironment(env);
    if (!m_options.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(m_options.workingDirectory);
    m_process->setInputChannelMode(QProcess::ForwardedInputChannel);
    if (m_options.forwardOutput) {
        m_process->setProcessChannelMode(QProcess::ForwardedChannels);
    } else {
        m_process->setStandardOutputFile(QProcess::nullDevice());
        m_process->setStandardErrorFile(QProcess::nullDevice());
    }
    // Only the child keeps the pipe's write end across exec (the tracer hides it from its own
    // children).
    const int writeFd = fds[1];
    m_process->setChildProcessModifier([writeFd] { ::fcntl(writeFd, F_SETFD, 0); });
    connect(m_process, &QProcess::finished, this, &ProgramRunner::onProcessFinished);
    std::fflush(stdout);
    m_process->start();
    const bool started = m_process->waitForStarted(15000);
    ::close(fds[1]);
    if (!started) {
        ::close(fds[0]);
        return fail(QStringLiteral("cannot start %1: %2")
                        .arg(m_process->program(), m_process->errorString()));
    }
    m_startedSteadyNs = steadyNs();
    m_readFd = fds[0];
    m_reader = std::thread([this] {
        char buffer[64 * 1024];
        for (;;) {
            pollfd p{m_readFd, POLLIN, 0};
            const int ready = ::poll(&p, 1, 100);
            if (ready < 0 && errno != EINTR)
                break;
            if (ready <= 0) {
                if (m_stopReading.load())
                    break;
                continue;
            }
            const ssize_t n = ::read(m_readFd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            m_decoder->feed(buffer, std::size_t(n));
        }
        m_decoder->finish();
        QMetaObject::invokeMethod(this, &ProgramRunner::onReaderDone, Qt::QueuedConnection);
    });
    return true;
}

void ProgramRunner::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning || m_stopStep > 0)
        return;
    m_stopStep = 1;
    ::kill(pid_t(m_process->processId()), SIGINT);
    m_escalate = new QTimer(this);
    m_escalate->setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early
    m_escalate->setInterval(EscalateMs);
    connect(m_escalate, &QTimer::timeout, this, [this] {
        if (m_process->state() == QProcess::NotRunning)
            return;
        if (m_stopStep++ == 1)
            m_process->terminate();
        else
            m_process->kill();
    });
    m_escalate->start();
}

void ProgramRunner::wait()
{
    if (!m_process)
        return;
    if (m_stopStep > 0 && !m_process->waitForFinished(EscalateMs)) {
        m_process->terminate();
        if (!m_process->waitForFinished(EscalateMs))
            m_process->kill();
    }
    m_process->waitForFinished(-1);
    if (m_reader.joinable())
        m_reader.join();
}

qint64 ProgramRunner::nowNs() const
{
    if (!m_decoder)
        return 0;
    if (m_ended || m_options.clock == Clock::Mode::Virtual)
        return m_decoder->lastNs();
    const qint64 origin = m_decoder->originNs();
    return origin == TracerDecoder::Unset ? 0 : std::max<qint64>(0, steadyNs() - origin);
}

void ProgramRunner::onProcessFinished(int code, QProcess::ExitStatus status)
{
    m_processDone = true;
    m_exitStatus = status == QProcess::CrashExit ? 128 + code : code;
    if (m_escalate)
        m_escalate->stop();
    // A child of the program may still hold the pipe: read what is there, then stop.
    QTimer::singleShot(EscalateMs, this, [this] { m_stopReading = true; });
    endIfDone();
}

void ProgramRunner::onReaderDone()
{
    if (m_reader.joinable())
        m_reader.join();
    m_readerDone = true;
    endIfDone();
}

void ProgramRunner::endIfDone()
{
    if (m_ended || !m_processDone || !m_readerDone)
        return;
    m_ended = true;
    const QString name = QFileInfo(m_options.program).fileName();
    QString problem;
    if (m_decoder->unitCount() == 0) {
        problem = m_exitStatus > 128 && m_processDone && !m_decoder->sawEnd()
            ? QStringLiteral("%1 was ended by signal %2 before it started an asyncio event "
                             "loop: there is nothing to show")
                  .arg(name)
                  .arg(m_exitStatus - 128)
            : QStringLiteral("%1 exited with status %2 without starting an asyncio event loop: "
                             "there is nothing to show")
                  .arg(name)
                  .arg(m_exitStatus);
    }
    const qint64 end = std::max(m_decoder->endNs(), m_decoder->lastNs());
    Q_EMIT ended(end, problem);
}

} // namespace Loopscope
