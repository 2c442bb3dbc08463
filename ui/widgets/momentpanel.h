#pragma once

#include <QList>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace Loopscope {

struct RunMoment;
struct TraceData;

//! "At this moment": the tasks at the time cursor, grouped by state (running, ready, waiting
//! and on what, queued), each with how long it has been so. Filled from a RunMoment; clicking a
//! task emits unitActivated (the main window selects it on the timeline). GUI thread only.
class MomentPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MomentPanel(QWidget *parent = nullptr);

    void setMoment(const TraceData &data, const RunMoment &moment);
    //! No cursor: says how to place one.
    void clear();
    //! The number shown for a state's group (tests), -1 if the group is not shown.
    int groupCount(const QString &state) const;
    //! Shows these units selected (the timeline's selection), now and in later moments.
    void setSelectedUnits(const QList<quint32> &units);
    //! The units shown selected (tests).
    QList<quint32> selectedUnits() const;

Q_SIGNALS:
    void unitActivated(quint32 unitId);

private:
    QLabel *m_time;
    QTreeWidget *m_tree;
    QList<quint32> m_selected;
};

} // namespace Loopscope
