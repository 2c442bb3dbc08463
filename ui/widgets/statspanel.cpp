#include "statspanel.h"

#include "traceevent.h"
#include "wording.h"

#include <QFormLayout>
#include <QLabel>

namespace Loopscope {

StatsPanel::StatsPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    form->setLabelAlignment(Qt::AlignRight);
    // The words of RunStats' definitions (core/analysis/runstats.h), for people.
    addRow(QStringLiteral("total"), QStringLiteral("Total time"),
           QStringLiteral("The run's length, in scenario time (so far, while it runs)"));
    addRow(QStringLiteral("sequential"), QStringLiteral("One after another"),
           QStringLiteral("The sum of the time the tasks spent running or waiting (time "
                          "pending, queued for a slot or ready left out; a coroutine inside a "
                          "task counts once): what doing it one after another would take"));
    addRow(QStringLiteral("speedup"), QStringLiteral("Speed-up"),
           QStringLiteral("One after another \u00f7 total time: how much concurrency saved"));
    addRow(QStringLiteral("concurrency"), QStringLiteral("Most at once"),
           QStringLiteral("The greatest number of tasks running or waiting at the same moment "
                          "(main left out). Queued and ready do not count, and neither does "
                          "the short run a task makes only to reach a slot's queue"));
    addRow(QStringLiteral("stall"), QStringLiteral("Longest loop stall"),
           QStringLiteral("The longest time the event loop was blocked, so that no other task "
                          "could run: a long run while others were ready, or a loop lag"));
    addRow(QStringLiteral("outcomes"), QStringLiteral("Outcomes"),
           QStringLiteral("How the tasks ended (not ended: still going)"));
    clear();
}

QLabel *StatsPanel::addRow(const QString &key, const QString &label, const QString &tip)
{
    auto *name = new QLabel(label + QLatin1Char(':'), this);
    auto *value = new QLabel(this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    name->setToolTip(tip);
    value->setToolTip(tip);
    static_cast<QFormLayout *>(layout())->addRow(name, value);
    m_values.append({key, value});
    return value;
}

void StatsPanel::clear()
{
    m_stats = RunStats();
    for (auto &[key, label] : m_values)
        label->setText(QStringLiteral("\u2014"));
}

void StatsPanel::setStats(const RunStats &s, bool finished)
{
    m_stats = s;
    auto fmt = [](qint64 ns) {
        return ns == 0 ? QStringLiteral("0 s") : Wording::duration(ns);
    };
    const QString soFar = finished ? QString() : QStringLiteral(" so far");
    for (auto &[key, label] : m_values) {
        QString text;
        if (key == QStringLiteral("total")) {
            text = fmt(s.totalNs) + soFar;
        } else if (key == QStringLiteral("sequential")) {
            text = s.sequentialNs > 0 ? fmt(s.sequentialNs) : QStringLiteral("\u2014");
        } else if (key == QStringLiteral("speedup")) {
            text = s.speedUp > 0 ? QStringLiteral("%1\u00d7").arg(s.speedUp, 0, 'f', 2)
                                 : QStringLiteral("\u2014");
        } else if (key == QStringLiteral("concurrency")) {
            text = s.maxConcurrency > 0
                ? QStringLiteral("%1 (at %2)").arg(s.maxConcurrency).arg(fmt(s.maxConcurrencyAtNs))
                : QStringLiteral("\u2014");
        } else if (key == QStringLiteral("stall")) {
            text = s.longestStallNs > 0
                ? QStringLiteral("%1 (at %2)").arg(fmt(s.longestStallNs), fmt(s.longestStallAtNs))
                : QStringLiteral("none");
        } else if (key == QStringLiteral("outcomes")) {
            const QString outcomes = Wording::outcomeCounts(s.outcomes);
            text = s.units == 1 ? QStringLiteral("1 task")
                                : QStringLiteral("%1 tasks").arg(s.units);
            if (!outcomes.isEmpty())
                text += QStringLiteral(": ") + outcomes;
        }
        label->setText(text);
    }
}

QString StatsPanel::valueText(const QString &key) const
{
    for (const auto &[k, label] : m_values) {
        if (k == key)
            return label->text();
    }
    return {};
}

} // namespace Loopscope
