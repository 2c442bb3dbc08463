#include "blockpool.h"

#include <catch2/catch.hpp>

#include <QtGlobal>

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
        CHECK(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0);
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
