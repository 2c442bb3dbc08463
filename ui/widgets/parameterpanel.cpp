#include "parameterpanel.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace Loopscope {

namespace {
// Sliders with more positions than this step coarser; the spin box still takes any value.
constexpr int MaxSliderSteps = 1000;

int decimalsFor(double step)
{
    int d = 0;
    while (d < 4 && std::abs(step * std::pow(10.0, d) - std::round(step * std::pow(10.0, d))) > 1e-9)
        ++d;
    return d;
}
} // namespace

ParameterPanel::ParameterPanel(QWidget *parent)
    : QWidget(parent)
    , m_form(nullptr)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &ParameterPanel::paramsEdited);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    setScenario(nullptr);
}

void ParameterPanel::setScenario(const Scenario *scenario, const ScenarioParams &values)
{
    m_debounce.stop();
    m_scenario = scenario;
    m_rows.clear();
    delete m_rowsWidget;
    m_rowsWidget = new QWidget(this);
    m_form = new QFormLayout(m_rowsWidget);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout()->addWidget(m_rowsWidget);

    if (!scenario || scenario->params.empty()) {
        auto *none = new QLabel(scenario ? QStringLiteral("No parameters.")
                                         : QString(),
                                m_rowsWidget);
        none->setEnabled(false);
        m_form->addRow(none);
        return;
    }
    m_quiet = true;
    for (const ParamSpec &spec : scenario->params) {
        Row row;
        row.spec = spec;
        const QString suffix = spec.unit.isEmpty() ? QString() : QLatin1Char(' ') + spec.unit;
        const QString tip = QStringLiteral("%1 (%2: %3 to %4%5)")
                                .arg(spec.help.isEmpty() ? spec.label : spec.help, spec.name)
                                .arg(spec.min, 0, 'f', decimalsFor(spec.step))
                                .arg(spec.max, 0, 'f', decimalsFor(spec.step))
                                .arg(suffix);
        if (spec.isInteger()) {
            auto *spin = new QSpinBox(m_rowsWidget);
            spin->setRange(int(spec.min), int(spec.max));
            spin->setSingleStep(std::max(1, int(spec.step)));
            spin->setSuffix(suffix);
            connect(spin, &QSpinBox::valueChanged, this,
                    [this, spin](int v) { onSpinChanged(spin, v); });
            row.spin = spin;
        } else {
            auto *spin = new QDoubleSpinBox(m_rowsWidget);
            spin->setDecimals(std::max(1, decimalsFor(spec.step)));
            spin->setRange(spec.min, spec.max);
            spin->setSingleStep(spec.step);
            spin->setSuffix(suffix);
            connect(spin, &QDoubleSpinBox::valueChanged, this,
                    [this, spin](double v) { onSpinChanged(spin, v); });
            row.spin = spin;
        }
        row.spin->setObjectName(QStringLiteral("spin_") + spec.name);
        row.spin->setToolTip(tip);
        row.spin->setKeyboardTracking(false);
        row.spin->setMinimumWidth(90);

        auto *slider = new QSlider(Qt::Horizontal, m_rowsWidget);
        slider->setObjectName(QStringLiteral("slider_") + spec.name);
        const double steps = spec.step > 0 ? (spec.max - spec.min) / spec.step : 100;
        slider->setRange(0, int(std::min<double>(MaxSliderSteps, std::round(steps))));
        slider->setToolTip(tip);
        connect(slider, &QSlider::valueChanged, this, [this, slider](int position) {
            for (Row &r : m_rows) {
                if (r.slider == slider) {
                    if (m_quiet)
                        break;
                    const double v = sliderValue(r, position);
                    // Move the spin box only; it calls back and starts the debounce.
                    if (auto *i = qobject_cast<QSpinBox *>(r.spin))
                        i->setValue(int(std::lround(v)));
                    else if (auto *d = qobject_cast<QDoubleSpinBox *>(r.spin))
                        d->setValue(v);
                    break;
                }
            }
        });
        row.slider = slider;

        auto *field = new QWidget(m_rowsWidget);
        auto *h = new QHBoxLayout(field);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(slider, 1);
        h->addWidget(row.spin);
        auto *label = new QLabel(spec.label + QLatin1Char(':'), m_rowsWidget);
        label->setToolTip(tip);
        label->setBuddy(row.spin);
        m_form->addRow(label, field);
        m_rows.push_back(row);
    }
    auto *reset = new QPushButton(QStringLiteral("Reset to defaults"), m_rowsWidget);
    reset->setToolTip(QStringLiteral("Put every parameter back to the tutorial's value and re-run"));
    connect(reset, &QPushButton::clicked, this, [this] {
        resetToDefaults();
        Q_EMIT paramsEdited();
    });
    m_form->addRow(QString(), reset);
    m_quiet = false;
    setParams(values.values().empty() ? scenario->defaults() : values);
}

ScenarioParams ParameterPanel::params() const
{
    std::vector<std::pair<QString, double>> values;
    for (const Row &r : m_rows)
        values.emplace_back(r.spec.name, spinValue(r));
    return ScenarioParams(std::move(values));
}

void ParameterPanel::setParams(const ScenarioParams &values)
{
    if (!m_scenario)
        return;
    ScenarioParams resolved;
    m_scenario->resolve(values, &resolved, nullptr, Scenario::OnInvalid::UseDefault);
    m_quiet = true;
    for (Row &r : m_rows) {
        const double v = resolved.value(r.spec.name);
        if (auto *i = qobject_cast<QSpinBox *>(r.spin))
            i->setValue(int(std::lround(v)));
        else if (auto *d = qobject_cast<QDoubleSpinBox *>(r.spin))
            d->setValue(v);
        setRowValue(r, v);
    }
    m_quiet = false;
}

void ParameterPanel::resetToDefaults()
{
    if (m_scenario)
        setParams(m_scenario->defaults());
}

QSlider *ParameterPanel::slider(const QString &name) const
{
    for (const Row &r : m_rows) {
        if (r.spec.name == name)
            return r.slider;
    }
    return nullptr;
}

double ParameterPanel::spinValue(const Row &row) const
{
    if (auto *i = qobject_cast<QSpinBox *>(row.spin))
        return i->value();
    if (auto *d = qobject_cast<QDoubleSpinBox *>(row.spin))
        return d->value();
    return row.spec.defaultValue;
}

void ParameterPanel::onSpinChanged(QAbstractSpinBox *spin, double value)
{
    for (Row &r : m_rows) {
        if (r.spin == spin) {
            setRowValue(r, value);
            break;
        }
    }
    if (!m_quiet)
        m_debounce.start();
}

void ParameterPanel::setRowValue(Row &row, double value)
{
    const bool quiet = m_quiet;
    m_quiet = true; // the slider follows the spin box without a feedback loop
    row.slider->setValue(sliderPosition(row, value));
    m_quiet = quiet;
}

int ParameterPanel::sliderPosition(const Row &row, double value) const
{
    const double span = row.spec.max - row.spec.min;
    if (span <= 0)
        return 0;
    // A log slider measures from min + 1, so that a spec starting at 0 works too.
    const double fraction = row.spec.logSlider
        ? std::log1p(std::max(0.0, value - row.spec.min)) / std::log1p(span)
        : (value - row.spec.min) / span;
    return int(std::lround(fraction * row.slider->maximum()));
}

double ParameterPanel::sliderValue(const Row &row, int position) const
{
    const double span = row.spec.max - row.spec.min;
    const double fraction = double(position) / std::max(1, row.slider->maximum());
    double v = row.spec.min
        + (row.spec.logSlider ? std::expm1(fraction * std::log1p(span)) : span * fraction);
    if (row.spec.step > 0)
        v = row.spec.min + std::round((v - row.spec.min) / row.spec.step) * row.spec.step;
    return std::clamp(v, row.spec.min, row.spec.max);
}

} // namespace Loopscope
