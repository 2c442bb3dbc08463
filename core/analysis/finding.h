#pragma once

#include <QString>
#include <QtGlobal>

namespace Loopscope {

//! What a finding says is worth a look (the summary's `findings[].kind`: findingKindName()).
enum class FindingKind : quint8 {
    BlockedLoop,             //!< "blocked_loop": a step held the loop for 100 ms or more
    NeverAwaited,            //!< "never_awaited": a coroutine was created and never awaited
    SequentialAwaits,        //!< "sequential_awaits": awaits one after another could overlap
    CancelledAtShutdown,     //!< "cancelled_at_shutdown": main returned with tasks still running
    ExceptionNeverRetrieved, //!< "exception_never_retrieved": a task failed, nobody awaited it
    QueueDominated,          //!< "queue_dominated": tasks spent most of their time queued
};

//! One thing a run's trace says in plain language, about one unit at one time. Plain data,
//! computed by FindingDetector (read through RunAnalysis::findings()); any thread.
struct Finding
{
    FindingKind kind = FindingKind::BlockedLoop;
    quint32 unit = 0;    //!< the unit it is about (0: none)
    qint64 timeNs = 0;   //!< where on the timeline it belongs (scenario ns)
    QString text;        //!< one or two sentences for people, naming units by their labels
};

//! The machine names above.
inline const char *findingKindName(FindingKind kind)
{
    static constexpr const char *Names[] = {"blocked_loop",          "never_awaited",
                                            "sequential_awaits",     "cancelled_at_shutdown",
                                            "exception_never_retrieved", "queue_dominated"};
    return Names[static_cast<int>(kind)];
}

} // namespace Loopscope
