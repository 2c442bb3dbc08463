#pragma once

#include "tracerecorder.h"

#include <algorithm>

namespace Loopscope {

class Clock;

//! The trace's vocabulary: one call per EventType, the only code that packs a TraceEvent's
//! fields (TraceBuilder::apply is the only code that unpacks them). Each call says once what its
//! event means and where each field goes.
//!
//! A writer is a small value bound to a recorder (null: every call is a no-op, an untraced run)
//! and a stream. Loop stream: the events' time is given at construction; only the thread that
//! runs the loop may write (EventLoop::trace() / traceAt() hand these out). Shared stream: any
//! thread (executor workers); each event's time is the clock's now, read under the recorder's
//! lock so that the shared stream stays ordered by time (EventLoop::traceShared()).
//!
//! String arguments (label, error, text, name) are ids from TraceRecorder::intern (0: none).
class TraceWriter
{
public:
    //! Loop stream, every event at timeNs (scenario ns).
    TraceWriter(TraceRecorder *recorder, qint64 timeNs)
        : m_recorder(recorder)
        , m_timeNs(timeNs)
    {
    }
    //! Shared stream, every event at clock's now.
    TraceWriter(TraceRecorder *recorder, const Clock &clock)
        : m_recorder(recorder)
        , m_clock(&clock)
    {
    }

    //! Created: unit comes into being, of kind, child of parent (0: none), named label (0: the
    //! reader calls it "task <unit>"), on event loop `loop` (0: the run's first or only loop; a
    //! traced program may run several, one after another or in threads). It is pending from now.
    //! Loop stream: an unlabelled task's Created may be held back until the stream's next
    //! event (TraceRecorder::flush()), to share slots with the ones made after it.
    void created(quint32 unit, UnitKind kind, quint32 parent, quint32 label,
                 quint16 loop = 0) const
    {
        if (m_recorder && !m_clock && kind == UnitKind::Task && label == 0 && loop == 0)
            m_recorder->appendCreatedTask(m_timeNs, unit, parent);
        else
            write({0, unit, EventType::Created, quint8(kind), loop, parent, label});
    }
    //! State: unit is in state from now, on lane (0: the loop; k > 0: executor worker k), at
    //! the place `at` of its code ("FILE:LINE" of the await it waits in; 0: not known). The
    //! place takes no slot of its own: it rides in the first slot's `a`.
    void stateChanged(quint32 unit, UnitState state, quint16 lane = 0, quint32 at = 0) const
    {
        if (m_recorder && !m_clock && lane == 0)
            m_recorder->appendState(m_timeNs, unit, state, at, false);
        else
            write({0, unit, EventType::State, quint8(state), lane, at, 0});
    }
    //! Loop stream: stateChanged(unit, Running), held back until the stream's next event, to
    //! share a slot with the unit's next state or its end (TraceRecorder). For a writer that
    //! publishes what is held (TraceRecorder::flush()) whenever a reader may look: the event
    //! loop at each pump's end and before it blocks.
    void runningHeld(quint32 unit) const
    {
        if (m_recorder && !m_clock)
            m_recorder->appendState(m_timeNs, unit, UnitState::Running, 0, true);
    }
    //! Finished: unit ended with outcome; error is the failure's text (0: none); lane is where it
    //! ran last (an executor job's worker).
    void finished(quint32 unit, Outcome outcome, quint32 error = 0, quint16 lane = 0) const
    {
        if (m_recorder && !m_clock && lane == 0 && error == 0 && quint8(outcome) < 16)
            m_recorder->appendFinished(m_timeNs, unit, outcome);
        else
            write({0, unit, EventType::Finished, quint8(outcome), lane, 0, error});
    }
    //! Link: awaiter starts waiting for awaited (a flow arrow on the timeline).
    void linked(quint32 awaiter, quint32 awaited) const
    {
        write({0, awaiter, EventType::Link, 0, 0, awaited, 0});
    }
    //! Loop stream: stateChanged(unit, Ready) at readyNs, then stateChanged(unit, Running) at
    //! this writer's time (a task that waited for the loop; the two share a slot).
    void readyThenRunning(quint32 unit, qint64 readyNs) const
    {
        if (m_recorder && !m_clock)
            m_recorder->appendReadyRunning(unit, readyNs, m_timeNs);
    }
    //! Loop stream: linked(awaiter, firstAwaited + i) for i in [0, count), in order (a gather's
    //! children made one after another: their runs share slots).
    void linkedRun(quint32 awaiter, quint32 firstAwaited, quint32 count) const
    {
        if (m_recorder && !m_clock)
            m_recorder->appendLinkRun(m_timeNs, awaiter, firstAwaited, count);
    }
    //! Counter: the series called name ("semaphore in use") has value from now on (32 bits).
    //! Loop stream: written before a Running held back at the same time (TraceRecorder).
    void counter(quint32 name, qint64 value) const
    {
        if (m_recorder && !m_clock)
            m_recorder->appendCounter(m_timeNs, name, quint32(qint32(value)));
        else
            write({0, name, EventType::Counter, 0, 0, quint32(qint32(value)), 0});
    }
    //! Output: the run printed the line text on stream (a traced program's stderr too).
    void output(quint32 text, OutputStream stream = OutputStream::Stdout) const
    {
        write({0, 0, EventType::Output, quint8(stream), 0, text, 0});
    }
    //! Deadline: a timeout will cut unit at this writer's time (in the future of the run).
    void deadline(quint32 unit) const { write({0, unit, EventType::Deadline, 0, 0, 0, 0}); }
    //! LoopLag: a turn of event loop `loop` (see created) started lagNs late (kept in whole
    //! microseconds, up to 71 minutes).
    void loopLag(qint64 lagNs, quint16 loop = 0) const
    {
        const auto us = quint32(std::clamp<qint64>(lagNs / 1000, 0, 0xffffffff));
        write({0, 0, EventType::LoopLag, 0, loop, us, 0});
    }
    //! Label: unit is called label from now on (an async generator's last step: "<name>: end").
    void relabelled(quint32 unit, quint32 label) const
    {
        write({0, unit, EventType::Label, 0, 0, 0, label});
    }

    //! CancelledBy: unit's cancellation (it ends cancelled or timed out) came from cause, started
    //! by the unit byUnit (0: none; see CancelCause for who that is). Written just before the
    //! unit's Finished; rare, so a slot of its own rather than a field of every Finished.
    void cancelledBy(quint32 unit, CancelCause cause, quint32 byUnit) const
    {
        write({0, unit, EventType::CancelledBy, quint8(cause), 0, byUnit, 0});
    }

    //! Holder: the resource called name ("lock") is held by unit from now on (0: free; the
    //! unit is the holding task's). One slot: a lock changes hands at most twice per holder.
    void holder(quint32 name, quint32 unit) const
    {
        write({0, name, EventType::Holder, 0, 0, unit, 0});
    }

private:
    void write(TraceEvent event) const
    {
        if (!m_recorder)
            return;
        if (m_clock) {
            m_recorder->appendShared(event, *m_clock);
        } else {
            event.timeNs = m_timeNs;
            m_recorder->append(event);
        }
    }

    TraceRecorder *m_recorder;
    const Clock *m_clock = nullptr;
    qint64 m_timeNs = 0;
};

} // namespace Loopscope
