#pragma once

#include "run/runcontroller.h"
#include "scenarios/scenarioregistry.h"
#include "scenarios/scenariorunner.h"

#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QStringList>

namespace Loopscope::Test {

//! Runs the built-in scenario `id` with `assignments` ("name=value") through a RunController
//! and returns its trace (tst_core: links loopscope_core). Fails the test if it does not start
//! or does not end within a minute.
inline TraceData runScenario(const QString &id, const QStringList &assignments = {},
                             Clock::Mode clock = Clock::Mode::Virtual, double scale = 1.0)
{
    const Scenario *scenario = ScenarioRegistry::find(id);
    REQUIRE(scenario);
    ScenarioRunner::Options options;
    options.scenario = id;
    QString error;
    REQUIRE(scenario->resolve(assignments, &options.params, &error));
    options.clock = clock;
    options.timeScale = scale;
    RunController run;
    QSignalSpy finished(&run, &RunController::finished);
    REQUIRE(run.start(std::make_unique<ScenarioRunner>(options), &error));
    REQUIRE(finished.wait(60000));
    return run.takeData();
}

//! The id of the first unit with this label; fails the test when there is none.
inline quint32 idOf(const TraceData &data, const QString &label)
{
    for (const UnitRecord &u : data.units) {
        if (u.label == label)
            return u.id;
    }
    FAIL("no unit " << label.toStdString());
    return 0;
}

} // namespace Loopscope::Test
