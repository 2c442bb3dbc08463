#pragma once

#include "scenario.h"

#include <vector>

namespace Loopscope {

//! Every scenario Loopscope knows, in the order the browser lists them. Built once, immutable.
class ScenarioRegistry
{
public:
    static const std::vector<Scenario> &all();
    static const Scenario *find(const QString &id);
    //! The group names in display order.
    static QStringList groups();
};

// One per scenario file.
Scenario makeSequentialScenario();
Scenario makeConcurrentTasksScenario();
Scenario makeGatherReturnExceptionsScenario();
Scenario makeTaskGroupScenario();
Scenario makeHttpConcurrentScenario();
Scenario makeSemaphoreScenario();
Scenario makeAsyncGeneratorScenario();
Scenario makeWaitForTimeoutScenario();
Scenario makeTimeoutContextScenario();
Scenario makeExecutorScenario();
Scenario makeCancellationScenario();
Scenario makeBlockingPitfallScenario();
Scenario makeForgotAwaitScenario();
Scenario makeStressScenario();
Scenario makeQueueWorkersScenario();
Scenario makeLockScenario();
Scenario makeEventScenario();
Scenario makeWaitFirstCompletedScenario();
Scenario makeAsCompletedScenario();
Scenario makeShieldScenario();
Scenario makeToThreadScenario();

} // namespace Loopscope
