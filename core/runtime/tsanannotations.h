#pragma once

// Qt is not built with ThreadSanitizer, so the synchronisation inside QThreadPool and
// QFutureInterface (futexes) is invisible to it. Where our data crosses threads through them, we
// tell TSan about the order that Qt guarantees. No-ops in other builds.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#define LOOPSCOPE_HAPPENS_BEFORE(addr) __tsan_release(static_cast<void *>(addr))
#define LOOPSCOPE_HAPPENS_AFTER(addr) __tsan_acquire(static_cast<void *>(addr))
#else
#define LOOPSCOPE_HAPPENS_BEFORE(addr) static_cast<void>(addr)
#define LOOPSCOPE_HAPPENS_AFTER(addr) static_cast<void>(addr)
#endif
