#include "executor.h"

#include "tsanannotations.h"

#include <QCoroFuture>
#include <QCoroTask>
#include <QFutureInterface>
#include <QRunnable>
#include <QThreadPool>

#include <thread>

namespace Loopscope {

namespace {
// One job on the pool. Not auto-deleted: the loop deletes it once the future is finished, so
// every free happens on the thread that allocated it.
class JobRunnable : public QRunnable
{
public:
    JobRunnable(std::function<void()> work, QFutureInterface<void> future)
        : m_work(std::move(work))
        , m_future(std::move(future))
    {
        setAutoDelete(false);
    }
    void run() override
    {
        LOOPSCOPE_HAPPENS_AFTER(this);
        m_work();
        LOOPSCOPE_HAPPENS_BEFORE(this);
        // A copy: once finished is reported, the loop may delete this runnable.
        QFutureInterface<void> future = m_future;
        future.reportFinished();
    }

private:
    std::function<void()> m_work;
    QFutureInterface<void> m_future;
};

// Resumes on the loop thread when the job's future is finished (QCoro watches the QFuture).
QCoro::Task<> completeWhenDone(QFuture<void> future, std::unique_ptr<JobRunnable> runnable,
                               std::shared_ptr<detail::ExecutorJob> job)
{
    co_await future;
    LOOPSCOPE_HAPPENS_AFTER(runnable.get());
    runnable.reset();
    EventLoop *loop = job->loop;
    TaskCore *core = job->core;
    if (!core->isDone())
        core->finish(job->phase.load() == 2 ? cancelledError()
                                            : job->error,
                     job->phase.load() == 2);
    core->deref();
    loop->externalFinished();
}
} // namespace

Executor::Executor(int maxWorkers, const QString &name)
    : m_maxWorkers(std::max(1, maxWorkers))
    , m_loop(EventLoop::current())
    , m_pool(std::make_unique<QThreadPool>())
    , m_slotBusy(std::size_t(m_maxWorkers), false)
{
    m_pool->setMaxThreadCount(m_maxWorkers);
    m_pool->setExpiryTimeout(-1);
    m_inUseName = m_loop->intern(name + QStringLiteral(" in use"));
    m_queueName = m_loop->intern(name + QStringLiteral(" queue"));
    std::lock_guard lock(m_mutex);
    traceCountersLocked();
}

Executor::~Executor()
{
    // Like ThreadPoolExecutor.shutdown(wait=True), the loop waits here for the jobs. Jobs asleep
    // on the virtual clock would wait for the loop forever: move time on for them.
    while (!m_pool->waitForDone(5))
        m_loop->wakeAllSleepers();
}

namespace {
thread_local EventLoop *t_jobLoop = nullptr;
}

void Executor::blockingSleep(Seconds duration)
{
    if (t_jobLoop)
        t_jobLoop->sleepWorker(duration);
    else
        std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::nanoseconds>(duration));
}

void Executor::traceCountersLocked()
{
    const TraceWriter trace = m_loop->traceShared();
    trace.counter(m_inUseName, m_running);
    trace.counter(m_queueName, m_queued);
}

void Executor::submit(std::shared_ptr<detail::ExecutorJob> job, const QString &label, void *result)
{
    EventLoop *loop = m_loop;
    job->loop = loop;
    job->unit = loop->newUnit();
    TaskCore *creator = loop->currentTask();
    loop->trace().created(job->unit, UnitKind::Executor, creator ? creator->currentUnit : 0,
                          loop->intern(label));
    loop->trace().stateChanged(job->unit, UnitState::Queued);
    job->core = loop->createExternalCore(job->unit, job);
    job->core->setExternalResult(result);
    job->core->ref(); // held by completeWhenDone
    job->core->withdraw = {[](void *ctx) {
                               auto *j = static_cast<detail::ExecutorJob *>(ctx);
                               int queued = 0;
                               if (j->phase.compare_exchange_strong(queued, 2)) {
                                   // Withdrawn before a worker took it.
                                   j->core->traceCancelled(j->unit);
                                   j->loop->trace().finished(j->unit, Outcome::Cancelled);
                                   j->core->finish(cancelledError(), true);
                               }
                               return true;
                           },
                           job.get()};
    {
        std::lock_guard lock(m_mutex);
        ++m_queued;
        traceCountersLocked();
    }
    loop->externalStarted();
    QFutureInterface<void> promise;
    promise.reportStarted();
    QFuture<void> future = promise.future();
    auto runnable = std::make_unique<JobRunnable>([this, job] { execute(*job); }, promise);
    JobRunnable *raw = runnable.get();
    // The watcher first, the worker second: completeWhenDone then always suspends, and the job
    // ends on a later turn of the loop. The other way round, a worker that was awake could end
    // the job before completeWhenDone looked, which then finished and released the job's task
    // inside submit(), before run() had taken the caller's reference to it.
    completeWhenDone(future, std::move(runnable), job);
    LOOPSCOPE_HAPPENS_BEFORE(raw);
    m_pool->start(raw);
}

void Executor::execute(detail::ExecutorJob &job)
{
    int queued = 0;
    const bool start = job.phase.compare_exchange_strong(queued, 1);
    int slot = 0;
    {
        std::lock_guard lock(m_mutex);
        --m_queued;
        if (start) {
            ++m_running;
            while (m_slotBusy[std::size_t(slot)])
                ++slot;
            m_slotBusy[std::size_t(slot)] = true;
            m_loop->traceShared().stateChanged(job.unit, UnitState::Running, quint16(slot + 1));
        }
        traceCountersLocked();
    }
    if (!start)
        return;
    t_jobLoop = m_loop;
    try {
        job.work();
    } catch (...) {
        job.error = std::current_exception();
    }
    t_jobLoop = nullptr;
    std::lock_guard lock(m_mutex);
    --m_running;
    m_slotBusy[std::size_t(slot)] = false;
    // The worker records its job's end: the time it ended and its lane (see TaskCore::finish).
    if (TraceRecorder *rec = m_loop->recorder()) {
        const Outcome outcome = job.error ? Outcome::Failed : Outcome::Completed;
        m_loop->traceShared().finished(job.unit, outcome,
                                       job.error ? rec->intern(errorText(job.error)) : 0,
                                       quint16(slot + 1));
    }
    traceCountersLocked();
}

} // namespace Loopscope
