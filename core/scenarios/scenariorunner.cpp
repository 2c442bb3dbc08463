#include "scenariorunner.h"

#include "http/httpclient.h"
#include "http/localhttpserver.h"
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "tracerecorder.h"

#include <QThread>

namespace Loopscope {

class ScenarioRunner::RunThread : public QThread
{
public:
    RunThread(ScenarioRunner *runner, const Scenario *scenario, Options options,
              std::shared_ptr<TraceRecorder> recorder)
        : m_runner(runner)
        , m_scenario(scenario)
        , m_options(std::move(options))
        , m_recorder(std::move(recorder))
    {
        setObjectName(QStringLiteral("loopscope-loop"));
    }

    void requestStop()
    {
        std::lock_guard lock(m_loopMutex);
        m_stopRequested = true;
        if (m_loop)
            m_loop->requestStop();
    }
    qint64 nowNs() const
    {
        std::lock_guard lock(m_loopMutex);
        return m_loop ? m_loop->clock().nowNs() : m_endNs; // not the loop's thread
    }
    qint64 endNs() const
    {
        std::lock_guard lock(m_loopMutex);
        return m_endNs;
    }

protected:
    void run() override
    {
        // Set up what the scenario takes as given before its clock starts.
        std::unique_ptr<LocalHttpServer> server;
        if (m_scenario->needsHttpServer) {
            server = std::make_unique<LocalHttpServer>();
            QString error;
            if (!server->start(&error)) {
                m_setupError = error;
                return;
            }
            warmUpHttpClient();
            LocalHttpServer::setForThisThread(server.get());
        }
        EventLoop loop(m_options.clock, m_options.timeScale, m_recorder.get());
        // The runner outlives this thread (its destructor waits).
        ScenarioRunner *runner = m_runner;
        loop.setOutputSink([runner](qint64 t, const QString &line) {
            QMetaObject::invokeMethod(
                runner, [runner, t, line] { Q_EMIT runner->outputLine(t, line); },
                Qt::QueuedConnection);
        });
        {
            std::lock_guard lock(m_loopMutex);
            m_loop = &loop;
            if (m_stopRequested)
                loop.requestStop();
        }
        auto main = runMain(loop, m_scenario->main(m_options.params));
        if (main.outcome() == Outcome::Failed)
            loop.print(QStringLiteral("main failed: ") + errorText(main.error()));
        std::lock_guard lock(m_loopMutex);
        m_endNs = loop.nowNs();
        m_loop = nullptr;
        LocalHttpServer::setForThisThread(nullptr);
    }

public:
    QString m_setupError;

private:
    ScenarioRunner *m_runner;
    const Scenario *m_scenario;
    Options m_options;
    std::shared_ptr<TraceRecorder> m_recorder;
    mutable std::mutex m_loopMutex;
    EventLoop *m_loop = nullptr;
    bool m_stopRequested = false;
    qint64 m_endNs = 0;
};

ScenarioRunner::ScenarioRunner(Options options, QObject *parent)
    : RunSource(parent)
    , m_options(std::move(options))
    , m_scenario(ScenarioRegistry::find(m_options.scenario))
{
    // What the caller left out gets its default, in the scenario's order; a bad value is
    // reported by start().
    ScenarioParams full;
    if (m_scenario && m_scenario->resolve(m_options.params, &full, &m_paramProblem))
        m_options.params = full;
}

ScenarioRunner::~ScenarioRunner()
{
    stop();
    wait();
}

bool ScenarioRunner::checkTimeScale(double scale, QString *error)
{
    if (!(scale >= 0.01 && scale <= 100)) {
        if (error)
            *error = QStringLiteral("time scale %1 is out of range: it takes 0.01 to 100 "
                                    "(0.1 runs ten times faster)")
                         .arg(scale);
        return false;
    }
    return true;
}

RunInfo ScenarioRunner::describe() const
{
    RunInfo info;
    info.scenario = m_options.scenario;
    info.params = m_options.params.values();
    info.timeScale = m_options.timeScale;
    info.clock = m_options.clock == Clock::Mode::Virtual ? QStringLiteral("virtual")
                                                         : QStringLiteral("real");
    return info;
}

bool ScenarioRunner::start(std::shared_ptr<TraceRecorder> recorder, QString *error)
{
    QString problem;
    if (!m_scenario)
        problem = QStringLiteral("unknown scenario '%1' (try 'loopscope list')").arg(m_options.scenario);
    else if (checkTimeScale(m_options.timeScale, &problem))
        problem = m_paramProblem;
    if (!problem.isEmpty() || m_thread) {
        if (error)
            *error = m_thread ? QStringLiteral("this run was started already") : problem;
        return false;
    }
    m_thread = std::make_unique<RunThread>(this, m_scenario, m_options, std::move(recorder));
    connect(
        m_thread.get(), &QThread::finished, this,
        [this] {
            Q_EMIT ended(m_thread->endNs(), m_thread->m_setupError);
        },
        Qt::QueuedConnection);
    m_thread->start();
    return true;
}

void ScenarioRunner::stop()
{
    if (m_thread)
        m_thread->requestStop();
}

void ScenarioRunner::wait()
{
    if (m_thread)
        m_thread->wait();
}

qint64 ScenarioRunner::nowNs() const { return m_thread ? m_thread->nowNs() : 0; }

} // namespace Loopscope
