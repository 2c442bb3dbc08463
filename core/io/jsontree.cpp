#include "jsontree.h"

#include <cmath>

namespace Loopscope {

bool JsonTree::Node::toBool(bool defaultValue) const
{
    return isBool() ? m_tree->m_nodes[m_index].boolean : defaultValue;
}

double JsonTree::Node::toDouble(double defaultValue) const
{
    switch (type()) {
    case Type::Integer:
        return double(m_tree->m_nodes[m_index].integer);
    case Type::Double:
        return m_tree->m_nodes[m_index].number;
    default:
        return defaultValue;
    }
}

qint64 JsonTree::Node::toInteger(qint64 defaultValue) const
{
    switch (type()) {
    case Type::Integer:
        return m_tree->m_nodes[m_index].integer;
    case Type::Double:
        return wholeNumber(m_tree->m_nodes[m_index].number, defaultValue);
    default:
        return defaultValue;
    }
}

qint64 JsonTree::wholeNumber(double d, qint64 defaultValue)
{
    // As QJsonValue: a double counts if it is whole and inside qint64 (2^63 is not).
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0
        && d < 9223372036854775808.0)
        return qint64(d);
    return defaultValue;
}

std::string_view JsonTree::Node::utf8() const
{
    if (!isString())
        return {};
    const Entry &e = m_tree->m_nodes[m_index];
    return m_tree->text(e.text.offset, e.text.length);
}

QString JsonTree::Node::toString() const
{
    const std::string_view s = utf8();
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

void JsonTree::clear()
{
    m_nodes.clear();
    m_text.clear();
    m_open.clear();
    m_key = 0;
    m_keyLength = 0;
}

void JsonTree::setKey(const char *key, std::size_t length)
{
    m_keyLength = quint32(length);
    if (length <= InlineKey) {
        m_key = packKey(key, length);
    } else {
        m_key = m_text.size();
        m_text.append(key, length);
    }
}

JsonTree::Entry &JsonTree::add(Type type)
{
    const qint32 index = qint32(m_nodes.size());
    Entry &e = m_nodes.emplace_back();
    e.type = type;
    e.integer = 0;
    e.keyInline = 0;
    if (!m_open.empty()) {
        if (m_keyLength <= InlineKey)
            e.keyInline = m_key;
        else
            e.keyOffset = quint32(m_key);
        e.keyLength = m_keyLength;
        m_key = 0;
        m_keyLength = 0;
        Entry &parent = m_nodes[m_open.back()];
        if (parent.children.last < 0) {
            parent.children.first = index;
        } else {
            m_nodes[parent.children.last].next = index;
            e.prev = parent.children.last;
        }
        parent.children.last = index;
    }
    return m_nodes[index];
}

void JsonTree::addNull()
{
    add(Type::Null);
}

void JsonTree::addBool(bool value)
{
    add(Type::Bool).boolean = value;
}

void JsonTree::addInteger(qint64 value)
{
    add(Type::Integer).integer = value;
}

void JsonTree::addDouble(double value)
{
    add(Type::Double).number = value;
}

void JsonTree::addString(const char *text, std::size_t length)
{
    const quint32 offset = quint32(m_text.size());
    m_text.append(text, length);
    Entry &e = add(Type::String);
    e.text.offset = offset;
    e.text.length = quint32(length);
}

void JsonTree::beginContainer(Type type)
{
    Entry &e = add(type);
    e.children.first = e.children.last = -1;
    m_open.push_back(qint32(&e - m_nodes.data()));
}

void JsonTree::endContainer()
{
    if (!m_open.empty())
        m_open.pop_back();
}

} // namespace Loopscope
