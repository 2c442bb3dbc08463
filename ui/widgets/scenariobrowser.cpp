#include "scenariobrowser.h"

#include "scenarios/scenarioregistry.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Loopscope {

namespace {
constexpr int IdRole = Qt::UserRole;
constexpr int SearchRole = Qt::UserRole + 1;
} // namespace

ScenarioBrowser::ScenarioBrowser(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeWidget(this))
{
    m_filter->setPlaceholderText(QStringLiteral("Filter scenarios\u2026"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(QStringLiteral("Show only scenarios whose name or explanation contains "
                                        "this text (e.g. \"timeout\", \"semaphore\")"));
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setToolTip(QStringLiteral("Pick a scenario: it runs at once and its explanation, "
                                      "parameters and code appear"));

    const QStringList groups = ScenarioRegistry::groups();
    for (const QString &group : groups) {
        auto *groupItem = new QTreeWidgetItem(m_tree, {group});
        groupItem->setFlags(Qt::ItemIsEnabled);
        QFont font = groupItem->font(0);
        font.setBold(true);
        groupItem->setFont(0, font);
        for (const Scenario &s : ScenarioRegistry::all()) {
            if (s.group != group)
                continue;
            auto *item = new QTreeWidgetItem(groupItem, {s.title});
            item->setData(0, IdRole, s.id);
            item->setData(0, SearchRole,
                          QStringList{s.id, s.title, s.explanation}.join(QLatin1Char('\n')));
            item->setToolTip(0, QStringLiteral("<b>%1</b> (%2)<br>%3")
                                    .arg(s.title.toHtmlEscaped(), s.id,
                                         s.explanation.toHtmlEscaped()));
        }
    }
    // Scenarios whose group is not listed still show, under "Other".
    QTreeWidgetItem *other = nullptr;
    for (const Scenario &s : ScenarioRegistry::all()) {
        if (groups.contains(s.group))
            continue;
        if (!other) {
            other = new QTreeWidgetItem(m_tree, {QStringLiteral("Other")});
            other->setFlags(Qt::ItemIsEnabled);
        }
        auto *item = new QTreeWidgetItem(other, {s.title});
        item->setData(0, IdRole, s.id);
        item->setData(0, SearchRole, QStringList{s.id, s.title, s.explanation}.join(QLatin1Char('\n')));
    }
    m_tree->expandAll();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);

    connect(m_filter, &QLineEdit::textChanged, this, &ScenarioBrowser::setFilter);
    connect(m_tree, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current) { onCurrentItemChanged(current); });
}

QString ScenarioBrowser::programOf(const QString &id)
{
    return id.startsWith(QLatin1String("program:")) ? id.mid(8) : QString();
}

QStringList ScenarioBrowser::programLabels(const QStringList &paths)
{
    QStringList labels;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const QString name = info.fileName();
        const QStringList folders = info.absolutePath().split(u'/', Qt::SkipEmptyParts);
        // The fewest trailing folders that no other path of the same name ends with too.
        qsizetype depth = 0;
        for (const QString &other : paths) {
            const QFileInfo otherInfo(other);
            if (other == path || otherInfo.fileName() != name)
                continue;
            const QStringList theirs = otherInfo.absolutePath().split(u'/', Qt::SkipEmptyParts);
            qsizetype same = 0;
            while (same < folders.size() && same < theirs.size()
                   && folders[folders.size() - 1 - same] == theirs[theirs.size() - 1 - same])
                ++same;
            depth = std::max(depth, std::min(same + 1, folders.size()));
        }
        labels.append(depth == 0 ? name
                                 : QStringLiteral("%1 \u2014 %2").arg(
                                       name, folders.mid(folders.size() - depth).join(u'/')));
    }
    return labels;
}

void ScenarioBrowser::setPrograms(const QStringList &paths)
{
    const QString current = currentScenario();
    m_quiet = true;
    delete m_programs;
    m_programs = nullptr;
    if (!paths.isEmpty()) {
        m_programs = new QTreeWidgetItem({QStringLiteral("Your programs")});
        m_programs->setFlags(Qt::ItemIsEnabled);
        QFont font = m_programs->font(0);
        font.setBold(true);
        m_programs->setFont(0, font);
        m_tree->insertTopLevelItem(0, m_programs);
        const QStringList labels = programLabels(paths);
        for (qsizetype i = 0; i < paths.size(); ++i) {
            const QString &path = paths[i];
            auto *item = new QTreeWidgetItem(m_programs, {labels[i]});
            item->setData(0, IdRole, programId(path));
            item->setData(0, SearchRole, path);
            item->setToolTip(0, QStringLiteral("<b>%1</b><br>%2<br>Pick it to trace it again "
                                               "(F5 re-runs it with the file's current contents)")
                                    .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                         path.toHtmlEscaped()));
        }
        m_programs->setExpanded(true);
    }
    m_quiet = false;
    setCurrentScenario(current);
    setFilter(m_filter->text());
}

QString ScenarioBrowser::currentScenario() const
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    return item ? item->data(0, IdRole).toString() : QString();
}

bool ScenarioBrowser::setCurrentScenario(const QString &id)
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            if (item->data(0, IdRole).toString() == id) {
                m_quiet = true;
                m_tree->setCurrentItem(item);
                m_tree->scrollToItem(item);
                m_quiet = false;
                return true;
            }
        }
    }
    return false;
}

void ScenarioBrowser::setFilter(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match = text.isEmpty()
                || item->data(0, SearchRole).toString().contains(text, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

void ScenarioBrowser::onCurrentItemChanged(QTreeWidgetItem *current)
{
    if (m_quiet || !current)
        return;
    const QString id = current->data(0, IdRole).toString();
    if (!id.isEmpty())
        Q_EMIT scenarioActivated(id);
}

} // namespace Loopscope
