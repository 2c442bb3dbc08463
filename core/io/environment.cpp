#include "environment.h"

#include <QDir>
#include <QFile>

namespace Loopscope {

void prepareQtEnvironment()
{
    if (qEnvironmentVariableIsSet("XDG_RUNTIME_DIR"))
        return;
    const QString user = qEnvironmentVariable("USER", QStringLiteral("user"));
    const QString dir = QDir::tempPath() + QStringLiteral("/loopscope-runtime-") + user;
    if (QDir().mkpath(dir)) {
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(dir));
    }
}

} // namespace Loopscope
