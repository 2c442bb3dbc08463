#pragma once

#include "blockpool.h"
#include "taskcore.h"

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace Loopscope {

//! The loop's FIFO of ReadyItems: one ring whose capacity doubles when full, in pool memory and
//! kept between turns. A turn takes the items that were there when it started from the front
//! while what they schedule goes to the back, so a turn of a million items needs room for a
//! million, not for two vectors of them. Loop thread only.
class ReadyQueue
{
public:
    ReadyQueue() = default;
    ~ReadyQueue() { BlockPool::deallocate(m_items, m_capacity * sizeof(ReadyItem)); }
    ReadyQueue(const ReadyQueue &) = delete;
    ReadyQueue &operator=(const ReadyQueue &) = delete;

    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }
    void push(ReadyItem item)
    {
        if (m_size == m_capacity)
            grow();
        m_items[(m_head + m_size) & (m_capacity - 1)] = item;
        ++m_size;
    }
    //! The oldest item, removed. Not empty().
    ReadyItem pop()
    {
        const ReadyItem item = m_items[m_head];
        m_head = (m_head + 1) & (m_capacity - 1);
        --m_size;
        return item;
    }

private:
    void grow()
    {
        static_assert(std::is_trivially_copyable_v<ReadyItem> && sizeof(ReadyItem) == 8);
        const std::size_t capacity = m_capacity ? 2 * m_capacity : 64;
        auto *items = static_cast<ReadyItem *>(BlockPool::allocate(capacity * sizeof(ReadyItem)));
        // Unwrapped: the oldest item goes to index 0.
        const std::size_t first = m_capacity - m_head;
        if (m_size) {
            std::memcpy(items, m_items + m_head, first * sizeof(ReadyItem));
            std::memcpy(items + first, m_items, (m_size - first) * sizeof(ReadyItem));
        }
        BlockPool::deallocate(m_items, m_capacity * sizeof(ReadyItem));
        m_items = items;
        m_capacity = capacity;
        m_head = 0;
    }

    ReadyItem *m_items = nullptr;
    std::size_t m_capacity = 0; // a power of two (or 0)
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace Loopscope
