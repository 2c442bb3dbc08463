#include "tracerecorder.h"

#include "blockpool.h"
#include "clock.h"

#include <cstdlib>
#include <type_traits>

namespace Loopscope {

TraceRecorder::Stream::Stream()
    : chunks(new std::atomic<TraceEvent *>[MaxChunks])
{
    for (int i = 0; i < MaxChunks; ++i)
        chunks[i].store(nullptr, std::memory_order_relaxed);
}

TraceRecorder::Stream::~Stream()
{
    for (int i = 0; i < MaxChunks; ++i) {
        if (TraceEvent *p = chunks[i].load(std::memory_order_relaxed))
            BlockPool::deallocate(p, ChunkBytes);
    }
}

TraceEvent *TraceRecorder::Stream::allocate(quint64 c)
{
    if (c >= quint64(MaxChunks))
        qFatal("Loopscope: the trace is full (%llu events)", ChunkSize * MaxChunks);
    static_assert(ChunkBytes <= BlockPool::MaxBlock, "chunks come from the pool");
    // Raw memory: an event is written before it is read.
    static_assert(std::is_trivially_copyable_v<TraceEvent>);
    auto *p = static_cast<TraceEvent *>(BlockPool::allocate(ChunkBytes));
    chunks[c].store(p, std::memory_order_release);
    return p;
}

void TraceRecorder::Stream::copy(quint64 from, quint64 to, std::vector<TraceEvent> &out) const
{
    out.reserve(out.size() + (to - from));
    while (from < to) {
        const TraceEvent *p = chunks[from >> ChunkBits].load(std::memory_order_acquire);
        const quint64 chunkEnd = std::min(to, (from | ChunkMask) + 1);
        const quint64 base = from & ~ChunkMask;
        out.insert(out.end(), p + (from - base), p + (chunkEnd - base));
        from = chunkEnd;
    }
}

TraceRecorder::TraceRecorder()
{
    m_strings.append(QString());
    m_stringIds.insert(QString(), 0);
}

TraceRecorder::~TraceRecorder() = default;

quint32 TraceRecorder::intern(const QString &text)
{
    if (text.isEmpty())
        return 0;
    std::lock_guard lock(m_stringMutex);
    auto it = m_stringIds.constFind(text);
    if (it != m_stringIds.cend())
        return it.value();
    const auto id = quint32(m_strings.size());
    m_strings.append(text);
    m_stringIds.insert(text, id);
    return id;
}

QString TraceRecorder::string(quint32 id) const
{
    std::lock_guard lock(m_stringMutex);
    return id < quint32(m_strings.size()) ? m_strings.at(id) : QString();
}

QStringList TraceRecorder::strings() const
{
    std::lock_guard lock(m_stringMutex);
    return m_strings;
}

void TraceRecorder::appendShared(TraceEvent event, const Clock &clock)
{
    std::lock_guard lock(m_sharedMutex);
    event.timeNs = clock.nowNs();
    const quint64 n = m_shared.count.load(std::memory_order_relaxed);
    m_shared.chunk(n)[n & ChunkMask] = event;
    m_shared.count.store(n + 1, std::memory_order_release);
}

void TraceRecorder::readNew(Cursor &cursor, std::vector<TraceEvent> &out) const
{
    // Shared first, then loop: every shared event read now has its unit's Created in the loop
    // stream at or before what the second read sees. Loop events are returned first.
    const quint64 sharedEnd = m_shared.count.load(std::memory_order_acquire);
    const quint64 loopEnd = m_loop.count.load(std::memory_order_acquire);
    m_loop.copy(cursor.loop, loopEnd, out);
    m_shared.copy(cursor.shared, sharedEnd, out);
    cursor.loop = loopEnd;
    cursor.shared = sharedEnd;
}

quint64 TraceRecorder::size() const
{
    return m_loop.count.load(std::memory_order_acquire)
        + m_shared.count.load(std::memory_order_acquire);
}

quint64 TraceRecorder::memoryBytes() const
{
    auto chunksOf = [](quint64 n) { return (n + ChunkMask) >> ChunkBits; };
    quint64 bytes = (chunksOf(m_loop.count.load()) + chunksOf(m_shared.count.load())) * ChunkSize
        * sizeof(TraceEvent);
    std::lock_guard lock(m_stringMutex);
    for (const QString &s : m_strings)
        bytes += quint64(s.size()) * 2 + 48;
    return bytes;
}

} // namespace Loopscope
