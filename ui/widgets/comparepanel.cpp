#include "comparepanel.h"

#include "wording.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

const QString Dash = QStringLiteral("\u2014");

QString time(qint64 ns)
{
    return ns < 0 ? Dash : Wording::moment(ns);
}

QString delta(qint64 ns)
{
    return ns > 0 ? QLatin1Char('+') + Wording::duration(ns) : Wording::moment(ns);
}

QString count(int n)
{
    return QString::number(n);
}

QString countDelta(int n)
{
    return n > 0 ? QStringLiteral("+%1").arg(n) : QString::number(n);
}

} // namespace

ComparePanel::ComparePanel(QWidget *parent)
    : QWidget(parent)
    , m_heading(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);
    layout->addWidget(m_table, 1);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setHorizontalHeaderLabels({ QString(), QStringLiteral("A (pinned)"),
        QStringLiteral("B (now)"), QStringLiteral("B \u2212 A"), QStringLiteral("waiting A"),
        QStringLiteral("waiting B"), QStringLiteral("B \u2212 A") });
    const QString endTip = QStringLiteral("When the task ended (a run figure for the first rows), "
                                          "in scenario seconds");
    const QString waitTip = QStringLiteral("How long the task waited: on a timer, I/O or another "
                                           "task, or queued for a slot");
    for (int c : { EndA, EndB, EndDelta })
        m_table->horizontalHeaderItem(c)->setToolTip(endTip);
    for (int c : { WaitA, WaitB, WaitDelta })
        m_table->horizontalHeaderItem(c)->setToolTip(waitTip);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    clear();
}

void ComparePanel::clear()
{
    m_table->setRowCount(0);
    m_heading->setText(QStringLiteral("Pin a run (Run \u25b8 Pin This Run, Ctrl+P), change a "
                                      "parameter or open a trace: the two runs are compared here "
                                      "and on the timeline."));
}

QString ComparePanel::heading() const
{
    return m_heading->text();
}

void ComparePanel::setComparison(const RunComparison &c, const QString &aName, const QString &bName)
{
    m_heading->setText(QStringLiteral("<b>A</b> (pinned, faint on the timeline): %1 &nbsp; "
                                      "<b>B</b>: %2")
                           .arg(aName.toHtmlEscaped(), bName.toHtmlEscaped()));
    m_table->setRowCount(RunRows + int(c.tasks().size()));
    auto set = [this](int row, int column, const QString &text) {
        auto *item = new QTableWidgetItem(text);
        if (column != What)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, column, item);
    };
    auto runRow
        = [&](int row, const QString &what, const QString &a, const QString &b, const QString &d) {
              set(row, What, what);
              set(row, EndA, a);
              set(row, EndB, b);
              set(row, EndDelta, d);
              for (int column : { WaitA, WaitB, WaitDelta })
                  set(row, column, QString());
              QFont bold = m_table->font();
              bold.setBold(true);
              m_table->item(row, What)->setFont(bold);
          };
    const RunStats &a = c.a(), &b = c.b();
    runRow(
        0, QStringLiteral("total time"), time(a.totalNs), time(b.totalNs), delta(c.totalDeltaNs()));
    runRow(1, QStringLiteral("most at once"), count(a.maxConcurrency), count(b.maxConcurrency),
        countDelta(b.maxConcurrency - a.maxConcurrency));
    runRow(2, QStringLiteral("longest stall"), time(a.longestStallNs), time(b.longestStallNs),
        delta(b.longestStallNs - a.longestStallNs));
    int row = RunRows;
    for (const RunComparison::TaskDelta &d : c.tasks()) {
        set(row, What, d.label);
        set(row, EndA, d.aId ? time(d.aEndNs) : Dash);
        set(row, EndB, d.bId ? time(d.bEndNs) : Dash);
        set(row, EndDelta, d.hasEndDelta() ? delta(d.endDeltaNs()) : Dash);
        set(row, WaitA, d.aId ? time(d.aWaitNs) : Dash);
        set(row, WaitB, d.bId ? time(d.bWaitNs) : Dash);
        set(row, WaitDelta, d.matched() ? delta(d.waitDeltaNs()) : Dash);
        ++row;
    }
}

} // namespace Loopscope
