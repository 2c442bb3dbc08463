#pragma once

#include "finding.h"

#include <QWidget>

#include <vector>

class QLabel;
class QListWidget;

namespace Loopscope {

//! "Findings": what the run's analysis says is worth a look (RunAnalysis::findings(), computed
//! once in core; this panel only shows them), one row each: its kind and time on a line, its
//! sentence (wrapped) under it. Selecting a row (click or keys) emits
//! findingActivated with the finding's unit and time: the main window moves the time cursor
//! there and selects the unit. selectFinding() selects a row from outside (a marker clicked on
//! the timeline). With none, it says "No findings". GUI thread only.
class FindingsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget *parent = nullptr);

    //! Shows findings in their order (row k = findings[k]); keeps no reference to them. The
    //! same findings again change nothing; changed ones keep the selected finding selected
    //! (same kind and unit) without emitting findingActivated.
    void setFindings(const std::vector<Finding> &findings);
    //! Nothing to show (no run yet).
    void clear();

    int count() const;
    //! Row k's text (tests): "blocked loop · at 500 ms", a line break, the sentence.
    QString text(int row) const;
    //! The selected row, -1: none.
    int selectedFinding() const;
    //! What the panel says when there is nothing to list ("" while it lists findings).
    QString emptyText() const;

public Q_SLOTS:
    //! Selects row index (-1: none); emits findingActivated for a row.
    void selectFinding(int index);

Q_SIGNALS:
    //! A finding was selected: its unit (0: none) and where it is on the timeline.
    void findingActivated(quint32 unitId, qint64 timeNs);

private:
    void showEmpty(const QString &text);

    QLabel *m_empty;
    QListWidget *m_list;
};

} // namespace Loopscope
