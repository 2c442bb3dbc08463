#include "scenariorunner.h"

#include "http/httpclient.h"
#include "http/localhttpserver.h"
#include "runtime/runtime.h"
#include "scenarioregistry.h"
#include "tracebuilder.h"
#include "tracerecorder.h"

#include <QThread>

namespace Loopscope {

class ScenarioRunner::RunThread : public QThread
{
public:
    RunThread(ScenarioRunner *runner, quint64 generation, const Scenario *scenario,
              Options options, std::shared_ptr<TraceRecorder> recorder)
        : m_runner(runner)
        , m_generation(generation)
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
        return m_loop ? m_loop->nowNs() : m_endNs;
    }
    qint64 endNs() const { return m_endNs; }

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
        // The runner outlives this thread (its destructor waits), and a queued call to a
        // receiver that is gone is dropped by Qt.
        ScenarioRunner *runner = m_runner;
        const quint64 generation = m_generation;
        loop.setOutputSink([runner, generation](qint64 t, const QString &line) {
            QMetaObject::invokeMethod(
                runner,
                [runner, generation, t, line] {
                    if (generation == runner->m_generation) // not from a replaced run
                        Q_EMIT runner->outputLine(t, line);
                },
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
    quint64 m_generation;
    const Scenario *m_scenario;
    Options m_options;
    std::shared_ptr<TraceRecorder> m_recorder;
    mutable std::mutex m_loopMutex;
    EventLoop *m_loop = nullptr;
    bool m_stopRequested = false;
    qint64 m_endNs = 0;
};

ScenarioRunner::ScenarioRunner(QObject *parent)
    : QObject(parent)
{
}

ScenarioRunner::~ScenarioRunner()
{
    stop();
    wait();
    for (auto &old : m_retiring)
        old->wait();
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

bool ScenarioRunner::start(const Options &options, QString *error)
{
    const Scenario *scenario = ScenarioRegistry::find(options.scenario);
    QString problem;
    // What the caller left out gets its default, in the scenario's order.
    ScenarioParams full;
    if (!scenario)
        problem = QStringLiteral("unknown scenario '%1' (try 'loopscope list')").arg(options.scenario);
    else if (checkTimeScale(options.timeScale, &problem))
        scenario->resolve(options.params, &full, &problem);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    // The run going on is told to stop and left to end on its own thread: waiting here could
    // freeze the caller (a scenario may be blocking its loop on purpose).
    {
        std::lock_guard lock(m_mutex);
        if (m_thread) {
            m_thread->requestStop();
            m_retiring.push_back(std::move(m_thread));
        }
        std::erase_if(m_retiring, [](const auto &t) { return t->isFinished(); });
    }

    Options opts = options;
    opts.params = full;

    auto recorder = std::make_shared<TraceRecorder>();
    RunInfo info;
    info.scenario = scenario->id;
    info.params = full.values();
    info.timeScale = opts.timeScale;
    info.clock = opts.clock == Clock::Mode::Virtual ? QStringLiteral("virtual")
                                                    : QStringLiteral("real");
    const quint64 generation = ++m_generation;
    auto thread = std::make_unique<RunThread>(this, generation, scenario, opts, recorder);
    connect(
        thread.get(), &QThread::finished, this, [this, generation] { onThreadFinished(generation); },
        Qt::QueuedConnection);
    {
        std::lock_guard lock(m_mutex);
        m_recorder = recorder;
        m_info = info;
        m_thread = std::move(thread);
        m_thread->start();
    }
    Q_EMIT started();
    return true;
}

void ScenarioRunner::stop()
{
    std::lock_guard lock(m_mutex);
    if (m_thread)
        m_thread->requestStop();
}

void ScenarioRunner::wait()
{
    if (m_thread)
        m_thread->wait();
}

bool ScenarioRunner::isRunning() const
{
    std::lock_guard lock(m_mutex);
    return m_thread && !m_thread->isFinished();
}

void ScenarioRunner::onThreadFinished(quint64 generation)
{
    {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation || !m_thread)
            return; // an older run that was replaced
        m_info.totalNs = m_thread->endNs();
        m_info.finished = true;
    }
    if (!m_thread->m_setupError.isEmpty())
        Q_EMIT outputLine(0, QStringLiteral("error: ") + m_thread->m_setupError);
    Q_EMIT finished();
}

std::shared_ptr<TraceRecorder> ScenarioRunner::recorder() const
{
    std::lock_guard lock(m_mutex);
    return m_recorder;
}

RunInfo ScenarioRunner::info() const
{
    std::lock_guard lock(m_mutex);
    return m_info;
}

qint64 ScenarioRunner::nowNs() const
{
    std::lock_guard lock(m_mutex);
    return m_thread ? m_thread->nowNs() : 0;
}

TraceData ScenarioRunner::traceData() const
{
    auto rec = recorder();
    TraceBuilder builder(rec.get());
    builder.update();
    TraceData data = builder.take();
    const quint32 mainId = data.info.mainId;
    data.info = info();
    data.info.mainId = mainId;
    if (!data.info.finished)
        data.info.totalNs = data.endNs();
    return data;
}

} // namespace Loopscope
