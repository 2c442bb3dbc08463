#include "runfile.h"

#include "summaryreader.h"
#include "tracejsonreader.h"

#include <QFile>

namespace Loopscope {

std::optional<TraceData> RunFile::read(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray json = file.readAll();
    QString why;
    std::optional<TraceData> data = SummaryReader::looksLikeSummary(json)
        ? SummaryReader::fromJson(json, &why)
        : TraceJsonReader::fromJson(json, &why);
    if (!data && error)
        *error = QStringLiteral("%1: not a Loopscope trace or summary (%2)").arg(path, why);
    return data;
}

} // namespace Loopscope
