#include "traceeventcapture.h"

#include <array>

namespace Loopscope {

namespace {

using Field = TraceEventCapture::Field;
using Level = TraceEventCapture::Level;

struct Member
{
    std::string_view key;
    Level level;
};

// By Field; each level's members are one run.
constexpr std::array<Member, std::size_t(Field::Count)> Members { {
    { "ph", Level::Event },
    { "cat", Level::Event },
    { "name", Level::Event },
    { "pid", Level::Event },
    { "tid", Level::Event },
    { "ts", Level::Event },
    { "dur", Level::Event },
    { "id", Level::Event },
    { "s", Level::Event },
    { "bp", Level::Event },
    { "args", Level::Event },
    { "name", Level::Args },
    { "unit", Level::Args },
    { "sort_index", Level::Args },
    { "lane", Level::Args },
    { "at", Level::Args },
    { "open", Level::Args },
    { "outcome", Level::Args },
    { "error", Level::Args },
    { "cancelled_by", Level::Args },
    { "id", Level::Unit },
    { "parent", Level::Unit },
    { "loop", Level::Unit },
    { "kind", Level::Unit },
    { "label", Level::Unit },
    { "created_ns", Level::Unit },
    { "start_ns", Level::Unit },
    { "end_ns", Level::Unit },
    { "outcome", Level::Unit },
    { "error", Level::Unit },
    { "reason", Level::By },
    { "unit", Level::By },
} };

// Within a level, a key's length and first byte tell its member (checked below): a key is
// found with one look-up, not a search.
constexpr int HashSize = 16 * 32;
constexpr int keyHash(std::size_t length, char first)
{
    return int(length & 15) * 32 + (first & 31);
}

struct KeyTable
{
    qint8 field[4][HashSize];
    // Each member's key again, in place (no pointer to follow).
    char text[int(Field::Count)][16];
    quint8 length[int(Field::Count)];
    Level level[int(Field::Count)];
};

constexpr KeyTable makeKeyTable()
{
    KeyTable t {};
    for (auto &level : t.field) {
        for (qint8 &f : level)
            f = -1;
    }
    for (int i = 0; i < int(Field::Count); ++i) {
        const Member &m = Members[std::size_t(i)];
        qint8 &f = t.field[int(m.level)][keyHash(m.key.size(), m.key[0])];
        if (f >= 0)
            throw "two members of a level share a length and first byte";
        f = qint8(i);
        for (std::size_t k = 0; k < m.key.size(); ++k)
            t.text[i][k] = m.key[k];
        t.length[i] = quint8(m.key.size());
        t.level[i] = m.level;
    }
    return t;
}

constexpr KeyTable Keys = makeKeyTable();

// The level an object member opens, if it is one.
bool opensLevel(Field field, Level *level)
{
    switch (field) {
    case Field::Args:
        *level = Level::Args;
        return true;
    case Field::ArgsUnit:
        *level = Level::Unit;
        return true;
    case Field::ArgsCancelledBy:
        *level = Level::By;
        return true;
    default:
        return false;
    }
}

} // namespace

std::string_view TraceEventCapture::key(Field field)
{
    return Members[std::size_t(field)].key;
}

TraceEventCapture::Level TraceEventCapture::levelOf(Field field)
{
    return Members[std::size_t(field)].level;
}

void TraceEventCapture::begin()
{
    m_filled = 0;
    m_count = 0;
    m_open[0] = m_level = Level::Event;
    m_last = Field::Count;
    m_depth = 1;
    m_pending = Field::Count;
    m_text.clear();
}

namespace {

// Whether key is member i's (of any level).
bool isKeyOf(int i, const char *key, std::size_t length)
{
    if (Keys.length[i] != length)
        return false;
    // Byte by byte: keys are a few bytes, a memcmp call costs more than they do, and a wider load
    // would wait for the parser's byte stores that just wrote the key.
    const char *name = Keys.text[i];
    for (std::size_t k = 0; k < length; ++k) {
        if (name[k] != key[k])
            return false;
    }
    return true;
}

} // namespace

bool TraceEventCapture::key(const char *key, std::size_t length)
{
    // First the member that came after the last one the last time (the writer writes each kind
    // of event in one order): known before the key is, it costs no look-up that waits for it.
    int i = int(m_next[int(m_last)]);
    if (Keys.level[i] != m_level || !isKeyOf(i, key, length)) {
        if (length == 0 || length > 15)
            return false;
        // The hash tells the length, and the low five bits of the first byte.
        i = Keys.field[int(m_level)][keyHash(length, key[0])];
        if (i < 0 || !isKeyOf(i, key, length))
            return false;
        m_next[int(m_last)] = Field(i);
    }
    const Field field = Field(i);
    if (m_filled & bit(field))
        return false; // twice: the last one counts, which the tree knows how to say
    m_pending = m_last = field;
    return true;
}

std::pair<bool, TraceEventCapture::Slot *> TraceEventCapture::addScalar(Type type)
{
    if (m_pending == Field::Count)
        return { false, nullptr };
    const Field field = m_pending;
    m_pending = Field::Count;
    m_filled |= bit(field);
    m_order[m_count++] = field;
    Slot &slot = m_slots[int(field)];
    slot.type = type;
    return { true, &slot };
}

bool TraceEventCapture::addBool(bool value)
{
    const auto [ok, slot] = addScalar(Type::Bool);
    if (ok)
        slot->boolean = value;
    return ok;
}

bool TraceEventCapture::addInteger(qint64 value)
{
    const auto [ok, slot] = addScalar(Type::Integer);
    if (ok)
        slot->integer = value;
    return ok;
}

bool TraceEventCapture::addDouble(double value)
{
    const auto [ok, slot] = addScalar(Type::Double);
    if (ok)
        slot->number = value;
    return ok;
}

bool TraceEventCapture::addString(const char *text, std::size_t length)
{
    const auto [ok, slot] = addScalar(Type::String);
    if (ok) {
        slot->offset = quint32(m_text.size());
        slot->length = quint32(length);
        m_text.append(text, length);
    }
    return ok;
}

bool TraceEventCapture::beginObject()
{
    Level level = Level::Event;
    if (m_pending == Field::Count || !opensLevel(m_pending, &level))
        return false;
    addScalar(Type::Object);
    m_open[m_depth++] = m_level = level;
    return true;
}

bool TraceEventCapture::endObject()
{
    if (--m_depth == 0)
        return true;
    m_level = m_open[m_depth - 1];
    return false;
}

void TraceEventCapture::replay(JsonTree &tree) const
{
    tree.clear();
    tree.beginContainer(Type::Object);
    Level open[4] { Level::Event };
    int depth = 1;
    for (int i = 0; i < m_count; ++i) {
        const Field field = m_order[i];
        // A member's object is open: it came before the member and a level is taken once.
        while (open[depth - 1] != levelOf(field)) {
            tree.endContainer();
            --depth;
        }
        const std::string_view name = key(field);
        tree.setKey(name.data(), name.size());
        const Slot &s = m_slots[int(field)];
        switch (s.type) {
        case Type::Null:
            tree.addNull();
            break;
        case Type::Bool:
            tree.addBool(s.boolean);
            break;
        case Type::Integer:
            tree.addInteger(s.integer);
            break;
        case Type::Double:
            tree.addDouble(s.number);
            break;
        case Type::String:
            tree.addString(m_text.data() + s.offset, s.length);
            break;
        case Type::Object:
            tree.beginContainer(Type::Object);
            opensLevel(field, &open[depth++]);
            break;
        case Type::Undefined:
        case Type::Array:
            break; // never taken
        }
    }
    // The objects closed since: the ones still open are the capture's (the path to its innermost).
    while (depth > m_depth) {
        tree.endContainer();
        --depth;
    }
    if (m_pending != Field::Count) {
        const std::string_view name = key(m_pending);
        tree.setKey(name.data(), name.size());
    }
}

} // namespace Loopscope
