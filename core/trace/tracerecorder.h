#pragma once

#include "traceevent.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace Loopscope {

class Clock;

//! Append-only, thread-safe log of TraceEvents with an interned string table. Events are
//! written through TraceWriter (one named call per event type), read with readNew().
//!
//! Two streams: the loop stream, written without locks by exactly one thread at a time (the
//! scenario loop's), and the shared stream, written under a mutex by any thread (executor
//! workers). Events are stored in fixed chunks that never move, so readers copy what is new since
//! their Cursor while writers go on; no reader holds a writer's lock while it paints.
//!
//! Per unit, the loop stream's events come before the shared stream's (a unit is created on the
//! loop before a worker touches it); readNew() keeps that order in what it returns.
//!
//! Stored, an event takes one 16-byte slot (time, type, code, unit, a); one that carries a lane,
//! a b (label, error) or a large code takes a second slot for them. Most events of a task
//! (states, links, a plain finish) fit one slot, which halves what the trace of a big run weighs
//! against 24-byte TraceEvents. Events written together can share slots: a task's Ready and the
//! Running after it (one slot), a Running and the unit's next state in the same short step, or
//! its end (one slot: the event loop's Running is held back until the loop stream's next event
//! or flush(); a counter's sample at the Running's very time goes before it), a gather's
//! links to consecutive units (two slots per run), the Createds of unlabelled tasks made one
//! after another in one step (two slots per run; held back likewise). readNew() hands out whole
//! TraceEvents, one per event written.
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
    //! How many unit ids were handed out so far (the highest id). Any thread.
    quint32 unitIdsIssued() const { return m_nextUnit.load(std::memory_order_relaxed) - 1; }
    //! Interns text; 0 is reserved for the empty string. Any thread.
    quint32 intern(const QString &text);
    //! The text of an interned string id. Any thread.
    QString string(quint32 id) const;
    //! Appends the texts of ids out.size(), out.size() + 1, ... interned so far to out, under
    //! one lock (a reader resolving a million labels one string() at a time contended with the
    //! loop interning them, a lock each). Any thread.
    void readStrings(std::deque<QString> &out) const;
    //! All strings interned so far (index = id).
    QStringList strings() const;

    //! Appends what is new since cursor to out and advances it: everything, or the events of
    //! about maxSlots stored slots (a reader that applies a frame's worth at a time; the shared
    //! stream is read once the loop stream's backlog is). Any thread.
    void readNew(Cursor &cursor, std::vector<TraceEvent> &out,
                 quint64 maxSlots = std::numeric_limits<quint64>::max()) const;
    //! The size of the pool blocks events are stored in.
    static constexpr std::size_t StorageChunkBytes = std::size_t(1) << 18;
    //! Bytes held by events and strings (for the benchmark's bytes per task).
    quint64 memoryBytes() const;
    //! Loop stream's writer: publishes the events held back (a run of Createds being gathered;
    //! the loop stream's next event publishes them too).
    void flush()
    {
        if (m_createdRun.count)
            writeCreatedRun();
        if (m_heldRunning.unit)
            writeHeldRunning();
    }

private:
    // Events are written only through TraceWriter's named calls (and raw by the slot codec's
    // test, through RawTraceAccess, which tests/trace/tst_tracerecorder.cpp defines).
    friend class TraceWriter;
    friend struct RawTraceAccess;

    //! Loop stream: only the loop thread calls this.
    void append(const TraceEvent &event)
    {
        flush();
        m_loop.write(event);
    }
    //! Loop stream: Created of an unlabelled task (kind Task, loop 0): held back while the ones
    //! after it continue a run (same time and parent, the next unit).
    void appendCreatedTask(qint64 timeNs, quint32 unit, quint32 parent)
    {
        CreatedRun &run = m_createdRun;
        if (run.count && run.count < MaxLinkRun && run.timeNs == timeNs && run.parent == parent
            && run.first + run.count == unit) {
            ++run.count;
            return;
        }
        startCreatedRun(timeNs, unit, parent);
    }
    void startCreatedRun(qint64 timeNs, quint32 unit, quint32 parent);
    void writeCreatedRun();
    //! Loop stream: unit is in state from timeNs on, lane 0, at the place `at`. A Running
    //! (hold: TraceWriter::runningHeld) is held back: if the stream's next event is the same
    //! unit's next state within MaxRunningNs and its place is below 2^PlaceBits, the two share
    //! one slot. Inline for what a step writes most (its Running and its next state, or a state
    //! with nothing held); appendStateSlow for the rest.
    void appendState(qint64 timeNs, quint32 unit, UnitState state, quint32 at, bool hold)
    {
        if (unit != 0 && m_heldRunning.unit == unit) {
            const qint64 delay = timeNs - m_heldRunning.timeNs;
            if (state != UnitState::Running && delay >= 0 && delay <= MaxRunningNs
                && at < (1u << PlaceBits)) {
                // Nothing else is held while a Running is (appendCreatedTask publishes it).
                m_heldRunning.unit = 0;
                m_loop.writeSlots(m_heldRunning.timeNs, RunningThenSlot, quint8(state), unit,
                                  at << DelayBits | quint32(delay), false);
                return;
            }
        } else if (unit != 0 && !m_heldRunning.unit && !m_createdRun.count) {
            if (hold)
                m_heldRunning = {timeNs, unit};
            else
                m_loop.writeSlots(timeNs, quint8(EventType::State), quint8(state), unit, at,
                                  false);
            return;
        }
        appendStateSlow(timeNs, unit, state, at, hold);
    }
    void appendStateSlow(qint64 timeNs, quint32 unit, UnitState state, quint32 at, bool hold);
    //! Loop stream: the unit's Finished (lane 0, no error) shares a slot with the Running held
    //! for it (the step ended within 4.3 s).
    void appendFinished(qint64 timeNs, quint32 unit, Outcome outcome)
    {
        const qint64 delay = timeNs - m_heldRunning.timeNs;
        if (m_heldRunning.unit == unit && delay >= 0 && delay <= qint64(0xffffffff)) {
            m_heldRunning.unit = 0;
            m_loop.writeSlots(m_heldRunning.timeNs, RunningThenFinishedSlot, quint8(outcome),
                              unit, quint32(delay), false);
            return;
        }
        append({timeNs, unit, EventType::Finished, quint8(outcome), 0, 0, 0});
    }
    //! Loop stream: a counter's sample at the very time of the held Running is written before
    //! it (the order of the two says nothing), so the Running stays held for what follows.
    void appendCounter(qint64 timeNs, quint32 name, quint32 value)
    {
        if ((m_heldRunning.unit && m_heldRunning.timeNs == timeNs)
            || (!m_heldRunning.unit && !m_createdRun.count))
            m_loop.writeSlots(timeNs, quint8(EventType::Counter), 0, name, value, false);
        else
            append({timeNs, name, EventType::Counter, 0, 0, value, 0});
    }
    void writeHeldRunning();
    //! Loop stream: unit was Ready from readyNs and Running from runningNs (lane 0, no place):
    //! one slot when the two are less than 4.3 s apart.
    void appendReadyRunning(quint32 unit, qint64 readyNs, qint64 runningNs)
    {
        const qint64 delay = runningNs - readyNs;
        if (!m_heldRunning.unit && !m_createdRun.count && delay >= 0
            && delay <= qint64(0xffffffff)) {
            m_loop.writeSlots(readyNs, ReadyRunningSlot, 0, unit, quint32(delay), false);
            return;
        }
        appendReadyRunningSlow(unit, readyNs, runningNs);
    }
    void appendReadyRunningSlow(quint32 unit, qint64 readyNs, qint64 runningNs);
    //! Loop stream: Links at timeNs from awaiter to count units from firstAwaited on, in order:
    //! two slots per run of up to MaxLinkRun.
    void appendLinkRun(qint64 timeNs, quint32 awaiter, quint32 firstAwaited, quint32 count);
    //! Shared stream: any thread. The time is read from clock under the lock, so the shared
    //! stream stays ordered by time.
    void appendShared(TraceEvent event, const Clock &clock);

    // Slot types beyond EventType's: what a slot holds for several events written at once.
    // ReadyRunning: time, unit and a = the Running's delay after the Ready (ns). LinkRun
    // (extended): time, unit = awaiter, a = first awaited, b = how many.
    // CreatedRun (extended): time, unit = the first, a = parent, b = how many (kind Task,
    // loop 0, no label).
    // RunningThen: time (the Running's), unit, code = the next state, a = its place << DelayBits
    // | how long after the Running it came (ns).
    static constexpr quint8 ReadyRunningSlot = 15;
    static constexpr quint8 LinkRunSlot = 14;
    static constexpr quint8 CreatedRunSlot = 13;
    static constexpr quint8 RunningThenSlot = 12;
    //! RunningThenFinished: time (the Running's), unit, code = the outcome, a = how long after
    //! the Running the unit ended (ns).
    static constexpr quint8 RunningThenFinishedSlot = 11;
    static constexpr int DelayBits = 14;
    static constexpr qint64 MaxRunningNs = (qint64(1) << DelayBits) - 1;
    static constexpr int PlaceBits = 32 - DelayBits;
    //! Events a LinkRun slot holds at most, so that a slot read stays a bounded amount of work.
    static constexpr quint32 MaxLinkRun = 1024;

    //! A stored event, or the extension slot after one (see the class comment).
    struct Slot {
        // time << 9 | extended << 8 | type << 4 | code; in an extension slot:
        // code << 48 | lane << 32 | b
        quint64 word;
        quint32 unit;
        quint32 a;
    };
    static constexpr int ChunkBits = 14;
    static constexpr quint64 ChunkSize = quint64(1) << ChunkBits;
    static constexpr quint64 ChunkMask = ChunkSize - 1;
    static constexpr std::size_t ChunkBytes = ChunkSize * sizeof(Slot);
    static_assert(ChunkBytes == StorageChunkBytes);
    static constexpr int MaxChunks = 1 << 15;

    struct Stream {
        std::atomic<quint64> count{0}; // slots published
        std::unique_ptr<std::atomic<Slot *>[]> chunks;
        Stream();
        ~Stream();
        Slot &at(quint64 index)
        {
            const quint64 c = index >> ChunkBits;
            Slot *p = chunks[c].load(std::memory_order_relaxed);
            return (p ? p : allocate(c))[index & ChunkMask];
        }
        const Slot &readAt(quint64 index) const
        {
            return chunks[index >> ChunkBits].load(std::memory_order_acquire)[index & ChunkMask];
        }
        //! One writer at a time: both slots are written before the count publishes them.
        void write(const TraceEvent &event)
        {
            const bool extended = event.b != 0 || event.lane != 0 || event.code > 15;
            writeSlots(event.timeNs, quint8(event.type), event.code, event.unit, event.a,
                       extended, event.lane, event.b);
        }
        //! The slot of (timeNs, type, code, unit, a) and, if extended, the one of (code, lane,
        //! b) after it.
        void writeSlots(qint64 timeNs, quint8 type, quint8 code, quint32 unit, quint32 a,
                        bool extended, quint16 lane = 0, quint32 b = 0)
        {
            const quint64 n = count.load(std::memory_order_relaxed);
            // 55 bits of time: +-208 days of scenario time; anything beyond is pinned there.
            constexpr qint64 Limit = (qint64(1) << 54) - 1;
            const qint64 time = std::clamp(timeNs, -Limit, Limit);
            at(n) = {quint64(time) << 9 | quint64(extended) << 8 | quint64(type) << 4
                         | (code & 15u),
                     unit, a};
            if (extended)
                at(n + 1) = {quint64(code) << 48 | quint64(lane) << 32 | b, 0, 0};
            count.store(n + 1 + quint64(extended), std::memory_order_release);
        }
        Slot *allocate(quint64 c);
        //! The events stored from slot from on, up to slot to (an event's second slot may go one
        //! past it); returns the slot after the last one read.
        quint64 copy(quint64 from, quint64 to, std::vector<TraceEvent> &out) const;
    };

    Stream m_loop;
    Stream m_shared;
    struct CreatedRun {
        qint64 timeNs = 0;
        quint32 first = 0;
        quint32 parent = 0;
        quint32 count = 0;
    };
    CreatedRun m_createdRun; // held back; the loop stream's writer only
    struct HeldRunning {
        qint64 timeNs = 0;
        quint32 unit = 0; // 0: none held
    };
    HeldRunning m_heldRunning; // likewise
    std::mutex m_sharedMutex;
    std::atomic<quint32> m_nextUnit{1};

    mutable std::mutex m_stringMutex;
    QStringList m_strings;
    QHash<QString, quint32> m_stringIds;
};

} // namespace Loopscope
