#include "jsonwriter.h"

#include <catch2/catch.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Loopscope::detail::JsonWriter;

TEST_CASE("JsonWriter escapes any text so that it reads back the same", "[io][json]")
{
    QString every;
    for (char16_t c = 1; c < 0x80; ++c)
        every.append(QChar(c));
    every += QString::fromUtf8("\xc3\x85 \xe2\x86\x92 \xf0\x9f\x98\x80");
    const QString texts[] = {QString(), QStringLiteral("plain"), every,
                             QStringLiteral("\"quoted\" \\ and \x01\x1f at the end\n")};

    JsonWriter w;
    w.beginArray();
    for (const QString &t : texts)
        w.value(t);
    w.endArray();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(w.take(), &error);
    REQUIRE(error.error == QJsonParseError::NoError);
    const QJsonArray read = doc.array();
    REQUIRE(read.size() == int(std::size(texts)));
    for (int i = 0; i < read.size(); ++i)
        CHECK(read.at(i).toString() == texts[i]);
}

TEST_CASE("JsonWriter writes integers and fixed decimals exactly", "[io][json]")
{
    JsonWriter w;
    w.beginObject();
    w.key(QLatin1String("min"));
    w.value(std::numeric_limits<qint64>::min());
    w.key(QLatin1String("max"));
    w.value(std::numeric_limits<qint64>::max());
    w.key(QLatin1String("s"));
    w.fixed(1'999'749'908, 9, 0);
    w.key(QLatin1String("whole"));
    w.fixed(2'000, 3, 1);
    w.key(QLatin1String("neg"));
    w.fixed(-1'500, 3, 0);
    w.key(QLatin1String("zero"));
    w.fixed(0, 6, 0);
    w.endObject();
    CHECK(w.take()
          == QByteArray("{\"min\":-9223372036854775808,\"max\":9223372036854775807,"
                        "\"s\":1.999749908,\"whole\":2.0,\"neg\":-1.5,\"zero\":0}"));
}
