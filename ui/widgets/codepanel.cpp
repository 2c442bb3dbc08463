#include "codepanel.h"

#include "codehighlighter.h"
#include "runmoment.h"
#include "scenarios/scenario.h"
#include "timelinestyle.h"
#include "tracedata.h"
#include "wording.h"

#include <QApplication>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

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

// How many tasks a line names before "and N more": a stress run has thousands at one line.
constexpr int NamedTasks = 4;

QString describe(const TraceData &data, const CodePanel::Highlight &h)
{
    QStringList names;
    for (qsizetype i = 0; i < h.units.size() && i < NamedTasks; ++i) {
        const UnitRecord *u = data.unit(h.units[i]);
        names << (u ? u->label : QString());
    }
    QString who = names.join(QStringLiteral(", "));
    if (h.units.size() > NamedTasks)
        who += QStringLiteral(" and %1 more").arg(h.units.size() - NamedTasks);
    return QStringLiteral("%1 %2 here").arg(who, Wording::state(h.state));
}

void add(QList<CodePanel::Highlight> &side, int line, const RunMoment::Place &place)
{
    if (line <= 0)
        return;
    for (CodePanel::Highlight &h : side) {
        if (h.line == line && h.state == place.state) {
            h.units.append(QList<quint32>(place.units.begin(), place.units.end()));
            return;
        }
    }
    side.append({line, place.state, QList<quint32>(place.units.begin(), place.units.end()), {}});
}

void finish(const TraceData &data, QList<CodePanel::Highlight> &side)
{
    std::sort(side.begin(), side.end(), [](const CodePanel::Highlight &a,
                                           const CodePanel::Highlight &b) {
        return std::pair(a.line, a.state) < std::pair(b.line, b.state);
    });
    for (CodePanel::Highlight &h : side) {
        std::sort(h.units.begin(), h.units.end());
        h.text = describe(data, h);
    }
}

QList<int> linesOf(const QList<CodePanel::Highlight> &highlights)
{
    QList<int> lines;
    for (const CodePanel::Highlight &h : highlights)
        lines << h.line;
    return lines;
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
    m_atCursor = new QLabel(this);
    m_atCursor->setTextFormat(Qt::PlainText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_atCursor);
    for (QPlainTextEdit *edit : {m_cpp, m_python})
        edit->viewport()->installEventFilter(this);
    m_frame.setSingleShot(true);
    m_frame.setInterval(16); // one frame at 60 Hz
    connect(&m_frame, &QTimer::timeout, this, [this] {
        if (m_pending) {
            apply();
            m_frame.start();
        }
    });
    setDark(false);
    clearMoment();
}

void CodePanel::setScenario(const Scenario *scenario)
{
    m_cpp->setPlainText(scenario ? scenario->cppSource() : QString());
    m_python->setPlainText(scenario ? scenario->pythonSource() : QString());
    m_cppBox->show();
    m_pythonTitle->setText(QStringLiteral("Python asyncio (the same program)"));
    m_map = scenario ? ScenarioCodeMap(*scenario) : ScenarioCodeMap();
    m_cppFile = scenario ? scenario->cppFile() : QString();
    m_programFile.clear();
    clearMoment();
}

void CodePanel::setProgram(const QString &fileName, const QString &source)
{
    m_cpp->clear();
    m_cppBox->hide();
    m_python->setPlainText(source);
    m_pythonTitle->setText(QStringLiteral("%1 (your program, as it is on disk)").arg(fileName));
    m_map = ScenarioCodeMap();
    m_cppFile.clear();
    m_programFile = fileName;
    clearMoment();
}

void CodePanel::setDark(bool dark)
{
    m_dark = dark;
    delete m_cppHighlighter;
    delete m_pythonHighlighter;
    m_cppHighlighter = new CodeHighlighter(CodeHighlighter::Language::Cpp, m_cpp->document(), dark);
    m_pythonHighlighter =
        new CodeHighlighter(CodeHighlighter::Language::Python, m_python->document(), dark);
    m_drawnCppLines.clear(); // the colours change, the scroll position need not
    m_drawnPythonLines.clear();
    scheduleApply();
}

QString CodePanel::cppText() const { return m_cpp->toPlainText(); }
QString CodePanel::pythonText() const { return m_python->toPlainText(); }

void CodePanel::setMoment(const TraceData &data, const RunMoment &moment)
{
    QList<Highlight> cpp;
    QList<Highlight> python;
    for (const RunMoment::Place &place : moment.suspendedAt(data)) {
        if (!m_programFile.isEmpty()) {
            if (place.file == m_programFile)
                add(python, place.line, place);
            continue;
        }
        if (place.file == m_cppFile)
            add(cpp, m_map.cppTaggedLine(place.file, place.line), place);
        add(python, m_map.pythonLine(place.file, place.line), place);
    }
    finish(data, cpp);
    finish(data, python);
    setHighlights(std::move(cpp), std::move(python));
}

void CodePanel::clearMoment() { setHighlights({}, {}); }

void CodePanel::setHighlights(QList<Highlight> cpp, QList<Highlight> python)
{
    m_cppHighlights = std::move(cpp);
    m_pythonHighlights = std::move(python);
    scheduleApply();
}

QList<CodePanel::Highlight> CodePanel::highlights(Side side) const
{
    return side == Side::Cpp ? m_cppHighlights : m_pythonHighlights;
}

void CodePanel::flushMoment()
{
    if (m_pending)
        apply();
}

void CodePanel::scheduleApply()
{
    m_pending = true;
    if (!m_frame.isActive()) {
        apply();
        m_frame.start();
    }
}

void CodePanel::apply()
{
    if (!isVisible())
        return; // showEvent draws it
    m_pending = false;
    applySide(m_cpp, m_cppHighlights, linesOf(m_cppHighlights) != m_drawnCppLines);
    applySide(m_python, m_pythonHighlights, linesOf(m_pythonHighlights) != m_drawnPythonLines);
    m_drawnCppLines = linesOf(m_cppHighlights);
    m_drawnPythonLines = linesOf(m_pythonHighlights);
    const QList<Highlight> &named = m_programFile.isEmpty() ? m_cppHighlights : m_pythonHighlights;
    QStringList parts;
    for (const Highlight &h : named)
        parts << QStringLiteral("line %1: %2").arg(h.line).arg(h.text);
    m_atCursor->setText(parts.isEmpty()
                            ? QStringLiteral("Place the time cursor on the timeline: the lines "
                                             "its tasks wait at light up here.")
                            : QStringLiteral("At the cursor, ") + parts.join(QStringLiteral("; ")));
}

void CodePanel::applySide(QPlainTextEdit *edit, const QList<Highlight> &highlights, bool scroll)
{
    const TimelineStyle style = m_dark ? TimelineStyle::dark() : TimelineStyle::light();
    QList<QTextEdit::ExtraSelection> selections;
    for (const Highlight &h : highlights) {
        const QTextBlock block = edit->document()->findBlockByNumber(h.line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(block);
        QColor colour = style.stateColor(h.state);
        colour.setAlpha(m_dark ? 150 : 120); // the code stays readable on it
        selection.format.setBackground(colour);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selections << selection;
    }
    edit->setExtraSelections(selections);
    if (scroll && !selections.isEmpty()) {
        edit->setTextCursor(selections.front().cursor);
        edit->centerCursor(); // with the code around it, not at the edge
        edit->horizontalScrollBar()->setValue(0);
    }
}

const CodePanel::Highlight *CodePanel::highlightAt(QObject *viewport, const QPoint &pos) const
{
    const bool cpp = viewport == m_cpp->viewport();
    const QPlainTextEdit *edit = cpp ? m_cpp : m_python;
    const int line = edit->cursorForPosition(pos).blockNumber() + 1;
    for (const Highlight &h : cpp ? m_cppHighlights : m_pythonHighlights) {
        if (h.line == line)
            return &h;
    }
    return nullptr;
}

bool CodePanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_cpp->viewport() && watched != m_python->viewport())
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        if (const Highlight *h = highlightAt(watched, help->pos())) {
            QToolTip::showText(help->globalPos(), h->text, static_cast<QWidget *>(watched));
            return true;
        }
    } else if (event->type() == QEvent::MouseButtonPress) {
        m_pressPos = static_cast<QMouseEvent *>(event)->position().toPoint();
    } else if (event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const QPoint pos = mouse->position().toPoint();
        // A click, not the end of a drag selecting text.
        if (mouse->button() == Qt::LeftButton
            && (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance()) {
            if (const Highlight *h = highlightAt(watched, pos))
                Q_EMIT unitsActivated(h->units);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CodePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_pending)
        QTimer::singleShot(0, this, [this] { flushMoment(); });
}

} // namespace Loopscope
