#include "momentpanel.h"

#include "runmoment.h"
#include "tracedata.h"
#include "wording.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Loopscope {

namespace {
constexpr int UnitRole = Qt::UserRole;
constexpr int StateRole = Qt::UserRole + 1;
} // namespace

MomentPanel::MomentPanel(QWidget *parent)
    : QWidget(parent)
    , m_time(new QLabel(this))
    , m_tree(new QTreeWidget(this))
{
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({QStringLiteral("Task"), QStringLiteral("For"),
                             QStringLiteral("On")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setToolTip(QStringLiteral("What every task is doing at the time cursor: drag on the "
                                      "ruler, or replay with Space and step with Left/Right"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_time);
    layout->addWidget(m_tree, 1);
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (const quint32 unit = item->data(0, UnitRole).toUInt())
            Q_EMIT unitActivated(unit);
    });
    clear();
}

void MomentPanel::clear()
{
    m_tree->clear();
    m_time->setText(QStringLiteral("No time cursor: drag on the ruler, or press Space to replay."));
}

void MomentPanel::setMoment(const TraceData &data, const RunMoment &moment)
{
    m_tree->clear();
    m_time->setText(QStringLiteral("<b>At %1</b>").arg(Wording::duration(moment.timeNs)));
    for (const UnitState state : {UnitState::Running, UnitState::Ready, UnitState::Waiting,
                                  UnitState::Queued, UnitState::Pending}) {
        const int n = moment.count(state);
        if (n == 0)
            continue;
        auto *group = new QTreeWidgetItem(m_tree, {QStringLiteral("%1 (%2)")
                                                       .arg(Wording::state(state))
                                                       .arg(n)});
        group->setData(0, StateRole, Wording::state(state));
        group->setData(1, StateRole, n);
        group->setToolTip(0, Wording::stateMeaning(state));
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        for (const RunMoment::Entry &e : moment.entries) {
            if (e.state != state)
                continue;
            const UnitRecord *u = data.unit(e.unit);
            QString on;
            if (e.lane > 0)
                on = QStringLiteral("worker %1").arg(e.lane);
            else if (const UnitRecord *awaited = data.unit(e.awaiting))
                on = awaited->label;
            auto *item = new QTreeWidgetItem(
                group, {u ? u->label : QString(), Wording::duration(moment.timeNs - e.sinceNs), on});
            item->setData(0, UnitRole, e.unit);
            if (e.at >= 1 && e.at <= data.places.size())
                item->setToolTip(0, QStringLiteral("%1 %2 at %3")
                                        .arg(item->text(0), Wording::state(state),
                                             data.places[e.at - 1]));
            item->setSelected(m_selected.contains(e.unit));
        }
        group->setExpanded(true);
    }
}

void MomentPanel::setSelectedUnits(const QList<quint32> &units)
{
    m_selected = units;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            item->setSelected(units.contains(item->data(0, UnitRole).toUInt()));
        }
    }
}

QList<quint32> MomentPanel::selectedUnits() const
{
    QList<quint32> out;
    for (const QTreeWidgetItem *item : m_tree->selectedItems()) {
        if (const quint32 unit = item->data(0, UnitRole).toUInt())
            out << unit;
    }
    std::sort(out.begin(), out.end());
    return out;
}

int MomentPanel::groupCount(const QString &state) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *group = m_tree->topLevelItem(i);
        if (group->data(0, StateRole).toString() == state)
            return group->data(1, StateRole).toInt();
    }
    return -1;
}

} // namespace Loopscope
