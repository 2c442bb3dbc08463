#pragma once

#include "result.h"
#include "task.h"

#include <memory>
#include <vector>

namespace Loopscope {

enum class GatherMode { FailFast, ReturnExceptions };

namespace detail {

//! Waits for a set of tasks: all of them, or (fail-fast) until the first one fails.
//! Cancelling the waiter cancels every child still running (cause: gather, by the waiting unit)
//! and waits for them, then raises CancelledError (asyncio's _GatheringFuture).
//! It reads the children from the caller's vector of Task handles, which must outlive it
//! unchanged (gather's own parameter): no copy of a million pointers beside it. A child with no
//! other done callback holds the wait itself (a SharedDoneCallback); only the others cost a node.
class GatherWait : private SharedDoneCallback
{
public:
    using Children = std::vector<TaskCore *, PoolAllocator<TaskCore *>>;
    template<typename T>
    GatherWait(const std::vector<Task<T>> &tasks, bool failFast)
        : m_tasks(&tasks)
        , m_coreAt([](const void *v, std::size_t i) {
            return (*static_cast<const std::vector<Task<T>> *>(v))[i].core();
        })
        , m_count(tasks.size())
        , m_failFast(failFast)
    {
    }
    GatherWait(GatherWait &&) noexcept;
    ~GatherWait();

    bool ready() const;
    void suspend(TaskCore *task, quint32 unit);
    void resume();

private:
    //! For a child that had callbacks already (or is in the list twice).
    struct Node : DoneCallback {
        GatherWait *owner = nullptr;
        TaskCore *child = nullptr;
        Node *nextOwned = nullptr;
    };
    void childDone(TaskCore *child);
    TaskCore *child(std::size_t i) const { return m_coreAt(m_tasks, i); }

    const void *m_tasks;
    TaskCore *(*m_coreAt)(const void *, std::size_t);
    std::size_t m_count;
    Node *m_nodes = nullptr; // owned
    TaskCore *m_waiter = nullptr;
    std::exception_ptr m_firstError;
    quint32 m_waiterUnit = 0;
    int m_remaining = 0;
    bool m_failFast;
    bool m_woken = false;
    bool m_cancelRequested = false;
    bool m_linked = false; // suspend() registered it with the children
};

template<typename T>
GatherWait::Children coresOf(const std::vector<Task<T>> &tasks)
{
    GatherWait::Children cores;
    cores.reserve(tasks.size());
    for (const auto &t : tasks)
        cores.push_back(t.core());
    return cores;
}

} // namespace detail

//! asyncio.gather over tasks. FailFast: the first error is raised here at once and the other
//! tasks go on running. ReturnExceptions: use gatherResults.
template<typename T>
Co<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> gather(std::vector<Task<T>> tasks)
{
    co_await cancelPassesThrough();
    co_await detail::GatherWait(tasks, true);
    if constexpr (std::is_void_v<T>) {
        for (auto &t : tasks)
            t.result();
    } else {
        std::vector<T> out;
        out.reserve(tasks.size());
        for (auto &t : tasks)
            out.push_back(t.result());
        co_return out;
    }
}

//! asyncio.gather(..., return_exceptions=True): every child's value or error, in order.
template<typename T>
Co<std::vector<Result<T>>> gatherResults(std::vector<Task<T>> tasks)
{
    co_await cancelPassesThrough();
    co_await detail::GatherWait(tasks, false);
    std::vector<Result<T>> out;
    out.reserve(tasks.size());
    for (auto &t : tasks) {
        Result<T> r;
        r.error = t.error();
        if constexpr (!std::is_void_v<T>) {
            if (!r.error)
                r.value = t.result();
        }
        out.push_back(std::move(r));
    }
    co_return out;
}

//! gather over coroutines: each is wrapped in a task first (asyncio.ensure_future), in order.
template<typename T>
std::vector<Task<T>> createTasks(std::vector<Co<T>> coros)
{
    std::vector<Task<T>> tasks;
    tasks.reserve(coros.size());
    for (auto &c : coros)
        tasks.push_back(createTask(std::move(c)));
    return tasks;
}

} // namespace Loopscope
