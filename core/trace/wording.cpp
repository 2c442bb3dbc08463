#include "wording.h"

#include "tracedata.h"

#include <QStringList>

namespace Loopscope {

QString Wording::state(UnitState state) { return QString::fromLatin1(unitStateName(state)); }

QString Wording::stateMeaning(UnitState state)
{
    switch (state) {
    case UnitState::Pending:
        return QStringLiteral("created, not started yet");
    case UnitState::Running:
        return QStringLiteral("executing code");
    case UnitState::Waiting:
        return QStringLiteral("suspended on a timer, I/O or another task");
    case UnitState::Queued:
        return QStringLiteral("waiting for a free slot (semaphore or pool)");
    case UnitState::Ready:
        return QStringLiteral("could go on, but the loop was busy elsewhere");
    }
    return {};
}

QString Wording::outcome(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return QStringLiteral("not ended");
    case Outcome::TimedOut:
        return QStringLiteral("timed out");
    case Outcome::NeverAwaited:
        return QStringLiteral("never awaited");
    case Outcome::Completed:
    case Outcome::Failed:
    case Outcome::Cancelled:
        break;
    }
    return QString::fromLatin1(outcomeName(outcome));
}

QString Wording::outcomeMeaning(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return QStringLiteral("not ended yet");
    case Outcome::NeverAwaited:
        return QStringLiteral("never awaited (never ran)");
    default:
        return Wording::outcome(outcome);
    }
}

QString Wording::outcomeCounts(const std::array<int, 6> &counts)
{
    static constexpr Outcome Order[] = {Outcome::Completed, Outcome::Failed, Outcome::Cancelled,
                                        Outcome::TimedOut,  Outcome::NeverAwaited, Outcome::None};
    QStringList parts;
    for (const Outcome o : Order) {
        if (const int n = counts[std::size_t(o)])
            parts << QStringLiteral("%1 %2").arg(n).arg(outcome(o));
    }
    return parts.join(QStringLiteral(", "));
}

QString Wording::cancelledBy(CancelCause cause, const QString &byLabel, const QString &byError)
{
    const bool by = !byLabel.isEmpty();
    switch (cause) {
    case CancelCause::None:
        break;
    case CancelCause::TaskGroup: {
        if (!by)
            return QStringLiteral("cancelled by its TaskGroup");
        // "ValueError: Item 3 failed" -> "ValueError": the type says it; the tooltip has the rest.
        const QString type = byError.section(QStringLiteral(": "), 0, 0);
        return type.isEmpty() ? QStringLiteral("cancelled by TaskGroup: %1 failed").arg(byLabel)
                              : QStringLiteral("cancelled by TaskGroup: %1 failed with %2")
                                    .arg(byLabel, type);
    }
    case CancelCause::Timeout:
        return QStringLiteral("cancelled by a timeout: its wait_for / timeout deadline passed");
    case CancelCause::Explicit:
        return by ? QStringLiteral("cancelled by %1: its code called cancel()").arg(byLabel)
                  : QStringLiteral("cancelled: cancel() was called");
    case CancelCause::Gather:
        return by ? QStringLiteral("cancelled by gather: the gather %1 awaited was cancelled")
                        .arg(byLabel)
                  : QStringLiteral("cancelled by gather: its gather was cancelled");
    case CancelCause::Shutdown:
        return by ? QStringLiteral("cancelled at shutdown: %1 returned and asyncio.run cancelled "
                                   "what was left")
                        .arg(byLabel)
                  : QStringLiteral("cancelled at shutdown: the run was stopped");
    }
    return {};
}

QString Wording::cancelledBy(const TraceData &data, const UnitRecord &u)
{
    const UnitRecord *by = data.unit(u.cancelledBy);
    return by ? cancelledBy(u.cancelCause, by->label, by->error) : cancelledBy(u.cancelCause, {});
}

QString Wording::number(double value, int decimals)
{
    QString s = QString::number(value, 'f', decimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}

QString Wording::moment(qint64 ns)
{
    return ns == 0 ? QStringLiteral("0 s") : duration(ns);
}

QString Wording::heldBy(const QString &holder, qint64 startNs, qint64 endNs)
{
    if (endNs < 0)
        return QStringLiteral("held by %1 from %2 on").arg(holder, moment(startNs));
    return QStringLiteral("held by %1 from %2 to %3").arg(holder, moment(startNs), moment(endNs));
}

QString Wording::duration(qint64 ns)
{
    const auto trimmed = &Wording::number;
    const qint64 a = ns < 0 ? -ns : ns;
    if (a >= 1'000'000'000)
        return trimmed(ns / 1e9, 2) + QStringLiteral(" s");
    if (a >= 1'000'000)
        return trimmed(ns / 1e6, a >= 100'000'000 ? 0 : 1) + QStringLiteral(" ms");
    if (a >= 1'000)
        return trimmed(ns / 1e3, 1) + QStringLiteral(" \u00b5s");
    return QStringLiteral("%1 ns").arg(ns);
}

} // namespace Loopscope
