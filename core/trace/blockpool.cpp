#include "blockpool.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LOOPSCOPE_BLOCKPOOL_BYPASS 1
#endif

namespace Loopscope {

#ifndef LOOPSCOPE_BLOCKPOOL_BYPASS
namespace {

// 8-byte steps: a block is aligned for any object of its size (16 bytes when the size is a
// multiple of 16, else 8: an object's size is a multiple of its alignment), and a frame or core
// of 16k + 8 bytes does not pay 8 more.
constexpr std::size_t SmallStep = 8;
constexpr std::size_t SmallMax = 1024;
constexpr int SmallClasses = int(SmallMax / SmallStep);
constexpr int StepsPerDoubling = 8;
constexpr int Doublings = 9; // (1 KiB, 2 KiB] .. (256 KiB, 512 KiB]
constexpr int ClassCount = SmallClasses + Doublings * StepsPerDoubling;
constexpr std::size_t HugePage = std::size_t(2) << 20;
constexpr std::size_t RegionBytes = std::size_t(32) << 20;
// What a thread takes from the depot or a region at a time, and keeps after handing back.
constexpr std::size_t BatchBytes = std::size_t(64) << 10;

int classOf(std::size_t size)
{
    if (size <= SmallMax)
        return int((std::max<std::size_t>(size, 1) - 1) / SmallStep);
    const int p = 63 - __builtin_clzll(static_cast<unsigned long long>(size - 1)); // 2^p < size
    const std::size_t step = std::size_t(1) << (p - 3);
    const int steps = int((size + step - 1) / step); // 9..16
    return SmallClasses + (p - 10) * StepsPerDoubling + steps - 9;
}

constexpr std::size_t blockSizeOf(int c)
{
    if (c < SmallClasses)
        return std::size_t(c + 1) * SmallStep;
    const int k = c - SmallClasses;
    const int p = 10 + k / StepsPerDoubling;
    return std::size_t(9 + k % StepsPerDoubling) << (p - 3);
}

// Per class, computed once: the block size, and how many blocks a thread keeps after handing
// surplus back (it hands back above twice that).
constexpr auto BlockSizes = [] {
    std::array<std::size_t, ClassCount> sizes{};
    for (int c = 0; c < ClassCount; ++c)
        sizes[std::size_t(c)] = blockSizeOf(c);
    return sizes;
}();
constexpr auto KeepCounts = [] {
    std::array<std::size_t, ClassCount> keep{};
    for (int c = 0; c < ClassCount; ++c)
        keep[std::size_t(c)] = std::max<std::size_t>(1, BatchBytes / BlockSizes[std::size_t(c)]);
    return keep;
}();
static_assert(BlockSizes[ClassCount - 1] == BlockPool::MaxBlock);

struct FreeBlock {
    FreeBlock *next;
};

struct Depot {
    std::mutex mutex;
    FreeBlock *free[ClassCount] = {};
    char *region = nullptr;
    char *regionEnd = nullptr;
    std::atomic<std::size_t> mapped{0};
};

Depot &depot()
{
    // Never destroyed: threads may free into it while the process exits.
    static Depot *d = new Depot;
    return *d;
}

//! bytes (a multiple of HugePage) at a HugePage-aligned address, huge pages asked for.
char *mapHuge(std::size_t bytes)
{
    const std::size_t total = bytes + HugePage;
    void *raw = ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto base = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (base + HugePage - 1) & ~(HugePage - 1);
    if (aligned > base)
        ::munmap(raw, aligned - base);
    const std::uintptr_t end = aligned + bytes;
    if (base + total > end)
        ::munmap(reinterpret_cast<void *>(end), base + total - end);
    // A hint: where transparent huge pages are off, these stay ordinary pages.
    ::madvise(reinterpret_cast<void *>(aligned), bytes, MADV_HUGEPAGE);
    return reinterpret_cast<char *>(aligned);
}

std::size_t roundToHugePages(std::size_t bytes) { return (bytes + HugePage - 1) & ~(HugePage - 1); }

char *mapRegion(Depot &d, std::size_t bytes)
{
    char *p = mapHuge(bytes);
    d.mapped.fetch_add(bytes, std::memory_order_relaxed);
    return p;
}

//! A fresh range of bytes from the current region, 16-aligned. Caller holds d.mutex.
char *carveLocked(Depot &d, std::size_t bytes)
{
    bytes = (bytes + 15) & ~std::size_t(15); // the next range stays 16-aligned
    if (std::size_t(d.regionEnd - d.region) < bytes) {
        const std::size_t size = std::max(RegionBytes, roundToHugePages(bytes));
        d.region = mapRegion(d, size);
        d.regionEnd = d.region + size;
    }
    char *p = d.region;
    d.region += bytes;
    return p;
}

struct ClassCache {
    FreeBlock *free = nullptr;
    std::size_t count = 0;
    char *span = nullptr; // carved, never handed out yet: [span, spanEnd)
    char *spanEnd = nullptr;
};

struct ThreadCache {
    ClassCache classes[ClassCount];
    ~ThreadCache();
};

thread_local ThreadCache *t_cache = nullptr;
thread_local bool t_cacheGone = false;

ThreadCache *threadCache()
{
    if (t_cache)
        return t_cache;
    if (t_cacheGone)
        return nullptr; // the thread is exiting: its cache is already handed back
    thread_local ThreadCache cache;
    t_cache = &cache;
    return t_cache;
}

ThreadCache::~ThreadCache()
{
    t_cache = nullptr;
    t_cacheGone = true;
    Depot &d = depot();
    std::lock_guard lock(d.mutex);
    for (int c = 0; c < ClassCount; ++c) {
        ClassCache &cc = classes[c];
        const std::size_t size = BlockSizes[std::size_t(c)];
        for (; cc.span && std::size_t(cc.spanEnd - cc.span) >= size; cc.span += size) {
            auto *b = reinterpret_cast<FreeBlock *>(cc.span);
            b->next = cc.free;
            cc.free = b;
        }
        while (FreeBlock *b = cc.free) {
            cc.free = b->next;
            b->next = d.free[c];
            d.free[c] = b;
        }
    }
}

//! Refills an empty class cache: blocks from the depot, else a new carving span.
void refill(ClassCache &cc, int c)
{
    Depot &d = depot();
    std::lock_guard lock(d.mutex);
    if (d.free[c]) {
        const std::size_t keep = KeepCounts[std::size_t(c)];
        FreeBlock *head = d.free[c];
        FreeBlock *tail = head;
        std::size_t n = 1;
        while (n < keep && tail->next) {
            tail = tail->next;
            ++n;
        }
        d.free[c] = tail->next;
        tail->next = nullptr;
        cc.free = head;
        cc.count = n;
        return;
    }
    const std::size_t size = BlockSizes[std::size_t(c)];
    const std::size_t bytes = std::max<std::size_t>(1, BatchBytes / size) * size;
    cc.span = carveLocked(d, bytes);
    cc.spanEnd = cc.span + bytes;
}

//! Hands all but KeepCounts[c] blocks of a class back to the depot.
void handBack(ClassCache &cc, int c)
{
    const std::size_t keep = KeepCounts[std::size_t(c)];
    FreeBlock *last = cc.free;
    for (std::size_t i = 1; i < keep; ++i)
        last = last->next;
    FreeBlock *surplus = last->next;
    last->next = nullptr;
    FreeBlock *tail = surplus;
    while (tail->next)
        tail = tail->next;
    cc.count = keep;
    Depot &d = depot();
    std::lock_guard lock(d.mutex);
    tail->next = d.free[c];
    d.free[c] = surplus;
}

// An exiting thread (no cache any more) works on the depot directly.
void *allocateShared(int c, std::size_t size)
{
    Depot &d = depot();
    std::lock_guard lock(d.mutex);
    if (FreeBlock *b = d.free[c]) {
        d.free[c] = b->next;
        return b;
    }
    return carveLocked(d, size);
}

void deallocateShared(void *p, int c)
{
    Depot &d = depot();
    std::lock_guard lock(d.mutex);
    auto *b = static_cast<FreeBlock *>(p);
    b->next = d.free[c];
    d.free[c] = b;
}

} // namespace

void *BlockPool::allocate(std::size_t size)
{
    if (size > MaxBlock)
        return mapHuge(roundToHugePages(size));
    const int c = classOf(size);
    ThreadCache *tc = threadCache();
    const std::size_t blockSize = BlockSizes[std::size_t(c)];
    if (!tc)
        return allocateShared(c, blockSize);
    ClassCache &cc = tc->classes[c];
    if (!cc.free && std::size_t(cc.spanEnd - cc.span) < blockSize)
        refill(cc, c);
    if (FreeBlock *b = cc.free) {
        cc.free = b->next;
        --cc.count;
        return b;
    }
    char *p = cc.span;
    cc.span += blockSize;
    return p;
}

void BlockPool::deallocate(void *p, std::size_t size) noexcept
{
    if (!p)
        return;
    if (size > MaxBlock) {
        ::munmap(p, roundToHugePages(size));
        return;
    }
    const int c = classOf(size);
    ThreadCache *tc = threadCache();
    if (!tc) {
        deallocateShared(p, c);
        return;
    }
    ClassCache &cc = tc->classes[c];
    auto *b = static_cast<FreeBlock *>(p);
    b->next = cc.free;
    cc.free = b;
    if (++cc.count > 2 * KeepCounts[std::size_t(c)])
        handBack(cc, c);
}

std::size_t BlockPool::mappedBytes() { return depot().mapped.load(std::memory_order_relaxed); }

#else

void *BlockPool::allocate(std::size_t size) { return ::operator new(size); }
void BlockPool::deallocate(void *p, std::size_t size) noexcept { ::operator delete(p, size); }
std::size_t BlockPool::mappedBytes() { return 0; }

#endif

} // namespace Loopscope
