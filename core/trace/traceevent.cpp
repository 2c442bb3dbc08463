#include "traceevent.h"

#include <QString>

namespace Loopscope {

namespace {
constexpr const char *KindNames[] = {"main", "task", "coroutine", "executor", "generator"};
constexpr const char *StateNames[] = {"pending", "running", "waiting", "queued", "ready"};
constexpr const char *OutcomeNames[] = {"",          "completed", "failed",
                                        "cancelled", "timed_out", "never_awaited"};
constexpr const char *CancelCauseNames[] = {"", "cancel", "timeout", "shutdown", "taskgroup",
                                            "gather"};

template<typename E, std::size_t N>
bool parseName(const char *const (&names)[N], const QString &name, E *out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i])) {
            *out = static_cast<E>(i);
            return true;
        }
    }
    return false;
}
} // namespace

const char *unitKindName(UnitKind kind) { return KindNames[static_cast<int>(kind)]; }
const char *unitStateName(UnitState state) { return StateNames[static_cast<int>(state)]; }
const char *outcomeName(Outcome outcome) { return OutcomeNames[static_cast<int>(outcome)]; }
const char *cancelCauseName(CancelCause cause)
{
    return CancelCauseNames[static_cast<int>(cause)];
}

bool parseUnitKind(const QString &name, UnitKind *out) { return parseName(KindNames, name, out); }
bool parseUnitState(const QString &name, UnitState *out)
{
    return parseName(StateNames, name, out);
}
bool parseOutcome(const QString &name, Outcome *out)
{
    return !name.isEmpty() && parseName(OutcomeNames, name, out);
}
bool parseCancelCause(const QString &name, CancelCause *out)
{
    return !name.isEmpty() && parseName(CancelCauseNames, name, out);
}

} // namespace Loopscope
