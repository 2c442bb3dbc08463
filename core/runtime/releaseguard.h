#pragma once

#include <utility>

namespace Loopscope {

//! Holds what was acquired from a P (a semaphore's permit, a lock) and calls P::release() once
//! when destroyed or released: `async with`. Move-only. Loop thread only.
template<typename P>
class [[nodiscard]] ReleaseGuard
{
public:
    explicit ReleaseGuard(P *owner = nullptr)
        : m_owner(owner)
    {
    }
    ReleaseGuard(ReleaseGuard &&o) noexcept
        : m_owner(std::exchange(o.m_owner, nullptr))
    {
    }
    ReleaseGuard &operator=(ReleaseGuard &&o) noexcept
    {
        if (this != &o) {
            release();
            m_owner = std::exchange(o.m_owner, nullptr);
        }
        return *this;
    }
    ~ReleaseGuard() { release(); }
    void release()
    {
        if (m_owner)
            std::exchange(m_owner, nullptr)->release();
    }
    //! Keeps it acquired and forgets it (Condition::wait re-acquires for the caller's guard).
    void dismiss() { m_owner = nullptr; }

private:
    P *m_owner;
};

} // namespace Loopscope
