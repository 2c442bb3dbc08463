#include <catch2/catch.hpp>

#include "parameterpanel.h"
#include "scenarios/scenarioregistry.h"

#include <QSlider>
#include <QSpinBox>

#include <cmath>

using namespace Loopscope;

namespace {
int spinValue(const ParameterPanel &panel, const QString &name)
{
    const auto *spin = panel.findChild<QSpinBox *>(QStringLiteral("spin_") + name);
    REQUIRE(spin);
    return spin->value();
}
} // namespace

TEST_CASE("ParameterPanel: a log slider gives every decade of stress's tasks a stretch",
          "[parameterpanel]")
{
    const Scenario *stress = ScenarioRegistry::find(QStringLiteral("stress"));
    REQUIRE(stress);
    ParameterPanel panel;
    panel.setScenario(stress);
    QSlider *slider = panel.slider(QStringLiteral("tasks"));
    REQUIRE(slider);
    QSpinBox *tasks = panel.findChild<QSpinBox *>(QStringLiteral("spin_tasks"));
    REQUIRE(tasks);
    REQUIRE(tasks->maximum() == 1000000);

    // The default, 1000 of 1..1e6, sits half-way along: three decades of six.
    REQUIRE(spinValue(panel, QStringLiteral("tasks")) == 1000);
    REQUIRE(std::abs(slider->value() - slider->maximum() / 2) <= 1);

    // Each sixth of the slider is a decade, and the ends are the spec's ends.
    auto at = [&](int sixths) { return int(std::lround(slider->maximum() * sixths / 6.0)); };
    const std::pair<int, int> positions[] = {
        {0, 1}, {at(1), 10}, {at(5), 100000}, {at(6), 1000000}};
    for (const auto &[position, value] : positions) {
        INFO("position " << position);
        slider->setValue(position);
        const int v = spinValue(panel, QStringLiteral("tasks"));
        CHECK(std::abs(v - value) <= value / 100);
    }
    // A spin box value puts the slider where that value is.
    tasks->setValue(10000);
    CHECK(std::abs(slider->value() - at(4)) <= 1);

    // A linear slider stays linear: limit takes 0..10000, a tenth of the way is 1000.
    QSlider *limit = panel.slider(QStringLiteral("limit"));
    REQUIRE(limit);
    limit->setValue(limit->maximum() / 10);
    CHECK(spinValue(panel, QStringLiteral("limit")) == 1000);
}
