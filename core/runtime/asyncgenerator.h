#pragma once

#include "task.h"

#include <optional>

namespace Loopscope {

template<typename T>
class Gen;

namespace detail {

//! Starts one step of a generator inline in the consumer's task: a unit of kind generator.
void enterStep(PromiseBase &consumer, PromiseBase &gen, quint32 stepLabel);
//! Ends the current step (the generator yielded, or returned: then it is relabelled endLabel).
void leaveStep(PromiseBase &gen, quint32 endLabel);

template<typename T>
struct GenPromise : PromiseBase {
    std::optional<T> current;
    bool finished = false;
    int steps = 0;
    QString stepPattern; // "page %1"
    QString name;

    Gen<T> get_return_object() noexcept;
    using PromiseBase::await_transform;
    //! A step's end is recorded by its final awaiter, which a frame destroyed mid-step skips.
    void await_transform(CancelPassesThrough) = delete;
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct YieldAwaiter {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<GenPromise> h) noexcept
        {
            auto &p = h.promise();
            leaveStep(p, 0);
            return p.continuation;
        }
        void await_resume() const noexcept { }
    };
    template<typename V>
    YieldAwaiter yield_value(V &&v)
    {
        current.emplace(std::forward<V>(v));
        return {};
    }
    struct EndAwaiter {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<GenPromise> h) noexcept
        {
            auto &p = h.promise();
            p.finished = true;
            quint32 endLabel = 0;
            if (p.task && !p.name.isEmpty())
                endLabel = p.task->loop()->intern(p.name + QStringLiteral(": end"));
            leaveStep(p, endLabel);
            return p.continuation;
        }
        void await_resume() const noexcept { }
    };
    EndAwaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept { }
};

} // namespace detail

//! An async generator (`async def f(): ... yield x`): `Gen<Page> fetchPages(int n)`.
//! The consumer pulls with `while (auto page = co_await gen.next())`. Each step (from next() to
//! the yield) runs inline in the consumer's task and is traced as a unit of kind generator,
//! labelled by named(name, "page %1"). Loop thread only; move-only.
template<typename T>
class [[nodiscard]] Gen
{
public:
    using promise_type = detail::GenPromise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    explicit Gen(Handle h)
        : m_h(h)
    {
        m_h.promise().started = true; // a generator never iterated is not an error
    }
    Gen(Gen &&o) noexcept
        : m_h(std::exchange(o.m_h, nullptr))
    {
    }
    ~Gen()
    {
        if (m_h)
            m_h.destroy();
    }
    Gen &&named(const QString &name, const QString &stepPattern) &&
    {
        m_h.promise().name = name;
        m_h.promise().stepPattern = stepPattern;
        return std::move(*this);
    }

    struct Next {
        static constexpr bool IsInlineAwaiter = true;
        Handle h;
        bool await_ready() const noexcept { return h.promise().finished; }
        template<typename P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> consumer)
        {
            auto &g = h.promise();
            ++g.steps;
            quint32 label = 0;
            if (!g.stepPattern.isEmpty()) {
                if (EventLoop *loop = EventLoop::current())
                    label = loop->intern(g.stepPattern.arg(g.steps));
            }
            detail::enterStep(consumer.promise(), g, label);
            g.continuation = consumer;
            return h;
        }
        std::optional<T> await_resume()
        {
            auto &g = h.promise();
            if (g.exception)
                std::rethrow_exception(std::exchange(g.exception, nullptr));
            if (g.finished)
                return std::nullopt;
            std::optional<T> out = std::move(g.current);
            g.current.reset();
            return out;
        }
    };
    //! `co_await gen.next()`: the next value, or nullopt at the end.
    Next next() { return Next{m_h}; }

private:
    Handle m_h;
};

namespace detail {
template<typename T>
Gen<T> GenPromise<T>::get_return_object() noexcept
{
    static_assert(alignof(GenPromise<T>) == alignof(PromiseBase)); // as Promise<T>'s
    return Gen<T>(std::coroutine_handle<GenPromise<T>>::from_promise(*this));
}
} // namespace detail

} // namespace Loopscope
