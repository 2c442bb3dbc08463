#include "runcontroller.h"

#include "tracebuilder.h"
#include "tracerecorder.h"

#include <algorithm>

namespace Loopscope {

RunController::RunController(QObject *parent)
    : QObject(parent)
{
    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, [this] {
        if (update())
            Q_EMIT updated();
    });
}

RunController::~RunController()
{
    m_frameTimer.stop();
    if (m_source) {
        m_source->stop();
        m_source->wait();
    }
    for (auto &old : m_retiring)
        old->wait();
}

bool RunController::start(std::unique_ptr<RunSource> source, QString *error)
{
    auto recorder = std::make_shared<TraceRecorder>();
    RunSource *src = source.get();
    connect(src, &RunSource::outputLine, this, [this, src](qint64 t, const QString &line) {
        if (src == m_source.get())
            Q_EMIT outputLine(t, line);
    });
    connect(src, &RunSource::ended, this, [this, src](qint64 endNs, const QString &why) {
        onEnded(src, endNs, why);
    });
    if (!src->start(recorder, error))
        return false;

    if (m_source)
        retire(std::move(m_source));
    m_source = std::move(source);
    m_recorder = std::move(recorder);
    m_builder = std::make_unique<TraceBuilder>(m_recorder.get());
    m_builder->data().info = m_source->describe();
    m_builder->data().info.finished = false;
    m_builder->data().info.totalNs = 0;
    m_running = true;
    m_error.clear();
    if (m_frameTimer.interval() > 0)
        m_frameTimer.start();
    Q_EMIT started();
    return true;
}

void RunController::retire(std::unique_ptr<RunSource> source)
{
    source->stop();
    m_retiring.push_back(std::move(source));
}

void RunController::onEnded(RunSource *source, qint64 endNs, const QString &error)
{
    if (source != m_source.get()) {
        // A replaced run is over: it may go now (not from inside its own signal).
        const auto it = std::find_if(m_retiring.begin(), m_retiring.end(),
                                     [source](const auto &s) { return s.get() == source; });
        if (it != m_retiring.end()) {
            it->release()->deleteLater();
            m_retiring.erase(it);
        }
        return;
    }
    m_frameTimer.stop();
    m_running = false;
    m_builder->update();
    RunInfo &info = m_builder->data().info;
    info.totalNs = std::max(endNs, 0LL);
    info.finished = true;
    m_error = error;
    Q_EMIT updated();
    Q_EMIT finished();
}

void RunController::stop()
{
    if (m_source && m_running)
        m_source->stop();
}

void RunController::wait()
{
    if (m_source)
        m_source->wait();
}

const TraceData &RunController::data() const { return m_builder ? m_builder->data() : m_empty; }

TraceData RunController::takeData()
{
    return m_builder ? m_builder->take() : TraceData();
}

qint64 RunController::liveEdgeNs() const
{
    if (!m_builder)
        return 0;
    const TraceData &d = m_builder->data();
    if (d.info.finished)
        return std::max(d.info.totalNs, d.endNs());
    return std::max(m_source->nowNs(), d.endNs());
}

void RunController::setFrameInterval(int ms)
{
    m_frameTimer.setInterval(std::max(0, ms));
    if (ms <= 0)
        m_frameTimer.stop();
    else if (m_running)
        m_frameTimer.start();
}

bool RunController::update() { return m_builder && m_builder->update(); }

void RunController::addBookmark(qint64 timeNs, const QString &note)
{
    if (m_builder)
        m_builder->data().addBookmark(timeNs, note);
}

void RunController::pin(const TraceData &data)
{
    m_pinned = std::make_unique<TraceData>(data);
    Q_EMIT pinnedChanged();
}

void RunController::unpin()
{
    if (!m_pinned)
        return;
    m_pinned.reset();
    Q_EMIT pinnedChanged();
}

} // namespace Loopscope
