#pragma once

#include "task.h"

#include <QStringList>

#include <vector>

namespace Loopscope {

//! asyncio.TaskGroup. spawn() children, then `co_await group.wait()` (the end of
//! `async with`): it waits for every child. When a child fails, the group cancels the children
//! that are still not done; children that finished meanwhile (even in the same loop turn, as the
//! group hears of the failure one turn later, like asyncio) keep their outcome. wait() then
//! raises an ExceptionGroup of every error. If the waiting task is cancelled, the children are
//! cancelled, waited for, and CancelledError propagates.
//! A group that is destroyed without wait() cancels what it left running. Loop thread only.
class TaskGroup
{
public:
    TaskGroup();
    ~TaskGroup();
    TaskGroup(const TaskGroup &) = delete;
    TaskGroup &operator=(const TaskGroup &) = delete;

    template<typename T>
    Task<T> spawn(Co<T> co, const QString &label = QString())
    {
        Task<T> task = createTask(std::move(co), label);
        add(task.core());
        return task;
    }

    //! Waits for every child; throws ExceptionGroup if any failed.
    Co<void> wait();

    QStringList errors() const;

private:
    struct State;
    class Wait;
    void add(TaskCore *child);
    State *m_state;
};

} // namespace Loopscope
