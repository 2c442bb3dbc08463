#pragma once

#include <QString>

namespace Loopscope {

//! Where the files the program loads at run time are (the Python tracer under `python/tracer`,
//! anything else installed from resources/): the folder `<prefix>/share/loopscope` beside the
//! installed `<prefix>/bin/loopscope`, found from the binary's own folder so an installed tree
//! works wherever it is; in a build tree, which has no such folder, the source tree's
//! resources/ folder, which has the same layout.
//!
//! Returns the absolute path of `relative` (a file or a folder) in the first of the two that
//! has it, or an empty string. applicationDir defaults to QCoreApplication::applicationDirPath()
//! (a QCoreApplication must exist then). Any thread: it only looks at the file system.
QString findDataPath(const QString &relative, const QString &applicationDir = {});

} // namespace Loopscope
