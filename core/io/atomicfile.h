#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

//! Writes `data` to `path` through a QSaveFile: the file appears complete or not at all (an
//! existing file is replaced only once the new one is fully written). Returns false and sets
//! *error (if given) to one line naming the path and the reason, e.g.
//! `cannot write /nonexistent/x.json: No such file or directory`. A path ending in `.gz` (any
//! case) gets the data gzip-compressed (GzipWriter), so every writer can write `x.json.gz`.
//! Any thread.
bool writeFileAtomically(const QString &path, const QByteArray &data, QString *error = nullptr);

//! The same for content produced by `write`, which writes into the device it is given (e.g. an
//! image exporter streaming a PNG). If it returns false (optionally setting its QString* to the
//! reason) nothing is written and *error says why.
bool writeFileAtomically(const QString &path,
    const std::function<bool(QIODevice &, QString *)> &write, QString *error = nullptr);

} // namespace Loopscope
