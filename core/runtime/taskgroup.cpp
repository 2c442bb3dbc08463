#include "taskgroup.h"

namespace Loopscope {

struct TaskGroup::State {
    struct Child : DoneCallback, ReadyNode {
        State *state = nullptr;
        TaskCore *task = nullptr;
    };
    std::vector<Child *> children;
    QStringList errors;
    TaskCore *waiter = nullptr;
    int pending = 0;
    int refs = 1;
    bool aborting = false;
    bool waiting = false;
    bool waiterCancelled = false;

    void ref() { ++refs; }
    void deref()
    {
        if (--refs == 0)
            delete this;
    }
    ~State()
    {
        for (Child *c : children) {
            c->task->removeDoneCallback(c);
            c->task->deref();
            delete c;
        }
    }
    //! Cancels the children not done: by cause, as the unit byUnit made it (see CancelCause).
    void abort(CancelCause cause, quint32 byUnit)
    {
        aborting = true;
        for (Child *c : children) {
            if (!c->task->isDone())
                c->task->cancel(cause, byUnit);
        }
    }
    void wakeIfDone()
    {
        if (pending == 0 && waiter) {
            TaskCore *w = std::exchange(waiter, nullptr);
            w->loop()->schedule(w, w->loop()->nowNs());
        }
    }
    // asyncio's _on_task_done runs one loop turn after the child ends (a call_soon callback).
    static void childDoneLater(ReadyNode *node)
    {
        auto *c = static_cast<Child *>(node);
        State *s = c->state;
        --s->pending;
        TaskCore *t = c->task;
        if (t->error() && t->outcome() == Outcome::Failed) {
            s->errors.append(errorText(t->error()));
            if (!s->aborting)
                s->abort(CancelCause::TaskGroup, t->unit());
        }
        s->wakeIfDone();
        s->deref();
    }
};

class TaskGroup::Wait
{
public:
    explicit Wait(State *s)
        : m_state(s)
    {
    }
    bool ready() const { return m_state->pending == 0; }
    void suspend(TaskCore *task, quint32 unit)
    {
        m_state->waiter = task;
        for (State::Child *c : m_state->children)
            task->loop()->trace().linked(unit, c->task->unit());
        task->withdraw = {[](void *ctx) {
                              auto *s = static_cast<State *>(ctx);
                              s->waiterCancelled = true;
                              if (!s->aborting)
                                  s->abort(s->waiter->cancelCause(), s->waiter->cancelledBy());
                              return true; // woken when the last child is done
                          },
                          m_state};
    }
    void resume() { }

private:
    State *m_state;
};

TaskGroup::TaskGroup()
    : m_state(new State)
{
}

TaskGroup::~TaskGroup()
{
    if (m_state->pending > 0 && !m_state->aborting)
        m_state->abort(CancelCause::TaskGroup, 0);
    m_state->waiter = nullptr;
    m_state->deref();
}

void TaskGroup::add(TaskCore *child)
{
    auto *c = new State::Child;
    c->state = m_state;
    c->task = child;
    child->ref();
    c->fn = [](DoneCallback *cb, TaskCore *t) {
        auto *node = static_cast<State::Child *>(cb);
        node->state->ref();
        node->run = &State::childDoneLater;
        t->loop()->pushReady(node);
    };
    child->addDoneCallback(c);
    m_state->children.push_back(c);
    ++m_state->pending;
}

Co<void> TaskGroup::wait()
{
    m_state->waiting = true;
    while (m_state->pending > 0)
        co_await Wait(m_state);
    if (!m_state->errors.isEmpty())
        throw ExceptionGroup(m_state->errors);
    if (m_state->waiterCancelled)
        throw CancelledError();
}

QStringList TaskGroup::errors() const { return m_state->errors; }

} // namespace Loopscope
