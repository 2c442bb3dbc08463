#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace Loopscope {

struct Scenario;

//! Which line of a scenario's Python equivalent matches a line of its C++: both end with the
//! same tag in a comment, `co_await sleep(delay); // ... [sleep]` and
//! `await asyncio.sleep(delay)  # ... [sleep]`. A Python line may carry several tags
//! (`[gather, sleep]`), a tag names one Python line; several C++ lines may share a tag. The C++
//! side is the scenario's file and the scenario headers it includes ("sharedfetch.h"), as
//! embedded for the code panel. A tag on a line ending in '(' or ',' covers the statement's
//! next lines up to the one ending in ';': g++ places a co_await split over lines at its last
//! line. Every co_await line of a scenario has a tag that its Python has (tst_scenarios checks
//! it), so a wait's place ("FILE:LINE", RunMoment::Place) finds its Python line. Immutable once
//! built; any thread.
class ScenarioCodeMap
{
public:
    ScenarioCodeMap() = default;
    explicit ScenarioCodeMap(const Scenario &scenario);

    //! The Python line (1-based) matching line `line` of C++ file `file`, 0 if none.
    int pythonLine(const QString &file, int line) const;
    //! The tag of a C++ line, "" if it has none (or the file is not the scenario's).
    QString cppTag(const QString &file, int line) const;
    //! The line carrying the tag of the statement `line` is in (the co_await's first line),
    //! `line` itself if it has no tag.
    int cppTaggedLine(const QString &file, int line) const;
    //! The Python line of a tag, 0 if no Python line carries it.
    int pythonLineOf(const QString &tag) const { return m_pythonLineByTag.value(tag); }
    //! The C++ files read: the scenario's own first ("sequential.cpp").
    QStringList cppFiles() const { return m_cppFiles; }
    //! The tags at the end of a line of code: "[a]" or "[a, b]" closing a `//` or `#` comment;
    //! a tag is lower case letters, digits and '-'. None if the line does not end so.
    static QStringList tagsOf(QStringView line);

private:
    void readCpp(const QString &file, const QString &source);

    QStringList m_cppFiles;
    struct Tagged
    {
        QString tag;
        int line = 0; //!< where the tag is
    };
    QHash<QString, QHash<int, Tagged>> m_cppTags; //!< file -> line -> its statement's tag
    QHash<QString, int> m_pythonLineByTag;
};

} // namespace Loopscope
