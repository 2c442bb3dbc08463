#include "task.h"

#include <cxxabi.h>
#include <typeinfo>

namespace Loopscope::detail {

// Every coroutine frame holds one: growing it shows in the benchmarks' bytes per task.
static_assert(sizeof(PromiseBase) <= 40, "PromiseBase outgrew its 40 bytes");
// TaskCore::readyNs() reads a root frame's promise as a PromiseHead.
static_assert(alignof(PromiseHead) == alignof(PromiseBase));

bool currentExceptionIsCancelled() noexcept
{
    const std::type_info *type = abi::__cxa_current_exception_type();
    return type && *type == typeid(CancelledError);
}

void recordResumed(TaskCore *t, quint32 unit)
{
    EventLoop *loop = t->loop();
    const qint64 now = loop->nowNs();
    const qint64 readyNs = t->readyNs();
    if (now - readyNs > loop->readyThresholdNs())
        loop->traceAt(now).readyThenRunning(unit, readyNs);
    else
        loop->traceAt(now).runningHeld(unit);
}

void recordSuspended(TaskCore *t, quint32 unit, UnitState state, quint32 at)
{
    EventLoop *loop = t->loop();
    loop->stepEndsClockNs();
    loop->trace().stateChanged(unit, state, 0, at);
}

std::coroutine_handle<> PromiseBase::finalStep() noexcept
{
    if (isRoot) {
        task->loop()->stepEndsClockNs();
        task->finish(exception, cancelled);
        return std::noop_coroutine();
    }
    leaveChild(*this);
    return continuation ? continuation : std::noop_coroutine();
}

namespace {

//! Records the end of a named inline child's unit and hands its task back to the parent unit.
//! error: what it ended with (null: completed); cancelled: that is a CancelledError.
void endChildUnit(TaskCore *task, quint32 unit, quint32 parentUnit, const std::exception_ptr &error,
                  bool cancelled)
{
    EventLoop *loop = task->loop();
    Outcome outcome = Outcome::Completed;
    quint32 errorId = 0;
    if (cancelled) {
        outcome =
            task->cancelCause() == CancelCause::Timeout ? Outcome::TimedOut : Outcome::Cancelled;
        task->traceCancelled(unit);
    } else if (error) {
        outcome = Outcome::Failed;
        errorId = loop->intern(errorText(error));
    }
    loop->trace().finished(unit, outcome, errorId);
    loop->trace().stateChanged(parentUnit, UnitState::Running);
    task->currentUnit = parentUnit;
}

//! The promise of a frame of ours (Promise<T>'s and GenPromise<T>'s alignment is PromiseBase's).
PromiseBase &promiseOf(std::coroutine_handle<> h)
{
    return std::coroutine_handle<PromiseBase>::from_address(h.address()).promise();
}

//! Every frame from the one suspended at h up to its task's root declared cancelPassesThrough().
bool passesToRoot(std::coroutine_handle<> h)
{
    for (PromiseBase *p = &promiseOf(h);; p = &promiseOf(p->continuation)) {
        if (!p->passesCancel)
            return false;
        if (p->isRoot)
            return true;
    }
}

QString taskName(TaskCore *task)
{
    const quint32 label = promiseOf(task->root()).label;
    TraceRecorder *rec = task->loop()->recorder();
    return rec && label ? rec->string(label) : QStringLiteral("unit %1").arg(task->unit());
}

} // namespace

void leaveChild(PromiseBase &child)
{
    if (!child.label || !child.task)
        return;
    endChildUnit(child.task, child.unit, child.parentUnit, child.exception,
                 child.exception && child.cancelled);
}

void destroyUnfinished(std::coroutine_handle<> h, PromiseBase &child)
{
    TaskCore *const task = child.task;
    const bool ending = task && child.label && TaskCore::endingUncaught() == task;
    const quint32 unit = child.unit;
    const quint32 parentUnit = child.parentUnit;
    h.destroy();
    if (ending)
        endChildUnit(task, unit, parentUnit, cancelledError(), true);
}

bool deliverCancelUncaught(TaskCore *task)
{
    const CancelDelivery mode = cancelDelivery();
    if (mode == CancelDelivery::Throw || !passesToRoot(task->resumePoint))
        return false;
    if (mode == CancelDelivery::Direct) {
        PromiseBase &awaiting = promiseOf(task->resumePoint);
        task->currentUnit = awaiting.unit;
        recordResumed(task, awaiting.unit);
        task->finishUncaught(true);
        return true;
    }
    // Checked: thrown, and it must come out of the root as the very exception thrown.
    const std::exception_ptr thrown = std::make_exception_ptr(CancelledError());
    t_checkedCancel = &thrown;
    task->resumePoint.resume();
    t_checkedCancel = nullptr;
    if (!task->isDone() || task->error() != thrown) {
        cancelCheckFailed(QStringLiteral("%1 declared cancelPassesThrough() on every frame, but "
                                         "the CancelledError thrown at its await did not end it")
                              .arg(taskName(task)));
    }
    return true;
}

void PromiseBase::reportNeverAwaited() noexcept
{
    if (!label)
        return;
    EventLoop *loop = EventLoop::current();
    if (!loop)
        return;
    const quint32 u = loop->newUnit();
    loop->traceAt(createdNs).created(u, UnitKind::Coroutine, parentUnit, label);
    loop->trace().finished(u, Outcome::NeverAwaited);
    if (TraceRecorder *rec = loop->recorder()) {
        loop->print(QStringLiteral("RuntimeWarning: coroutine '%1' was never awaited")
                        .arg(rec->string(label)));
    }
}

void enterChild(PromiseBase &parent, PromiseBase &child, UnitKind kind, quint32 at)
{
    child.task = parent.task;
    child.started = true;
    if (child.label && parent.task) {
        EventLoop *loop = parent.task->loop();
        child.unit = loop->newUnit();
        child.parentUnit = parent.unit;
        loop->trace().created(child.unit, kind, parent.unit, child.label);
        loop->trace().stateChanged(parent.unit, UnitState::Waiting, 0, at);
        loop->trace().linked(parent.unit, child.unit);
        loop->trace().stateChanged(child.unit, UnitState::Running);
        parent.task->currentUnit = child.unit;
    } else {
        child.unit = parent.unit;
        child.label = 0;
        child.callerPlace = at; // anonymousInline() from here on
    }
}

void TaskJoinBase::suspend(TaskCore *task, quint32 unit)
{
    m_waiter = task;
    fn = [](DoneCallback *cb, TaskCore *done) {
        auto *self = static_cast<TaskJoinBase *>(cb);
        done->loop()->schedule(self->m_waiter, done->loop()->nowNs());
    };
    m_target->addDoneCallback(this);
    task->withdraw = {[](void *ctx) {
                          auto *self = static_cast<TaskJoinBase *>(ctx);
                          self->m_waiter->propagateCancel(self->m_target);
                          return true;
                      },
                      this};
    task->loop()->trace().linked(unit, m_target->unit());
}

TaskCore *spawnTask(PromiseBase &p, std::coroutine_handle<> h, UnitKind kind, const QString &label)
{
    EventLoop *loop = EventLoop::current();
    Q_ASSERT_X(loop, "createTask", "tasks are created on a running loop");
    p.isRoot = true;
    p.started = true;
    p.kind = kind;
    p.unit = loop->newUnit();
    if (!label.isEmpty())
        p.label = loop->intern(label);
    TaskCore *creator = loop->currentTask();
    p.parentUnit = creator ? creator->currentUnit : 0;
    loop->trace().created(p.unit, kind, p.parentUnit, p.label);
    TaskCore *core = loop->createTaskCore(h, p.unit);
    p.task = core;
    core->ref(); // the handle's reference
    return core;
}

} // namespace Loopscope::detail
