#include "scenario.h"

#include "runtime/eventloop.h"

#include <QFile>

#include <cmath>

namespace Loopscope {

bool ParamSpec::isInteger() const { return step >= 1 && std::floor(step) == step; }

double ScenarioParams::value(const QString &name) const
{
    for (const auto &[n, v] : m_values) {
        if (n == name)
            return v;
    }
    qWarning("Loopscope: scenario asked for unknown parameter %s", qPrintable(name));
    return 0;
}

void ScenarioParams::set(const QString &name, double value)
{
    for (auto &[n, v] : m_values) {
        if (n == name) {
            v = value;
            return;
        }
    }
    m_values.emplace_back(name, value);
}

QString ScenarioParams::toString() const
{
    QStringList parts;
    for (const auto &[n, v] : m_values)
        parts << n + QLatin1Char('=') + QString::number(v, 'g', 10);
    return parts.join(QStringLiteral(", "));
}

const ParamSpec *Scenario::param(const QString &name) const
{
    for (const ParamSpec &p : params) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

ScenarioParams Scenario::defaults() const
{
    std::vector<std::pair<QString, double>> values;
    for (const ParamSpec &p : params)
        values.emplace_back(p.name, p.defaultValue);
    return ScenarioParams(std::move(values));
}

bool Scenario::checkValue(const QString &name, double value, QString *error) const
{
    const ParamSpec *spec = param(name);
    if (!spec) {
        QStringList names;
        for (const ParamSpec &p : params)
            names << p.name;
        *error = QStringLiteral("unknown parameter '%1' for scenario '%2' (%3)")
                     .arg(name, id,
                          names.isEmpty() ? QStringLiteral("it takes none")
                                          : QStringLiteral("known: ") + names.join(QStringLiteral(", ")));
        return false;
    }
    if (!std::isfinite(value) || value < spec->min || value > spec->max) {
        *error = QStringLiteral("%1=%2 is out of range: %1 takes %3 to %4%5")
                     .arg(name, QString::number(value, 'g', 10), QString::number(spec->min, 'g', 10),
                          QString::number(spec->max, 'g', 10),
                          spec->unit.isEmpty() ? QString() : QLatin1Char(' ') + spec->unit);
        return false;
    }
    if (spec->isInteger() && std::floor(value) != value) {
        *error = QStringLiteral("%1=%2 must be a whole number").arg(name, QString::number(value, 'g', 10));
        return false;
    }
    return true;
}

bool Scenario::parseAssignments(const QStringList &assignments, ScenarioParams *out,
                                QString *error) const
{
    ScenarioParams values = defaults();
    for (const QString &a : assignments) {
        const qsizetype eq = a.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("'%1' is not NAME=VALUE").arg(a);
            return false;
        }
        const QString name = a.left(eq).trimmed();
        const QString text = a.mid(eq + 1).trimmed();
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (!param(name)) {
            checkValue(name, 0, error);
            return false;
        }
        if (!ok) {
            *error = QStringLiteral("%1=%2 is not a number").arg(name, text);
            return false;
        }
        if (!checkValue(name, value, error))
            return false;
        values.set(name, value);
    }
    *out = values;
    return true;
}

static QString readResource(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll());
}

QString Scenario::cppSource() const
{
    return readResource(QStringLiteral(":/code/cpp/%1.cpp").arg(id));
}

QString Scenario::pythonSource() const
{
    return readResource(QStringLiteral(":/code/python/%1.py").arg(id));
}

QString nowText()
{
    EventLoop *loop = EventLoop::current();
    const double s = loop ? double(loop->nowNs()) / 1e9 : 0.0;
    return QStringLiteral("%1 s").arg(s, 0, 'f', 2);
}

} // namespace Loopscope
