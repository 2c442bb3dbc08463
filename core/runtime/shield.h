#pragma once

#include "task.h"

namespace Loopscope {

namespace detail {
//! The outer future of a shield: a core without a coroutine that ends as inner ends, or
//! cancelled on its own when it is cancelled. It shares inner's unit (it is not a unit of its
//! own: awaiting it links to inner) and its result, found at innerResult (resultStorageOf()).
TaskCore *shieldCore(TaskCore *inner, void *innerResult);
} // namespace detail

//! asyncio.shield: a handle to await instead of task. Cancelling what awaits it (a waitFor
//! deadline included) cancels only the shield: the task goes on and can be awaited again.
//! A task that is already done is returned as it is. Loop thread only.
template<typename T>
Task<T> shield(Task<T> task)
{
    if (task.isDone())
        return task;
    return Task<T>(detail::shieldCore(task.core(), detail::resultStorageOf<T>(task.core())));
}

} // namespace Loopscope
