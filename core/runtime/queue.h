#pragma once

#include "event.h"

#include <deque>

namespace Loopscope {

//! asyncio.QueueFull: putNowait() on a full queue.
class QueueFull final : public ScenarioError
{
public:
    QueueFull()
        : ScenarioError(QStringLiteral("QueueFull"), QString())
    {
    }
};

//! asyncio.QueueEmpty: getNowait() on an empty queue.
class QueueEmpty final : public ScenarioError
{
public:
    QueueEmpty()
        : ScenarioError(QStringLiteral("QueueEmpty"), QString())
    {
    }
};

namespace detail {

//! What every Queue<T> shares: the waiters, the unfinished count for join(), the counters.
//! Loop thread only.
class QueueBase
{
public:
    QueueBase(const QueueBase &) = delete;
    QueueBase &operator=(const QueueBase &) = delete;

    int maxsize() const { return m_maxsize; }
    int qsize() const { return m_size; }
    bool empty() const { return m_size == 0; }
    bool full() const { return m_maxsize > 0 && m_size >= m_maxsize; }
    int getters() const { return m_getters.size(); }
    int putters() const { return m_putters.size(); }
    //! Throws ValueError when called more often than items were put.
    void taskDone();
    //! Waits (Waiting) until every item put so far was marked done with taskDone().
    Co<void> join();

protected:
    QueueBase(int maxsize, const QString &name);
    void itemAdded();
    void itemRemoved();

    //! One get or put that found the queue empty or full: woken by the next put or get, which
    //! takes it off the list; it then checks again (asyncio's `while self.empty():` loop).
    class SlotWait : public ListWait
    {
    public:
        static constexpr UnitState WaitState = UnitState::Queued;
        SlotWait(QueueBase *queue, bool getter)
            : ListWait(getter ? &queue->m_getters : &queue->m_putters)
            , m_queue(queue)
            , m_getter(getter)
        {
        }
        bool ready() const { return false; }
        void resume() const { }
        void abandon();

    private:
        QueueBase *m_queue;
        bool m_getter;
    };
    struct SlotRequest {
        using RuntimeAwaiter = SlotWait;
        QueueBase *queue;
        bool getter;
        operator SlotWait() const { return SlotWait(queue, getter); }
    };

private:
    int m_maxsize;
    int m_size = 0;
    int m_unfinished = 0;
    WaiterList m_getters;
    WaiterList m_putters;
    Event m_finished;
    TracedCounter m_items;
};

} // namespace detail

//! asyncio.Queue: FIFO of items, unbounded (maxsize 0) or bounded. put() on a full queue and
//! get() on an empty one wait (the task shows Queued) in FIFO order; putNowait/getNowait throw
//! QueueFull/QueueEmpty instead. taskDone() and join() count the work done on the items.
//! Traced as the counters "<name> items", "<name> getters" and (bounded) "<name> putters".
//! Loop thread only.
template<typename T>
class Queue : public detail::QueueBase
{
public:
    explicit Queue(int maxsize = 0, const QString &name = QStringLiteral("queue"))
        : QueueBase(maxsize, name)
    {
    }

    Co<void> put(T item)
    {
        co_await cancelPassesThrough();
        while (full())
            co_await SlotRequest{this, false};
        putNowait(std::move(item));
    }
    Co<T> get()
    {
        co_await cancelPassesThrough();
        while (empty())
            co_await SlotRequest{this, true};
        co_return getNowait();
    }
    void putNowait(T item)
    {
        if (full())
            throw QueueFull();
        m_items.push_back(std::move(item));
        itemAdded();
    }
    T getNowait()
    {
        if (empty())
            throw QueueEmpty();
        T item = std::move(m_items.front());
        m_items.pop_front();
        itemRemoved();
        return item;
    }

private:
    std::deque<T> m_items;
};

} // namespace Loopscope
