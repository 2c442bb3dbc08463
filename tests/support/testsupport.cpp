#include "testsupport.h"

namespace Loopscope::Test {

QString sourcePath(const QString &relative)
{
    return QStringLiteral(LOOPSCOPE_SOURCE_DIR "/") + relative;
}

} // namespace Loopscope::Test
