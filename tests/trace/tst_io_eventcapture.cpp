#include <catch2/catch.hpp>

#include "iotestdata.h"
#include "traceeventcapture.h"
#include "tracejsonreader.h"
#include "tracejsonwriter.h"

#include <QByteArrayList>

#include <algorithm>
#include <random>

using namespace Loopscope;

// The fast path (events captured from the parser's callbacks) against the general one (every
// event from its JsonTree) on the same input: the same TraceData, or the same one-line error.

namespace {

using Path = TraceJsonReader::EventPath;

void requireSameRead(const QByteArray &json)
{
    QString fastError, treeError;
    TraceImportReport fastReport, treeReport;
    const auto fast = TraceJsonReader::fromJson(json, &fastError, &fastReport, Path::Captured);
    const auto tree = TraceJsonReader::fromJson(json, &treeError, &treeReport, Path::Trees);
    INFO(json.toStdString());
    REQUIRE(fastError.toStdString() == treeError.toStdString());
    REQUIRE(fast.has_value() == tree.has_value());
    CHECK(fastReport.text() == treeReport.text());
    if (!fast)
        return;
    Test::requireSameTrace(*fast, *tree);
    CHECK(fast->places == tree->places);
}

// Where a JSON value that starts at `at` ends (one past it); the text is JSON the writer wrote.
qsizetype valueEnd(const QByteArray &s, qsizetype at)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = at; i < s.size(); ++i) {
        const char c = s[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            if (!inString && depth == 0)
                return i + 1;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; // the end of a number or literal at the close of its container
            if (--depth == 0)
                return i + 1;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return s.size();
}

struct Member
{
    qsizetype keyAt; // the key's opening quote
    qsizetype valueAt;
    qsizetype valueEnd;
};

// Every member of an event line, at any depth, in file order.
std::vector<Member> membersOf(const QByteArray &line)
{
    std::vector<Member> members;
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line[i] != '"')
            continue;
        const qsizetype close = line.indexOf('"', i + 1); // keys have no escapes
        if (close > 0 && close + 1 < line.size() && line[close + 1] == ':'
            && (line[i - 1] == '{' || line[i - 1] == ',')) {
            members.push_back({ i, close + 2, valueEnd(line, close + 2) });
            i = close + 1;
        } else {
            i = valueEnd(line, i) - 1; // a string value: skip it whole
        }
    }
    return members;
}

QByteArray replaced(const QByteArray &line, qsizetype from, qsizetype to, const QByteArray &by)
{
    return line.left(from) + by + line.mid(to);
}

// The trace with event line `index` replaced.
QByteArray withLine(QByteArrayList lines, qsizetype index, const QByteArray &line)
{
    lines[index] = line;
    return lines.join('\n');
}

} // namespace

TEST_CASE("Captured events read as their trees do", "[io][reader][capture]")
{
    SECTION("traces as written: every kind of event")
    {
        const QByteArray sample = TraceJsonWriter::toJson(Test::sampleTrace());
        const QByteArray twoLoops = TraceJsonWriter::toJson(Test::twoLoopTrace());
        for (const char *kind : { "\"thread_name\"", "\"cat\":\"state\"", "\"cancelled_by\"",
                 "\"ph\":\"s\"", "\"ph\":\"f\"", "\"cat\":\"holder\"", "\"cat\":\"counter\"",
                 "\"cat\":\"output\"", "\"cat\":\"loop_lag\"", "\"at\":", "\"error\":\"T" }) {
            INFO(kind);
            CHECK(sample.contains(kind));
        }
        CHECK(twoLoops.contains("\"loop\":2"));
        requireSameRead(sample);
        requireSameRead(TraceJsonWriter::toJson(Test::sampleTrace(false)));
        requireSameRead(twoLoops);
        requireSameRead(TraceJsonWriter::toJson(TraceData()));
    }

    const QByteArray good = TraceJsonWriter::toJson(Test::sampleTrace());
    const QByteArrayList lines = good.split('\n');
    std::vector<qsizetype> events;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].startsWith("{\"ph\""))
            events.push_back(i);
    }
    REQUIRE(events.size() > 40);

    SECTION("every member of every event given a value of each type, out of range or odd")
    {
        const QByteArray values[] = { "null", "true", "false", "-1", "0", "1", "2", "1.5", "2.0",
            "1e300", "-1e300", "4294967297", "9223372036854775808", "\"x\"", "\"\"", "\"main\"",
            "\"task\"", "\"waiting\"", "\"completed\"", "\"timeout\"", "\"X\"", "\"M\"",
            "\"thread_name\"", "[]", "[1]", "{}", "{\"a\":1}", "{\"id\":1}",
            "{\"reason\":\"timeout\",\"unit\":1}" };
        int checked = 0;
        for (const qsizetype e : events) {
            const QByteArray &line = lines[e];
            for (const Member &m : membersOf(line)) {
                for (const QByteArray &v : values) {
                    requireSameRead(withLine(lines, e, replaced(line, m.valueAt, m.valueEnd, v)));
                    ++checked;
                }
            }
        }
        CHECK(checked > 10000);
    }
    SECTION("members twice, missing or unknown, at every level")
    {
        for (const qsizetype e : events) {
            const QByteArray &line = lines[e];
            for (const Member &m : membersOf(line)) {
                const QByteArray member = line.mid(m.keyAt, m.valueEnd - m.keyAt);
                const QByteArray key = line.mid(m.keyAt, m.valueAt - m.keyAt);
                // Twice, the same or another value (the last one counts).
                requireSameRead(withLine(lines, e, replaced(line, m.keyAt, m.keyAt, member + ',')));
                requireSameRead(
                    withLine(lines, e, replaced(line, m.valueEnd, m.valueEnd, ',' + key + "7")));
                requireSameRead(withLine(
                    lines, e, replaced(line, m.valueEnd, m.valueEnd, ',' + key + "\"x\"")));
                // Missing.
                const bool last = line[m.valueEnd] != ',';
                requireSameRead(withLine(lines, e,
                    last ? replaced(
                        line, line[m.keyAt - 1] == ',' ? m.keyAt - 1 : m.keyAt, m.valueEnd, {})
                         : replaced(line, m.keyAt, m.valueEnd + 1, {})));
                // Its key with the first byte's case changed (the same low five bits).
                QByteArray cased = line;
                cased[m.keyAt + 1] = char(cased[m.keyAt + 1] ^ 0x20);
                requireSameRead(withLine(lines, e, cased));
                // An unknown member before it, and one with an object or array value after it.
                requireSameRead(withLine(lines, e, replaced(line, m.keyAt, m.keyAt, "\"zz\":1,")));
                requireSameRead(withLine(
                    lines, e, replaced(line, m.valueEnd, m.valueEnd, ",\"zz\":{\"a\":[1]}")));
                requireSameRead(
                    withLine(lines, e, replaced(line, m.valueEnd, m.valueEnd, ",\"zz\":[{}]")));
            }
        }
    }
    SECTION("every key of the format after every member, as it is or emptied: at another level")
    {
        std::vector<QByteArray> keys;
        for (int f = 0; f < int(TraceEventCapture::Field::Count); ++f) {
            const std::string_view k = TraceEventCapture::key(TraceEventCapture::Field(f));
            const QByteArray key(k.data(), qsizetype(k.size()));
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                keys.push_back(key);
        }
        REQUIRE(keys.size() > 20);
        for (const qsizetype e : events) {
            const QByteArray &line = lines[e];
            for (const Member &m : membersOf(line)) {
                for (const QByteArray &k : keys) {
                    const QByteArray after = ",\"" + k + "\":1";
                    requireSameRead(
                        withLine(lines, e, replaced(line, m.valueEnd, m.valueEnd, after)));
                    requireSameRead(
                        withLine(lines, e, replaced(line, m.valueAt, m.valueEnd, "{}" + after)));
                }
            }
        }
    }
    SECTION("events that are not objects, empty or nested deeper")
    {
        for (const qsizetype e : events) {
            const QByteArray rest = lines[e].mid(valueEnd(lines[e], 0)); // "," or "]"
            for (const QByteArray &v : { QByteArray("{}"), QByteArray("[]"), QByteArray("1"),
                     QByteArray("\"x\""), QByteArray("null"), QByteArray("[{\"ph\":\"M\"}]"),
                     QByteArray("{\"args\":{\"unit\":{\"id\":{\"id\":{}}}}}") })
                requireSameRead(withLine(lines, e, v + rest));
        }
    }
    SECTION("the first error wins: two bad events")
    {
        // A value out of range in one event, a state no one knows in a later one (declined by
        // the capture at its duplicate key): the first is the error, on both paths.
        const qsizetype a = events[3], b = events[events.size() / 2];
        QByteArrayList bad = lines;
        const qsizetype tid = lines[a].indexOf("\"tid\":") + 6;
        bad[a] = replaced(lines[a], tid, tid, "-");
        bad[b] = "{\"ph\":\"X\",\"ph\":\"X\",\"cat\":\"state\",\"name\":\"sleeping\"},";
        requireSameRead(bad.join('\n'));
        QString error;
        CHECK_FALSE(TraceJsonReader::fromJson(bad.join('\n'), &error));
        CHECK(error.startsWith(QStringLiteral("event %1 ").arg(3)));
    }
    SECTION("otherData after the events: the second pass captures")
    {
        const qsizetype other = good.indexOf("\"otherData\":");
        const qsizetype otherEnd = good.indexOf(",\"traceEvents\":");
        REQUIRE(other > 0);
        REQUIRE(otherEnd > other);
        const QByteArray otherData = good.mid(other, otherEnd - other);
        QByteArray moved = good;
        moved.remove(other, otherEnd - other + 1);
        moved.insert(moved.lastIndexOf('}'), ',' + otherData);
        QString error;
        REQUIRE(TraceJsonReader::fromJson(moved, &error).has_value());
        requireSameRead(moved);
    }
    SECTION("random damage: bytes changed, inserted or removed anywhere")
    {
        std::mt19937 random(13); // fixed: the same inputs every run
        const char bytes[] = "{}[]\",:0123456789.-+eE tfnul\\x\x01\xff";
        for (int round = 0; round < 3000; ++round) {
            QByteArray damaged = good;
            for (int edits = 1 + int(random() % 3); edits > 0; --edits) {
                const qsizetype at = qsizetype(random() % quint32(damaged.size()));
                const char byte = bytes[random() % (sizeof bytes - 1)];
                switch (random() % 3) {
                case 0:
                    damaged[at] = byte;
                    break;
                case 1:
                    damaged.insert(at, byte);
                    break;
                default:
                    damaged.remove(at, 1);
                    break;
                }
            }
            requireSameRead(damaged);
        }
    }
}
