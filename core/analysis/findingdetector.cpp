#include "findingdetector.h"

#include "tracedata.h"
#include "wording.h"

#include <QHash>
#include <QStringList>

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

namespace Loopscope {

namespace {

qint64 endOf(const StateInterval &iv, qint64 liveEnd)
{
    return iv.endNs < 0 ? liveEnd : iv.endNs;
}

QString labelOf(const TraceData &data, quint32 id)
{
    const UnitRecord *u = data.unit(id);
    return u ? u->label : QString();
}

QString unitsWord(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

// "a", "a and b", "a, b and c", "a, b, c and 4 more".
QString labelList(const TraceData &data, const std::vector<quint32> &ids)
{
    constexpr std::size_t Shown = 3;
    QStringList names;
    for (std::size_t i = 0; i < ids.size() && i < Shown; ++i)
        names << labelOf(data, ids[i]);
    if (ids.size() > Shown)
        names << QStringLiteral("%1 more").arg(ids.size() - Shown);
    if (names.size() < 2)
        return names.join(QString());
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}

void findBlockedLoop(const TraceData &data, qint64 liveEnd, std::vector<Finding> &out)
{
    struct Span {
        qint64 start, end;
        quint32 unit;
        QString after; // the place of the wait the step resumed from
    };
    std::vector<Span> ready, longRuns;
    for (const UnitRecord &u : data.units) {
        for (std::size_t i = 0; i < u.intervals.size(); ++i) {
            const StateInterval &iv = u.intervals[i];
            if (iv.lane != 0)
                continue;
            const qint64 end = endOf(iv, liveEnd);
            if (iv.state == UnitState::Ready) {
                ready.push_back({iv.startNs, end, u.id, {}});
            } else if (iv.state == UnitState::Running
                       && end - iv.startNs >= FindingDetector::BlockedStepNs) {
                // Before a step: its wait, possibly with a Ready between.
                QString after;
                for (std::size_t k = i; k-- > 0 && after.isEmpty();)
                    after = data.placeOf(u.intervals[k]);
                longRuns.push_back({iv.startNs, end, u.id, after});
            }
        }
    }
    for (const Span &run : longRuns) {
        std::vector<quint32> kept;
        for (const Span &r : ready) {
            if (r.unit != run.unit && r.start < run.end && r.end > run.start
                && std::find(kept.begin(), kept.end(), r.unit) == kept.end())
                kept.push_back(r.unit);
        }
        if (kept.empty())
            continue; // a long step with nobody waiting for the loop is busy, not blocking
        out.push_back({FindingKind::BlockedLoop, run.unit, run.start,
                       QStringLiteral("%1 held the event loop for %2 at %3%4: %5 ready to run "
                                      "had to wait (%6). A blocking call (time.sleep, file or "
                                      "CPU work) in async code stalls every task; run it in an "
                                      "executor (asyncio.to_thread) instead.")
                           .arg(labelOf(data, run.unit), Wording::duration(run.end - run.start),
                                Wording::moment(run.start),
                                run.after.isEmpty()
                                    ? QString()
                                    : QStringLiteral(", in its step after %1").arg(run.after),
                                unitsWord(int(kept.size()), "task", "tasks"),
                                labelList(data, kept))});
    }
}

void findNeverAwaited(const TraceData &data, std::vector<Finding> &out)
{
    for (const UnitRecord &u : data.units) {
        if (u.outcome != Outcome::NeverAwaited)
            continue;
        const QString where = u.parent ? QStringLiteral(" in %1").arg(labelOf(data, u.parent))
                                       : QString();
        out.push_back({FindingKind::NeverAwaited, u.id, u.createdNs,
                       QStringLiteral("%1 was created%2 at %3 but never awaited, so it never "
                                      "ran: a coroutine call without co_await / await does "
                                      "nothing.")
                           .arg(u.label, where, Wording::moment(u.createdNs))});
    }
}

void findSequentialAwaits(const TraceData &data, std::vector<Finding> &out)
{
    // Children in id order are in creation order; an inline coroutine is created when awaited.
    QHash<quint32, std::vector<const UnitRecord *>> children;
    for (const UnitRecord &u : data.units) {
        if (u.kind == UnitKind::Coroutine && u.parent && u.startNs >= 0 && u.endNs >= 0)
            children[u.parent].push_back(&u);
    }
    auto report = [&](quint32 parent, const std::vector<const UnitRecord *> &chain) {
        if (chain.size() < 2)
            return;
        // Awaiting suspends the parent; a parent that never waited meanwhile made plain calls
        // (an imported trace's nested slices), which gather could not overlap.
        const UnitRecord *p = data.unit(parent);
        const bool suspended = p && std::any_of(p->intervals.begin(), p->intervals.end(),
            [&](const StateInterval &iv) {
                return iv.state == UnitState::Waiting && iv.startNs < chain.back()->endNs
                    && (iv.endNs < 0 || iv.endNs > chain.front()->startNs);
            });
        if (!suspended)
            return;
        const qint64 taken = chain.back()->endNs - chain.front()->startNs;
        qint64 longest = 0, running = 0;
        std::vector<quint32> ids;
        for (const UnitRecord *c : chain) {
            longest = std::max(longest, c->endNs - c->startNs);
            for (const StateInterval &iv : c->intervals) {
                if (iv.state == UnitState::Running && iv.lane == 0 && iv.endNs >= 0)
                    running += iv.endNs - iv.startNs;
            }
            ids.push_back(c->id);
        }
        const qint64 gathered = std::max(longest, running);
        if (taken <= 0 || double(taken - gathered) < FindingDetector::SequentialMinSaving * taken)
            return;
        out.push_back({FindingKind::SequentialAwaits, parent, chain.front()->startNs,
                       QStringLiteral("%1 awaited %2 one after another: %3. If they do not "
                                      "depend on each other, running them together (gather, a "
                                      "TaskGroup) would take about %4.")
                           .arg(labelOf(data, parent), labelList(data, ids), Wording::duration(taken),
                                Wording::duration(gathered))});
    };
    for (auto it = children.cbegin(); it != children.cend(); ++it) {
        std::vector<const UnitRecord *> chain;
        for (const UnitRecord *c : it.value()) {
            if (!chain.empty() && c->startNs < chain.back()->endNs) {
                report(it.key(), chain);
                chain.clear();
            }
            chain.push_back(c);
        }
        report(it.key(), chain);
    }
}

void findCancelledAtShutdown(const TraceData &data, std::vector<Finding> &out)
{
    const UnitRecord *main = data.unit(data.info.mainId);
    if (!main)
        return;
    std::vector<quint32> left;
    for (const UnitRecord &u : data.units) {
        if ((u.kind == UnitKind::Task || u.kind == UnitKind::Executor)
            && u.cancelCause == CancelCause::Shutdown && u.cancelledBy == main->id)
            left.push_back(u.id);
    }
    if (left.empty())
        return;
    const int n = int(left.size());
    out.push_back({FindingKind::CancelledAtShutdown, left.front(), std::max<qint64>(main->endNs, 0),
                   QStringLiteral("%1 still running when %2 returned at %3 and asyncio.run "
                                  "cancelled %4: %5. This often follows a fail-fast gather; "
                                  "await them (or use a TaskGroup) if their work matters.")
                       .arg(unitsWord(n, "task was", "tasks were"), main->label,
                            Wording::moment(main->endNs), QLatin1String(n == 1 ? "it" : "them"),
                            labelList(data, left))});
}

void findExceptionNeverRetrieved(const TraceData &data, std::vector<Finding> &out)
{
    std::vector<char> awaited(data.units.size() + 1, 0);
    for (const FlowLink &f : data.flows) {
        if (f.to <= data.units.size())
            awaited[f.to] = 1;
    }
    for (const UnitRecord &u : data.units) {
        if (u.kind != UnitKind::Task || u.outcome != Outcome::Failed || awaited[u.id])
            continue;
        out.push_back({FindingKind::ExceptionNeverRetrieved, u.id, u.endNs,
                       QStringLiteral("%1 failed at %2 (%3) and nothing awaited it, so the error "
                                      "went unnoticed (asyncio: \"Task exception was never "
                                      "retrieved\"). Await the task or gather it.")
                           .arg(u.label, Wording::moment(u.endNs), u.error)});
    }
}

//! FIFO list scheduling of jobs (arrival, work), sorted by arrival, on `slots` slots: the
//! time the last one ends.
qint64 makespan(const std::vector<std::pair<qint64, qint64>> &jobs, int slots)
{
    std::priority_queue<qint64, std::vector<qint64>, std::greater<>> free;
    for (int i = 0; i < slots; ++i)
        free.push(std::numeric_limits<qint64>::min());
    qint64 last = 0;
    for (const auto &[arrival, work] : jobs) {
        const qint64 start = std::max(arrival, free.top());
        free.pop();
        free.push(start + work);
        last = std::max(last, start + work);
    }
    return last;
}

void findQueueDominated(const TraceData &data, qint64 liveEnd, std::vector<Finding> &out)
{
    // Units that queued, and their siblings: the ones that got a slot at once share the limit.
    QHash<quint32, bool> parents;
    for (const UnitRecord &u : data.units) {
        if (u.kind == UnitKind::Main || u.kind == UnitKind::Generator)
            continue;
        for (const StateInterval &iv : u.intervals) {
            if (iv.state == UnitState::Queued) {
                parents.insert(u.parent, true);
                break;
            }
        }
    }
    if (parents.isEmpty())
        return;
    qint64 queued = 0, active = 0, firstQueuedNs = -1, longestQueue = 0;
    quint32 longestUnit = 0;
    int queuedUnits = 0, total = 0;
    std::vector<std::pair<qint64, qint64>> jobs; // (arrival, time holding a slot)
    for (const UnitRecord &u : data.units) {
        if (u.kind == UnitKind::Main || u.kind == UnitKind::Generator || !parents.contains(u.parent)
            || u.startNs < 0)
            continue;
        ++total;
        qint64 mine = 0, slotFrom = u.startNs;
        for (const StateInterval &iv : u.intervals) {
            const qint64 d = endOf(iv, liveEnd) - iv.startNs;
            if (iv.state == UnitState::Queued) {
                mine += d;
                slotFrom = endOf(iv, liveEnd);
                if (firstQueuedNs < 0 || iv.startNs < firstQueuedNs)
                    firstQueuedNs = iv.startNs;
            } else if (iv.state == UnitState::Running || iv.state == UnitState::Waiting) {
                active += d;
            }
        }
        queued += mine;
        if (mine > 0)
            ++queuedUnits;
        if (mine > longestQueue) {
            longestQueue = mine;
            longestUnit = u.id;
        }
        const qint64 end = u.endNs >= 0 ? u.endNs : liveEnd;
        jobs.push_back({u.startNs, std::max<qint64>(0, end - slotFrom)});
    }
    if (queued <= active || longestUnit == 0)
        return;

    // The limit: the "<name> queue" counter that grew most, and its "<name> in use" maximum.
    QString name = QStringLiteral("a limit");
    int limit = 0;
    qint64 deepest = 0;
    for (const CounterSeries &s : data.counters) {
        if (!s.name.endsWith(QLatin1String(" queue")))
            continue;
        qint64 depth = 0;
        for (const CounterSample &c : s.samples)
            depth = std::max(depth, c.value);
        if (depth <= deepest)
            continue;
        const QString base = s.name.chopped(6);
        for (const CounterSeries &inUse : data.counters) {
            if (inUse.name != base + QLatin1String(" in use"))
                continue;
            qint64 most = 0;
            for (const CounterSample &c : inUse.samples)
                most = std::max(most, c.value);
            deepest = depth;
            name = base;
            limit = int(most);
        }
    }
    std::sort(jobs.begin(), jobs.end());
    QString advice;
    if (limit > 0) {
        const qint64 now = makespan(jobs, limit) - jobs.front().first;
        const qint64 doubled = makespan(jobs, 2 * limit) - jobs.front().first;
        advice = QStringLiteral(" Raising %1's limit from %2 to %3 would finish them in about %4 "
                                "instead of %5 (if what it protects allows it).")
                     .arg(name)
                     .arg(limit)
                     .arg(2 * limit)
                     .arg(Wording::duration(doubled), Wording::duration(now));
    }
    const QString limitText = limit > 0 ? QStringLiteral("%1 (limit %2)").arg(name).arg(limit)
                                        : name;
    out.push_back({FindingKind::QueueDominated, longestUnit, std::max<qint64>(firstQueuedNs, 0),
                   QStringLiteral("%1 of %2 tasks spent most of their time queued for %3: %4 "
                                  "queued against %5 running or waiting.%6")
                       .arg(queuedUnits)
                       .arg(total)
                       .arg(limitText, Wording::duration(queued), Wording::duration(active), advice)});
}

} // namespace

std::vector<Finding> FindingDetector::find(const TraceData &data, qint64 liveEnd)
{
    std::vector<Finding> out;
    findBlockedLoop(data, liveEnd, out);
    findNeverAwaited(data, out);
    findSequentialAwaits(data, out);
    findCancelledAtShutdown(data, out);
    findExceptionNeverRetrieved(data, out);
    findQueueDominated(data, liveEnd, out);
    std::stable_sort(out.begin(), out.end(), [](const Finding &a, const Finding &b) {
        if (a.timeNs != b.timeNs)
            return a.timeNs < b.timeNs;
        return a.kind != b.kind ? a.kind < b.kind : a.unit < b.unit;
    });
    return out;
}

} // namespace Loopscope
