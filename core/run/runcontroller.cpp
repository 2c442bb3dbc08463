#include "runcontroller.h"

#include "tracebuilder.h"
#include "tracerecorder.h"

#include <QElapsedTimer>
#include <QPointer>

#include <algorithm>

namespace Loopscope {

RunController::RunController(QObject *parent)
    : QObject(parent)
{
    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, [this] {
        const bool changed = update(Amount::Frame);
        const bool shown = changed || m_changedSinceFrame;
        m_changedSinceFrame = false;
        if (m_ending && !m_holds && !changed)
            completeEnd(); // emits updated() itself
        else if (shown)
            Q_EMIT updated();
    });
    // Behind (a burst, or events held back meanwhile): more slices between the frames, each an
    // event of its own so that input and painting go on in between; shown at the next frame.
    m_catchUp.setSingleShot(true);
    m_catchUp.setInterval(0);
    connect(&m_catchUp, &QTimer::timeout, this, [this] {
        if (m_behind && m_frameTimer.isActive() && m_builder && !m_holds)
            m_changedSinceFrame |= applyFor(CatchUpBudgetMs);
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
    m_builder = std::make_shared<TraceBuilder>(m_recorder.get());
    m_builder->data().info = m_source->describe();
    m_builder->data().info.finished = false;
    m_builder->data().info.totalNs = 0;
    m_running = true;
    m_holds = 0; // holds of the run before still keep its data, they freeze nothing now
    m_ending = false;
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
    m_ending = true;
    m_endNs = endNs;
    m_error = error;
    // With a frame pump, the last events are applied a frame's worth at a time like the rest.
    if (!m_frameTimer.isActive() && !m_holds)
        completeEnd();
}

void RunController::completeEnd()
{
    m_frameTimer.stop();
    m_ending = false;
    m_running = false;
    m_builder->update();
    RunInfo &info = m_builder->data().info;
    info.totalNs = std::max(m_endNs, 0LL);
    info.finished = true;
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
    if (ms > 0 && m_running) {
        m_frameTimer.start();
    } else {
        m_frameTimer.stop();
        if (m_ending && !m_holds)
            completeEnd();
    }
}

bool RunController::update(Amount amount)
{
    if (!m_builder || m_holds)
        return false;
    if (amount == Amount::All)
        return m_builder->update();
    return applyFor(FrameBudgetMs);
}

bool RunController::applyFor(int budgetMs)
{
    // Slices small enough to check the clock often, large enough not to check it per event.
    constexpr std::size_t Slice = 1024;
    QElapsedTimer spent;
    spent.start();
    bool changed = false;
    m_behind = false;
    while (m_builder->update(Slice)) {
        changed = true;
        if (spent.nsecsElapsed() >= qint64(budgetMs) * 1'000'000) {
            m_behind = true;
            m_catchUp.start();
            break;
        }
    }
    return changed;
}

RunController::DataHold RunController::holdData()
{
    if (!m_builder)
        return nullptr;
    struct Hold {
        QPointer<RunController> controller;
        std::shared_ptr<TraceBuilder> builder;
    };
    ++m_holds;
    auto hold = std::shared_ptr<Hold>(new Hold{this, m_builder}, [](Hold *h) {
        if (h->controller)
            h->controller->release(h->builder.get());
        delete h;
    });
    return DataHold(hold, &hold->builder->data());
}

void RunController::release(const TraceBuilder *builder)
{
    if (builder != m_builder.get() || m_holds == 0)
        return;
    if (--m_holds == 0 && m_ending && !m_frameTimer.isActive())
        completeEnd();
}

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
