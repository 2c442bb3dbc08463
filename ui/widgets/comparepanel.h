#pragma once

#include "runcomparison.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace Loopscope {

//! The delta table of a comparison (RunComparison): what was pinned (A) and what runs now (B),
//! then one row each for the total time, the most at once and the longest stall, and one row
//! per task (matched by label): its end and its waiting time in A and in B, with B - A. Times
//! are scenario seconds; a task of one run only shows a dash on the other side. GUI thread.
class ComparePanel : public QWidget
{
    Q_OBJECT
public:
    //! The table's columns.
    enum Column { What, EndA, EndB, EndDelta, WaitA, WaitB, WaitDelta, ColumnCount };
    //! Run rows before the task rows.
    static constexpr int RunRows = 3;

    explicit ComparePanel(QWidget *parent = nullptr);

    //! aName / bName: how the runs are called in the heading ("semaphore (limit=3)").
    void setComparison(const RunComparison &comparison, const QString &aName, const QString &bName);
    //! Nothing pinned: the table empties and the heading says how to pin.
    void clear();
    QTableWidget *table() const { return m_table; }
    QString heading() const;

private:
    QLabel *m_heading;
    QTableWidget *m_table;
};

} // namespace Loopscope
