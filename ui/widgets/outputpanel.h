#pragma once

#include <QWidget>

#include <vector>

class QTreeWidget;
class QTreeWidgetItem;

namespace Loopscope {

struct OutputLine;

//! The lines a scenario printed, each with its scenario time. Clicking a line emits
//! timeActivated(ns) (the main window moves the timeline cursor there). GUI thread only.
class OutputPanel : public QWidget
{
    Q_OBJECT
public:
    explicit OutputPanel(QWidget *parent = nullptr);

    void clear();
    //! Shows lines; lines already shown (same count prefix) are kept, so calling it every frame
    //! with a growing list only appends.
    void setLines(const std::vector<OutputLine> &lines);
    int lineCount() const;
    QString lineText(int index) const;
    qint64 lineTimeNs(int index) const;
    //! Simulates a click on a line (tests, keyboard).
    void activateLine(int index);

Q_SIGNALS:
    void timeActivated(qint64 ns);

private:
    QTreeWidget *m_list;
};

} // namespace Loopscope
