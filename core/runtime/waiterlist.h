#pragma once

#include "tracedcounter.h"

namespace Loopscope::detail {

//! One suspended wait in a WaiterList; lives in its awaiter, in the coroutine frame.
struct Waiter {
    TaskCore *task = nullptr;
    Waiter *prev = nullptr;
    Waiter *next = nullptr;
    bool linked = false;
    bool woken = false; //!< taken off the list by a wake-up (not by a withdraw)
};

//! The FIFO of futures an asyncio primitive keeps (a deque of waiters), intrusive: waking and
//! withdrawing cost no allocation. Its length is traced as the counter `name` (empty: not
//! traced). Loop thread only.
class WaiterList
{
public:
    WaiterList(EventLoop *loop, const QString &name)
        : m_counter(loop, name)
    {
        m_counter.set(0);
    }
    WaiterList(const WaiterList &) = delete;
    WaiterList &operator=(const WaiterList &) = delete;
    ~WaiterList()
    {
        while (m_head)
            remove(m_head);
    }

    int size() const { return m_size; }
    bool empty() const { return !m_head; }
    //! The task wakeFirst() would wake, or null.
    TaskCore *front() const { return m_head ? m_head->task : nullptr; }

    void push(Waiter *w, TaskCore *task)
    {
        w->task = task;
        w->woken = false;
        w->next = nullptr;
        w->prev = m_tail;
        (m_tail ? m_tail->next : m_head) = w;
        m_tail = w;
        w->linked = true;
        ++m_size;
        m_counter.set(m_size);
    }
    void remove(Waiter *w)
    {
        if (!w->linked)
            return;
        (w->prev ? w->prev->next : m_head) = w->next;
        (w->next ? w->next->prev : m_tail) = w->prev;
        w->prev = w->next = nullptr;
        w->linked = false;
        --m_size;
        m_counter.set(m_size);
    }
    //! Takes the first waiter off the list, marks it woken and schedules its task now.
    //! Returns false when nobody waits.
    bool wakeFirst()
    {
        Waiter *w = m_head;
        if (!w)
            return false;
        remove(w);
        w->woken = true;
        w->task->loop()->schedule(w->task, w->task->loop()->nowNs());
        return true;
    }
    void wakeAll()
    {
        while (wakeFirst()) { }
    }

private:
    Waiter *m_head = nullptr;
    Waiter *m_tail = nullptr;
    int m_size = 0;
    TracedCounter m_counter;
};

//! The await of a primitive's wait list: suspend() appends the task, a wake-up schedules it,
//! a cancellation withdraws it from the list at once (no late wake-up). The owner decides
//! ready() and resume(); woken() tells abandon() whether a wake-up was consumed.
class ListWait
{
public:
    explicit ListWait(WaiterList *list)
        : m_list(list)
    {
    }
    ListWait(ListWait &&o) noexcept
        : m_list(o.m_list)
    {
    }
    ~ListWait() { m_list->remove(&m_node); }

    void suspend(TaskCore *task, quint32)
    {
        m_list->push(&m_node, task);
        task->withdraw = {[](void *ctx) {
                              auto *self = static_cast<ListWait *>(ctx);
                              self->m_list->remove(&self->m_node);
                              return false;
                          },
                          this};
    }
    bool woken() const { return m_node.woken; }

private:
    WaiterList *m_list;
    Waiter m_node;
};

} // namespace Loopscope::detail
