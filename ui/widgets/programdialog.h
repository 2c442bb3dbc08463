#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLineEdit;

namespace Loopscope {

//! File > Trace Python Program: which .py to run, with which arguments, in which folder. Only
//! asks; the main window runs it (MainWindow::selectProgram), so tests never need the dialog.
//! GUI thread only.
class ProgramDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProgramDialog(QWidget *parent = nullptr);

    void setProgram(const QString &path);
    QString program() const;
    //! The arguments as the program's sys.argv[1:] (split like a shell: quotes group words).
    QStringList arguments() const;
    void setArguments(const QStringList &arguments);
    //! The folder it runs in; empty: the program's own folder.
    QString workingDirectory() const;
    void setWorkingDirectory(const QString &path);

private:
    void updateOk();

    QLineEdit *m_program;
    QLineEdit *m_arguments;
    QLineEdit *m_folder;
    QDialogButtonBox *m_buttons;
};

} // namespace Loopscope
