#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace Loopscope {

struct Scenario;
class CodeHighlighter;

//! The code of a scenario: our C++ and the Python it re-enacts, side by side, read-only,
//! highlighted. GUI thread only.
class CodePanel : public QWidget
{
    Q_OBJECT
public:
    explicit CodePanel(QWidget *parent = nullptr);

    void setScenario(const Scenario *scenario);
    //! A traced program: its own source, alone (there is no C++ side).
    void setProgram(const QString &fileName, const QString &source);
    //! Re-creates the highlighters for a dark or light background.
    void setDark(bool dark);
    QString cppText() const;
    QString pythonText() const;

private:
    QPlainTextEdit *m_cpp;
    QPlainTextEdit *m_python;
    QWidget *m_cppBox = nullptr;
    QLabel *m_pythonTitle = nullptr;
    CodeHighlighter *m_cppHighlighter = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    bool m_dark = false;
};

} // namespace Loopscope
