#include "ascompleted.h"

namespace Loopscope::detail {

CompletionOrder::CompletionOrder(GatherWait::Children children)
    : m_children(std::move(children))
    , m_nodes(m_children.size())
    , m_remaining(int(m_children.size()))
{
    for (std::size_t i = 0; i < m_children.size(); ++i) {
        TaskCore *c = m_children[i];
        c->ref();
        if (c->isDone()) {
            m_done.push_back(c);
            continue;
        }
        Node &n = m_nodes[i];
        n.owner = this;
        n.fn = [](DoneCallback *cb, TaskCore *child) {
            CompletionOrder *self = static_cast<Node *>(cb)->owner;
            self->m_done.push_back(child);
            if (TaskCore *waiter = std::exchange(self->m_waiter, nullptr))
                waiter->loop()->schedule(waiter, waiter->loop()->nowNs());
        };
        c->addDoneCallback(&n);
    }
}

CompletionOrder::~CompletionOrder()
{
    for (std::size_t i = 0; i < m_children.size(); ++i) {
        m_children[i]->removeDoneCallback(&m_nodes[i]);
        m_children[i]->deref();
    }
}

CompletionOrder::Next::~Next()
{
    if (m_task && m_order->m_waiter == m_task)
        m_order->m_waiter = nullptr;
}

void CompletionOrder::Next::suspend(TaskCore *task, quint32 unit)
{
    Q_ASSERT_X(!m_order->m_waiter, "asCompleted", "one next() at a time");
    m_task = task;
    m_order->m_waiter = task;
    if (!std::exchange(m_order->m_linked, true)) {
        const TraceWriter trace = task->loop()->trace();
        for (TaskCore *c : m_order->m_children) {
            if (!c->isDone())
                trace.linked(unit, c->unit());
        }
    }
    task->withdraw = {[](void *ctx) {
                          static_cast<CompletionOrder *>(ctx)->m_waiter = nullptr;
                          return false;
                      },
                      m_order};
}

TaskCore *CompletionOrder::Next::take()
{
    Q_ASSERT(!m_order->m_done.empty());
    TaskCore *c = m_order->m_done.front();
    m_order->m_done.pop_front();
    --m_order->m_remaining;
    return c;
}

} // namespace Loopscope::detail
