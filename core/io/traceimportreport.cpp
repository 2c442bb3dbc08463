#include "traceimportreport.h"

#include <QStringList>

namespace Loopscope {

void TraceImportReport::add(Counts &counts, const QString &kind, qint64 count)
{
    for (auto &entry : counts) {
        if (entry.first == kind) {
            entry.second += count;
            return;
        }
    }
    counts.emplace_back(kind, count);
}

qint64 TraceImportReport::countOf(const Counts &counts, const QString &kind)
{
    for (const auto &entry : counts) {
        if (entry.first == kind)
            return entry.second;
    }
    return 0;
}

QString TraceImportReport::text() const
{
    auto list = [](const Counts &counts) {
        QStringList parts;
        for (const auto &[kind, count] : counts)
            parts.append(QStringLiteral("%1 %2").arg(count).arg(kind));
        return parts.join(QStringLiteral(", "));
    };
    QStringList parts;
    if (!skipped.empty())
        parts.append(QStringLiteral("skipped ") + list(skipped));
    if (!guessed.empty())
        parts.append(list(guessed));
    return parts.join(QStringLiteral("; "));
}

} // namespace Loopscope
