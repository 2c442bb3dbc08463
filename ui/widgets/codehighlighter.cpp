#include "codehighlighter.h"

namespace Loopscope {

CodeHighlighter::CodeHighlighter(Language language, QTextDocument *document, bool dark)
    : QSyntaxHighlighter(document)
    , m_language(language)
{
    QTextCharFormat keyword, type, number, coroutine;
    keyword.setForeground(dark ? QColor(0x82, 0xaa, 0xff) : QColor(0x00, 0x33, 0xb3));
    keyword.setFontWeight(QFont::Bold);
    coroutine.setForeground(dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x87, 0x10, 0x94));
    coroutine.setFontWeight(QFont::Bold);
    type.setForeground(dark ? QColor(0x4e, 0xc9, 0xb0) : QColor(0x00, 0x6e, 0x6e));
    number.setForeground(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0x17, 0x50, 0xeb));
    m_string.setForeground(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x06, 0x7d, 0x17));
    m_comment.setForeground(dark ? QColor(0x80, 0x80, 0x80) : QColor(0x8c, 0x8c, 0x8c));
    m_comment.setFontItalic(true);

    auto words = [](const QStringList &list) {
        return QRegularExpression(QStringLiteral("\\b(") + list.join(QLatin1Char('|'))
                                  + QStringLiteral(")\\b"));
    };
    if (language == Language::Cpp) {
        m_rules.push_back({words({QStringLiteral("auto"), QStringLiteral("bool"),
                                  QStringLiteral("break"), QStringLiteral("case"),
                                  QStringLiteral("catch"), QStringLiteral("class"),
                                  QStringLiteral("const"), QStringLiteral("constexpr"),
                                  QStringLiteral("continue"), QStringLiteral("double"),
                                  QStringLiteral("else"), QStringLiteral("false"),
                                  QStringLiteral("for"), QStringLiteral("if"),
                                  QStringLiteral("int"), QStringLiteral("namespace"),
                                  QStringLiteral("nullptr"), QStringLiteral("return"),
                                  QStringLiteral("static"), QStringLiteral("struct"),
                                  QStringLiteral("switch"), QStringLiteral("throw"),
                                  QStringLiteral("true"), QStringLiteral("try"),
                                  QStringLiteral("using"), QStringLiteral("void"),
                                  QStringLiteral("while"), QStringLiteral("qint64"),
                                  QStringLiteral("std")}),
                           keyword});
        m_rules.push_back({words({QStringLiteral("co_await"), QStringLiteral("co_return"),
                                  QStringLiteral("co_yield")}),
                           coroutine});
        m_rules.push_back({QRegularExpression(QStringLiteral("\\b[A-Z][A-Za-z0-9_]*\\b")), type});
        m_rules.push_back({QRegularExpression(QStringLiteral("^\\s*#\\s*\\w+")), keyword});
    } else {
        m_rules.push_back({words({QStringLiteral("and"), QStringLiteral("as"),
                                  QStringLiteral("assert"), QStringLiteral("break"),
                                  QStringLiteral("class"), QStringLiteral("continue"),
                                  QStringLiteral("def"), QStringLiteral("del"),
                                  QStringLiteral("elif"), QStringLiteral("else"),
                                  QStringLiteral("except"), QStringLiteral("False"),
                                  QStringLiteral("finally"), QStringLiteral("for"),
                                  QStringLiteral("from"), QStringLiteral("if"),
                                  QStringLiteral("import"), QStringLiteral("in"),
                                  QStringLiteral("is"), QStringLiteral("lambda"),
                                  QStringLiteral("None"), QStringLiteral("not"),
                                  QStringLiteral("or"), QStringLiteral("pass"),
                                  QStringLiteral("raise"), QStringLiteral("return"),
                                  QStringLiteral("True"), QStringLiteral("try"),
                                  QStringLiteral("while"), QStringLiteral("with"),
                                  QStringLiteral("yield")}),
                           keyword});
        m_rules.push_back({words({QStringLiteral("async"), QStringLiteral("await")}), coroutine});
        m_rules.push_back({QRegularExpression(QStringLiteral("\\b(asyncio|[A-Z][A-Za-z0-9_]*)\\b")),
                           type});
        m_rules.push_back({QRegularExpression(QStringLiteral("^\\s*@\\w+")), coroutine});
    }
    m_rules.push_back({QRegularExpression(QStringLiteral("\\b\\d+(\\.\\d+)?\\b")), number});
}

void CodeHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : m_rules) {
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), rule.format);
        }
    }
    // Strings and comments last, scanning left to right so a quote inside a comment (or a
    // comment marker inside a string) is not misread.
    const QChar hash = QLatin1Char('#');
    const bool python = m_language == Language::Python;
    setCurrentBlockState(0);
    int i = 0;
    if (previousBlockState() == 1) {
        // Inside a C++ block comment or a Python triple-quoted string.
        const QString close = python ? QStringLiteral("\"\"\"") : QStringLiteral("*/");
        const int end = int(text.indexOf(close));
        if (end < 0) {
            setFormat(0, int(text.size()), python ? m_string : m_comment);
            setCurrentBlockState(1);
            return;
        }
        setFormat(0, end + 2 + (python ? 1 : 0), python ? m_string : m_comment);
        i = end + int(close.size());
    }
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (!python && c == QLatin1Char('/') && i + 1 < text.size()
            && text.at(i + 1) == QLatin1Char('/')) {
            setFormat(i, int(text.size()) - i, m_comment);
            return;
        }
        if (!python && c == QLatin1Char('/') && i + 1 < text.size()
            && text.at(i + 1) == QLatin1Char('*')) {
            const int end = int(text.indexOf(QStringLiteral("*/"), i + 2));
            if (end < 0) {
                setFormat(i, int(text.size()) - i, m_comment);
                setCurrentBlockState(1);
                return;
            }
            setFormat(i, end + 2 - i, m_comment);
            i = end + 2;
            continue;
        }
        if (python && c == hash) {
            setFormat(i, int(text.size()) - i, m_comment);
            return;
        }
        if (python && text.mid(i, 3) == QStringLiteral("\"\"\"")) {
            const int end = int(text.indexOf(QStringLiteral("\"\"\""), i + 3));
            if (end < 0) {
                setFormat(i, int(text.size()) - i, m_string);
                setCurrentBlockState(1);
                return;
            }
            setFormat(i, end + 3 - i, m_string);
            i = end + 3;
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            int j = i + 1;
            while (j < text.size() && text.at(j) != c) {
                if (text.at(j) == QLatin1Char('\\'))
                    ++j;
                ++j;
            }
            // A Python f-string prefix, or a C++ raw/u8 prefix, is part of the string.
            int start = i;
            while (start > 0 && text.at(start - 1).isLetter() && i - start < 2)
                --start;
            setFormat(start, std::min<int>(j + 1, int(text.size())) - start, m_string);
            i = j + 1;
            continue;
        }
        ++i;
    }
}

} // namespace Loopscope
