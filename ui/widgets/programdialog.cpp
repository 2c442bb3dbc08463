#include "programdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QVBoxLayout>

#include <functional>

namespace Loopscope {

namespace {

QWidget *withBrowse(QLineEdit *edit, QWidget *parent, const std::function<void()> &browse)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *button = new QPushButton(QStringLiteral("Browse\u2026"), row);
    QObject::connect(button, &QPushButton::clicked, row, browse);
    layout->addWidget(button);
    return row;
}

QString quoted(const QString &word)
{
    if (!word.isEmpty() && !word.contains(QLatin1Char(' ')) && !word.contains(QLatin1Char('"')))
        return word;
    QString w = word;
    w.replace(QLatin1Char('"'), QStringLiteral("\"\"\""));
    return QLatin1Char('"') + w + QLatin1Char('"');
}

} // namespace

ProgramDialog::ProgramDialog(QWidget *parent)
    : QDialog(parent)
    , m_program(new QLineEdit(this))
    , m_arguments(new QLineEdit(this))
    , m_folder(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(QStringLiteral("Trace Python Program"));
    m_program->setPlaceholderText(QStringLiteral("/path/to/program.py"));
    m_program->setToolTip(QStringLiteral("An asyncio program: it runs as python3 PROGRAM.py "
                                         "would, unchanged, and its tasks appear as lanes"));
    m_arguments->setPlaceholderText(QStringLiteral("arguments (sys.argv[1:]), e.g. --port 8080"));
    m_folder->setPlaceholderText(QStringLiteral("the program's own folder"));
    m_folder->setToolTip(QStringLiteral("The current directory the program runs in"));

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Program:"), withBrowse(m_program, this, [this] {
                     const QString path = QFileDialog::getOpenFileName(
                         this, QStringLiteral("Trace Python Program"), m_program->text(),
                         QStringLiteral("Python programs (*.py);;All files (*)"));
                     if (!path.isEmpty())
                         m_program->setText(path);
                 }));
    form->addRow(QStringLiteral("&Arguments:"), m_arguments);
    form->addRow(QStringLiteral("&Folder:"), withBrowse(m_folder, this, [this] {
                     const QString path = QFileDialog::getExistingDirectory(
                         this, QStringLiteral("Run in Folder"), m_folder->text());
                     if (!path.isEmpty())
                         m_folder->setText(path);
                 }));
    auto *note = new QLabel(QStringLiteral("Nothing in the program is changed. Module-level "
                                           "numbers marked <code># loopscope: 1..20</code> "
                                           "become sliders."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_program, &QLineEdit::textChanged, this, &ProgramDialog::updateOk);
    resize(640, sizeHint().height());
    updateOk();
}

void ProgramDialog::setProgram(const QString &path) { m_program->setText(path); }

QString ProgramDialog::program() const { return m_program->text().trimmed(); }

QStringList ProgramDialog::arguments() const { return QProcess::splitCommand(m_arguments->text()); }

void ProgramDialog::setArguments(const QStringList &arguments)
{
    QStringList words;
    for (const QString &a : arguments)
        words << quoted(a);
    m_arguments->setText(words.join(QLatin1Char(' ')));
}

QString ProgramDialog::workingDirectory() const { return m_folder->text().trimmed(); }

void ProgramDialog::setWorkingDirectory(const QString &path) { m_folder->setText(path); }

void ProgramDialog::updateOk()
{
    const QFileInfo info(program());
    const bool ok = info.isFile() && info.isReadable();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_program->setToolTip(ok || program().isEmpty()
                              ? QStringLiteral("An asyncio program: it runs as python3 PROGRAM.py "
                                               "would, unchanged, and its tasks appear as lanes")
                              : QStringLiteral("No readable file here"));
}

} // namespace Loopscope
