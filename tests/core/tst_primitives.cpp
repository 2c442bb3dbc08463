// Queue, Lock, Event and Condition against CPython 3.11:
// each case follows the test of Lib/test/test_asyncio named in its comment, on the virtual clock.
#include <catch2/catch.hpp>

#include "runtimetest.h"

using namespace Loopscope;
using namespace Loopscope::Test;

// --- Queue (test_queues.py) ---------------------------------------------------------------------

// QueueGetTests.test_blocking_get_wait: a get on an empty queue waits (Queued) for the put.
TEST_CASE("Queue get on an empty queue is queued until a put", "[primitives][queue]")
{
    int got = 0;
    double gotAt = -1;
    const TraceData data = runTraced([&] {
        return [](int *got, double *gotAt) -> Co<void> {
            Queue<int> q;
            auto getter = createTask(
                [](Queue<int> *q, int *got, double *gotAt) -> Co<void> {
                    *got = co_await q->get();
                    *gotAt = loopNow();
                }(&q, got, gotAt),
                QStringLiteral("getter"));
            co_await sleep(0.5);
            q.putNowait(7);
            co_await getter;
        }(&got, &gotAt);
    });
    CHECK(got == 7);
    CHECK(gotAt == Approx(0.5));
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("getter")), UnitState::Queued) == Approx(0.5));
    CHECK(counterMax(data, QStringLiteral("queue getters")) == 1);
    CHECK(counterLast(data, QStringLiteral("queue getters")) == 0);
    CHECK(counterLast(data, QStringLiteral("queue items")) == 0);
}

// test_order and QueuePutTests.test_nonblocking_put_exception /
// QueueGetTests.test_nonblocking_get_exception: FIFO, QueueFull and QueueEmpty.
TEST_CASE("Queue keeps FIFO order and the nowait calls raise QueueFull and QueueEmpty",
          "[primitives][queue]")
{
    QStringList seen;
    runTraced([&] {
        return [](QStringList *seen) -> Co<void> {
            Queue<int> q(2);
            q.putNowait(1);
            q.putNowait(3);
            try {
                q.putNowait(2);
            } catch (const QueueFull &e) {
                seen->append(errorText(std::make_exception_ptr(e)));
            }
            seen->append(QString::number(q.getNowait()));
            seen->append(QString::number(co_await q.get()));
            try {
                q.getNowait();
            } catch (const QueueEmpty &) {
                seen->append(QStringLiteral("QueueEmpty"));
            }
        }(&seen);
    });
    CHECK(seen
          == QStringList{QStringLiteral("QueueFull: "), QStringLiteral("1"), QStringLiteral("3"),
                         QStringLiteral("QueueEmpty")});
}

// QueuePutTests.test_blocking_put_wait and test_get_with_waiting_putters: a put on a full queue
// waits (Queued) until a get makes room; putters come back in order.
TEST_CASE("Queue put on a full queue is queued until a get makes room", "[primitives][queue]")
{
    std::vector<int> got;
    const TraceData data = runTraced([&] {
        return [](std::vector<int> *got) -> Co<void> {
            Queue<int> q(1);
            auto p1 = createTask(q.put(1), QStringLiteral("put 1"));
            auto p2 = createTask(q.put(2), QStringLiteral("put 2"));
            co_await sleep(1);
            got->push_back(co_await q.get());
            co_await sleep(1);
            got->push_back(co_await q.get());
            co_await p2;
        }(&got);
    });
    CHECK(got == std::vector<int>{1, 2});
    CHECK(seconds(unitByLabel(data, QStringLiteral("put 1"))->endNs) == Approx(0.0));
    const UnitRecord *p2 = unitByLabel(data, QStringLiteral("put 2"));
    CHECK(seconds(p2->endNs) == Approx(1.0));
    CHECK(timeIn(*p2, UnitState::Queued) == Approx(1.0));
    CHECK(counterMax(data, QStringLiteral("queue putters")) == 1);
    CHECK(counterMax(data, QStringLiteral("queue items")) == 1);
}

// QueueGetTests.test_get_cancelled_race and
// test_cancelled_getters_not_being_held_in_self_getters: a cancelled getter is withdrawn at
// once and the next item goes to the getter behind it.
TEST_CASE("Queue withdraws a cancelled getter at once", "[primitives][queue][cancel]")
{
    int got = 0;
    int gettersAfterCancel = -1;
    int gettersAfterTimeout = -1;
    const TraceData data = runTraced([&] {
        return [](int *got, int *afterCancel, int *afterTimeout) -> Co<void> {
            Queue<int> q;
            auto t1 = createTask(q.get(), QStringLiteral("t1"));
            auto t2 = createTask(q.get(), QStringLiteral("t2"));
            co_await sleep(0);
            t1.cancel();
            *afterCancel = q.getters(); // at once, not when t1 next runs
            co_await sleep(0);
            co_await q.put(5);
            *got = co_await t2;
            try {
                co_await waitFor(q.get(), Seconds(0.1));
            } catch (const TimeoutError &) {
                *afterTimeout = q.getters();
            }
        }(&got, &gettersAfterCancel, &gettersAfterTimeout);
    });
    CHECK(unitByLabel(data, QStringLiteral("t1"))->outcome == Outcome::Cancelled);
    CHECK(gettersAfterCancel == 1);
    CHECK(got == 5);
    CHECK(gettersAfterTimeout == 0);
    CHECK(seconds(data.info.totalNs) == Approx(0.1));
}

// A getter that was woken by a put and cancelled before it ran passes the wake-up on (the
// `if not self.empty() and not getter.cancelled()` branch of Queue.get).
TEST_CASE("Queue passes a wake-up on when the woken getter is cancelled", "[primitives][queue]")
{
    int got = 0;
    runTraced([&] {
        return [](int *got) -> Co<void> {
            Queue<int> q;
            auto t1 = createTask(q.get(), QStringLiteral("t1"));
            auto t2 = createTask(q.get(), QStringLiteral("t2"));
            co_await sleep(0);
            q.putNowait(9); // wakes t1
            t1.cancel();
            *got = co_await t2;
        }(&got);
    });
    CHECK(got == 9);
}

// _QueueJoinTests.test_task_done, test_join_empty_queue and test_task_done_underflow.
TEST_CASE("Queue join waits until every item is marked done", "[primitives][queue]")
{
    int sum = 0;
    double joinedAt = -1;
    QString underflow;
    const TraceData data = runTraced([&] {
        return [](int *sum, double *joinedAt, QString *underflow) -> Co<void> {
            Queue<int> q;
            co_await q.join(); // an empty queue joins at once
            for (int i = 0; i < 10; ++i)
                q.putNowait(i);
            std::vector<Task<void>> workers;
            for (int w = 0; w < 2; ++w) {
                workers.push_back(createTask(
                    [](Queue<int> *q, int *sum) -> Co<void> {
                        for (;;) {
                            const int item = co_await q->get();
                            co_await sleep(0.1);
                            *sum += item;
                            q->taskDone();
                        }
                    }(&q, sum),
                    QStringLiteral("worker %1").arg(w)));
            }
            co_await q.join();
            *joinedAt = loopNow();
            for (auto &w : workers)
                w.cancel();
            co_await gatherResults(workers);
            try {
                q.taskDone();
            } catch (const ScenarioError &e) {
                *underflow = e.type();
            }
        }(&sum, &joinedAt, &underflow);
    });
    CHECK(sum == 45);
    CHECK(joinedAt == Approx(0.5));
    CHECK(underflow == QStringLiteral("ValueError"));
    // main waits on join (an event), not in a queue
    CHECK(timeIn(*data.unit(data.info.mainId), UnitState::Waiting) == Approx(0.5));
    CHECK(unitByLabel(data, QStringLiteral("worker 0"))->outcome == Outcome::Cancelled);
}

// --- Lock (test_locks.py LockTests) -------------------------------------------------------------

// LockTests.test_acquire: waiters get the lock in FIFO order, one release each.
TEST_CASE("Lock hands itself to the waiters in FIFO order", "[primitives][lock]")
{
    std::vector<std::vector<int>> steps;
    runTraced([&] {
        return [](std::vector<std::vector<int>> *steps) -> Co<void> {
            Lock lock;
            std::vector<int> result;
            auto c = [](Lock *lock, std::vector<int> *result, int id) -> Co<void> {
                auto guard = co_await lock->acquire();
                result->push_back(id);
                guard.dismiss(); // held on, like `await lock.acquire()` without release
            };
            auto held = co_await lock.acquire();
            held.dismiss();
            auto t1 = createTask(c(&lock, &result, 1));
            auto t2 = createTask(c(&lock, &result, 2));
            co_await sleep(0);
            steps->push_back(result);
            lock.release();
            co_await sleep(0);
            steps->push_back(result);
            co_await sleep(0);
            steps->push_back(result);
            auto t3 = createTask(c(&lock, &result, 3));
            lock.release();
            co_await sleep(0);
            steps->push_back(result);
            lock.release();
            co_await sleep(0);
            steps->push_back(result);
            CHECK((t1.isDone() && t2.isDone() && t3.isDone()));
            lock.release();
        }(&steps);
    });
    CHECK(steps
          == std::vector<std::vector<int>>{{}, {1}, {1}, {1, 2}, {1, 2, 3}});
}

// LockTests.test_acquire_cancel and test_release_not_acquired: a cancelled waiter is unlinked
// at once; releasing a free lock raises RuntimeError.
TEST_CASE("Lock withdraws a cancelled waiter and shows the wait as queued",
          "[primitives][lock][cancel]")
{
    int waitersAfter = -1;
    QString error;
    const TraceData data = runTraced([&] {
        return [](int *waitersAfter, QString *error) -> Co<void> {
            Lock lock;
            auto guard = co_await lock.acquire();
            auto waiter = createTask(
                [](Lock *lock) -> Co<void> { auto g = co_await lock->acquire(); }(&lock),
                QStringLiteral("waiter"));
            co_await sleep(0.5);
            waiter.cancel();
            *waitersAfter = lock.waiting(); // at once, not when the waiter next runs
            std::vector<Task<void>> only{waiter};
            co_await gatherResults(only);
            guard.release();
            try {
                lock.release();
            } catch (const ScenarioError &e) {
                *error = errorText(std::make_exception_ptr(e));
            }
        }(&waitersAfter, &error);
    });
    const UnitRecord *w = unitByLabel(data, QStringLiteral("waiter"));
    CHECK(w->outcome == Outcome::Cancelled);
    CHECK(seconds(w->endNs) == Approx(0.5));
    CHECK(timeIn(*w, UnitState::Queued) == Approx(0.5));
    CHECK(waitersAfter == 0);
    CHECK(error == QStringLiteral("RuntimeError: Lock is not acquired."));
    CHECK(counterMax(data, QStringLiteral("lock queue")) == 1);
    CHECK(counterLast(data, QStringLiteral("lock held")) == 0);
    const QString mainLabel = data.unit(data.info.mainId)->label;
    CHECK(holds(data, QStringLiteral("lock"))
          == QStringList{mainLabel + QStringLiteral(" 0.00-0.50")});
}

// LockTests.test_finished_waiter_cancelled: the first waiter is handed the lock and cancelled
// before it runs; the lock goes to the next waiter.
TEST_CASE("Lock handed to a waiter cancelled meanwhile goes to the next one",
          "[primitives][lock][cancel]")
{
    bool lockedAfter = false;
    bool tcGotIt = false;
    const TraceData data = runTraced([&] {
        return [](bool *lockedAfter, bool *tcGotIt) -> Co<void> {
            Lock lock;
            auto held = co_await lock.acquire();
            auto body = [](Lock *lock) -> Co<void> {
                auto g = co_await lock->acquire();
                co_await sleep(1);
            };
            auto tb = createTask(body(&lock), QStringLiteral("tb"));
            auto tc = createTask(body(&lock), QStringLiteral("tc"));
            co_await sleep(0);
            held.release(); // hands the lock to tb
            tb.cancel();    // before tb ran
            co_await sleep(0);
            *lockedAfter = lock.locked();
            try {
                co_await waitFor(tc, Seconds(5)); // the lock left with tb: tc would wait
                *tcGotIt = true;
            } catch (const TimeoutError &) {
            }
        }(&lockedAfter, &tcGotIt);
    });
    CHECK(lockedAfter);
    CHECK(tcGotIt);
    CHECK(unitByLabel(data, QStringLiteral("tb"))->outcome == Outcome::Cancelled);
    CHECK(unitByLabel(data, QStringLiteral("tc"))->outcome == Outcome::Completed);
    CHECK(seconds(data.info.totalNs) == Approx(1.0));
    // The lock lane never shows tb, which never ran with it.
    CHECK(holds(data, QStringLiteral("lock")) == QStringList{QStringLiteral("tc 0.00-1.00")});
}

// --- Event (test_locks.py EventTests) -----------------------------------------------------------

// EventTests.test_wait, test_wait_on_set and test_clear: set() wakes every waiter; a task that
// first runs after set() passes straight through (hence 3, 1, 2). Waiting is `waiting`.
TEST_CASE("Event set wakes every waiter and the wait shows as waiting", "[primitives][event]")
{
    std::vector<int> result;
    bool cleared = true;
    const TraceData data = runTraced([&] {
        return [](std::vector<int> *result, bool *cleared) -> Co<void> {
            Event ev;
            auto c = [](Event *ev, std::vector<int> *result, int id) -> Co<void> {
                co_await ev->wait();
                result->push_back(id);
            };
            auto t1 = createTask(c(&ev, result, 1), QStringLiteral("c1"));
            auto t2 = createTask(c(&ev, result, 2), QStringLiteral("c2"));
            co_await sleep(1);
            auto t3 = createTask(c(&ev, result, 3), QStringLiteral("c3"));
            ev.set();
            co_await sleep(0);
            co_await ev.wait(); // already set: no wait
            ev.clear();
            *cleared = !ev.isSet();
        }(&result, &cleared);
    });
    CHECK(result == std::vector<int>{3, 1, 2});
    CHECK(cleared);
    const UnitRecord *c1 = unitByLabel(data, QStringLiteral("c1"));
    CHECK(timeIn(*c1, UnitState::Waiting) == Approx(1.0));
    CHECK(timeIn(*c1, UnitState::Queued) == Approx(0.0));
    CHECK(counterMax(data, QStringLiteral("event waiters")) == 2);
}

// EventTests.test_wait_cancel: a cancelled waiter leaves no waiter behind.
TEST_CASE("Event withdraws a cancelled waiter at once", "[primitives][event][cancel]")
{
    int waitersAfter = -1;
    const TraceData data = runTraced([&] {
        return [](int *waitersAfter) -> Co<void> {
            Event ev;
            auto w = createTask(
                [](Event *ev) -> Co<void> { co_await ev->wait(); }(&ev), QStringLiteral("w"));
            co_await sleep(0.25);
            w.cancel();
            *waitersAfter = ev.waiting(); // at once, not when w next runs
            std::vector<Task<void>> only{w};
            co_await gatherResults(only);
        }(&waitersAfter);
    });
    CHECK(waitersAfter == 0);
    CHECK(unitByLabel(data, QStringLiteral("w"))->outcome == Outcome::Cancelled);
    CHECK(seconds(unitByLabel(data, QStringLiteral("w"))->endNs) == Approx(0.25));
}

// --- Condition (test_locks.py ConditionTests) ---------------------------------------------------

// ConditionTests.test_wait and test_notify: notify(n) wakes the first n waiters; each takes the
// lock again in turn before wait() returns. Both waits are `queued`.
TEST_CASE("Condition notify wakes waiters in order and each re-acquires the lock",
          "[primitives][condition]")
{
    std::vector<int> result;
    const TraceData data = runTraced([&] {
        return [](std::vector<int> *result) -> Co<void> {
            Condition cond;
            auto c = [](Condition *cond, std::vector<int> *result, int id) -> Co<void> {
                auto guard = co_await cond->acquire();
                co_await cond->wait();
                result->push_back(id);
                co_await sleep(0.5); // holds the lock: the next one queues for it
            };
            std::vector<Task<void>> tasks;
            for (int i = 1; i <= 3; ++i)
                tasks.push_back(createTask(c(&cond, result, i), QStringLiteral("c%1").arg(i)));
            co_await sleep(1);
            {
                auto guard = co_await cond.acquire();
                cond.notify(1);
            }
            co_await sleep(0.1);
            CHECK(*result == std::vector<int>{1});
            {
                auto guard = co_await cond.acquire(); // queued behind c1's 0.5 s
                cond.notify(2);
            }
            co_await gather(tasks);
        }(&result);
    });
    CHECK(result == std::vector<int>{1, 2, 3});
    // c1: notified at 1.0, lock free: done at 1.5. main takes the lock at 1.5 and notifies
    // c2 and c3, which then hold it one after the other.
    CHECK(seconds(unitByLabel(data, QStringLiteral("c1"))->endNs) == Approx(1.5));
    CHECK(seconds(unitByLabel(data, QStringLiteral("c2"))->endNs) == Approx(2.0));
    CHECK(seconds(unitByLabel(data, QStringLiteral("c3"))->endNs) == Approx(2.5));
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("c3")), UnitState::Queued) == Approx(2.0));
    CHECK(timeIn(*unitByLabel(data, QStringLiteral("c3")), UnitState::Waiting) == Approx(0.5));
    CHECK(counterMax(data, QStringLiteral("condition waiters")) == 3);
    // The condition's lock lane: who holds it, the takes of no length (wait() gives it back
    // at once) left out.
    CHECK(holds(data, QStringLiteral("condition lock"))
          == QStringList{QStringLiteral("c1 1.00-1.50"), QStringLiteral("c2 1.50-2.00"),
                         QStringLiteral("c3 2.00-2.50")});
}

// ConditionTests.test_wait_for: the predicate is checked first and after every notification.
TEST_CASE("Condition waitFor returns once the predicate holds", "[primitives][condition]")
{
    double doneAt = -1;
    int checks = 0;
    runTraced([&] {
        return [](double *doneAt, int *checks) -> Co<void> {
            Condition cond;
            int presence = 0;
            auto waiter = createTask(
                [](Condition *cond, int *presence, int *checks, double *doneAt) -> Co<void> {
                    auto guard = co_await cond->acquire();
                    co_await cond->waitFor([presence, checks] {
                        ++*checks;
                        return *presence == 2;
                    });
                    *doneAt = loopNow();
                }(&cond, &presence, checks, doneAt));
            for (int i = 1; i <= 2; ++i) {
                co_await sleep(1);
                auto guard = co_await cond.acquire();
                presence = i;
                cond.notify();
            }
            co_await waiter;
        }(&doneAt, &checks);
    });
    CHECK(doneAt == Approx(2.0));
    CHECK(checks == 3);
}

// ConditionTests.test_wait_cancel, test_wait_cancel_contested and test_wait_unacquired: a
// cancelled wait takes the lock back before it raises; waiting without the lock is an error.
TEST_CASE("Condition wait cancelled re-acquires the lock before raising",
          "[primitives][condition][cancel]")
{
    bool lockedAfter = false;
    int waitersAfter = -1;
    double cancelledAt = -1;
    QString unacquired;
    runTraced([&] {
        return [](bool *lockedAfter, int *waitersAfter, double *cancelledAt,
                  QString *unacquired) -> Co<void> {
            Condition cond;
            auto guard = co_await cond.acquire();
            auto w = createTask(
                [](Condition *cond, double *cancelledAt) -> Co<void> {
                    try {
                        co_await cond->wait();
                    } catch (const CancelledError &) {
                        *cancelledAt = loopNow();
                        throw;
                    }
                }(&cond, cancelledAt));
            co_await sleep(0.5);
            auto again = co_await cond.acquire(); // w released it in wait()
            w.cancel(); // in the wait for a notification
            co_await sleep(0.5);
            w.cancel(); // now in the re-acquire: it keeps trying
            co_await sleep(0.5); // w cannot raise until it holds the lock again
            again.release();
            std::vector<Task<void>> only{w};
            co_await gatherResults(only);
            *lockedAfter = cond.locked();
            *waitersAfter = cond.waiting();
            guard.dismiss(); // w's wait took the lock back for it
            cond.release();
            try {
                co_await cond.wait();
            } catch (const ScenarioError &e) {
                *unacquired = e.message();
            }
        }(&lockedAfter, &waitersAfter, &cancelledAt, &unacquired);
    });
    CHECK(lockedAfter);
    CHECK(waitersAfter == 0);
    CHECK(cancelledAt == Approx(1.5));
    CHECK(unacquired == QStringLiteral("cannot wait on un-acquired lock"));
}
