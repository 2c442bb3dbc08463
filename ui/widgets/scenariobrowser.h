#pragma once

#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace Loopscope {

//! The scenario list, grouped as ScenarioRegistry::groups() says, with a filter box that matches
//! ids, titles and explanations. Emits scenarioActivated when the user picks one (click or
//! keyboard); setCurrentScenario() selects without emitting. GUI thread only.
class ScenarioBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit ScenarioBrowser(QWidget *parent = nullptr);

    QString currentScenario() const;
    //! Selects id without emitting scenarioActivated; false if it is unknown.
    bool setCurrentScenario(const QString &id);
    //! The "Your programs" group at the top: recent traced programs (absolute paths), picked like
    //! scenarios; their ids are programId(path).
    void setPrograms(const QStringList &paths);
    static QString programId(const QString &path) { return QStringLiteral("program:") + path; }
    //! What the group shows for each path: its file name, and where two share one, after it the
    //! fewest trailing folders that tell them apart ("echo.py — main/tests").
    static QStringList programLabels(const QStringList &paths);
    //! The path of a program id, empty for a scenario id.
    static QString programOf(const QString &id);
    //! Shows only scenarios matching text (case-insensitive); groups left empty hide.
    void setFilter(const QString &text);
    QLineEdit *filterEdit() const { return m_filter; }

Q_SIGNALS:
    void scenarioActivated(const QString &id);

private:
    void onCurrentItemChanged(QTreeWidgetItem *current);

    QLineEdit *m_filter;
    QTreeWidget *m_tree;
    QTreeWidgetItem *m_programs = nullptr;
    bool m_quiet = false;
};

} // namespace Loopscope
