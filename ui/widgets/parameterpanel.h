#pragma once

#include "scenarios/scenario.h"

#include <QTimer>
#include <QWidget>

#include <vector>

class QAbstractSpinBox;
class QFormLayout;
class QSlider;

namespace Loopscope {

//! The parameters of one scenario as rows of slider + spin box (QSpinBox for whole-number
//! specs, QDoubleSpinBox otherwise, the spec's unit as suffix), generated from its ParamSpecs.
//! The slider is linear in the value, or logarithmic for a spec with logSlider; the spin box
//! takes the spec's whole range either way.
//!
//! Slider and spin box stay in sync; a change by the user emits paramsEdited() once the values
//! have been still for debounceMs (250 ms), so dragging a slider re-runs once, not per pixel.
//! setScenario() and setParams() never emit. GUI thread only.
class ParameterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ParameterPanel(QWidget *parent = nullptr);

    //! Builds the rows for scenario (nullptr: none) with the given values (defaults if empty).
    void setScenario(const Scenario *scenario, const ScenarioParams &values = {});
    const Scenario *scenario() const { return m_scenario; }
    //! The values shown, in the scenario's order.
    ScenarioParams params() const;
    //! Shows values resolved against the scenario (Scenario::resolve, OnInvalid::UseDefault):
    //! a parameter that is missing or invalid in values shows its default.
    void setParams(const ScenarioParams &values);
    //! The slider of a parameter (tests), nullptr if there is none.
    QSlider *slider(const QString &name) const;
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }

public Q_SLOTS:
    void resetToDefaults();

Q_SIGNALS:
    void paramsEdited();

private:
    struct Row {
        ParamSpec spec;
        QSlider *slider = nullptr;
        QAbstractSpinBox *spin = nullptr;
    };
    double spinValue(const Row &row) const;
    void setRowValue(Row &row, double value);
    //! A spin box changed: sync its slider, and re-run after the debounce.
    void onSpinChanged(QAbstractSpinBox *spin, double value);
    int sliderPosition(const Row &row, double value) const;
    double sliderValue(const Row &row, int position) const;

    const Scenario *m_scenario = nullptr;
    std::vector<Row> m_rows;
    QFormLayout *m_form;
    QWidget *m_rowsWidget = nullptr;
    QTimer m_debounce;
    bool m_quiet = false;
};

} // namespace Loopscope
