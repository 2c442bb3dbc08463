#include "scenario.h"

#include "runtime/errors.h"
#include "runtime/eventloop.h"

#include <QFile>

#include <cmath>

namespace Loopscope {

namespace {
QString number(double value) { return QString::number(value, 'g', 10); }
} // namespace

bool ParamSpec::isInteger() const { return step >= 1 && std::floor(step) == step; }

double ScenarioParams::value(const QString &name) const
{
    for (const auto &[n, v] : m_values) {
        if (n == name)
            return v;
    }
    QStringList names;
    for (const auto &[n, v] : m_values)
        names << n;
    throw ScenarioError(QStringLiteral("KeyError"),
                        QStringLiteral("no parameter '%1' (the scenario declares: %2)")
                            .arg(name, names.isEmpty() ? QStringLiteral("none")
                                                       : names.join(QStringLiteral(", "))));
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
        parts << n + QLatin1Char('=') + number(v);
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

namespace {

QString unknownParameter(const Scenario &scenario, const QString &name)
{
    QStringList names;
    for (const ParamSpec &p : scenario.params)
        names << p.name;
    return QStringLiteral("unknown parameter '%1' for scenario '%2' (%3)")
        .arg(name, scenario.id,
             names.isEmpty() ? QStringLiteral("it takes none")
                             : QStringLiteral("known: ") + names.join(QStringLiteral(", ")));
}

//! Empty when spec takes value, else the one-line reason.
QString rejection(const ParamSpec &spec, double value)
{
    if (!std::isfinite(value) || value < spec.min || value > spec.max)
        return QStringLiteral("%1=%2 is out of range: %1 takes %3 to %4%5")
            .arg(spec.name, number(value), number(spec.min), number(spec.max),
                 spec.unit.isEmpty() ? QString() : QLatin1Char(' ') + spec.unit);
    if (spec.isInteger() && std::floor(value) != value)
        return QStringLiteral("%1=%2 must be a whole number").arg(spec.name, number(value));
    return QString();
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool Scenario::resolve(const ScenarioParams &values, ScenarioParams *out, QString *error,
                       OnInvalid onInvalid) const
{
    ScenarioParams full = defaults();
    for (const auto &[name, value] : values.values()) {
        const ParamSpec *spec = param(name);
        const QString problem = spec ? rejection(*spec, value) : unknownParameter(*this, name);
        if (problem.isEmpty())
            full.set(name, value);
        else if (onInvalid == OnInvalid::Fail)
            return fail(error, problem);
    }
    *out = std::move(full);
    return true;
}

bool Scenario::resolve(const QStringList &assignments, ScenarioParams *out, QString *error) const
{
    ScenarioParams values;
    for (const QString &a : assignments) {
        const qsizetype eq = a.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(error, QStringLiteral("'%1' is not NAME=VALUE").arg(a));
        const QString name = a.left(eq).trimmed();
        const QString text = a.mid(eq + 1).trimmed();
        if (!param(name))
            return fail(error, unknownParameter(*this, name));
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (!ok)
            return fail(error, QStringLiteral("%1=%2 is not a number").arg(name, text));
        values.set(name, value);
    }
    return resolve(values, out, error);
}

static QString readResource(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll());
}

QString Scenario::cppFile() const
{
    // One file per scenario, named as the id without underscores (async_generator ->
    // asyncgenerator.cpp).
    return QString(id).remove(QLatin1Char('_')) + QStringLiteral(".cpp");
}

QString Scenario::codeResource(const QString &cppFile)
{
    return readResource(QStringLiteral(":/code/cpp/") + cppFile);
}

QString Scenario::cppSource() const
{
    return codeResource(cppFile());
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
