#pragma once

#include "gather.h"

#include <optional>

namespace Loopscope {

//! asyncio.wait's return_when.
enum class ReturnWhen { FirstCompleted, FirstException, AllCompleted };

//! What wait() returns: the tasks done and the ones still pending, each in the order given.
template<typename T>
struct WaitResult {
    std::vector<Task<T>> done;
    std::vector<Task<T>> pending;
};

namespace detail {

//! The await of wait(): wakes when the return_when condition holds or the timeout expires.
//! It never cancels the tasks, not even when the waiter itself is cancelled (that only
//! withdraws its callbacks and timer). As in asyncio it always suspends, for a loop turn at
//! least, even when the condition already holds.
class WaitSet : private TimerNode
{
public:
    WaitSet(GatherWait::Children children, ReturnWhen when, qint64 timeoutNs);
    WaitSet(WaitSet &&) noexcept;
    ~WaitSet();

    bool ready() const { return false; }
    void suspend(TaskCore *task, quint32 unit);
    void resume() const { }

private:
    struct Node : DoneCallback {
        WaitSet *owner = nullptr;
    };
    bool satisfiedBy(TaskCore *child) const;
    void wake();
    void detach();

    GatherWait::Children m_children;
    std::vector<Node, PoolAllocator<Node>> m_nodes; // made in suspend(); never moves after
    TaskCore *m_waiter = nullptr;
    ReturnWhen m_when;
    qint64 m_timeoutNs;
    int m_remaining = 0;
    bool m_woken = false;
};

} // namespace detail

//! asyncio.wait: waits for the tasks until return_when holds (FirstCompleted: one is done;
//! FirstException: one failed, or all are done; AllCompleted: all are done) or the timeout
//! expires, and returns them split into done and pending. Raises nothing on a timeout and
//! cancels nothing. An empty list throws ValueError.
template<typename T>
Co<WaitResult<T>> wait(std::vector<Task<T>> tasks, ReturnWhen when = ReturnWhen::AllCompleted,
                       std::optional<Seconds> timeout = std::nullopt)
{
    if (tasks.empty())
        throw ScenarioError(QStringLiteral("ValueError"),
                            QStringLiteral("Set of Tasks/Futures is empty."));
    co_await detail::WaitSet(detail::coresOf(tasks), when,
                             timeout ? EventLoop::toNs(*timeout) : -1);
    WaitResult<T> result;
    for (auto &t : tasks)
        (t.isDone() ? result.done : result.pending).push_back(t);
    co_return result;
}

} // namespace Loopscope
