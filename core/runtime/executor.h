#pragma once

#include "task.h"

#include <QFuture>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QThreadPool;

namespace Loopscope {

namespace detail {
//! Shared between the loop (owner of the job's TaskCore) and the worker thread.
struct ExecutorJob {
    EventLoop *loop = nullptr;
    TaskCore *core = nullptr;
    quint32 unit = 0;
    std::atomic<int> phase{0}; // 0 queued, 1 running, 2 skipped (cancelled before it started)
    std::exception_ptr error;
    std::function<void()> work; // runs on the worker; stores its result itself
    virtual ~ExecutorJob() = default;
};
template<typename R>
struct ExecutorJobT : ExecutorJob {
    std::optional<R> result;
};
} // namespace detail

//! concurrent.futures.ThreadPoolExecutor on a dedicated QThreadPool of its own max workers.
//! run() submits a job at once (like loop.run_in_executor) and returns a Task handle to await or
//! gather. Each job is traced as a unit of kind executor: queued until a worker takes it, then
//! running on lane k (worker slot k, 1-based). Occupancy is traced as "<name> in use" and
//! "<name> queue". Cancelling a job that has not started withdraws it; one that runs cannot be
//! stopped (a thread cannot be interrupted), so awaiting it waits for it to end.
//! The destructor waits for running jobs (ThreadPoolExecutor.shutdown(wait=True)), blocking the
//! loop as Python's `with` block does. Create, use and destroy on the loop thread.
class Executor
{
public:
    explicit Executor(int maxWorkers, const QString &name = QStringLiteral("executor"));
    ~Executor();
    Executor(const Executor &) = delete;
    Executor &operator=(const Executor &) = delete;

    int maxWorkers() const { return m_maxWorkers; }

    template<typename F, typename R = std::invoke_result_t<F>>
    Task<R> run(const QString &label, F fn)
    {
        auto job = std::make_shared<std::conditional_t<std::is_void_v<R>, detail::ExecutorJob,
                                                       detail::ExecutorJobT<R>>>();
        auto *raw = job.get();
        job->work = [raw, fn = std::move(fn)]() mutable {
            if constexpr (std::is_void_v<R>)
                fn();
            else
                raw->result.emplace(fn());
        };
        if constexpr (!std::is_void_v<R>)
            submit(job, label, &job->result);
        else
            submit(job, label, nullptr);
        return Task<R>(job->core);
    }

    //! time.sleep inside a job (blocking I/O): scenario time, so scaled on the real clock and
    //! instant on the virtual one (EventLoop::sleepWorker). Call only from a job.
    static void blockingSleep(Seconds duration);

private:
    void submit(std::shared_ptr<detail::ExecutorJob> job, const QString &label, void *result);
    void execute(detail::ExecutorJob &job);
    void traceCountersLocked();

    int m_maxWorkers;
    EventLoop *m_loop;
    std::unique_ptr<QThreadPool> m_pool;
    std::mutex m_mutex;
    std::vector<bool> m_slotBusy;
    int m_running = 0;
    int m_queued = 0;
    quint32 m_inUseName = 0;
    quint32 m_queueName = 0;
};

} // namespace Loopscope
