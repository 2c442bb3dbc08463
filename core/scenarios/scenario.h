#pragma once

#include "runtime/task.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <utility>
#include <vector>

namespace Loopscope {

//! One parameter a scenario takes: the CLI's `--set name=value` and a slider in the GUI.
//! Scenarios declare them with designated initializers (fields by name, never by position).
struct ParamSpec {
    QString name;  //!< e.g. "delay"
    QString label; //!< e.g. "Delay per task"
    QString unit = {}; //!< e.g. "s"; left out for counts
    double min = 0;
    double max = 1;
    double step = 1;
    double defaultValue = 0;
    QString help = {}; //!< one sentence for the tooltip
    //! The slider moves in equal ratios, not equal steps: for counts that span decades (stress's
    //! 1 to 1 000 000 tasks), so that 10, 1000 and 100 000 each get a usable stretch of it. The
    //! spin box beside it takes every value either way.
    bool logSlider = false;
    //! True when the value is a whole number (step is a whole number).
    bool isInteger() const;
};

//! Parameter values by name. Scenario::resolve() turns any set of values into the full set, in
//! the scenario's declared order, checked against its specs; a run only ever gets such a set.
class ScenarioParams
{
public:
    ScenarioParams() = default;
    explicit ScenarioParams(std::vector<std::pair<QString, double>> values)
        : m_values(std::move(values))
    {
    }
    //! The value of a parameter. A name that is not there throws ScenarioError("KeyError"), as
    //! params["limt"] would in Python: a misspelt name in a scenario's code fails its main.
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

    //! What resolve() does with a value the specs do not take.
    enum class OnInvalid {
        Fail,      //!< false with a one-line error: what the user typed (CLI, GUI options, runner)
        UseDefault //!< keep the default and go on: remembered settings, the parameter panel
    };

    const ParamSpec *param(const QString &name) const;
    //! The defaults of every parameter.
    ScenarioParams defaults() const;
    //! The one place parameter values meet the specs. *out gets every parameter in the declared
    //! order: its value in `values`, or its default. A value is invalid when its name is unknown,
    //! it is out of [min, max] or not finite, or it has a fraction and the spec is whole-number.
    //! error may be nullptr.
    bool resolve(const ScenarioParams &values, ScenarioParams *out, QString *error,
                 OnInvalid onInvalid = OnInvalid::Fail) const;
    //! The same for "NAME=VALUE" assignments (the command line's --set), which may also be
    //! malformed or not a number. Later assignments of a name win.
    bool resolve(const QStringList &assignments, ScenarioParams *out, QString *error) const;
    //! The scenario's C++ source and our Python equivalent (embedded resources).
    QString cppSource() const;
    QString pythonSource() const;
    //! The name of its C++ file, as a wait's place names it: "asyncgenerator.cpp".
    QString cppFile() const;
    //! An embedded C++ file of the scenarios by name ("sharedfetch.h"), "" if there is none.
    static QString codeResource(const QString &cppFile);
};

//! The scenario clock as text for printed lines: "1.50 s".
QString nowText();

} // namespace Loopscope
