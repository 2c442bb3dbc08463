#include "outputpanel.h"

#include "tracedata.h"

#include <QColor>
#include <QFontDatabase>
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Loopscope {

namespace {
constexpr int TimeRole = Qt::UserRole;
}

OutputPanel::OutputPanel(QWidget *parent)
    : QWidget(parent)
    , m_list(new QTreeWidget(this))
{
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({QStringLiteral("Time"), QStringLiteral("Printed")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setToolTip(QStringLiteral("What the scenario printed, with the scenario time of "
                                      "each line. Click a line to put the timeline cursor there."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    connect(m_list, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        Q_EMIT timeActivated(item->data(0, TimeRole).toLongLong());
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        Q_EMIT timeActivated(item->data(0, TimeRole).toLongLong());
    });
}

void OutputPanel::clear() { m_list->clear(); }

void OutputPanel::setLines(const std::vector<OutputLine> &lines)
{
    int count = m_list->topLevelItemCount();
    if (count > int(lines.size())) {
        m_list->clear();
        count = 0;
    }
    const bool atBottom = m_list->verticalScrollBar()->value()
        >= m_list->verticalScrollBar()->maximum() - 2;
    QList<QTreeWidgetItem *> items;
    for (std::size_t i = std::size_t(count); i < lines.size(); ++i) {
        auto *item = new QTreeWidgetItem(
            {QStringLiteral("%1 s").arg(lines[i].timeNs / 1e9, 0, 'f', 3), lines[i].text});
        item->setData(0, TimeRole, lines[i].timeNs);
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        if (lines[i].stream == OutputStream::Stderr) {
            // A traced program's stderr: told apart by colour and by the tooltip.
            item->setForeground(1, QColor(0xD5, 0x5E, 0x00));
            item->setToolTip(1, QStringLiteral("written to stderr"));
        }
        items << item;
    }
    if (items.isEmpty())
        return;
    m_list->addTopLevelItems(items);
    if (atBottom)
        m_list->scrollToBottom();
}

int OutputPanel::lineCount() const { return m_list->topLevelItemCount(); }

QString OutputPanel::lineText(int index) const
{
    const QTreeWidgetItem *item = m_list->topLevelItem(index);
    return item ? item->text(1) : QString();
}

qint64 OutputPanel::lineTimeNs(int index) const
{
    const QTreeWidgetItem *item = m_list->topLevelItem(index);
    return item ? item->data(0, TimeRole).toLongLong() : -1;
}

void OutputPanel::activateLine(int index)
{
    if (QTreeWidgetItem *item = m_list->topLevelItem(index)) {
        m_list->setCurrentItem(item);
        Q_EMIT timeActivated(item->data(0, TimeRole).toLongLong());
    }
}

} // namespace Loopscope
