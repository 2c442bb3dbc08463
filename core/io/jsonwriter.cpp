#include "jsonwriter.h"

#include <QLocale>

#include <charconv>
#include <cmath>

namespace Loopscope::detail {

JsonWriter::JsonWriter(int breakDepth, qsizetype reserve)
    : m_breakDepth(breakDepth)
{
    if (reserve > 0)
        m_out.reserve(reserve);
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (m_levels.empty())
        return;
    Level &level = m_levels.back();
    if (!level.first)
        m_out.append(',');
    level.first = false;
    if (m_newline) {
        m_out.append('\n');
        m_newline = false;
    } else if (level.breaks) {
        m_out.append('\n');
        m_out.append(qsizetype(m_levels.size()) * 2, ' ');
    }
}

void JsonWriter::open(char bracket)
{
    beforeValue();
    m_out.append(bracket);
    m_levels.push_back({ true, int(m_levels.size()) < m_breakDepth });
}

void JsonWriter::close(char bracket)
{
    const Level level = m_levels.back();
    m_levels.pop_back();
    if (m_newline) {
        m_out.append('\n');
        m_newline = false;
    } else if (level.breaks && !level.first) {
        m_out.append('\n');
        m_out.append(qsizetype(m_levels.size()) * 2, ' ');
    }
    m_out.append(bracket);
}

void JsonWriter::numbers(const std::vector<std::pair<QString, double>> &values)
{
    beginObject();
    for (const auto &[name, number] : values) {
        key(name);
        value(number);
    }
    endObject();
}

QByteArray JsonWriter::take()
{
    if (m_newline) {
        m_out.append('\n');
        m_newline = false;
    }
    return std::move(m_out);
}

void JsonWriter::beginObject()
{
    open('{');
}
void JsonWriter::endObject()
{
    close('}');
}
void JsonWriter::beginArray()
{
    open('[');
}
void JsonWriter::endArray()
{
    close(']');
}

void JsonWriter::key(QLatin1String name)
{
    beforeValue();
    appendString(m_out, name);
    m_out.append(m_levels.back().breaks ? ": " : ":");
    m_afterKey = true;
}

void JsonWriter::key(const QString &name)
{
    beforeValue();
    appendString(m_out, name);
    m_out.append(m_levels.back().breaks ? ": " : ":");
    m_afterKey = true;
}

void JsonWriter::value(const QString &text)
{
    beforeValue();
    appendString(m_out, text);
}

void JsonWriter::value(QLatin1String text)
{
    beforeValue();
    appendString(m_out, text);
}

void JsonWriter::value(qint64 number)
{
    beforeValue();
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
    m_out.append(buffer, end - buffer);
}

void JsonWriter::value(double number)
{
    beforeValue();
    if (!std::isfinite(number)) {
        m_out.append("null");
        return;
    }
    m_out.append(QByteArray::number(number, 'g', QLocale::FloatingPointShortest));
}

void JsonWriter::value(bool flag)
{
    beforeValue();
    m_out.append(flag ? "true" : "false");
}

void JsonWriter::null()
{
    beforeValue();
    m_out.append("null");
}

void JsonWriter::fixed(qint64 scaled, int decimals, int minDecimals)
{
    beforeValue();
    appendFixed(m_out, scaled, decimals, minDecimals);
}

namespace {

bool needsEscape(char c)
{
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

void appendEscaped(QByteArray &out, QByteArrayView utf8)
{
    static const char Hex[] = "0123456789abcdef";
    out.append('"');
    const char *p = utf8.data();
    const char *const end = p + utf8.size();
    while (p != end) {
        // Runs that need no escape (nearly all text) go in whole.
        const char *run = p;
        while (p != end && !needsEscape(*p))
            ++p;
        if (p != run)
            out.append(run, p - run);
        if (p == end)
            break;
        const char c = *p++;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default: {
            const auto u = static_cast<unsigned char>(c);
            out.append("\\u00");
            out.append(Hex[u >> 4]);
            out.append(Hex[u & 0xf]);
        }
        }
    }
    out.append('"');
}
} // namespace

void JsonWriter::appendString(QByteArray &out, const QString &text)
{
    appendEscaped(out, text.toUtf8());
}

void JsonWriter::appendString(QByteArray &out, QLatin1String text)
{
    bool ascii = true;
    for (const char c : text)
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii)
        appendEscaped(out, QByteArrayView(text.data(), text.size()));
    else
        appendEscaped(out, QString(text).toUtf8());
}

void JsonWriter::appendFixed(QByteArray &out, qint64 scaled, int decimals, int minDecimals)
{
    // Unsigned magnitude so that the most negative qint64 does not overflow.
    const bool negative = scaled < 0;
    const quint64 magnitude = negative ? quint64(0) - quint64(scaled) : quint64(scaled);
    quint64 divisor = 1;
    for (int i = 0; i < decimals; ++i)
        divisor *= 10;
    const quint64 whole = magnitude / divisor;
    quint64 fraction = magnitude % divisor;

    // The fraction as exactly `decimals` digits, then trailing zeros beyond minDecimals dropped.
    char digits[24];
    for (int i = decimals - 1; i >= 0; --i) {
        digits[i] = char('0' + fraction % 10);
        fraction /= 10;
    }
    int keep = decimals;
    while (keep > minDecimals && digits[keep - 1] == '0')
        --keep;

    if (negative)
        out.append('-');
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, whole).ptr;
    out.append(buffer, end - buffer);
    if (keep > 0) {
        out.append('.');
        out.append(digits, keep);
    }
}

} // namespace Loopscope::detail
