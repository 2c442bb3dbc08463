#include "scenarioregistry.h"

namespace Loopscope {

const std::vector<Scenario> &ScenarioRegistry::all()
{
    static const std::vector<Scenario> scenarios = [] {
        return std::vector<Scenario>{
            makeSequentialScenario(),      makeConcurrentTasksScenario(),
            makeGatherReturnExceptionsScenario(), makeTaskGroupScenario(),
            makeQueueWorkersScenario(),    makeLockScenario(),
            makeEventScenario(),
            makeHttpConcurrentScenario(),  makeSemaphoreScenario(),
            makeAsyncGeneratorScenario(),  makeWaitForTimeoutScenario(),
            makeTimeoutContextScenario(),  makeWaitFirstCompletedScenario(),
            makeAsCompletedScenario(),     makeShieldScenario(),
            makeExecutorScenario(),        makeToThreadScenario(),
            makeCancellationScenario(),    makeBlockingPitfallScenario(),
            makeForgotAwaitScenario(),     makeStressScenario(),
        };
    }();
    return scenarios;
}

const Scenario *ScenarioRegistry::find(const QString &id)
{
    for (const Scenario &s : all()) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

QStringList ScenarioRegistry::groups()
{
    return {QStringLiteral("Basics"), QStringLiteral("Coordination"),
            QStringLiteral("Limits and time"), QStringLiteral("Threads"),
            QStringLiteral("Pitfalls"), QStringLiteral("Scale")};
}

} // namespace Loopscope
