#pragma once

#include "gather.h"

#include <deque>

namespace Loopscope {

namespace detail {

//! The tasks of an asCompleted, in the order they finish. Loop thread only.
class CompletionOrder
{
public:
    explicit CompletionOrder(GatherWait::Children children);
    CompletionOrder(const CompletionOrder &) = delete;
    CompletionOrder &operator=(const CompletionOrder &) = delete;
    ~CompletionOrder();

    //! Tasks not handed out by next() yet.
    int remaining() const { return m_remaining; }

    //! The await of one next(): wakes when a task finished that was not handed out yet.
    //! Cancelling the waiter withdraws the wait; the tasks go on.
    class Next
    {
    public:
        explicit Next(CompletionOrder *order)
            : m_order(order)
        {
        }
        Next(Next &&o) noexcept
            : m_order(o.m_order)
        {
        }
        Next(const Next &) = delete;
        ~Next();
        bool ready() const { return !m_order->m_done.empty(); }
        void suspend(TaskCore *task, quint32 unit);

    protected:
        TaskCore *take();

    private:
        CompletionOrder *m_order;
        TaskCore *m_task = nullptr;
    };

private:
    struct Node : DoneCallback {
        CompletionOrder *owner = nullptr;
    };

    GatherWait::Children m_children;
    std::vector<Node> m_nodes;
    std::deque<TaskCore *> m_done;
    TaskCore *m_waiter = nullptr;
    int m_remaining;
    bool m_linked = false; // the awaiter -> task arrows are drawn once
};

} // namespace detail

//! asyncio.as_completed over tasks: each `co_await next()` gives the result of the next task
//! to finish (or rethrows its error), in the order they finish; call it remaining() times. It
//! cancels nothing. Keep it where it was made (it is not movable); loop thread only.
template<typename T>
class AsCompleted : public detail::CompletionOrder
{
public:
    explicit AsCompleted(const std::vector<Task<T>> &tasks)
        : CompletionOrder(detail::coresOf(tasks))
    {
    }

    class Next : public CompletionOrder::Next
    {
    public:
        using CompletionOrder::Next::Next;
        T resume() { return detail::resultOf<T>(take()); }
    };
    struct NextRequest {
        using RuntimeAwaiter = Next;
        CompletionOrder *order;
        operator Next() const { return Next(order); }
    };
    //! `T value = co_await completed.next();`
    NextRequest next() { return NextRequest{this}; }
};

template<typename T>
AsCompleted<T> asCompleted(const std::vector<Task<T>> &tasks)
{
    return AsCompleted<T>(tasks);
}

} // namespace Loopscope
