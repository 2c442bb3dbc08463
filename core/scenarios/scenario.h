#pragma once

#include "runtime/task.h"

#include <QString>

#include <functional>
#include <utility>
#include <vector>

namespace Loopscope {

//! One parameter a scenario takes: the CLI's `--set name=value` and a slider in the GUI.
struct ParamSpec {
    QString name;  //!< e.g. "delay"
    QString label; //!< e.g. "Delay per task"
    QString unit;  //!< e.g. "s", "" for counts
    double min = 0;
    double max = 1;
    double step = 1;
    double defaultValue = 0;
    QString help; //!< one sentence for the tooltip
    //! True when the value is a whole number (step is a whole number).
    bool isInteger() const;
};

//! Parameter values by name, in the scenario's declared order. Values are validated against
//! the specs by fromAssignments / withValue before a run starts.
class ScenarioParams
{
public:
    ScenarioParams() = default;
    explicit ScenarioParams(std::vector<std::pair<QString, double>> values)
        : m_values(std::move(values))
    {
    }
    double value(const QString &name) const;
    int integer(const QString &name) const { return int(value(name) + (value(name) < 0 ? -0.5 : 0.5)); }
    bool boolean(const QString &name) const { return value(name) != 0; }
    const std::vector<std::pair<QString, double>> &values() const { return m_values; }
    void set(const QString &name, double value);
    //! "requests=10, limit=3, delay=1"
    QString toString() const;

private:
    std::vector<std::pair<QString, double>> m_values;
};

//! What a scenario is: its identity, the explanation shown beside it, its parameters, the code
//! shown in the code panel, and its driver coroutine (asyncio.run's main).
struct Scenario {
    QString id;          //!< "semaphore"
    QString title;       //!< "Semaphore rate limiting"
    QString group;       //!< "Limits and time"
    QString explanation; //!< two to four sentences: what the timeline shows
    std::vector<ParamSpec> params;
    std::function<Co<void>(ScenarioParams)> main;
    //! Started before the scenario clock (like a server that is already up): the local HTTP
    //! server, reachable from main through LocalHttpServer::forThisThread().
    bool needsHttpServer = false;

    const ParamSpec *param(const QString &name) const;
    //! The defaults of every parameter.
    ScenarioParams defaults() const;
    //! Applies "NAME=VALUE" assignments on top of the defaults; false with a one-line error
    //! naming the problem (unknown parameter, not a number, out of range).
    bool parseAssignments(const QStringList &assignments, ScenarioParams *out,
                          QString *error) const;
    //! Checks one value against its spec; false with a one-line error.
    bool checkValue(const QString &name, double value, QString *error) const;
    //! The scenario's C++ source and our Python equivalent (embedded resources).
    QString cppSource() const;
    QString pythonSource() const;
};

//! The scenario clock as text for printed lines: "1.50 s".
QString nowText();

} // namespace Loopscope
