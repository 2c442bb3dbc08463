#include "tracerdecoder.h"

#include "tracerecorder.h"
#include "tracewriter.h"

#include <algorithm>
#include <charconv>

namespace Loopscope {

namespace {

// Splits a line at tabs into at most N fields (the last takes the rest: a text may hold
// escaped tabs only, so this is exact).
template<std::size_t N>
std::size_t split(std::string_view line, std::string_view (&out)[N])
{
    std::size_t n = 0;
    while (n + 1 < N) {
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos)
            break;
        out[n++] = line.substr(0, tab);
        line.remove_prefix(tab + 1);
    }
    out[n++] = line;
    return n;
}

bool number(std::string_view text, qint64 *out)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size();
}

template<typename E>
bool named(std::string_view text, E count, const char *(*name)(E), E *out)
{
    for (int i = 0; i < int(count); ++i) {
        if (text == name(E(i))) {
            *out = E(i);
            return true;
        }
    }
    return false;
}

bool kindOf(std::string_view text, UnitKind *out)
{
    return named(text, UnitKind(int(UnitKind::Generator) + 1), &unitKindName, out);
}

bool stateOf(std::string_view text, UnitState *out)
{
    return named(text, UnitState(int(UnitState::Ready) + 1), &unitStateName, out);
}

bool outcomeOf(std::string_view text, Outcome *out)
{
    return named(text, Outcome(int(Outcome::NeverAwaited) + 1), &outcomeName, out);
}

bool causeOf(std::string_view text, CancelCause *out)
{
    return !text.empty()
        && named(text, CancelCause(int(CancelCause::Gather) + 1), &cancelCauseName, out);
}

} // namespace

TracerDecoder::TracerDecoder(TraceRecorder *recorder)
    : m_recorder(recorder)
{
}

QString TracerDecoder::unescape(std::string_view text)
{
    if (text.find('\\') == std::string_view::npos)
        return QString::fromUtf8(text.data(), qsizetype(text.size()));
    std::string plain;
    plain.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            switch (text[++i]) {
            case 't':
                c = '\t';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            default:
                c = text[i];
            }
        }
        plain.push_back(c);
    }
    return QString::fromStdString(plain);
}

void TracerDecoder::feed(const char *data, std::size_t size)
{
    std::string_view chunk(data, size);
    while (!chunk.empty()) {
        const std::size_t nl = chunk.find('\n');
        if (nl == std::string_view::npos) {
            m_pending.append(chunk);
            break;
        }
        if (m_pending.empty()) {
            decode(chunk.substr(0, nl));
        } else {
            m_pending.append(chunk.substr(0, nl));
            decode(m_pending);
            m_pending.clear();
        }
        chunk.remove_prefix(nl + 1);
    }
    // What a reader sees now is all that came (a Created may wait for the stream's next event).
    m_recorder->flush();
}

void TracerDecoder::finish()
{
    if (!m_pending.empty()) {
        decode(m_pending);
        m_pending.clear();
    }
    m_recorder->flush();
}

quint32 TracerDecoder::unitFor(qint64 tracerId)
{
    if (tracerId <= 0 || tracerId > (qint64(1) << 31))
        return 0;
    if (std::size_t(tracerId) >= m_units.size())
        m_units.resize(std::size_t(tracerId) + 1, 0);
    quint32 &id = m_units[std::size_t(tracerId)];
    if (!id)
        id = m_recorder->newUnitId();
    return id;
}

qint64 TracerDecoder::runNs(qint64 tracerNs) const
{
    const qint64 origin = m_originNs.load(std::memory_order_relaxed);
    return origin == Unset ? 0 : std::max<qint64>(0, tracerNs - origin);
}

bool TracerDecoder::created(const TraceWriter &w, qint64 id, UnitKind kind, qint64 parent,
                            std::string_view label, qint64 loop)
{
    const quint32 unit = unitFor(id);
    if (!unit)
        return false;
    const quint16 parentLoop = parent > 0 && parent < qint64(m_loops.size())
                                   ? m_loops[std::size_t(parent)]
                                   : 0;
    const quint16 onLoop = loop > 0 ? quint16(loop - 1) : parentLoop;
    if (std::size_t(id) >= m_loops.size())
        m_loops.resize(std::size_t(id) + 1, 0);
    m_loops[std::size_t(id)] = onLoop;
    w.created(unit, kind, parent > 0 ? unitFor(parent) : 0, m_recorder->intern(unescape(label)),
              onLoop);
    m_unitCount.fetch_add(1, std::memory_order_relaxed);
    return true;
}

quint32 TracerDecoder::placeText(qint64 place) const
{
    return place > 0 && std::size_t(place) < m_places.size() ? m_places[std::size_t(place)] : 0;
}

void TracerDecoder::bad(std::string_view line, const char *why)
{
    if (m_firstError.isEmpty())
        m_firstError = QStringLiteral("tracer line '%1': %2")
                           .arg(QString::fromUtf8(line.data(), qsizetype(std::min<std::size_t>(
                                                                   line.size(), 80))),
                                QLatin1String(why));
}

void TracerDecoder::decode(std::string_view line)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.empty())
        return;
    std::string_view f[7];
    const std::size_t n = split(line, f);
    const char letter = f[0].size() == 1 ? f[0][0] : '?';
    if (letter == 'H') {
        if (n >= 3)
            m_pythonVersion = QString::fromUtf8(f[2].data(), qsizetype(f[2].size()));
        return;
    }
    if (letter == 'P' || letter == 'X')
        return; // parameters are read from the source; loops are not drawn apart yet
    if (letter == 'A') {
        qint64 id = 0;
        if (n < 3 || !number(f[1], &id) || id <= 0 || id > (qint64(1) << 24))
            return bad(line, "not A id place");
        if (std::size_t(id) >= m_places.size())
            m_places.resize(std::size_t(id) + 1, 0);
        m_places[std::size_t(id)] = m_recorder->intern(unescape(f[2]));
        return;
    }
    qint64 t = 0;
    if (n < 2 || !number(f[1], &t))
        return bad(line, "no time");
    if (letter == 'C' && m_originNs.load(std::memory_order_relaxed) == Unset)
        m_originNs.store(t, std::memory_order_relaxed);
    const qint64 at = runNs(t);
    const TraceWriter w(m_recorder, at);
    qint64 a = 0, b = 0;
    switch (letter) {
    case 'C': {
        UnitKind kind;
        if (n < 6 || !number(f[2], &a) || !kindOf(f[3], &kind) || !number(f[4], &b))
            return bad(line, "not C t id kind parent label");
        // The tracer numbers loops from 1 and names one only once there are several; without,
        // the unit runs on its parent's.
        qint64 loop = 0;
        if (n >= 7 && (!number(f[6], &loop) || loop < 1 || loop > 0xffff))
            return bad(line, "bad loop");
        if (!created(w, a, kind, b, f[5], loop))
            return bad(line, "bad id");
        break;
    }
    case 'I': {
        // An inline unit starts: its C, its parent waiting at the place, the unit running.
        UnitKind kind;
        qint64 place = 0;
        if (n < 7 || !number(f[2], &a) || !kindOf(f[3], &kind) || !number(f[4], &b)
            || !number(f[6], &place))
            return bad(line, "not I t id kind parent label place");
        if (!created(w, a, kind, b, f[5], 0))
            return bad(line, "bad id");
        w.stateChanged(unitFor(b), UnitState::Waiting, 0, placeText(place));
        w.stateChanged(unitFor(a), UnitState::Running, 0, 0);
        break;
    }
    case 'J':
        // An inline unit returned: it completed, its parent runs again.
        if (n < 4 || !number(f[2], &a) || !number(f[3], &b))
            return bad(line, "not J t id parent");
        w.finished(unitFor(a), Outcome::Completed, 0);
        w.stateChanged(unitFor(b), UnitState::Running, 0, 0);
        break;
    case 'S': {
        UnitState state;
        qint64 lane = 0, place = 0;
        if (n < 4 || !number(f[2], &a) || !stateOf(f[3], &state)
            || (n >= 5 && !number(f[4], &lane)) || (n >= 6 && !number(f[5], &place)))
            return bad(line, "not S t id state lane [place]");
        w.stateChanged(unitFor(a), state, quint16(std::clamp<qint64>(lane, 0, 0xffff)),
                       placeText(place));
        break;
    }
    case 'F': {
        Outcome outcome;
        if (n < 4 || !number(f[2], &a) || !outcomeOf(f[3], &outcome))
            return bad(line, "not F t id outcome error");
        const QString error = n >= 5 ? unescape(f[4]) : QString();
        w.finished(unitFor(a), outcome, error.isEmpty() ? 0 : m_recorder->intern(error));
        break;
    }
    case 'K': {
        CancelCause cause;
        if (n < 5 || !number(f[2], &a) || !causeOf(f[3], &cause) || !number(f[4], &b))
            return bad(line, "not K t id reason by");
        w.cancelledBy(unitFor(a), cause, b > 0 ? unitFor(b) : 0);
        break;
    }
    case 'L':
        if (n < 4 || !number(f[2], &a) || !number(f[3], &b))
            return bad(line, "not L t from to");
        w.linked(unitFor(a), unitFor(b));
        break;
    case 'N':
        if (n < 4 || !number(f[3], &b))
            return bad(line, "not N t name value");
        w.counter(m_recorder->intern(unescape(f[2])), b);
        break;
    case 'G':
        if (n < 3 || !number(f[2], &a) || (n >= 4 && (!number(f[3], &b) || b < 1 || b > 0xffff)))
            return bad(line, "not G t lag [loop]");
        w.loopLag(a, n >= 4 ? quint16(b - 1) : 0);
        break;
    case 'R':
        if (n < 4 || !number(f[2], &a))
            return bad(line, "not R t id label");
        w.relabelled(unitFor(a), m_recorder->intern(unescape(f[3])));
        break;
    case 'D':
        if (n < 4 || !number(f[2], &a) || !number(f[3], &b))
            return bad(line, "not D t id deadline");
        TraceWriter(m_recorder, runNs(b)).deadline(unitFor(a));
        break;
    case 'O':
        if (n < 4 || (f[2] != "1" && f[2] != "2"))
            return bad(line, "not O t stream text");
        w.output(m_recorder->intern(unescape(f[3])),
                 f[2] == "2" ? OutputStream::Stderr : OutputStream::Stdout);
        break;
    case 'W':
        if (n < 4 || !number(f[3], &b))
            return bad(line, "not W t name id");
        w.holder(m_recorder->intern(unescape(f[2])), b > 0 ? unitFor(b) : 0);
        break;
    case 'E':
        if (n < 3 || !number(f[2], &a))
            return bad(line, "not E t status");
        m_sawEnd = true;
        m_endStatus = int(a);
        m_endNs = at;
        break;
    default:
        return bad(line, "unknown event");
    }
    if (at > m_lastNs.load(std::memory_order_relaxed))
        m_lastNs.store(at, std::memory_order_relaxed);
}

} // namespace Loopscope
