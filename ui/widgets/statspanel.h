#pragma once

#include "runstats.h"

#include <QWidget>

class QLabel;

namespace Loopscope {

//! Shows RunStats as a short table a newcomer can read: total time, what sequential would
//! take, the speed-up, the most tasks in flight, the longest loop stall, outcomes.
class StatsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit StatsPanel(QWidget *parent = nullptr);

    void setStats(const RunStats &stats, bool finished);
    void clear();
    const RunStats &stats() const { return m_stats; }
    //! The text of a value (tests): "total", "sequential", "speedup", "concurrency", "stall",
    //! "outcomes".
    QString valueText(const QString &key) const;

private:
    QLabel *addRow(const QString &key, const QString &label, const QString &tip);

    RunStats m_stats;
    QList<QPair<QString, QLabel *>> m_values;
};

} // namespace Loopscope
