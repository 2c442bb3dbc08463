#pragma once

#include "jsontree.h"

#include <QString>
#include <QtGlobal>

#include <cstddef>
#include <string>
#include <string_view>

namespace Loopscope {

//! One trace event object taken member by member from the parser's SAX callbacks, when its
//! members are among those TraceJsonWriter writes: each known member goes to its own slot
//! (Field), so that reading it is an array index, not a tree built and searched.
//!
//! Anything else (a key outside the Field list at its level, a key twice, an array, an object
//! where the writer writes none) declines the capture: the add/begin call returns false, and
//! replay() builds the JsonTree of what was taken so far (open containers left open, the pending
//! key set), so that the parse goes on building the tree without having lost anything. replay()
//! of a complete capture gives the tree the general path would have built from the same event.
//!
//! A Value reads with JsonTree::Node's meaning (every number isDouble(), toInteger() only for a
//! whole number in range, a missing member is undefined). Written by TraceJsonParser, read by its
//! sink while the event is handed over; a Value is valid until the next begin(). Not thread-safe.
class TraceEventCapture
{
public:
    using Type = JsonTree::Type;

    //! The members taken, by where they sit: the event's own, args', args.unit's,
    //! args.cancelled_by's.
    enum class Field : quint8 {
        Ph,
        Cat,
        Name,
        Pid,
        Tid,
        Ts,
        Dur,
        Id,
        Scope,
        BindingPoint,
        Args,
        ArgsName,
        ArgsUnit,
        ArgsSortIndex,
        ArgsLane,
        ArgsAt,
        ArgsOpen,
        ArgsOutcome,
        ArgsError,
        ArgsCancelledBy,
        UnitId,
        UnitParent,
        UnitLoop,
        UnitKind,
        UnitLabel,
        UnitCreatedNs,
        UnitStartNs,
        UnitEndNs,
        UnitOutcome,
        UnitError,
        ByReason,
        ByUnit,
        Count
    };
    //! The objects that hold members: the event, args, args.unit, args.cancelled_by.
    enum class Level : quint8 { Event, Args, Unit, By };

    //! A member's key (as in the file) and the object it belongs to.
    static std::string_view key(Field field);
    static Level levelOf(Field field);

    class Value
    {
    public:
        Type type() const { return m_type; }
        bool isUndefined() const { return m_type == Type::Undefined; }
        bool isNull() const { return m_type == Type::Null; }
        bool isBool() const { return m_type == Type::Bool; }
        bool isDouble() const { return m_type == Type::Integer || m_type == Type::Double; }
        bool isString() const { return m_type == Type::String; }
        bool isObject() const { return m_type == Type::Object; }
        bool toBool(bool defaultValue = false) const { return isBool() ? m_bool : defaultValue; }
        double toDouble(double defaultValue = 0) const
        {
            return m_type == Type::Integer ? double(m_integer)
                : m_type == Type::Double   ? m_number
                                           : defaultValue;
        }
        qint64 toInteger(qint64 defaultValue = 0) const
        {
            return m_type == Type::Integer ? m_integer
                : m_type == Type::Double   ? JsonTree::wholeNumber(m_number, defaultValue)
                                           : defaultValue;
        }
        std::string_view utf8() const { return isString() ? m_text : std::string_view(); }
        QString toString() const
        {
            return QString::fromUtf8(m_text.data(), qsizetype(utf8().size()));
        }
        //! Whether this is the string `text`.
        bool is(std::string_view text) const
        {
            if (!isString() || m_text.size() != text.size())
                return false;
            // Byte by byte: the names compared are short, a memcmp call costs more than they do.
            for (std::size_t i = 0; i < text.size(); ++i) {
                if (m_text[i] != text[i])
                    return false;
            }
            return true;
        }

    private:
        friend class TraceEventCapture;
        Type m_type = Type::Undefined;
        bool m_bool = false;
        qint64 m_integer = 0;
        double m_number = 0;
        std::string_view m_text;
    };

    Value value(Field field) const
    {
        Value v;
        if (m_filled & bit(field)) {
            const Slot &s = m_slots[int(field)];
            v.m_type = s.type;
            v.m_bool = s.boolean;
            v.m_integer = s.integer;
            v.m_number = s.number;
            if (s.type == Type::String)
                v.m_text = std::string_view(m_text.data() + s.offset, s.length);
        }
        return v;
    }

    // Taking an event, in document order (TraceJsonParser); false: declined.
    //! The event object opened: forgets the last one.
    void begin();
    bool key(const char *key, std::size_t length);
    bool addNull() { return addScalar(Type::Null).first; }
    bool addBool(bool value);
    bool addInteger(qint64 value);
    bool addDouble(double value);
    bool addString(const char *text, std::size_t length);
    bool beginObject();
    //! Closes the innermost object; true when that was the event itself.
    bool endObject();

    //! Into `tree` (cleared first): what was taken, as the general path would have built it.
    void replay(JsonTree &tree) const;

private:
    struct Slot
    {
        Type type = Type::Undefined;
        bool boolean = false;
        quint32 offset = 0;
        quint32 length = 0;
        qint64 integer = 0;
        double number = 0;
    };
    static constexpr int FieldCount = int(Field::Count);
    static_assert(FieldCount <= 64, "the filled set is one 64-bit mask");
    static quint64 bit(Field field) { return quint64(1) << int(field); }
    // The pending member's slot, filled with `type`; false (nothing taken) if there is none.
    std::pair<bool, Slot *> addScalar(Type type);

    Slot m_slots[FieldCount];
    quint64 m_filled = 0;
    Field m_order[FieldCount] {}; // the slots in document order
    int m_count = 0;
    Level m_open[4] {}; // the objects open, outermost first
    int m_depth = 0;
    Level m_level = Level::Event; // m_open's innermost
    Field m_pending = Field::Count; // the member whose key came last; Count: none
    Field m_last = Field::Count; // the last member taken in this event; Count: none yet
    // By member (Count: the event's start), the one that came after it last time (Ph at first).
    Field m_next[FieldCount + 1] = {};
    std::string m_text;
};

} // namespace Loopscope
