#pragma once

#include <QtGlobal>

#include <cstdint>

namespace Loopscope {

//! What kind of thing a traced unit is.
enum class UnitKind : quint8 {
    Main,      //!< the scenario's driver coroutine (asyncio.run's coroutine)
    Task,      //!< created with createTask / gather / TaskGroup / waitFor
    Coroutine, //!< a named coroutine awaited inline by its parent
    Executor,  //!< a job run on an executor thread
    Generator, //!< one step of an async generator
};

//! The state a unit is in between two events (drawn as a bar on its lane).
enum class UnitState : quint8 {
    Pending, //!< created, not started yet
    Running, //!< executing on a thread (lane 0: the loop; lane k > 0: executor worker k)
    Waiting, //!< suspended on a timer, I/O, a child or a future
    Queued,  //!< waiting for a slot (semaphore, executor pool)
    Ready,   //!< its wait is over but the loop was busy elsewhere
};

//! How a unit ended.
enum class Outcome : quint8 {
    None, //!< not ended (yet)
    Completed,
    Failed,
    Cancelled,
    TimedOut,
    NeverAwaited,
};

//! What cancelled a unit (the summary's `cancelled_by.reason`). The names are the machine names
//! of cancelCauseName(); the unit that caused it travels beside (see TraceWriter::cancelledBy).
enum class CancelCause : quint8 {
    None,      //!< not cancelled, or nothing known about why
    Explicit,  //!< "cancel": some code called cancel(); unit = the unit whose code called it
    Timeout,   //!< "timeout": a waitFor / timeout deadline passed; unit = none
    Shutdown,  //!< "shutdown": asyncio.run's end (unit = main) or a Stop / deadlock (none)
    TaskGroup, //!< "taskgroup": a sibling in the same TaskGroup failed; unit = that sibling
    Gather,    //!< "gather": the gather it belongs to was cancelled; unit = who awaited it
};

//! Where a printed line went (a traced program's stderr lines are kept apart).
enum class OutputStream : quint8 { Stdout, Stderr };

//! What an event says. Each type has one TraceWriter call of the name given, which documents and
//! packs its fields; TraceBuilder::apply unpacks them.
enum class EventType : quint8 {
    Created,     //!< TraceWriter::created
    State,       //!< TraceWriter::stateChanged
    Finished,    //!< TraceWriter::finished
    Link,        //!< TraceWriter::linked
    Counter,     //!< TraceWriter::counter
    Output,      //!< TraceWriter::output
    Deadline,    //!< TraceWriter::deadline
    LoopLag,     //!< TraceWriter::loopLag
    Label,       //!< TraceWriter::relabelled
    CancelledBy, //!< TraceWriter::cancelledBy
    Holder,      //!< TraceWriter::holder
};

//! One trace event: 24 bytes, trivially copyable. Times are scenario nanoseconds since the
//! scenario started (real time divided by the time scale, or virtual time). What unit, code,
//! lane, a and b mean depends on the type (see TraceWriter); write events through TraceWriter.
struct TraceEvent {
    qint64 timeNs = 0;
    quint32 unit = 0;
    EventType type = EventType::Created;
    quint8 code = 0;
    quint16 lane = 0;
    quint32 a = 0;
    quint32 b = 0;
};
static_assert(sizeof(TraceEvent) == 24, "TraceEvent must stay small");

const char *unitKindName(UnitKind kind);
const char *unitStateName(UnitState state);
const char *outcomeName(Outcome outcome);
//! "cancel", "timeout", "shutdown", "taskgroup", "gather"; None: "".
const char *cancelCauseName(CancelCause cause);
//! Parses the names above; returns false for an unknown name.
bool parseUnitKind(const QString &name, UnitKind *out);
bool parseUnitState(const QString &name, UnitState *out);
bool parseOutcome(const QString &name, Outcome *out);
bool parseCancelCause(const QString &name, CancelCause *out);

} // namespace Loopscope
