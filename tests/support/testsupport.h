#pragma once

#include <QString>
#include <QTemporaryDir>

namespace Loopscope::Test {

//! Absolute path of a file in the source tree.
QString sourcePath(const QString &relative);

} // namespace Loopscope::Test
