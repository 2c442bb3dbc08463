#pragma once

#include "blockpool.h"
#include "clock.h"
#include "readyqueue.h"
#include "taskcore.h"
#include "tracerecorder.h"
#include "tracewriter.h"

#include <QObject>

#include <array>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

class QTimer;

namespace Loopscope {

class Executor;

using Seconds = std::chrono::duration<double>;

//! The scenario's event loop: a FIFO ready queue, a timer heap and one precise QTimer, driven by
//! the Qt event loop of the thread it lives on (so QCoro's awaitables and network replies work).
//!
//! One turn (as asyncio's _run_once): timers that are due move their tasks to the ready queue,
//! then exactly the items ready at the start of the turn run, FIFO; what they schedule runs in a
//! later turn. With a virtual clock, time jumps to the next timer when nothing is runnable and no
//! executor job or request is in flight.
//!
//! Everything here is for the loop's own thread, except recorder(), clock().nowNs() and
//! traceShared().
class EventLoop : public QObject
{
    Q_OBJECT
public:
    //! recorder may be null (no tracing: the benchmark's --no-trace).
    EventLoop(Clock::Mode mode, double timeScale, TraceRecorder *recorder,
              QObject *parent = nullptr);
    ~EventLoop() override;

    //! The loop running on this thread (set while run() is active), or null.
    static EventLoop *current();
    //! The task whose step runs on this thread now (the loop's currentTask()), or null. Inline
    //! and thread-local: the runtime's awaiters ask it at every await instead of keeping a
    //! pointer to their task in every frame.
    static TaskCore *runningTask() { return t_runningTask; }

    TraceRecorder *recorder() const { return m_recorder; }
    const Clock &clock() const { return m_clock; }
    //! Now, for the loop thread (others: clock().nowNs()). While a task's step runs, the time
    //! read when the step began or last reached a suspension or its end (stepClockNs()): the
    //! step's events share that one clock read (each read costs about 50 ns on a VM).
    qint64 nowNs() const { return m_stepNs != NoStep ? m_stepNs : m_clock.nowNs(); }
    //! Loop thread: a step reached a point whose time must be exact (it suspends, ends, or came
    //! back from blocking the loop): reads the clock again for what the step records next.
    void stepClockNs()
    {
        if (m_stepNs != NoStep)
            m_stepNs = m_clock.nowNs();
    }
    //! Loop thread: the step ends here (its task suspends at a traced await, or ends): reads the
    //! clock as stepClockNs() does and hands that time on as the start of the next task step of
    //! the same turn. The two instants are apart by the loop's bookkeeping only: one clock read
    //! serves both (a semaphore's task has three steps: three reads less).
    void stepEndsClockNs()
    {
        stepClockNs();
        m_handoffNs = m_stepNs; // NoStep outside a step: nothing to hand on
    }
    static qint64 toNs(Seconds s) { return qint64(s.count() * 1e9 + (s.count() >= 0 ? 0.5 : -0.5)); }

    // --- Tracing (no-ops without a recorder) ---
    quint32 newUnit() { return m_recorder ? m_recorder->newUnitId() : ++m_untracedUnits; }
    quint32 intern(const QString &text) { return m_recorder ? m_recorder->intern(text) : 0; }
    //! The interned "FILE:LINE" (file name without its folder) of a place in the code, as
    //! TraceWriter::stateChanged's `at` takes it; 0 without a recorder. A run's awaits come from
    //! a few places, many times over: a small cache answers with two compares.
    //! file and line are what __builtin_FILE() and __builtin_LINE() (or a source_location) say.
    quint32 place(const char *file, quint32 line)
    {
        PlaceEntry &e = m_places[(line * 31u + quint32(quintptr(file) >> 3)) % PlaceSlots];
        if (e.line == line && e.file == file)
            return e.id;
        return placeSlow(file, line, e);
    }
    //! Records on the loop stream at now (loop thread): loop->trace().stateChanged(unit, state).
    TraceWriter trace() const { return {m_recorder, m_recorder ? nowNs() : 0}; }
    //! Records on the loop stream at timeNs (loop thread): a time taken earlier, or ahead.
    TraceWriter traceAt(qint64 timeNs) const { return {m_recorder, timeNs}; }
    //! Records on the shared stream at the time of writing (any thread: executor workers).
    TraceWriter traceShared() const { return {m_recorder, m_clock}; }
    //! Records a line the scenario prints and passes it to the output sink.
    void print(const QString &line);
    //! Called on the loop thread for every printed line (the CLI prints it at once).
    void setOutputSink(std::function<void(qint64 timeNs, const QString &)> sink)
    {
        m_outputSink = std::move(sink);
    }

    // --- Scheduling ---
    void schedule(TaskCore *task, qint64 readyNs)
    {
        if (task->scheduled || task->isDone())
            return;
        task->scheduled = true;
        task->readyNs() = readyNs;
        task->withdraw = {};
        push(ReadyItem::step(task));
    }
    //! Runs node->run(node) in a later loop turn, after what is ready now (FIFO with the tasks).
    void pushReady(ReadyNode *node) { push(ReadyItem::node(node)); }
    TaskCore *currentTask() const { return m_current; }
    void addTimer(TimerNode *node, qint64 deadlineNs);
    void removeTimer(TimerNode *node);
    //! Something outside the loop (executor job, request) started / ended.
    void externalStarted();
    void externalFinished();
    //! Blocks the loop thread on purpose (time.sleep in async code: the blocking pitfall).
    void blockLoop(Seconds duration);
    //! time.sleep on a worker thread (an executor job), for `duration` of scenario time. Real
    //! clock: sleeps, scaled. Virtual clock: waits until the loop's time reaches the deadline;
    //! the loop jumps there as soon as nothing else can run, so blocking jobs take no real time.
    //! Any thread but the loop's.
    void sleepWorker(Seconds duration);
    //! Loop thread: moves time to the latest sleeping worker's deadline and wakes them all
    //! (used while the loop waits for a pool to finish). Returns false if none slept.
    bool wakeAllSleepers();

    // --- Tasks ---
    //! Registers a new task for root (a lazy coroutine) and schedules its first step.
    TaskCore *createTaskCore(std::coroutine_handle<> root, quint32 unit);
    //! Registers a core without a coroutine (an executor job); it is not scheduled. Its owner
    //! traces its unit, Finished included (TaskCore::finish records none for it). The core
    //! keeps owned alive (what its externalResult() points into) until it is freed.
    TaskCore *createExternalCore(quint32 unit, std::shared_ptr<void> owned);
    void taskFinished(TaskCore *task);
    //! Cancels every task that is not done (asyncio.run's shutdown, or a Stop), as byUnit did.
    void cancelAll(CancelCause cause, quint32 byUnit = 0);

    //! asyncio.run, in two steps: beginMain makes this the thread's current loop and schedules
    //! root as the main task; execMain spins a nested Qt event loop until main and every task
    //! it left behind are done, and no executor job or request is in flight. The clock is
    //! (re)started at the first turn of that loop, so main's first step is at t = 0 however
    //! long the thread took to get there.
    TaskCore *beginMain(std::coroutine_handle<> root, quint32 unit);
    void execMain();
    //! The executor of toThread (asyncio's default executor, min(32, cores + 4) workers), made
    //! on first use and shut down (waited for) when runMain returns, as asyncio.run does.
    Executor &defaultExecutor();
    //! Asks a running runMain to cancel everything and return. Any thread.
    void requestStop();
    bool stopRequested() const;

    //! Time a turn may start late before it counts as lag (scenario ns).
    qint64 lagThresholdNs() const { return m_lagThresholdNs; }
    //! How long a task may wait for the loop before its wait shows as Ready (scenario ns).
    qint64 readyThresholdNs() const { return m_readyThresholdNs; }

private:
    void push(ReadyItem item)
    {
        m_ready.push(item);
        if (!m_pumping)
            requestPump();
    }
    static void resumeTask(TaskCore *task);
    struct PlaceEntry {
        const char *file = nullptr;
        quint32 line = 0;
        quint32 id = 0;
    };
    static constexpr quint32 PlaceSlots = 64;
    quint32 placeSlow(const char *file, quint32 line, PlaceEntry &entry);
    static inline thread_local TaskCore *t_runningTask = nullptr;
    void requestPump();
    void pump();
    void runTurns();
    bool runOnce();
    //! An entry of the timer heap: the node's order key beside it, so sifting compares within
    //! the heap's own array (a run's timers live in a hundred thousand frames: reading each
    //! node to compare it was a cache miss per level). seq, the FIFO order among equal
    //! deadlines, is 32 bits and compared modulo 2^32.
    struct TimerEntry {
        qint64 deadlineNs;
        quint32 seq;
        TimerNode *node;
    };
    static bool timerLess(const TimerEntry &a, const TimerEntry &b)
    {
        // Wrapping: timers with one deadline are armed far less than 2^31 apart.
        return a.deadlineNs < b.deadlineNs
            || (a.deadlineNs == b.deadlineNs && qint32(a.seq - b.seq) < 0);
    }
    void heapPlace(int i, const TimerEntry &e)
    {
        m_heap[std::size_t(i)] = e;
        e.node->heapIndex = i;
    }
    void heapUp(int i);
    void heapDown(int i);

    static constexpr qint64 NoStep = std::numeric_limits<qint64>::min();
    Clock m_clock;
    qint64 m_stepNs = NoStep; // the running step's time (nowNs()); NoStep outside a step
    qint64 m_handoffNs = NoStep; // the end of the step that just ran (stepEndsClockNs()), for the next
    TraceRecorder *m_recorder;
    ReadyQueue m_ready;
    std::vector<TimerEntry, PoolAllocator<TimerEntry>> m_heap;
    quint32 m_timerSeq = 0;
    QTimer *m_timer;
    bool m_pumping = false;
    bool m_pumpPosted = false;
    int m_inflight = 0;
    // Externals in flight that are not asleep in sleepWorker(), and the sleepers. Guarded by
    // m_externalMutex; virtual time runs with real time only while m_active > 0.
    struct Sleeper {
        qint64 deadlineNs;
        bool woken;
    };
    std::mutex m_externalMutex;
    std::condition_variable m_sleeperWake;
    int m_active = 0;
    std::vector<Sleeper *> m_sleepers;
    // A worker that goes to sleep wakes the loop through an eventfd rather than a queued Qt call:
    // plain fd I/O is a synchronisation ThreadSanitizer understands.
    int m_wakeFd = -1;
    QObject *m_wakeNotifier = nullptr;
    //! Virtual clock, nothing runnable: if every external sleeps, jumps to the next sleeper or
    //! timer deadline; wakes the sleepers due. Returns true if it woke one or moved time;
    //! otherwise *nextNs is the earliest sleeper deadline (-1: none) to wait for.
    bool advanceForSleepers(qint64 *nextNs);
    TaskCore *m_current = nullptr;
    TaskCore *m_live = nullptr;
    int m_liveCount = 0;
    quint32 m_untracedUnits = 0;
    qint64 m_lagThresholdNs;
    qint64 m_readyThresholdNs;
    std::atomic<bool> m_stop{false};
    std::function<void(qint64, const QString &)> m_outputSink;
    std::array<PlaceEntry, PlaceSlots> m_places; // direct-mapped by file and line
    EventLoop *m_previous = nullptr;
    struct MainState;
    MainState *m_main = nullptr;
    std::unique_ptr<Executor> m_defaultExecutor;
};

} // namespace Loopscope
