#pragma once

#include "executor.h"

#include <functional>

namespace Loopscope {

//! asyncio.to_thread: runs f(args...) on the loop's default executor (a job labelled label,
//! submitted when this coroutine first runs) and gives its result. Loop thread only.
template<typename F, typename... Args>
auto toThread(QString label, F f, Args... args) -> Co<std::invoke_result_t<F, Args...>>
{
    using R = std::invoke_result_t<F, Args...>;
    Task<R> job = EventLoop::current()->defaultExecutor().run(
        label, [f = std::move(f), ... args = std::move(args)]() mutable -> R {
            return std::invoke(f, args...);
        });
    co_return co_await job;
}

} // namespace Loopscope
