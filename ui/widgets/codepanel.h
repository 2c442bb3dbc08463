#pragma once

#include "scenarios/scenariocodemap.h"
#include "traceevent.h"

#include <QList>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace Loopscope {

struct RunMoment;
struct Scenario;
struct TraceData;
class CodeHighlighter;

//! The code of a scenario: our C++ and the Python it re-enacts, side by side, read-only,
//! highlighted. At the time cursor (setMoment) the lines tasks are suspended at get the
//! background of their state, in the C++ and, through the scenario's ScenarioCodeMap, in the
//! Python; a traced program's own lines directly. Hovering such a line names its tasks, a
//! click on it emits unitsActivated. A moment is drawn at most once a frame, and not while the
//! panel is hidden (when it is shown instead). GUI thread only.
class CodePanel : public QWidget
{
    Q_OBJECT
public:
    //! A highlighted line: the tasks suspended at it, in one state.
    struct Highlight
    {
        int line = 0; //!< 1-based
        UnitState state = UnitState::Waiting;
        QList<quint32> units;
        QString text; //!< "API-1, API-2 waiting here"
    };
    enum class Side { Cpp, Python };

    explicit CodePanel(QWidget *parent = nullptr);

    void setScenario(const Scenario *scenario);
    //! A traced program: its own source, alone (there is no C++ side).
    void setProgram(const QString &fileName, const QString &source);
    //! Re-creates the highlighters for a dark or light background.
    void setDark(bool dark);
    QString cppText() const;
    QString pythonText() const;

    //! The tasks suspended at the cursor's moment (data is what the moment was taken of).
    void setMoment(const TraceData &data, const RunMoment &moment);
    //! No cursor: no lines highlighted.
    void clearMoment();
    //! What is highlighted on a side (drawn or waiting for the next frame), by line.
    QList<Highlight> highlights(Side side) const;
    //! Draws now what waits for the next frame (tests; the frame timer does it otherwise).
    void flushMoment();
    //! Whether a moment waits for the next frame or for the panel to be shown (tests).
    bool isMomentPending() const { return m_pending; }

Q_SIGNALS:
    //! A highlighted line was clicked: the tasks suspended at it.
    void unitsActivated(const QList<quint32> &units);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void setHighlights(QList<Highlight> cpp, QList<Highlight> python);
    void scheduleApply();
    void apply();
    void applySide(QPlainTextEdit *edit, const QList<Highlight> &highlights, bool scroll);
    const Highlight *highlightAt(QObject *viewport, const QPoint &pos) const;

    QPlainTextEdit *m_cpp;
    QPlainTextEdit *m_python;
    QWidget *m_cppBox = nullptr;
    QLabel *m_pythonTitle = nullptr;
    QLabel *m_atCursor = nullptr;
    CodeHighlighter *m_cppHighlighter = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    bool m_dark = false;

    ScenarioCodeMap m_map;  //!< a scenario's C++ to Python lines
    QString m_cppFile;      //!< the C++ file shown ("sequential.cpp"), "" for a program
    QString m_programFile;  //!< a traced program's file name, "" for a scenario
    QList<Highlight> m_cppHighlights;
    QList<Highlight> m_pythonHighlights;
    QList<int> m_drawnCppLines; //!< the lines last drawn: scroll only when they change
    QList<int> m_drawnPythonLines;
    QPoint m_pressPos;
    QTimer m_frame; //!< at most one apply() per frame
    bool m_pending = false;
};

} // namespace Loopscope
