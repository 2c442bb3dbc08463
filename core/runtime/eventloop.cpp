#include "eventloop.h"

#include "executor.h"
#include "task.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTimer>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <thread>
#include <utility>

namespace Loopscope {

namespace {
thread_local EventLoop *t_current = nullptr;
// A turn that starts this much real time late counts as lag; a task that waits this long for
// the loop shows Ready. Below it, timer jitter would paint slivers.
constexpr qint64 RealThresholdNs = 3'000'000;
constexpr qint64 VirtualThresholdNs = 1'000'000;
// Real time the loop may run turns before it lets Qt deliver its events.
constexpr qint64 PumpBudgetNs = 8'000'000;
} // namespace

EventLoop::EventLoop(Clock::Mode mode, double timeScale, TraceRecorder *recorder, QObject *parent)
    : QObject(parent)
    , m_clock(mode, timeScale)
    , m_recorder(recorder)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &EventLoop::pump);
    const qint64 threshold = m_clock.isVirtual()
        ? VirtualThresholdNs
        : qint64(double(RealThresholdNs) / m_clock.timeScale());
    m_lagThresholdNs = threshold;
    m_readyThresholdNs = threshold;
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd >= 0) {
        auto *notifier = new QSocketNotifier(m_wakeFd, QSocketNotifier::Read, this);
        m_wakeNotifier = notifier;
        connect(notifier, &QSocketNotifier::activated, this, [this] {
            eventfd_t value = 0;
            ::eventfd_read(m_wakeFd, &value);
            requestPump();
        });
    }
}

EventLoop::~EventLoop()
{
    m_defaultExecutor.reset();
    if (m_recorder)
        m_recorder->flush();
    delete m_wakeNotifier; // before its fd closes
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    // Tasks still registered here were never run to the end (the loop was torn down early):
    // free them without resuming.
    while (m_live) {
        TaskCore *t = m_live;
        m_live = t->m_nextLive;
        t->deref();
    }
}

EventLoop *EventLoop::current() { return t_current; }

void EventLoop::print(const QString &line)
{
    const qint64 now = nowNs();
    traceAt(now).output(intern(line));
    if (m_outputSink)
        m_outputSink(now, line);
}

quint32 EventLoop::placeSlow(const char *file, quint32 line, PlaceEntry &entry)
{
    if (!m_recorder)
        return 0;
    // The recorder interns each text once; the cache only spares building the text again.
    const char *slash = std::strrchr(file, '/');
    entry.id =
        intern(QStringLiteral("%1:%2").arg(QString::fromUtf8(slash ? slash + 1 : file)).arg(line));
    entry.file = file;
    entry.line = line;
    return entry.id;
}

void EventLoop::resumeTask(TaskCore *task)
{
    EventLoop *loop = task->m_loop;
    task->scheduled = false;
    loop->m_current = task;
    TaskCore *const outerTask = std::exchange(t_runningTask, task);
    const qint64 outerStep = loop->m_stepNs;
    loop->m_stepNs = loop->m_handoffNs != NoStep ? loop->m_handoffNs : loop->m_clock.nowNs();
    loop->m_handoffNs = NoStep; // set again only if this step ends where stepEndsClockNs() reads
    task->ref();
    const bool first = !task->m_stepped;
    task->m_stepped = true;
    if (first && task->mustCancel) {
        task->finishUncaught(false);
    } else {
        if (first) {
            // The root coroutine's first step (its initial suspend keeps no state for this).
            task->currentUnit = task->m_unit;
            loop->trace().runningHeld(task->m_unit);
        }
        // A cancellation nothing would catch ends the task without a throw into its frames.
        if (first || !task->mustCancel || !detail::deliverCancelUncaught(task))
            task->resumePoint.resume();
    }
    loop->m_stepNs = outerStep;
    loop->m_current = nullptr;
    t_runningTask = outerTask;
    // The last reference (a task nothing awaits, ended): its frame goes now, and the time that
    // takes is not the next step's.
    if (task->m_refs == 1)
        loop->m_handoffNs = NoStep;
    task->deref();
}

void EventLoop::requestPump()
{
    if (m_pumpPosted)
        return;
    m_pumpPosted = true;
    QMetaObject::invokeMethod(this, &EventLoop::pump, Qt::QueuedConnection);
}

void EventLoop::addTimer(TimerNode *node, qint64 deadlineNs)
{
    node->deadlineNs = deadlineNs;
    m_heap.push_back({deadlineNs, ++m_timerSeq, node});
    heapUp(int(m_heap.size()) - 1);
    if (!m_pumping)
        requestPump();
}

void EventLoop::removeTimer(TimerNode *node)
{
    const int i = node->heapIndex;
    if (i < 0)
        return;
    const int last = int(m_heap.size()) - 1;
    if (i != last) {
        heapPlace(i, m_heap.back());
        m_heap.pop_back();
        heapDown(i);
        heapUp(i);
    } else {
        m_heap.pop_back();
    }
    node->heapIndex = -1;
}

// Both sift a hole: the entry is written once, where it ends, and each entry it passes moves
// one level.
void EventLoop::heapUp(int i)
{
    const TimerEntry e = m_heap[std::size_t(i)];
    while (i > 0) {
        const int parent = (i - 1) / 2;
        if (!timerLess(e, m_heap[std::size_t(parent)]))
            break;
        heapPlace(i, m_heap[std::size_t(parent)]);
        i = parent;
    }
    heapPlace(i, e);
}

void EventLoop::heapDown(int i)
{
    const int n = int(m_heap.size());
    const TimerEntry e = m_heap[std::size_t(i)];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && timerLess(m_heap[std::size_t(child) + 1], m_heap[std::size_t(child)]))
            ++child;
        if (!timerLess(m_heap[std::size_t(child)], e))
            break;
        heapPlace(i, m_heap[std::size_t(child)]);
        i = child;
    }
    heapPlace(i, e);
}

void EventLoop::externalStarted()
{
    std::lock_guard lock(m_externalMutex);
    ++m_inflight;
    if (m_active++ == 0)
        m_clock.setRunning(true);
}

void EventLoop::externalFinished()
{
    {
        std::lock_guard lock(m_externalMutex);
        --m_inflight;
        if (--m_active == 0)
            m_clock.setRunning(false);
    }
    if (!m_pumping)
        requestPump();
}

void EventLoop::sleepWorker(Seconds duration)
{
    const qint64 ns = toNs(duration);
    if (ns <= 0)
        return;
    if (!m_clock.isVirtual()) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(m_clock.toRealNs(ns)));
        return;
    }
    std::unique_lock lock(m_externalMutex);
    Sleeper sleeper{m_clock.nowNs() + ns, false};
    m_sleepers.push_back(&sleeper);
    if (--m_active == 0)
        m_clock.setRunning(false);
    if (m_wakeFd >= 0)
        ::eventfd_write(m_wakeFd, 1); // the loop may have to jump to this deadline
    else
        QMetaObject::invokeMethod(this, &EventLoop::requestPump, Qt::QueuedConnection);
    m_sleeperWake.wait(lock, [&sleeper] { return sleeper.woken; });
}

bool EventLoop::advanceForSleepers(qint64 *nextNs)
{
    *nextNs = -1;
    std::unique_lock lock(m_externalMutex);
    if (m_sleepers.empty())
        return false;
    qint64 next = m_sleepers.front()->deadlineNs;
    for (const Sleeper *s : m_sleepers)
        next = std::min(next, s->deadlineNs);
    bool moved = false;
    if (m_active == 0) {
        // Everything outside the loop sleeps: jump, like for a timer.
        const qint64 target = m_heap.empty() ? next : std::min(next, m_heap.front().deadlineNs);
        const qint64 now = m_clock.nowNs();
        if (target > now) {
            m_clock.advance(target - now);
            moved = true;
        }
    }
    const qint64 reached = m_clock.nowNs();
    bool woke = false;
    std::erase_if(m_sleepers, [&](Sleeper *s) {
        if (s->deadlineNs > reached)
            return false;
        s->woken = true;
        if (m_active++ == 0)
            m_clock.setRunning(true);
        woke = true;
        return true;
    });
    if (woke) {
        lock.unlock();
        m_sleeperWake.notify_all();
        return true;
    }
    *nextNs = next;
    return moved;
}

bool EventLoop::wakeAllSleepers()
{
    std::unique_lock lock(m_externalMutex);
    if (m_sleepers.empty())
        return false;
    qint64 latest = 0;
    for (const Sleeper *s : m_sleepers)
        latest = std::max(latest, s->deadlineNs);
    const qint64 now = m_clock.nowNs();
    if (m_clock.isVirtual() && latest > now && m_active == 0)
        m_clock.advance(latest - now);
    for (Sleeper *s : m_sleepers) {
        s->woken = true;
        ++m_active;
    }
    m_sleepers.clear();
    m_clock.setRunning(true);
    lock.unlock();
    m_sleeperWake.notify_all();
    return true;
}

void EventLoop::blockLoop(Seconds duration)
{
    const qint64 ns = toNs(duration);
    if (ns <= 0)
        return;
    if (m_recorder)
        m_recorder->flush(); // a live reader sees the blocking step Running while it blocks
    if (m_clock.isVirtual() && m_inflight == 0)
        m_clock.advance(ns);
    else
        std::this_thread::sleep_for(std::chrono::nanoseconds(m_clock.toRealNs(ns)));
    stepClockNs();
}

TaskCore *EventLoop::createExternalCore(quint32 unit, std::shared_ptr<void> owned)
{
    TaskCore *task = TaskCore::createExternal(this, unit, std::move(owned));
    task->m_nextLive = m_live;
    if (m_live)
        m_live->m_prevLive = task;
    m_live = task;
    ++m_liveCount;
    return task;
}

TaskCore *EventLoop::createTaskCore(std::coroutine_handle<> root, quint32 unit)
{
    auto *task = new TaskCore(this, unit, root);
    task->resumePoint = root;
    task->m_nextLive = m_live;
    if (m_live)
        m_live->m_prevLive = task;
    m_live = task;
    ++m_liveCount;
    schedule(task, nowNs());
    return task;
}

void EventLoop::taskFinished(TaskCore *task)
{
    if (task->m_prevLive)
        task->m_prevLive->m_nextLive = task->m_nextLive;
    else
        m_live = task->m_nextLive;
    if (task->m_nextLive)
        task->m_nextLive->m_prevLive = task->m_prevLive;
    task->m_prevLive = task->m_nextLive = nullptr;
    --m_liveCount;
    task->deref(); // the loop's reference; resumeTask holds another while the task runs
}

void EventLoop::cancelAll(CancelCause cause, quint32 byUnit)
{
    std::vector<TaskCore *> live;
    live.reserve(m_liveCount);
    for (TaskCore *t = m_live; t; t = t->m_nextLive) {
        t->ref();
        live.push_back(t);
    }
    // Oldest first, as asyncio.run does.
    for (auto it = live.rbegin(); it != live.rend(); ++it)
        (*it)->cancel(cause, byUnit);
    for (TaskCore *t : live)
        t->deref();
}

bool EventLoop::runOnce()
{
    const qint64 now = nowNs();
    qint64 lag = 0;
    while (!m_heap.empty() && m_heap.front().deadlineNs <= now) {
        TimerNode *node = m_heap.front().node;
        removeTimer(node);
        lag = std::max(lag, now - node->deadlineNs);
        node->fire(node);
    }
    if (lag > m_lagThresholdNs)
        traceAt(now).loopLag(lag);
    if (m_ready.empty())
        return false;
    // Exactly the items ready at the start of the turn; what they schedule waits for the next.
    // A task's step starts at the instant the step before it ended (stepEndsClockNs()); a
    // callback between them, or the turn's end, takes that instant away.
    for (std::size_t n = m_ready.size(); n > 0; --n) {
        const ReadyItem item = m_ready.pop();
        if (TaskCore *task = item.task()) {
            resumeTask(task);
        } else {
            m_handoffNs = NoStep;
            item.node()->run(item.node());
        }
    }
    m_handoffNs = NoStep;
    return true;
}

struct EventLoop::MainState {
    TaskCore *main = nullptr;
    bool shutdown = false;
    bool stopHandled = false;
    bool clockStarted = false;
    QEventLoop qtLoop;
};

void EventLoop::pump()
{
    runTurns();
    // What the recorder holds back (a Running waiting for its task's next state) is published
    // whenever the loop hands the thread back to Qt: a live reader sees it a pump late at most.
    if (m_recorder)
        m_recorder->flush();
}

void EventLoop::runTurns()
{
    m_pumpPosted = false;
    MainState *ms = m_main;
    if (ms && !ms->clockStarted) {
        // Scenario time starts with the loop's first turn: what the thread did before (starting
        // up, waiting for a core on a loaded machine) would make main's first step late.
        ms->clockStarted = true;
        m_clock.start();
        ms->main->readyNs() = 0;
    }
    if (ms && m_stop.load(std::memory_order_acquire) && !ms->stopHandled) {
        ms->stopHandled = true;
        ms->shutdown = true;
        cancelAll(CancelCause::Shutdown);
    }
    m_pumping = true;
    QElapsedTimer budget;
    budget.start();
    for (;;) {
        if (runOnce()) {
            if (budget.nsecsElapsed() > PumpBudgetNs) {
                m_pumping = false;
                requestPump();
                return;
            }
            continue;
        }
        if (ms && ms->main->isDone() && !ms->shutdown) {
            // asyncio.run: cancel what main left behind and let it finish.
            ms->shutdown = true;
            cancelAll(CancelCause::Shutdown, ms->main->unit());
            continue;
        }
        qint64 nextSleeper = -1;
        if (m_clock.isVirtual() && advanceForSleepers(&nextSleeper))
            continue;
        if (m_heap.empty() && nextSleeper < 0) {
            if (ms && m_liveCount == 0 && m_inflight == 0) {
                m_pumping = false;
                ms->qtLoop.quit();
                return;
            }
            if (ms && m_inflight == 0 && m_liveCount > 0 && !ms->shutdown) {
                // Nothing can ever wake the remaining tasks: asyncio would hang here.
                print(QStringLiteral("deadlock: %1 task(s) wait for something that never "
                                     "happens; cancelling them")
                          .arg(m_liveCount));
                ms->shutdown = true;
                cancelAll(CancelCause::Shutdown);
                continue;
            }
            m_pumping = false;
            return;
        }
        const qint64 now = nowNs();
        qint64 next = m_heap.empty() ? nextSleeper : m_heap.front().deadlineNs;
        if (nextSleeper >= 0)
            next = std::min(next, nextSleeper);
        if (next <= now)
            continue;
        if (m_clock.isVirtual() && !m_heap.empty()) {
            std::unique_lock lock(m_externalMutex);
            if (m_active == 0) {
                m_clock.advance(next - now);
                continue;
            }
        }
        const qint64 realNs = m_clock.toRealNs(next - now);
        m_timer->start(int(std::min<qint64>((realNs + 999'999) / 1'000'000, 24 * 3600 * 1000)));
        m_pumping = false;
        return;
    }
}

TaskCore *EventLoop::beginMain(std::coroutine_handle<> root, quint32 unit)
{
    Q_ASSERT(!m_main);
    m_previous = t_current;
    t_current = this;
    m_main = new MainState;
    m_main->main = createTaskCore(root, unit);
    return m_main->main;
}

void EventLoop::execMain()
{
    requestPump();
    m_main->qtLoop.exec();
    m_defaultExecutor.reset(); // loop.shutdown_default_executor()
    if (m_recorder)
        m_recorder->flush(); // a run stopped early can end on held-back Createds
    m_timer->stop();
    delete m_main;
    m_main = nullptr;
    t_current = m_previous;
}

Executor &EventLoop::defaultExecutor()
{
    if (!m_defaultExecutor) {
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        m_defaultExecutor = std::make_unique<Executor>(std::min(32, cores + 4),
                                                       QStringLiteral("default executor"));
    }
    return *m_defaultExecutor;
}

void EventLoop::requestStop()
{
    m_stop.store(true, std::memory_order_release);
    QMetaObject::invokeMethod(this, &EventLoop::requestPump, Qt::QueuedConnection);
}

bool EventLoop::stopRequested() const { return m_stop.load(std::memory_order_acquire); }

} // namespace Loopscope
