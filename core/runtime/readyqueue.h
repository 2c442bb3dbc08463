#pragma once

#include "blockpool.h"
#include "taskcore.h"
#include "tracerecorder.h"

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace Loopscope {

//! The loop's FIFO of ReadyItems: a list of fixed chunks in pool memory, pushed at the back and
//! popped from the front. A drained chunk goes back to the pool at once (one is kept for the
//! next turn), and chunks are the trace's size: in a big run, what a turn's queue held serves
//! the trace that the turn writes, and growing never copies. Loop thread only.
class ReadyQueue
{
public:
    ReadyQueue() = default;
    ~ReadyQueue()
    {
        while (m_head)
            release(std::exchange(m_head, m_head->next));
        if (m_spare)
            BlockPool::deallocate(m_spare, sizeof(Chunk));
    }
    ReadyQueue(const ReadyQueue &) = delete;
    ReadyQueue &operator=(const ReadyQueue &) = delete;

    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }
    void push(ReadyItem item)
    {
        if (!m_tail || m_tailIndex == Chunk::Capacity)
            addChunk();
        new (&m_tail->items[m_tailIndex++]) ReadyItem(item);
        ++m_size;
    }
    //! The oldest item, removed. Not empty().
    ReadyItem pop()
    {
        const ReadyItem item = m_head->items[m_headIndex++];
        if (--m_size == 0) {
            // Empty: the chunk left starts over.
            m_headIndex = m_tailIndex = 0;
        } else if (m_headIndex == Chunk::Capacity) {
            release(std::exchange(m_head, m_head->next));
            m_headIndex = 0;
        }
        return item;
    }

private:
    struct Chunk {
        static constexpr std::size_t Capacity =
            (TraceRecorder::StorageChunkBytes - sizeof(void *)) / sizeof(ReadyItem);
        Chunk *next;
        union {
            ReadyItem items[Capacity]; // raw until pushed
        };
    };
    static_assert(std::is_trivially_copyable_v<ReadyItem> && sizeof(ReadyItem) == 8);
    static_assert(sizeof(Chunk) == TraceRecorder::StorageChunkBytes);

    void addChunk()
    {
        Chunk *c = m_spare ? std::exchange(m_spare, nullptr)
                           : static_cast<Chunk *>(BlockPool::allocate(sizeof(Chunk)));
        c->next = nullptr;
        if (m_tail)
            m_tail->next = c;
        else
            m_head = c;
        m_tail = c;
        m_tailIndex = 0;
    }
    void release(Chunk *c)
    {
        if (c == m_tail)
            m_tail = nullptr;
        if (!m_spare)
            m_spare = c;
        else
            BlockPool::deallocate(c, sizeof(Chunk));
    }

    Chunk *m_head = nullptr;
    Chunk *m_tail = nullptr;
    Chunk *m_spare = nullptr;  // a drained chunk, kept for the next push
    std::size_t m_headIndex = 0; // next to pop in m_head
    std::size_t m_tailIndex = 0; // next to fill in m_tail
    std::size_t m_size = 0;
};

} // namespace Loopscope
