#include "gather.h"

namespace Loopscope::detail {

// Moved only before it waits (no nodes linked yet).
GatherWait::GatherWait(GatherWait &&o) noexcept
    : m_tasks(o.m_tasks)
    , m_coreAt(o.m_coreAt)
    , m_count(o.m_count)
    , m_failFast(o.m_failFast)
{
}

GatherWait::~GatherWait()
{
    if (!m_linked)
        return;
    for (std::size_t i = 0; i < m_count; ++i)
        child(i)->removeSharedDoneCallback(this);
    while (Node *n = m_nodes) {
        m_nodes = n->nextOwned;
        n->child->removeDoneCallback(n);
        delete n;
    }
}

bool GatherWait::ready() const
{
    for (std::size_t i = 0; i < m_count; ++i) {
        if (!child(i)->isDone())
            return false;
    }
    return true;
}

void GatherWait::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    m_waiterUnit = unit;
    m_linked = true;
    EventLoop *loop = task->loop();
    const qint64 now = loop->nowNs(); // one instant for all the links
    const TraceWriter trace = loop->traceAt(now);
    // Children made one after another have consecutive units: their links go in runs.
    for (std::size_t i = 0, run = 0; i < m_count; ++i) {
        const quint32 first = child(run)->unit();
        const bool runEnds =
            i + 1 == m_count || child(i + 1)->unit() != first + quint32(i + 1 - run);
        if (runEnds) {
            trace.linkedRun(unit, first, quint32(i + 1 - run));
            run = i + 1;
        }
    }
    SharedDoneCallback::fn = [](SharedDoneCallback *cb, TaskCore *child) {
        static_cast<GatherWait *>(cb)->childDone(child);
    };
    for (std::size_t i = 0; i < m_count; ++i) {
        TaskCore *c = child(i);
        if (c->isDone())
            continue;
        ++m_remaining;
        if (c->addSharedDoneCallback(this))
            continue;
        auto *n = new Node;
        n->owner = this;
        n->child = c;
        n->nextOwned = m_nodes;
        n->fn = [](DoneCallback *cb, TaskCore *child) {
            static_cast<Node *>(cb)->owner->childDone(child);
        };
        m_nodes = n;
        c->addDoneCallback(n);
    }
    // A child that already failed wakes a fail-fast gather at once.
    if (m_failFast) {
        for (std::size_t i = 0; i < m_count; ++i) {
            TaskCore *c = child(i);
            if (c->isDone() && c->error()) {
                m_firstError = c->error();
                m_woken = true;
                loop->schedule(task, now);
                return;
            }
        }
    }
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<GatherWait *>(ctx);
                          self->m_cancelRequested = true;
                          bool any = false;
                          for (std::size_t i = 0; i < self->m_count; ++i) {
                              any = self->child(i)->cancel(CancelCause::Gather, self->m_waiterUnit)
                                  || any;
                          }
                          // Nothing left to cancel: wake with CancelledError now.
                          return any;
                      },
                      this};
}

void GatherWait::childDone(TaskCore *child)
{
    --m_remaining;
    if (m_woken)
        return;
    if (m_failFast && child->error() && !m_firstError) {
        m_firstError = child->error();
        m_woken = true;
    } else if (m_remaining == 0) {
        m_woken = true;
    } else {
        return;
    }
    m_waiter->loop()->schedule(m_waiter, m_waiter->loop()->nowNs());
}

void GatherWait::resume()
{
    if (m_cancelRequested && m_remaining == 0)
        throw CancelledError();
    if (m_failFast && !m_firstError) {
        for (std::size_t i = 0; i < m_count; ++i) {
            if (child(i)->error()) {
                m_firstError = child(i)->error();
                break;
            }
        }
    }
    if (m_firstError)
        std::rethrow_exception(m_firstError);
}

} // namespace Loopscope::detail
