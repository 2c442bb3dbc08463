#include "tracejsonparser.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <limits>
#include <string_view>

namespace Loopscope {

namespace {

using Type = JsonTree::Type;

// RapidJSON's SAX handler: routes each value to where it belongs (see TraceJsonParser).
class Handler
{
public:
    Handler(TraceJsonParser::Sink &sink, TraceJsonParser::Result &result)
        : m_sink(sink)
        , m_result(result)
    {
    }

    bool tooDeep() const { return m_tooDeep; }

    bool Null()
    {
        return scalar(Type::Null, [](auto &t) { return t.addNull(); });
    }
    bool Bool(bool b)
    {
        return scalar(Type::Bool, [b](auto &t) { return t.addBool(b); });
    }
    bool Int(int i) { return Int64(i); }
    bool Uint(unsigned u) { return Int64(u); }
    bool Int64(int64_t i)
    {
        return scalar(Type::Integer, [i](auto &t) { return t.addInteger(i); });
    }
    bool Uint64(uint64_t u)
    {
        // QJsonDocument keeps a whole number as an integer only if it fits in qint64.
        if (u > uint64_t(std::numeric_limits<qint64>::max()))
            return Double(double(u));
        return Int64(int64_t(u));
    }
    bool Double(double d)
    {
        return scalar(Type::Double, [d](auto &t) { return t.addDouble(d); });
    }
    bool RawNumber(const char *, rapidjson::SizeType, bool) { return false; }
    bool String(const char *s, rapidjson::SizeType n, bool)
    {
        return scalar(Type::String, [s, n](auto &t) { return t.addString(s, n); });
    }
    bool StartObject() { return begin(Type::Object); }
    bool StartArray() { return begin(Type::Array); }
    bool EndObject(rapidjson::SizeType) { return end(); }
    bool EndArray(rapidjson::SizeType) { return end(); }
    bool Key(const char *s, rapidjson::SizeType n, bool)
    {
        if (m_capturing) {
            if (!m_capture.key(s, n)) {
                decline();
                m_event.setKey(s, n);
            }
        } else if (m_target) {
            m_target->setKey(s, n);
        } else if (m_depth == 1 && m_result.rootType == Type::Object) {
            const std::string_view key(s, n);
            m_rootKey = key == "traceEvents" ? RootKey::Events
                : key == "otherData"         ? RootKey::Other
                                             : RootKey::Skipped;
            m_result.hasTasks = m_result.hasTasks || key == "tasks";
            m_result.hasScenario = m_result.hasScenario || key == "scenario";
        }
        return true;
    }

private:
    enum class RootKey { Skipped, Events, Other };
    enum class Slot { Capture, Build, Root, Event, Other, EventsMember, Skip };

    // Where a value that starts now belongs.
    Slot slot() const
    {
        if (m_capturing)
            return Slot::Capture;
        if (m_target)
            return Slot::Build;
        if (m_depth == 0)
            return Slot::Root;
        if (m_eventsDepth != 0 && m_depth == m_eventsDepth)
            return Slot::Event;
        if (m_depth == 1 && m_result.rootType == Type::Object) {
            if (m_rootKey == RootKey::Other)
                return Slot::Other;
            if (m_rootKey == RootKey::Events)
                return Slot::EventsMember;
        }
        return Slot::Skip;
    }

    template <typename Add> bool scalar(Type type, Add add)
    {
        switch (slot()) {
        case Slot::Capture:
            if (!add(m_capture)) {
                decline();
                add(*m_target);
            }
            break;
        case Slot::Build:
            add(*m_target);
            break;
        case Slot::Root:
            m_result.rootType = type;
            break;
        case Slot::Event:
            m_event.clear();
            add(m_event);
            m_sink.event(m_event.root(), m_index++);
            break;
        case Slot::Other:
            m_other.clear();
            add(m_other);
            m_sink.otherData(m_other.root());
            break;
        case Slot::EventsMember:
            m_result.eventsType = type;
            break;
        case Slot::Skip:
            break;
        }
        return true;
    }

    bool begin(Type type)
    {
        if (m_depth >= TraceJsonParser::MaxDepth) {
            m_tooDeep = true;
            return false;
        }
        switch (slot()) {
        case Slot::Capture:
            if (type != Type::Object || !m_capture.beginObject()) {
                decline();
                m_target->beginContainer(type);
            }
            break;
        case Slot::Build:
            m_target->beginContainer(type);
            break;
        case Slot::Root:
            m_result.rootType = type;
            if (type == Type::Array)
                beginEvents(1);
            break;
        case Slot::Event:
            if (type == Type::Object && m_sink.captureEvents()) {
                m_capture.begin();
                m_capturing = true;
                m_targetDepth = m_depth;
            } else {
                startTree(&m_event, type);
            }
            break;
        case Slot::Other:
            startTree(&m_other, type);
            break;
        case Slot::EventsMember:
            m_result.eventsType = type;
            if (type == Type::Array)
                beginEvents(2);
            break;
        case Slot::Skip:
            break;
        }
        ++m_depth;
        return true;
    }

    bool end()
    {
        --m_depth;
        if (m_capturing) {
            if (m_capture.endObject()) {
                m_capturing = false;
                if (!m_sink.capturedEvent(m_capture, m_index)) {
                    m_capture.replay(m_event);
                    m_sink.event(m_event.root(), m_index);
                }
                ++m_index;
            }
        } else if (m_target) {
            m_target->endContainer();
            if (m_depth == m_targetDepth) {
                JsonTree *done = m_target;
                m_target = nullptr;
                if (done == &m_event)
                    m_sink.event(m_event.root(), m_index++);
                else
                    m_sink.otherData(m_other.root());
            }
        } else if (m_eventsDepth != 0 && m_depth < m_eventsDepth) {
            m_eventsDepth = 0;
        }
        return true;
    }

    void beginEvents(int depth)
    {
        m_eventsDepth = depth;
        m_sink.eventsBegin();
    }

    // The capture met what it does not take: the event goes on as a tree, from what it took.
    void decline()
    {
        m_capture.replay(m_event);
        m_capturing = false;
        m_target = &m_event;
    }

    void startTree(JsonTree *tree, Type type)
    {
        tree->clear();
        tree->beginContainer(type);
        m_target = tree;
        m_targetDepth = m_depth;
    }

    TraceJsonParser::Sink &m_sink;
    TraceJsonParser::Result &m_result;
    JsonTree m_event;
    JsonTree m_other;
    TraceEventCapture m_capture;
    bool m_capturing = false; // the event is taken by m_capture (m_targetDepth: where it began)
    JsonTree *m_target = nullptr; // the tree being built, if any
    int m_targetDepth = 0; // m_depth where it started
    int m_depth = 0; // containers open
    int m_eventsDepth = 0; // m_depth of the events array's elements; 0: not in it
    RootKey m_rootKey = RootKey::Skipped;
    qsizetype m_index = 0;
    bool m_tooDeep = false;
};

// RapidJSON's message, in the words of a one-line error: "Invalid value." -> "invalid value".
QString parseErrorText(rapidjson::ParseErrorCode code)
{
    QString text = QString::fromLatin1(rapidjson::GetParseError_En(code));
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

} // namespace

TraceJsonParser::Result TraceJsonParser::parse(JsonInput &input, Sink &sink)
{
    Result result;
    Handler handler(sink, result);
    rapidjson::Reader reader;
    // Recursive (the iterative parser's state machine costs 12% more): MaxDepth bounds it, the
    // handler refusing a deeper container. Full precision: doubles round-trip exactly.
    const rapidjson::ParseResult ok
        = reader.Parse<rapidjson::kParseFullPrecisionFlag>(input, handler);
    if (input.cancelled()) {
        result.error = QStringLiteral("cancelled");
        result.inputFailed = true;
    } else if (!input.error().isEmpty()) {
        result.error = input.error();
        result.inputFailed = true;
    } else if (ok.Code() == rapidjson::kParseErrorDocumentEmpty) {
        result.error = QStringLiteral("not JSON: the file is empty");
    } else if (handler.tooDeep()) {
        result.error
            = QStringLiteral("not JSON: nested too deeply (more than %1 levels) at offset %2")
                  .arg(MaxDepth)
                  .arg(ok.Offset());
    } else if (!ok) {
        result.error = QStringLiteral("not JSON: %1 at offset %2")
                           .arg(parseErrorText(ok.Code()))
                           .arg(ok.Offset());
    } else if (!input.atEnd()) {
        // RapidJSON takes a '\0' for the end of its input.
        result.error = QStringLiteral("not JSON: a NUL byte at offset %1").arg(input.Tell());
    }
    if (!result.error.isEmpty() && !result.inputFailed)
        result.rootType = result.eventsType = Type::Undefined;
    return result;
}

} // namespace Loopscope
