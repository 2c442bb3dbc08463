#pragma once

#include <QByteArray>
#include <QString>

#include <utility>
#include <vector>

namespace Loopscope::detail {

//! A small streaming JSON writer used by the summary and trace writers: keys come out in the
//! order they are written (QJsonObject would sort them), numbers come out exactly (times are
//! written from integer nanoseconds as exact decimals, never through a double).
//!
//! Containers opened at a depth below `breakDepth` put each element on its own indented line;
//! deeper ones stay on one line. Not thread-safe; one writer per document.
class JsonWriter
{
public:
    explicit JsonWriter(int breakDepth = 0, qsizetype reserve = 0);

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();

    //! Writes a key inside an object; the value follows with one of the value calls.
    void key(QLatin1String name);
    void key(const QString &name);

    void value(const QString &text);
    void value(QLatin1String text);
    void value(qint64 number);
    void value(int number) { value(qint64(number)); }
    void value(quint32 number) { value(qint64(number)); }
    //! Shortest text that reads back as the same double; null when not finite.
    void value(double number);
    void value(bool flag);
    void null();
    //! An object of numbers, in the order given: `{"limit": 3, "delay": 1}`.
    void numbers(const std::vector<std::pair<QString, double>> &values);
    //! `scaled / 10^decimals` as an exact decimal, with at least `minDecimals` digits after the
    //! point (trailing zeros beyond that dropped). E.g. (1500, 3, 0) -> 1.5, (2000, 3, 1) -> 2.0.
    void fixed(qint64 scaled, int decimals, int minDecimals);

    //! Puts the next element (or closing bracket, or the end) on a new line.
    void newline() { m_newline = true; }

    QByteArray take();

    static void appendString(QByteArray &out, const QString &text);
    static void appendString(QByteArray &out, QLatin1String text);
    static void appendFixed(QByteArray &out, qint64 scaled, int decimals, int minDecimals);

private:
    void beforeValue();
    void open(char bracket);
    void close(char bracket);

    struct Level
    {
        bool first = true;
        bool breaks = false;
    };
    QByteArray m_out;
    std::vector<Level> m_levels;
    int m_breakDepth;
    bool m_afterKey = false;
    bool m_newline = false;
};

} // namespace Loopscope::detail
