#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

#include <vector>

namespace Loopscope {

//! A small highlighter for the code panel: keywords, strings, numbers and comments of C++ or
//! Python (block comments and triple-quoted strings spanning lines included). Colours follow
//! the palette's lightness so it reads on light and dark themes.
class CodeHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    enum class Language { Cpp, Python };

    CodeHighlighter(Language language, QTextDocument *document, bool dark = false);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    Language m_language;
    std::vector<Rule> m_rules;
    QTextCharFormat m_comment;
    QTextCharFormat m_string;
};

} // namespace Loopscope
