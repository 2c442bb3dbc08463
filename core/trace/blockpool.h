#pragma once

#include <cstddef>

namespace Loopscope {

//! Memory for what a run makes by the hundred thousand: coroutine frames, task records and
//! trace chunks. Blocks come from 2 MiB-aligned regions that the kernel is asked to back with
//! huge pages (madvise MADV_HUGEPAGE): faulting in fresh 4 KiB pages one by one costs more than
//! the work of a task (a run of 1e6 tasks touches about 600 MB), one fault per 2 MiB does not.
//!
//! Sizes are rounded up to a class (16-byte steps to 1 KiB, then eight classes per doubling
//! up to MaxBlock). Each thread keeps a free list and a carving span per class, with no lock on
//! the fast path; it hands surplus blocks (and, when it exits, all of them) to a shared depot,
//! so what one thread frees (a trace the GUI drops) serves the next run on another thread.
//! Regions stay mapped for the life of the process: the pool holds as much as the largest run
//! needed, ready for the next. Larger sizes go to operator new.
//!
//! Any thread; deallocate() takes the size given to allocate(). Under AddressSanitizer or
//! ThreadSanitizer both are plain operator new and delete, so the sanitizers see every object.
class BlockPool
{
public:
    static constexpr std::size_t MaxBlock = std::size_t(512) * 1024;

    static void *allocate(std::size_t size);
    static void deallocate(void *p, std::size_t size) noexcept;

    //! Bytes of huge-page regions mapped so far (for tests and the benchmark).
    static std::size_t mappedBytes();
};

} // namespace Loopscope
