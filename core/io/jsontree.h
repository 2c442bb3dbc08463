#pragma once

#include <QString>
#include <QtGlobal>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace Loopscope {

//! One small JSON value (a trace event, otherData) held flat: nodes in one vector, strings in one
//! buffer, so that reading the next event reuses the memory of the last (clear() keeps it) and
//! nothing is freed or walked recursively, however deep the value.
//!
//! Node reads a value with QJsonValue's meaning, so code written against QJsonObject reads the
//! same: every number isDouble(); toInteger() accepts a double only if it is a whole number in
//! range; a missing key is undefined; in an object with a key twice the last one counts; to*()
//! of the wrong type gives the default. Keys and strings are UTF-8 as they were in the file.
//!
//! Built by one writer (TraceJsonParser) through the add*/begin/end calls, read after it is
//! complete. Not thread-safe; a Node is valid until the tree is changed.
class JsonTree
{
public:
    enum class Type : quint8 { Undefined, Null, Bool, Integer, Double, String, Array, Object };

    class Node
    {
    public:
        Node() = default;

        Type type() const { return m_tree ? m_tree->m_nodes[m_index].type : Type::Undefined; }
        bool isUndefined() const { return type() == Type::Undefined; }
        bool isNull() const { return type() == Type::Null; }
        bool isBool() const { return type() == Type::Bool; }
        //! Any number, whole or not (as QJsonValue::isDouble).
        bool isDouble() const { return type() == Type::Integer || type() == Type::Double; }
        bool isString() const { return type() == Type::String; }
        bool isArray() const { return type() == Type::Array; }
        bool isObject() const { return type() == Type::Object; }

        bool toBool(bool defaultValue = false) const;
        double toDouble(double defaultValue = 0) const;
        //! The number if it is a whole number that fits, else defaultValue.
        qint64 toInteger(qint64 defaultValue = 0) const;
        //! The string's UTF-8 bytes; empty if not a string.
        std::string_view utf8() const;
        QString toString() const;
        //! Whether this is the string `text` (no QString made).
        inline bool is(std::string_view text) const;

        //! The member named key (the last one if there are two); undefined if none or not an
        //! object.
        inline Node value(std::string_view key) const;
        bool contains(std::string_view key) const { return !value(key).isUndefined(); }
        //! The children of an array or object, in file order; none for other values.
        inline Node firstChild() const;
        inline Node nextSibling() const;
        //! An object member's key (UTF-8).
        inline std::string_view key() const;

    private:
        friend class JsonTree;
        Node(const JsonTree *tree, qint32 index)
            : m_tree(tree)
            , m_index(index)
        {
        }
        const JsonTree *m_tree = nullptr; // null: undefined
        qint32 m_index = 0;
    };

    //! d as a qint64 if it is a whole number inside qint64's range (as QJsonValue::toInteger),
    //! else defaultValue.
    static qint64 wholeNumber(double d, qint64 defaultValue);

    //! The whole value; undefined while empty.
    Node root() const { return m_nodes.empty() ? Node() : Node(this, 0); }
    void clear();
    //! Nesting depth of the containers still open.
    int openDepth() const { return int(m_open.size()); }

    // Building, in document order: setKey() before each member of an object.
    void setKey(const char *key, std::size_t length);
    void addNull();
    void addBool(bool value);
    void addInteger(qint64 value);
    void addDouble(double value);
    void addString(const char *text, std::size_t length);
    void beginContainer(Type type);
    void endContainer();

private:
    // A key of up to 8 bytes is held in the entry itself (zero-padded), so that looking it up
    // compares one integer; a longer one is in m_text.
    static constexpr std::size_t InlineKey = 8;
    static quint64 packKey(const char *key, std::size_t length)
    {
        // Byte by byte: a memcpy of a variable length is a library call, slower for 8 bytes.
        quint64 packed = 0;
        for (std::size_t i = 0; i < length; ++i)
            packed |= quint64(quint8(key[i])) << (8 * i);
        return packed;
    }

    struct Entry
    {
        Type type = Type::Undefined;
        bool boolean = false;
        quint32 keyLength = 0;
        union {
            quint64 keyInline;
            quint32 keyOffset;
        };
        qint32 next = -1; // next sibling
        qint32 prev = -1; // previous sibling
        union {
            qint64 integer;
            double number;
            struct
            {
                quint32 offset;
                quint32 length;
            } text;
            struct
            {
                qint32 first;
                qint32 last;
            } children;
        };
    };
    Entry &add(Type type);
    std::string_view text(quint32 offset, quint32 length) const
    {
        return std::string_view(m_text.data() + offset, length);
    }

    std::vector<Entry> m_nodes;
    std::string m_text;
    std::vector<qint32> m_open;
    quint64 m_key = 0; // the next member's key: inline, or its offset in m_text
    quint32 m_keyLength = 0;
};

JsonTree::Node JsonTree::Node::value(std::string_view key) const
{
    if (type() != Type::Object)
        return {};
    const std::vector<Entry> &nodes = m_tree->m_nodes;
    const bool packed = key.size() <= InlineKey;
    const quint64 want = packed ? packKey(key.data(), key.size()) : 0;
    // From the last member back: the last of two equal keys is the one that counts.
    for (qint32 i = nodes[m_index].children.last; i >= 0; i = nodes[i].prev) {
        const Entry &e = nodes[i];
        if (e.keyLength != key.size())
            continue;
        if (packed ? e.keyInline == want
                   : std::memcmp(m_tree->m_text.data() + e.keyOffset, key.data(), key.size()) == 0)
            return Node(m_tree, i);
    }
    return {};
}

JsonTree::Node JsonTree::Node::firstChild() const
{
    const Type t = type();
    if (t != Type::Array && t != Type::Object)
        return {};
    const qint32 first = m_tree->m_nodes[m_index].children.first;
    return first < 0 ? Node() : Node(m_tree, first);
}

JsonTree::Node JsonTree::Node::nextSibling() const
{
    if (!m_tree)
        return {};
    const qint32 next = m_tree->m_nodes[m_index].next;
    return next < 0 ? Node() : Node(m_tree, next);
}

bool JsonTree::Node::is(std::string_view text) const
{
    if (type() != Type::String)
        return false;
    const Entry &e = m_tree->m_nodes[m_index];
    if (e.text.length != text.size())
        return false;
    // Byte by byte: the names compared are short, and a memcmp call costs more than they do.
    const char *s = m_tree->m_text.data() + e.text.offset;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (s[i] != text[i])
            return false;
    }
    return true;
}

std::string_view JsonTree::Node::key() const
{
    if (!m_tree)
        return {};
    const Entry &e = m_tree->m_nodes[m_index];
    if (e.keyLength <= InlineKey)
        return std::string_view(reinterpret_cast<const char *>(&e.keyInline), e.keyLength);
    return m_tree->text(e.keyOffset, e.keyLength);
}

} // namespace Loopscope
