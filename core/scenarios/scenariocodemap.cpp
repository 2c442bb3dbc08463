#include "scenariocodemap.h"

#include "scenario.h"

#include <QRegularExpression>

namespace Loopscope {

namespace {
const QRegularExpression &tagPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("(?://|#).*\\[([a-z0-9-]+(?:, [a-z0-9-]+)*)\\]\\s*$"));
    return pattern;
}

const QRegularExpression &includePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^#include \"(shared\\w*\\.h)\""));
    return pattern;
}
} // namespace

ScenarioCodeMap::ScenarioCodeMap(const Scenario &scenario)
{
    const QString cpp = scenario.cppSource();
    readCpp(scenario.cppFile(), cpp);
    for (const QString &line : cpp.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch include = includePattern().match(line);
        if (include.hasMatch())
            readCpp(include.captured(1), Scenario::codeResource(include.captured(1)));
    }
    const QStringList python = scenario.pythonSource().split(QLatin1Char('\n'));
    for (int i = 0; i < python.size(); ++i) {
        for (const QString &tag : tagsOf(python[i]))
            m_pythonLineByTag.insert(tag, i + 1);
    }
}

void ScenarioCodeMap::readCpp(const QString &file, const QString &source)
{
    m_cppFiles << file;
    QHash<int, Tagged> &tags = m_cppTags[file];
    const QStringList lines = source.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QStringList found = tagsOf(lines[i]);
        if (found.isEmpty())
            continue;
        const Tagged tagged{found.front(), i + 1};
        tags.insert(i + 1, tagged);
        const auto continues = [](const QString &line) {
            const QString code = line.left(line.indexOf(QLatin1String("//"))).trimmed();
            return code.endsWith(QLatin1Char('(')) || code.endsWith(QLatin1Char(','));
        };
        for (int j = i; continues(lines[j]) && j + 1 < lines.size(); ++j)
            tags.insert(j + 2, tagged);
    }
}

QString ScenarioCodeMap::cppTag(const QString &file, int line) const
{
    return m_cppTags.value(file).value(line).tag;
}

int ScenarioCodeMap::cppTaggedLine(const QString &file, int line) const
{
    const Tagged tagged = m_cppTags.value(file).value(line);
    return tagged.tag.isEmpty() ? line : tagged.line;
}

int ScenarioCodeMap::pythonLine(const QString &file, int line) const
{
    const QString tag = cppTag(file, line);
    return tag.isEmpty() ? 0 : pythonLineOf(tag);
}

QStringList ScenarioCodeMap::tagsOf(QStringView line)
{
    const QRegularExpressionMatch m = tagPattern().match(line);
    return m.hasMatch() ? m.captured(1).split(QStringLiteral(", ")) : QStringList();
}

} // namespace Loopscope
