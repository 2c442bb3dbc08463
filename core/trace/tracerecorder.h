#pragma once

#include "traceevent.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace Loopscope {

class Clock;

//! Append-only, thread-safe log of TraceEvents with an interned string table.
//!
//! Two streams: the loop stream, written without locks by exactly one thread at a time (the
//! scenario loop's), and the shared stream, written under a mutex by any thread (executor
//! workers). Events are stored in fixed chunks that never move, so readers copy what is new since
//! their Cursor while writers go on; no reader holds a writer's lock while it paints.
//!
//! Per unit, the loop stream's events come before the shared stream's (a unit is created on the
//! loop before a worker touches it); readNew() keeps that order in what it returns.
class TraceRecorder
{
public:
    struct Cursor {
        quint64 loop = 0;
        quint64 shared = 0;
    };

    TraceRecorder();
    ~TraceRecorder();
    TraceRecorder(const TraceRecorder &) = delete;
    TraceRecorder &operator=(const TraceRecorder &) = delete;

    //! A fresh unit id (ids start at 1; 0 means none). Any thread.
    quint32 newUnitId() { return m_nextUnit.fetch_add(1, std::memory_order_relaxed); }
    //! Interns text; 0 is reserved for the empty string. Any thread.
    quint32 intern(const QString &text);
    //! The text of an interned string id. Any thread.
    QString string(quint32 id) const;
    //! All strings interned so far (index = id).
    QStringList strings() const;

    //! Loop stream: only the loop thread calls this.
    void append(const TraceEvent &event)
    {
        const quint64 n = m_loop.count.load(std::memory_order_relaxed);
        TraceEvent *chunk = m_loop.chunk(n);
        chunk[n & ChunkMask] = event;
        m_loop.count.store(n + 1, std::memory_order_release);
    }
    //! Shared stream: any thread. The time is read from clock under the lock, so the shared
    //! stream stays ordered by time.
    void appendShared(TraceEvent event, const Clock &clock);

    //! Appends everything new since cursor to out and advances it. Any thread.
    void readNew(Cursor &cursor, std::vector<TraceEvent> &out) const;
    //! Number of events so far (both streams).
    quint64 size() const;
    //! Bytes held by events and strings (for the benchmark's bytes per task).
    quint64 memoryBytes() const;

private:
    static constexpr int ChunkBits = 14;
    static constexpr quint64 ChunkSize = quint64(1) << ChunkBits;
    static constexpr quint64 ChunkMask = ChunkSize - 1;
    static constexpr std::size_t ChunkBytes = ChunkSize * sizeof(TraceEvent);
    static constexpr int MaxChunks = 1 << 15;

    struct Stream {
        std::atomic<quint64> count{0};
        std::unique_ptr<std::atomic<TraceEvent *>[]> chunks;
        Stream();
        ~Stream();
        TraceEvent *chunk(quint64 index)
        {
            const quint64 c = index >> ChunkBits;
            TraceEvent *p = chunks[c].load(std::memory_order_relaxed);
            return p ? p : allocate(c);
        }
        TraceEvent *allocate(quint64 c);
        void copy(quint64 from, quint64 to, std::vector<TraceEvent> &out) const;
    };

    Stream m_loop;
    Stream m_shared;
    std::mutex m_sharedMutex;
    std::atomic<quint32> m_nextUnit{1};

    mutable std::mutex m_stringMutex;
    QStringList m_strings;
    QHash<QString, quint32> m_stringIds;
};

} // namespace Loopscope
