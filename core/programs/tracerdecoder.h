#pragma once

#include "traceevent.h"

#include <QString>

#include <atomic>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace Loopscope {

class TraceRecorder;
class TraceWriter;

//! Turns the event lines of our Python tracer (resources/python/tracer/loopscope_tracer.py)
//! into trace events, through TraceWriter: the one decoder of the tracer's protocol.
//!
//! The protocol: one event per line, fields separated by a tab; a letter, then (for timed
//! events) a time in ns of CLOCK_MONOTONIC (or the tracer's virtual clock), then the event's
//! fields; text fields escape backslash, tab, newline and carriage return. See the tracer's
//! header for every letter. Times become run times: ns since the first unit was created
//! (asyncio.run's main), earlier times count as 0. A line that cannot be read is skipped and
//! the first one is kept for the error message; decoding goes on.
//!
//! One thread feeds it (the pipe's reader); it alone writes the recorder's loop stream.
//! lastNs(), originNs() and the counters may be read from any thread.
class TracerDecoder
{
public:
    explicit TracerDecoder(TraceRecorder *recorder);

    //! Decodes the complete lines in data; a partial last line waits for the next call.
    void feed(const char *data, std::size_t size);
    //! The stream ended: a last line without a newline is decoded too.
    void finish();

    //! The latest event time (run ns).
    qint64 lastNs() const { return m_lastNs.load(std::memory_order_relaxed); }
    //! The tracer clock's time of run time 0, or Unset before the first unit.
    qint64 originNs() const { return m_originNs.load(std::memory_order_relaxed); }
    static constexpr qint64 Unset = std::numeric_limits<qint64>::min();
    //! Units created so far.
    int unitCount() const { return m_unitCount.load(std::memory_order_relaxed); }
    //! The E line was read: the program ended (not killed) with this status.
    bool sawEnd() const { return m_sawEnd; }
    int endStatus() const { return m_endStatus; }
    //! The run time of the E line (the program's end), or -1.
    qint64 endNs() const { return m_endNs; }
    QString pythonVersion() const { return m_pythonVersion; }
    //! The first line that could not be read, with its reason; empty if none.
    QString firstError() const { return m_firstError; }

    //! Undoes the protocol's escapes (\\, \t, \n, \r).
    static QString unescape(std::string_view text);

private:
    void decode(std::string_view line);
    quint32 unitFor(qint64 tracerId);
    //! A C or I: unit `id` of `kind` under `parent`, on loop `loop` (from 1; 0: its parent's).
    //! False for an id out of range.
    bool created(const TraceWriter &w, qint64 id, UnitKind kind, qint64 parent,
                 std::string_view label, qint64 loop);
    //! The interned text of place `place` (its A), 0 if none.
    quint32 placeText(qint64 place) const;
    qint64 runNs(qint64 tracerNs) const;
    void bad(std::string_view line, const char *why);

    TraceRecorder *m_recorder;
    std::string m_pending;
    std::vector<quint32> m_units; //!< index = the tracer's id
    std::vector<quint32> m_places; //!< index = the tracer's place id (A), value: interned text
    std::vector<quint16> m_loops;  //!< index = the tracer's id: the unit's loop (0-based)
    std::atomic<qint64> m_lastNs{0};
    std::atomic<qint64> m_originNs{Unset};
    std::atomic<int> m_unitCount{0};
    bool m_sawEnd = false;
    int m_endStatus = 0;
    qint64 m_endNs = -1;
    QString m_pythonVersion;
    QString m_firstError;
};

} // namespace Loopscope
