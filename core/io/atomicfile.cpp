#include "atomicfile.h"

#include "gzipwriter.h"

#include <QFileInfo>
#include <QSaveFile>

namespace Loopscope {

namespace {

bool failed(const QString &path, const QString &reason, QString *error)
{
    if (error)
        *error = QStringLiteral("cannot write %1: %2").arg(path, reason);
    return false;
}

// QSaveFile reports a missing or unwritable folder in terms of its temporary file; say it plainly.
QString openFailure(const QString &path, const QSaveFile &file)
{
    const QFileInfo dir(QFileInfo(path).absolutePath());
    if (!dir.exists())
        return QStringLiteral("No such file or directory");
    if (!dir.isDir())
        return QStringLiteral("Not a directory");
    if (!dir.isWritable())
        return QStringLiteral("Permission denied");
    return file.errorString();
}

} // namespace

bool writeFileAtomically(const QString &path, const QByteArray &data, QString *error)
{
    return writeFileAtomically(
        path,
        [&data](QIODevice &device, QString *why) {
            if (device.write(data) == data.size())
                return true;
            *why = device.errorString();
            return false;
        },
        error);
}

bool writeFileAtomically(
    const QString &path, const std::function<bool(QIODevice &, QString *)> &write, QString *error)
{
    if (path.isEmpty())
        return failed(QStringLiteral("\"\""), QStringLiteral("no file name given"), error);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return failed(path, openFailure(path, file), error);
    QString why;
    bool written = false;
    if (path.endsWith(QLatin1String(".gz"), Qt::CaseInsensitive)) {
        GzipWriter gzip(&file);
        written = write && write(gzip, &why);
        if (written && !gzip.finish()) {
            written = false;
            why = gzip.errorString();
        }
    } else {
        written = write && write(file, &why);
    }
    if (!written) {
        file.cancelWriting();
        if (why.isEmpty())
            why = file.error() != QFileDevice::NoError ? file.errorString()
                                                       : QStringLiteral("writing failed");
        return failed(path, why, error);
    }
    if (!file.commit())
        return failed(path, file.errorString(), error);
    return true;
}

} // namespace Loopscope
