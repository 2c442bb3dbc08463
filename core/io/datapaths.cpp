#include "datapaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace Loopscope {

QString findDataPath(const QString &relative, const QString &applicationDir)
{
    const QString binDir
        = applicationDir.isEmpty() ? QCoreApplication::applicationDirPath() : applicationDir;
    // The installed folder first: a build tree never has one, and an installed binary must not
    // pick up a source tree that happens to exist where it was built.
    const QString roots[] = { QDir(binDir).filePath(QStringLiteral(LOOPSCOPE_BIN_TO_DATA_DIR)),
        QStringLiteral(LOOPSCOPE_SOURCE_DATA_DIR) };
    for (const QString &root : roots) {
        const QFileInfo info(QDir(root).filePath(relative));
        if (info.exists())
            return QDir::cleanPath(info.absoluteFilePath());
    }
    return {};
}

} // namespace Loopscope
