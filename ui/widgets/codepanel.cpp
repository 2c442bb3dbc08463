#include "codepanel.h"

#include "codehighlighter.h"
#include "scenarios/scenario.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QVBoxLayout>

namespace Loopscope {

namespace {
QWidget *titled(const QString &title, QPlainTextEdit *edit, QWidget *parent,
               QLabel **titleLabel = nullptr)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *label = new QLabel(title, box);
    if (titleLabel)
        *titleLabel = label;
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    layout->addWidget(label);
    layout->addWidget(edit, 1);
    return box;
}
} // namespace

CodePanel::CodePanel(QWidget *parent)
    : QWidget(parent)
    , m_cpp(new QPlainTextEdit(this))
    , m_python(new QPlainTextEdit(this))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QPlainTextEdit *edit : {m_cpp, m_python}) {
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        edit->setTabStopDistance(4 * QFontMetricsF(mono).horizontalAdvance(QLatin1Char(' ')));
    }
    m_cpp->setToolTip(QStringLiteral("The scenario as Loopscope runs it: C++20 coroutines on "
                                     "Loopscope's asyncio-like runtime"));
    m_python->setToolTip(QStringLiteral("The same program in Python asyncio: run it with "
                                        "python3 and compare the timings"));
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_cppBox = titled(QStringLiteral("C++ (what runs)"), m_cpp, splitter);
    splitter->addWidget(m_cppBox);
    splitter->addWidget(titled(QStringLiteral("Python asyncio (the same program)"), m_python,
                               splitter, &m_pythonTitle));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
    setDark(false);
}

void CodePanel::setScenario(const Scenario *scenario)
{
    m_cpp->setPlainText(scenario ? scenario->cppSource() : QString());
    m_python->setPlainText(scenario ? scenario->pythonSource() : QString());
    m_cppBox->show();
    m_pythonTitle->setText(QStringLiteral("Python asyncio (the same program)"));
}

void CodePanel::setProgram(const QString &fileName, const QString &source)
{
    m_cpp->clear();
    m_cppBox->hide();
    m_python->setPlainText(source);
    m_pythonTitle->setText(QStringLiteral("%1 (your program, as it is on disk)").arg(fileName));
}

void CodePanel::setDark(bool dark)
{
    m_dark = dark;
    delete m_cppHighlighter;
    delete m_pythonHighlighter;
    m_cppHighlighter = new CodeHighlighter(CodeHighlighter::Language::Cpp, m_cpp->document(), dark);
    m_pythonHighlighter =
        new CodeHighlighter(CodeHighlighter::Language::Python, m_python->document(), dark);
}

QString CodePanel::cppText() const { return m_cpp->toPlainText(); }
QString CodePanel::pythonText() const { return m_python->toPlainText(); }

} // namespace Loopscope
