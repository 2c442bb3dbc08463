#include <catch2/catch.hpp>

#include "runtimetest.h"

using namespace Loopscope;
using namespace Loopscope::Test;

namespace {

//! Counts its destruction and prints it, so the output shows when the frame holding it died.
struct Guard {
    int *count;
    QString name;
    ~Guard()
    {
        ++*count;
        print(name + QStringLiteral(" destroyed"));
    }
};

//! What one run recorded: every event of the loop and shared streams, in order, with the
//! strings they refer to spelled out.
struct Recorded {
    QStringList events;
    int guards = 0;
    std::exception_ptr error; //!< the cancelled task's error
};

QString describe(const TraceRecorder &recorder, const TraceEvent &e)
{
    return QStringLiteral("%1 u%2 t%3 c%4 l%5 a%6 b%7 [%8|%9]")
        .arg(e.timeNs)
        .arg(e.unit)
        .arg(int(e.type))
        .arg(e.code)
        .arg(e.lane)
        .arg(e.a)
        .arg(e.b)
        .arg(recorder.string(e.a), recorder.string(e.b));
}

//! Runs the main makeMain(&guards, &error) makes with cancellations delivered as mode says.
template<typename MakeMain>
Recorded record(CancelDelivery mode, MakeMain makeMain)
{
    const CancelDelivery before = cancelDelivery();
    setCancelDelivery(mode);
    Recorded out;
    TraceRecorder recorder;
    {
        EventLoop loop(Clock::Mode::Virtual, 1.0, &recorder);
        traceRun(loop, recorder, makeMain(&out.guards, &out.error));
    }
    setCancelDelivery(before);
    std::vector<TraceEvent> events;
    TraceRecorder::Cursor cursor;
    recorder.readNew(cursor, events);
    for (const TraceEvent &e : events)
        out.events << describe(recorder, e);
    return out;
}

//! The same run delivered by a throw and directly: the same events, guards and outcome; only
//! the direct one ends the task with the shared CancelledError (it really took that path).
template<typename MakeMain>
void checkSamePaths(MakeMain makeMain, int guards)
{
    const Recorded thrown = record(CancelDelivery::Throw, makeMain);
    const Recorded direct = record(CancelDelivery::Direct, makeMain);
    CHECK(thrown.guards == guards);
    CHECK(direct.guards == guards);
    // As text: Catch prints a QStringList as {?}.
    CHECK(direct.events.join(QLatin1Char('\n')).toStdString()
          == thrown.events.join(QLatin1Char('\n')).toStdString());
    REQUIRE(thrown.error);
    CHECK(errorText(thrown.error) == QStringLiteral("CancelledError"));
    CHECK(thrown.error != cancelledError());
    CHECK(direct.error == cancelledError());
}

//! Awaits t, which ends cancelled, and keeps its error.
template<typename T>
Co<void> awaitCancelled(Task<T> t, std::exception_ptr *error)
{
    try {
        co_await t;
    } catch (const CancelledError &) {
        print(QStringLiteral("main: cancelled"));
    }
    *error = t.error();
}

Co<void> guardedSleep(int *guards, QString name, double seconds)
{
    co_await cancelPassesThrough();
    Guard guard{guards, name};
    co_await sleep(seconds);
    print(name + QStringLiteral(" woke"));
}

Co<void> sleepCancelled(int *guards, std::exception_ptr *error)
{
    auto t = createTask(guardedSleep(guards, QStringLiteral("sleeper"), 10),
                        QStringLiteral("sleeper"));
    co_await sleep(1);
    t.cancel();
    co_await awaitCancelled(t, error);
}

Co<int> getter(int *guards, Queue<int> *queue)
{
    co_await cancelPassesThrough();
    Guard guard{guards, QStringLiteral("getter")};
    co_return co_await queue->get();
}

Co<void> queueGetCancelled(int *guards, std::exception_ptr *error)
{
    Queue<int> queue;
    auto t = createTask(getter(guards, &queue), QStringLiteral("getter"));
    co_await sleep(1);
    t.cancel();
    co_await awaitCancelled(t, error);
    queue.putNowait(1); // nobody waits any more: the item stays
    print(QStringLiteral("items %1").arg(queue.qsize()));
}

Co<void> lockHolder(Lock *lock)
{
    auto guard = co_await lock->acquire();
    co_await sleep(1);
}

Co<void> lockWaiter(int *guards, Lock *lock)
{
    co_await cancelPassesThrough();
    Guard guard{guards, QStringLiteral("waiter")};
    auto held = co_await lock->acquire();
    print(QStringLiteral("waiter holds the lock"));
}

//! handedOver: the waiter is cancelled after the holder handed it the lock and before it ran
//! (it must pass the lock on); else while it waits in the queue.
Co<void> lockCancelled(int *guards, std::exception_ptr *error, bool handedOver)
{
    Lock lock;
    auto holder = createTask(lockHolder(&lock), QStringLiteral("holder"));
    auto waiter = createTask(lockWaiter(guards, &lock), QStringLiteral("waiter"));
    co_await sleep(handedOver ? 1 : 0.5);
    if (handedOver)
        co_await sleep(0); // the holder released it in the turn before
    waiter.cancel();
    co_await awaitCancelled(waiter, error);
    co_await holder;
    auto again = co_await lock.acquire();
    print(QStringLiteral("main holds the lock"));
}

Co<void> innerChild(int *guards)
{
    co_await cancelPassesThrough();
    Guard guard{guards, QStringLiteral("inner")};
    co_await sleep(10);
}

Co<void> outerChild(int *guards)
{
    co_await cancelPassesThrough();
    Guard guard{guards, QStringLiteral("outer")};
    co_await innerChild(guards).named(QStringLiteral("inner"));
    print(QStringLiteral("outer went on"));
}

Co<void> twoDeep(int *guards)
{
    co_await cancelPassesThrough();
    Guard guard{guards, QStringLiteral("root")};
    co_await outerChild(guards).named(QStringLiteral("outer"));
}

Co<void> twoDeepCancelled(int *guards, std::exception_ptr *error)
{
    auto t = createTask(twoDeep(guards), QStringLiteral("root"));
    co_await sleep(1);
    t.cancel();
    co_await awaitCancelled(t, error);
}

Co<void> gatherer(int *guards, std::vector<Task<void>> *children)
{
    co_await cancelPassesThrough();
    for (int i = 1; i <= 3; ++i) {
        const QString name = QStringLiteral("child %1").arg(i);
        children->push_back(createTask(guardedSleep(guards, name, i), name));
    }
    co_await gather(*children);
}

Co<void> gatherCancelled(int *guards, std::exception_ptr *error)
{
    std::vector<Task<void>> children;
    auto t = createTask(gatherer(guards, &children), QStringLiteral("gatherer"));
    co_await sleep(1.5); // child 1 is done by then
    t.cancel();
    co_await awaitCancelled(t, error);
    *error = children[2].error();
}

Co<void> waitForTimedOut(int *guards, std::exception_ptr *error)
{
    auto inner = createTask(guardedSleep(guards, QStringLiteral("slow"), 10),
                            QStringLiteral("slow"));
    try {
        co_await waitFor(inner, Seconds(2));
    } catch (const TimeoutError &) {
        print(QStringLiteral("main: timed out"));
    }
    *error = inner.error();
}

Co<void> swallows(int *guards)
{
    co_await cancelPassesThrough(); // a lie: it catches the CancelledError
    Guard guard{guards, QStringLiteral("liar")};
    try {
        co_await sleep(10);
    } catch (const CancelledError &) {
        print(QStringLiteral("liar caught it"));
    }
}

Co<void> undeclaredParent(int *guards)
{
    Guard guard{guards, QStringLiteral("parent")};
    co_await innerChild(guards).named(QStringLiteral("inner"));
}

QStringList g_checkFailures;

} // namespace

TEST_CASE("A declared task cancelled at a sleep ends as the thrown path ends it",
          "[runtime][canceldelivery]")
{
    checkSamePaths([](int *g, std::exception_ptr *e) { return sleepCancelled(g, e); }, 1);
}

TEST_CASE("A declared task cancelled at a queue get ends as the thrown path ends it",
          "[primitives][canceldelivery]")
{
    checkSamePaths([](int *g, std::exception_ptr *e) { return queueGetCancelled(g, e); }, 1);
}

TEST_CASE("A declared task cancelled at a lock ends as the thrown path ends it",
          "[primitives][canceldelivery]")
{
    SECTION("while it waits in the queue")
    {
        checkSamePaths(
            [](int *g, std::exception_ptr *e) { return lockCancelled(g, e, false); }, 1);
    }
    SECTION("after the lock was handed to it: it passes the lock on")
    {
        checkSamePaths([](int *g, std::exception_ptr *e) { return lockCancelled(g, e, true); },
                       1);
    }
}

TEST_CASE("Declared inline children two deep end innermost first as the thrown path ends them",
          "[runtime][canceldelivery]")
{
    checkSamePaths([](int *g, std::exception_ptr *e) { return twoDeepCancelled(g, e); }, 3);
    const Recorded direct = record(CancelDelivery::Direct, [](int *g, std::exception_ptr *e) {
        return twoDeepCancelled(g, e);
    });
    QStringList destroyed;
    for (const QString &e : direct.events) {
        for (const char *name : {"inner", "outer", "root"}) {
            const QString line = QLatin1String(name) + QStringLiteral(" destroyed");
            if (e.contains(line))
                destroyed << line;
        }
    }
    CHECK(destroyed
          == QStringList({QStringLiteral("inner destroyed"), QStringLiteral("outer destroyed"),
                          QStringLiteral("root destroyed")}));
}

TEST_CASE("Declared tasks inside a cancelled gather end as the thrown path ends them",
          "[runtime][canceldelivery]")
{
    // Child 1 completed; children 2 and 3 are cancelled at their sleeps.
    checkSamePaths([](int *g, std::exception_ptr *e) { return gatherCancelled(g, e); }, 3);
}

TEST_CASE("A declared task timed out by waitFor ends as the thrown path ends it",
          "[runtime][canceldelivery]")
{
    checkSamePaths([](int *g, std::exception_ptr *e) { return waitForTimedOut(g, e); }, 1);
}

TEST_CASE("A frame that did not declare keeps the throw for the whole chain",
          "[runtime][canceldelivery]")
{
    const Recorded direct = record(CancelDelivery::Direct, [](int *g, std::exception_ptr *e) {
        return [](int *g, std::exception_ptr *e) -> Co<void> {
            auto t = createTask(undeclaredParent(g), QStringLiteral("parent"));
            co_await sleep(1);
            t.cancel();
            co_await awaitCancelled(t, e);
        }(g, e);
    });
    CHECK(direct.guards == 2);
    REQUIRE(direct.error);
    CHECK(direct.error != cancelledError());
}

TEST_CASE("The checked delivery throws and reports a declaration that catches",
          "[runtime][canceldelivery]")
{
    g_checkFailures.clear();
    const CancelCheckHandler before =
        setCancelCheckHandler([](const QString &message) { g_checkFailures << message; });
    SECTION("a true declaration: the thrown path, nothing reported")
    {
        const auto make = [](int *g, std::exception_ptr *e) { return twoDeepCancelled(g, e); };
        const Recorded checked = record(CancelDelivery::Checked, make);
        CHECK(checked.events.join(QLatin1Char('\n')).toStdString()
              == record(CancelDelivery::Throw, make).events.join(QLatin1Char('\n')).toStdString());
        CHECK(checked.error != cancelledError());
        CHECK(g_checkFailures.isEmpty());
    }
    SECTION("a coroutine that declared it and catches the CancelledError is reported")
    {
        const Recorded checked =
            record(CancelDelivery::Checked, [](int *g, std::exception_ptr *e) {
                return [](int *g, std::exception_ptr *e) -> Co<void> {
                    auto t = createTask(swallows(g), QStringLiteral("liar"));
                    co_await sleep(1);
                    t.cancel();
                    co_await t;
                    *e = t.error();
                }(g, e);
            });
        CHECK(checked.guards == 1);
        CHECK_FALSE(checked.error);
        REQUIRE(g_checkFailures.size() == 1);
        CHECK(g_checkFailures.front().startsWith(QStringLiteral("liar declared")));
    }
    setCancelCheckHandler(before);
}
