#include "tracerecorder.h"

#include "blockpool.h"
#include "clock.h"

#include <cstdlib>
#include <type_traits>
#include <utility>

namespace Loopscope {

TraceRecorder::Stream::Stream()
    : chunks(new std::atomic<Slot *>[MaxChunks])
{
    for (int i = 0; i < MaxChunks; ++i)
        chunks[i].store(nullptr, std::memory_order_relaxed);
}

TraceRecorder::Stream::~Stream()
{
    for (int i = 0; i < MaxChunks; ++i) {
        if (Slot *p = chunks[i].load(std::memory_order_relaxed))
            BlockPool::deallocate(p, ChunkBytes);
    }
}

TraceRecorder::Slot *TraceRecorder::Stream::allocate(quint64 c)
{
    if (c >= quint64(MaxChunks))
        qFatal("Loopscope: the trace is full (%llu slots)", ChunkSize * MaxChunks);
    static_assert(ChunkBytes <= BlockPool::MaxBlock, "chunks come from the pool");
    // Raw memory: a slot is written before it is read.
    static_assert(std::is_trivially_copyable_v<Slot> && sizeof(Slot) == 16);
    static_assert(int(EventType::Holder) < RunningThenFinishedSlot,
                  "an event type takes 4 bits of a slot, below the slot-only types");
    auto *p = static_cast<Slot *>(BlockPool::allocate(ChunkBytes));
    chunks[c].store(p, std::memory_order_release);
    return p;
}

quint64 TraceRecorder::Stream::copy(quint64 from, quint64 to, std::vector<TraceEvent> &out) const
{
    out.reserve(out.size() + (to - from));
    while (from < to) {
        const Slot &s = readAt(from++);
        TraceEvent e;
        e.timeNs = qint64(s.word) >> 9;
        const auto type = quint8((s.word >> 4) & 15);
        e.type = EventType(type);
        e.code = quint8(s.word & 15);
        e.unit = s.unit;
        e.a = s.a;
        if (s.word & (1u << 8)) {
            const quint64 x = readAt(from++).word;
            e.b = quint32(x);
            e.lane = quint16(x >> 32);
            e.code = quint8(x >> 48);
        }
        if (type == ReadyRunningSlot) {
            e.type = EventType::State;
            e.code = quint8(UnitState::Ready);
            e.a = 0;
            out.push_back(e);
            e.timeNs += qint64(s.a);
            e.code = quint8(UnitState::Running);
        } else if (type == LinkRunSlot) {
            e.type = EventType::Link;
            const quint32 n = e.b;
            e.b = 0;
            for (quint32 i = 1; i < n; ++i, ++e.a)
                out.push_back(e);
        } else if (type == RunningThenSlot) {
            const qint64 delay = qint64(e.a & ((1u << DelayBits) - 1));
            e.type = EventType::State;
            e.code = quint8(UnitState::Running);
            e.a = 0;
            out.push_back(e);
            e.timeNs += delay;
            e.code = quint8(s.word & 15);
            e.a = s.a >> DelayBits;
        } else if (type == RunningThenFinishedSlot) {
            e.type = EventType::State;
            e.code = quint8(UnitState::Running);
            e.a = 0;
            out.push_back(e);
            e.type = EventType::Finished;
            e.timeNs += qint64(s.a);
            e.code = quint8(s.word & 15);
        } else if (type == CreatedRunSlot) {
            e.type = EventType::Created;
            e.code = quint8(UnitKind::Task);
            const quint32 n = e.b;
            e.b = 0;
            for (quint32 i = 1; i < n; ++i, ++e.unit)
                out.push_back(e);
        }
        out.push_back(e);
    }
    return from;
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

void TraceRecorder::readStrings(std::deque<QString> &out) const
{
    std::lock_guard lock(m_stringMutex);
    const auto n = std::size_t(m_strings.size());
    for (std::size_t i = out.size(); i < n; ++i)
        out.push_back(m_strings.at(qsizetype(i)));
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
    m_shared.write(event);
}

void TraceRecorder::appendReadyRunningSlow(quint32 unit, qint64 readyNs, qint64 runningNs)
{
    flush();
    const qint64 delay = runningNs - readyNs;
    if (delay >= 0 && delay <= qint64(0xffffffff)) {
        m_loop.writeSlots(readyNs, ReadyRunningSlot, 0, unit, quint32(delay), false);
        return;
    }
    append({readyNs, unit, EventType::State, quint8(UnitState::Ready), 0, 0, 0});
    append({runningNs, unit, EventType::State, quint8(UnitState::Running), 0, 0, 0});
}

void TraceRecorder::startCreatedRun(qint64 timeNs, quint32 unit, quint32 parent)
{
    flush();
    m_createdRun = {timeNs, unit, parent, 1};
}

void TraceRecorder::writeCreatedRun()
{
    CreatedRun &run = m_createdRun;
    if (run.count == 1)
        m_loop.write({run.timeNs, run.first, EventType::Created, quint8(UnitKind::Task), 0,
                      run.parent, 0});
    else
        m_loop.writeSlots(run.timeNs, CreatedRunSlot, 0, run.first, run.parent, true, 0,
                          run.count);
    run.count = 0;
}

void TraceRecorder::appendStateSlow(qint64 timeNs, quint32 unit, UnitState state, quint32 at,
                                    bool hold)
{
    const HeldRunning held = m_heldRunning;
    if (held.unit == unit) {
        const qint64 delay = timeNs - held.timeNs;
        if (state != UnitState::Running && delay >= 0 && delay <= MaxRunningNs
            && at < (1u << PlaceBits)) {
            m_heldRunning.unit = 0;
            flush();
            m_loop.writeSlots(held.timeNs, RunningThenSlot, quint8(state), unit,
                              at << DelayBits | quint32(delay), false);
            return;
        }
    }
    flush();
    if (hold && unit != 0) {
        m_heldRunning = {timeNs, unit};
        return;
    }
    m_loop.write({timeNs, unit, EventType::State, quint8(state), 0, at, 0});
}

void TraceRecorder::writeHeldRunning()
{
    const HeldRunning held = std::exchange(m_heldRunning, {});
    m_loop.write({held.timeNs, held.unit, EventType::State, quint8(UnitState::Running), 0, 0, 0});
}

void TraceRecorder::appendLinkRun(qint64 timeNs, quint32 awaiter, quint32 firstAwaited,
                                  quint32 count)
{
    flush();
    while (count > 0) {
        const quint32 n = std::min(count, MaxLinkRun);
        if (n == 1)
            append({timeNs, awaiter, EventType::Link, 0, 0, firstAwaited, 0});
        else
            m_loop.writeSlots(timeNs, LinkRunSlot, 0, awaiter, firstAwaited, true, 0, n);
        firstAwaited += n;
        count -= n;
    }
}

void TraceRecorder::readNew(Cursor &cursor, std::vector<TraceEvent> &out, quint64 maxSlots) const
{
    // Shared first, then loop: every shared event read now has its unit's Created in the loop
    // stream at or before what the second read sees. Loop events are returned first. So the
    // shared stream is read only when the loop stream was read to its end.
    const quint64 sharedEnd = m_shared.count.load(std::memory_order_acquire);
    const quint64 loopEnd = m_loop.count.load(std::memory_order_acquire);
    const quint64 loopFrom = cursor.loop;
    const quint64 loopTo = loopEnd - loopFrom > maxSlots ? loopFrom + maxSlots : loopEnd;
    cursor.loop = m_loop.copy(loopFrom, loopTo, out);
    const quint64 left = maxSlots - std::min(maxSlots, cursor.loop - loopFrom);
    if (cursor.loop < loopEnd || left == 0)
        return;
    const quint64 sharedTo = sharedEnd - cursor.shared > left ? cursor.shared + left : sharedEnd;
    cursor.shared = m_shared.copy(cursor.shared, sharedTo, out);
}

quint64 TraceRecorder::memoryBytes() const
{
    auto chunksOf = [](quint64 n) { return (n + ChunkMask) >> ChunkBits; };
    quint64 bytes = (chunksOf(m_loop.count.load()) + chunksOf(m_shared.count.load())) * ChunkBytes;
    std::lock_guard lock(m_stringMutex);
    for (const QString &s : m_strings)
        bytes += quint64(s.size()) * 2 + 48;
    return bytes;
}

} // namespace Loopscope
