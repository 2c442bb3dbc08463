#include "blockpool.h"

#include <catch2/catch.hpp>

#include <QtGlobal>

#include <atomic>
#include <mutex>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

using namespace Loopscope;

namespace {

// What a run does: make blocks of each size (size, how many), write them all, free them all.
void churn(const std::vector<std::pair<std::size_t, int>> &sizes)
{
    std::vector<std::pair<void *, std::size_t>> blocks;
    for (auto [size, n] : sizes) {
        for (int i = 0; i < n; ++i) {
            void *p = BlockPool::allocate(size);
            std::memset(p, 0xab, size);
            blocks.emplace_back(p, size);
        }
    }
    for (auto [p, size] : blocks)
        BlockPool::deallocate(p, size);
}

} // namespace

TEST_CASE("BlockPool gives aligned, distinct blocks of every size", "[trace][blockpool]")
{
    std::vector<std::pair<void *, std::size_t>> blocks;
    std::set<std::uintptr_t> starts;
    // Small classes, the classes per doubling, operator new, and huge-page mappings of their own.
    for (std::size_t size = 1; size <= BlockPool::MaxBlock * 16; size = size * 3 / 2 + 1) {
        void *p = BlockPool::allocate(size);
        REQUIRE(p);
        // Aligned for any object of that size: one of 16k + 8 bytes has an alignment of 8 at most.
        const std::size_t alignment = (size + 7) / 8 % 2 ? 8 : alignof(std::max_align_t);
        CHECK(reinterpret_cast<std::uintptr_t>(p) % alignment == 0);
        std::memset(p, int(size & 0xff), size);
        blocks.emplace_back(p, size);
        starts.insert(reinterpret_cast<std::uintptr_t>(p));
    }
    CHECK(starts.size() == blocks.size());
    // No block overlaps another: every one still holds what was written into it.
    for (auto [p, size] : blocks) {
        const auto *bytes = static_cast<const unsigned char *>(p);
        CHECK(bytes[0] == (size & 0xff));
        CHECK(bytes[size - 1] == (size & 0xff));
    }
    for (auto [p, size] : blocks)
        BlockPool::deallocate(p, size);
}

// Under the sanitizers the pool is plain operator new (blocks lie where malloc puts them).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("BlockPool rounds small sizes to 8 bytes", "[trace][blockpool]")
{
    // A fresh thread carves a size no other test uses: its blocks lie side by side.
    std::uintptr_t first = 0, second = 0, third = 0;
    std::thread([&] {
        void *a = BlockPool::allocate(897);
        void *b = BlockPool::allocate(904);
        void *c = BlockPool::allocate(904);
        first = reinterpret_cast<std::uintptr_t>(a);
        second = reinterpret_cast<std::uintptr_t>(b);
        third = reinterpret_cast<std::uintptr_t>(c);
        BlockPool::deallocate(a, 897);
        BlockPool::deallocate(b, 904);
        BlockPool::deallocate(c, 904);
    }).join();
    CHECK(second - first == 904);
    CHECK(third - second == 904);
}
#endif

TEST_CASE("BlockPool reuses what runs on other threads freed", "[trace][blockpool]")
{
    // Each run on a thread of its own (as the GUI's runs are): once the first has grown the pool,
    // the next ones take their memory from it instead of mapping more. A run needs about 25 MB,
    // so six runs that did not reuse would map more than one region.
    const std::vector<std::pair<std::size_t, int>> sizes{
        {48, 20000}, {160, 20000}, {1000, 5000}, {393216, 40}};
    auto run = [&] { std::thread([&] { churn(sizes); }).join(); };
    run();
    const std::size_t afterFirst = BlockPool::mappedBytes();
    for (int i = 0; i < 5; ++i)
        run();
    CHECK(BlockPool::mappedBytes() == afterFirst);

    // Freed on another thread than the one that made them (a trace dropped by the GUI).
    std::vector<void *> made;
    std::thread([&] {
        for (int i = 0; i < 5000; ++i)
            made.push_back(BlockPool::allocate(160));
    }).join();
    for (void *p : made)
        BlockPool::deallocate(p, 160);
    run();
    CHECK(BlockPool::mappedBytes() == afterFirst);
}

TEST_CASE("PoolAllocator keeps a growing container's contents", "[trace][blockpool]")
{
    // Through every kind of block as it grows: small, per-doubling, operator new, own mapping.
    std::vector<quint64, PoolAllocator<quint64>> v;
    for (quint64 i = 0; i < 1'000'000; ++i)
        v.push_back(i * 2654435761u);
    std::size_t wrong = 0;
    for (quint64 i = 0; i < v.size(); ++i)
        wrong += v[i] != i * 2654435761u;
    REQUIRE(v.size() == 1'000'000);
    REQUIRE(wrong == 0);
    v.clear();
    v.shrink_to_fit();
    CHECK(v.capacity() == 0);
}

namespace {

// A live block carries its serial in its first, middle and last eight bytes: a block handed out
// twice, or overlapping another, shows as a serial that is not its own.
struct Stamped {
    void *p;
    std::size_t size;
    quint64 serial;
};

void stamp(const Stamped &b)
{
    auto *bytes = static_cast<unsigned char *>(b.p);
    for (std::size_t at : {std::size_t(0), (b.size / 2) & ~std::size_t(7), b.size - 8})
        std::memcpy(bytes + at, &b.serial, 8);
}

bool intact(const Stamped &b)
{
    const auto *bytes = static_cast<const unsigned char *>(b.p);
    for (std::size_t at : {std::size_t(0), (b.size / 2) & ~std::size_t(7), b.size - 8}) {
        quint64 s;
        std::memcpy(&s, bytes + at, 8);
        if (s != b.serial)
            return false;
    }
    return true;
}

// Frees what it holds when its thread exits, after the thread's pool cache is gone (it was
// made first, so it is destroyed last): the exiting-thread path of the pool.
struct FreedAtExit {
    std::vector<Stamped> blocks;
    std::atomic<int> *broken = nullptr;
    ~FreedAtExit()
    {
        for (const Stamped &b : blocks) {
            if (!intact(b))
                broken->fetch_add(1);
            BlockPool::deallocate(b.p, b.size);
        }
        // And made after it: served from the shared depot.
        void *p = BlockPool::allocate(64);
        std::memset(p, 0x5a, 64);
        BlockPool::deallocate(p, 64);
    }
};
thread_local FreedAtExit t_freedAtExit;

} // namespace

TEST_CASE("BlockPool never hands out a live block across threads", "[trace][blockpool]")
{
    // Threads that come and go (as runs do), allocate and free at random, pass blocks to each
    // other to free (a trace dropped by the GUI thread), and free some after their own cache is
    // gone; with the surplus hand-back and the refills from the depot that this forces.
    std::mutex exchangeMutex;
    std::vector<Stamped> exchange;
    std::atomic<quint64> serials{1};
    std::atomic<int> broken{0};
    constexpr std::size_t Sizes[] = {16, 40, 48, 96, 160, 208, 1000, 1100, 5000, 70000};
    auto worker = [&](unsigned seed) {
        t_freedAtExit.broken = &broken; // made before the thread's first pool call
        std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
        auto next = [&x] {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            return x;
        };
        std::vector<Stamped> live;
        for (int i = 0; i < 60000; ++i) {
            const std::uint64_t r = next();
            if (live.size() < 3000 && (r & 3) != 0) {
                const std::size_t size = Sizes[(r >> 8) % std::size(Sizes)];
                Stamped b{BlockPool::allocate(size), size, serials.fetch_add(1)};
                stamp(b);
                live.push_back(b);
            } else if (!live.empty()) {
                const std::size_t k = (r >> 16) % live.size();
                Stamped b = live[k];
                live[k] = live.back();
                live.pop_back();
                if (!intact(b))
                    broken.fetch_add(1);
                if ((r >> 40) % 4 == 0) {
                    std::lock_guard lock(exchangeMutex);
                    exchange.push_back(b);
                } else {
                    BlockPool::deallocate(b.p, b.size);
                }
            }
            if ((r >> 48) % 64 == 0) {
                std::vector<Stamped> taken;
                {
                    std::lock_guard lock(exchangeMutex);
                    taken.swap(exchange);
                }
                for (const Stamped &b : taken) {
                    if (!intact(b))
                        broken.fetch_add(1);
                    BlockPool::deallocate(b.p, b.size);
                }
            }
        }
        // Some outlive the thread's cache, the rest are freed now.
        for (std::size_t k = 0; k < live.size(); ++k) {
            if (k % 8 == 0) {
                t_freedAtExit.blocks.push_back(live[k]);
                continue;
            }
            if (!intact(live[k]))
                broken.fetch_add(1);
            BlockPool::deallocate(live[k].p, live[k].size);
        }
    };
    for (int round = 0; round < 4; ++round) {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < 4; ++t)
            threads.emplace_back(worker, unsigned(round * 4 + t + 1));
        for (std::thread &t : threads)
            t.join();
    }
    for (const Stamped &b : exchange) {
        if (!intact(b))
            broken.fetch_add(1);
        BlockPool::deallocate(b.p, b.size);
    }
    CHECK(broken.load() == 0);
}
