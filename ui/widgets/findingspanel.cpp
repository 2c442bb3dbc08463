#include "findingspanel.h"

#include "wording.h"

#include <QLabel>
#include <QListWidget>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace Loopscope {

namespace {
constexpr int UnitRole = Qt::UserRole;
constexpr int TimeRole = Qt::UserRole + 1;
constexpr int KindRole = Qt::UserRole + 2;

// "blocked_loop" -> "blocked loop": the summary's name, read as words.
QString kindTag(FindingKind kind)
{
    return QString::fromLatin1(findingKindName(kind)).replace(QLatin1Char('_'), QLatin1Char(' '));
}
} // namespace

FindingsPanel::FindingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_empty(new QLabel(this))
    , m_list(new QListWidget(this))
{
    // A finding is a sentence or two: wrapped in its row, not cut off (a QTreeView would not
    // grow its rows for wrapped text).
    m_list->setWordWrap(true);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setSpacing(2);
    m_list->setAlternatingRowColors(true);
    m_list->setToolTip(QStringLiteral("What this run's trace says is worth a look; select one to "
                                      "go to it on the timeline"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_list, 1);
    auto activate = [this](QListWidgetItem *item) {
        if (item)
            Q_EMIT findingActivated(item->data(UnitRole).toUInt(),
                                    item->data(TimeRole).toLongLong());
    };
    connect(m_list, &QListWidget::currentItemChanged, this, activate);
    // Again on the selected row: back to it after the cursor moved on.
    connect(m_list, &QListWidget::itemClicked, this, activate);
    clear();
}

void FindingsPanel::showEmpty(const QString &text)
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    m_empty->setText(text);
    m_empty->setVisible(!text.isEmpty());
    m_list->setVisible(text.isEmpty());
}

void FindingsPanel::clear()
{
    showEmpty(QStringLiteral("No findings yet: run a scenario or open a trace."));
}

void FindingsPanel::setFindings(const std::vector<Finding> &findings)
{
    if (findings.empty()) {
        showEmpty(QStringLiteral("No findings in this run."));
        return;
    }
    QStringList rows;
    rows.reserve(qsizetype(findings.size()));
    for (const Finding &f : findings)
        rows.append(QStringLiteral("%1 \u00b7 at %2\n%3")
                        .arg(kindTag(f.kind), Wording::moment(f.timeNs), f.text));
    // A live run hands the same findings in again every refresh: nothing to redo, and the
    // selection and the scroll position stay as the user left them.
    bool same = m_empty->text().isEmpty() && m_list->count() == rows.size();
    for (int i = 0; same && i < rows.size(); ++i)
        same = m_list->item(i)->text() == rows.at(i);
    if (same)
        return;
    // Changed: the selected finding is found again by what it is about (its kind and unit; the
    // time and the sentence may have moved on), without announcing it as a new selection.
    const QListWidgetItem *current = m_list->currentItem();
    const bool hadCurrent = current != nullptr;
    const int kind = hadCurrent ? current->data(KindRole).toInt() : -1;
    const quint32 unit = hadCurrent ? current->data(UnitRole).toUInt() : 0;
    const int scroll = m_list->verticalScrollBar()->value();
    showEmpty(QString());
    const QSignalBlocker blocker(m_list);
    int keep = -1;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding &f = findings[i];
        auto *item = new QListWidgetItem(rows.at(qsizetype(i)), m_list);
        item->setData(UnitRole, f.unit);
        item->setData(TimeRole, f.timeNs);
        item->setData(KindRole, int(f.kind));
        item->setToolTip(f.text);
        if (keep < 0 && hadCurrent && int(f.kind) == kind && f.unit == unit)
            keep = int(i);
    }
    if (keep >= 0)
        m_list->setCurrentRow(keep);
    m_list->verticalScrollBar()->setValue(scroll);
}

int FindingsPanel::count() const { return m_list->count(); }

QString FindingsPanel::text(int row) const
{
    const QListWidgetItem *item = m_list->item(row);
    return item ? item->text() : QString();
}

int FindingsPanel::selectedFinding() const { return m_list->currentRow(); }

QString FindingsPanel::emptyText() const
{
    return m_list->count() > 0 ? QString() : m_empty->text();
}

void FindingsPanel::selectFinding(int index) { m_list->setCurrentRow(index); }

} // namespace Loopscope
