#pragma once

#include <cstddef>

namespace Loopscope {

//! Memory for what a run makes by the hundred thousand: coroutine frames, task records and
//! trace chunks. Blocks come from 2 MiB-aligned regions that the kernel is asked to back with
//! huge pages (madvise MADV_HUGEPAGE): faulting in fresh 4 KiB pages one by one costs more than
//! the work of a task (a run of 1e6 tasks touches about 600 MB), one fault per 2 MiB does not.
//!
//! Sizes are rounded up to a class (8-byte steps to 1 KiB, then eight classes per doubling
//! up to MaxBlock). A block is aligned for any object of its class's size: to 16 bytes when
//! that is a multiple of 16, else to 8. Each thread keeps a free list and a carving span per class, with no lock on
//! the fast path; it hands surplus blocks (and, when it exits, all of them) to a shared depot,
//! so what one thread frees (a trace the GUI drops) serves the next run on another thread.
//! Regions stay mapped for the life of the process: the pool holds as much as the largest run
//! needed, ready for the next. Larger sizes get a huge-page mapping of their own (rounded up to
//! 2 MiB), unmapped when freed: the runtime's big arrays (ready queue, timer heap, gather's
//! nodes, through PoolAllocator).
//!
//! Any thread; deallocate() takes the size given to allocate(). Under AddressSanitizer or
//! ThreadSanitizer both are plain operator new and delete, so the sanitizers see every object.
class BlockPool
{
public:
    static constexpr std::size_t MaxBlock = std::size_t(512) * 1024;

    static void *allocate(std::size_t size);
    static void deallocate(void *p, std::size_t size) noexcept;

    //! Bytes of huge-page regions mapped so far for small blocks (for tests).
    static std::size_t mappedBytes();
};

//! A standard allocator over BlockPool, for the runtime's containers.
template<typename T>
struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template<typename U>
    PoolAllocator(const PoolAllocator<U> &) noexcept
    {
    }
    T *allocate(std::size_t n) { return static_cast<T *>(BlockPool::allocate(n * sizeof(T))); }
    void deallocate(T *p, std::size_t n) noexcept { BlockPool::deallocate(p, n * sizeof(T)); }
    template<typename U>
    bool operator==(const PoolAllocator<U> &) const noexcept
    {
        return true;
    }
};

} // namespace Loopscope
