#include "wait.h"

namespace Loopscope::detail {

WaitSet::WaitSet(GatherWait::Children children, ReturnWhen when, qint64 timeoutNs)
    : m_children(std::move(children))
    , m_when(when)
    , m_timeoutNs(timeoutNs)
{
    for (TaskCore *c : m_children)
        c->ref();
}

WaitSet::WaitSet(WaitSet &&o) noexcept
    : TimerNode()
    , m_children(std::move(o.m_children))
    , m_when(o.m_when)
    , m_timeoutNs(o.m_timeoutNs)
{
}

WaitSet::~WaitSet()
{
    detach();
    for (TaskCore *c : m_children)
        c->deref();
}

void WaitSet::detach()
{
    if (heapIndex >= 0)
        m_waiter->loop()->removeTimer(this);
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        m_children[i]->removeDoneCallback(&m_nodes[i]);
}

bool WaitSet::satisfiedBy(TaskCore *child) const
{
    switch (m_when) {
    case ReturnWhen::FirstCompleted:
        return true;
    case ReturnWhen::FirstException:
        return m_remaining == 0
            || (child->outcome() != Outcome::Cancelled && child->outcome() != Outcome::TimedOut
                && child->error());
    case ReturnWhen::AllCompleted:
        break;
    }
    return m_remaining == 0;
}

void WaitSet::wake()
{
    if (m_woken)
        return;
    m_woken = true;
    detach();
    m_waiter->loop()->schedule(m_waiter, m_waiter->loop()->nowNs());
}

void WaitSet::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    EventLoop *loop = task->loop();
    const qint64 now = loop->nowNs();
    const TraceWriter trace = loop->traceAt(now);
    m_nodes.resize(m_children.size());
    m_remaining = int(m_children.size());
    TaskCore *satisfied = nullptr;
    for (std::size_t i = 0; i < m_children.size(); ++i) {
        TaskCore *c = m_children[i];
        trace.linked(unit, c->unit());
        if (c->isDone()) {
            --m_remaining;
            if (!satisfied && satisfiedBy(c))
                satisfied = c;
            continue;
        }
        Node &n = m_nodes[i];
        n.owner = this;
        n.fn = [](DoneCallback *cb, TaskCore *child) {
            WaitSet *self = static_cast<Node *>(cb)->owner;
            --self->m_remaining;
            if (self->satisfiedBy(child))
                self->wake();
        };
        c->addDoneCallback(&n);
    }
    if (satisfied || m_remaining == 0) {
        wake();
        return;
    }
    if (m_timeoutNs >= 0) {
        fire = [](TimerNode *node) { static_cast<WaitSet *>(node)->wake(); };
        loop->addTimer(this, now + m_timeoutNs);
    }
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<WaitSet *>(ctx);
                          self->m_woken = true;
                          self->detach();
                          return false;
                      },
                      this};
}

} // namespace Loopscope::detail
