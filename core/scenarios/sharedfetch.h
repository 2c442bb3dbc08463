#pragma once

#include "runtime/runtime.h"
#include "scenario.h"

namespace Loopscope {

// What wait_first_completed and as_completed share: three fetches of given delays.

//! `async def fetch(name, delay)`: sleeps, then returns its name.
inline Co<QString> fetch(QString name, double delay)
{
    co_await sleep(delay); // [sleep]
    co_return name;
}

//! Tasks "fetch 1".."fetch 3" with the parameters delay1..delay3.
inline std::vector<Task<QString>> createFetches(const ScenarioParams &p)
{
    std::vector<Task<QString>> tasks;
    for (int i = 1; i <= 3; ++i) {
        const QString name = QStringLiteral("fetch %1").arg(i);
        tasks.push_back(createTask(fetch(name, p.value(QStringLiteral("delay%1").arg(i))), name));
    }
    return tasks;
}

//! delay1..delay3 with these defaults.
inline std::vector<ParamSpec> fetchParams(double d1, double d2, double d3)
{
    std::vector<ParamSpec> specs;
    const double defaults[] = {d1, d2, d3};
    for (int i = 1; i <= 3; ++i)
        specs.push_back({.name = QStringLiteral("delay%1").arg(i),
                         .label = QStringLiteral("fetch %1 time").arg(i),
                         .unit = QStringLiteral("s"), .min = 0.1, .max = 10, .step = 0.1,
                         .defaultValue = defaults[i - 1],
                         .help = QStringLiteral("How long fetch %1 takes.").arg(i)});
    return specs;
}

} // namespace Loopscope
