#pragma once

#include "tracedata.h"
#include "tracerecorder.h"

#include <QHash>

#include <deque>

#include <limits>

namespace Loopscope {

//! Turns TraceEvents into TraceData, incrementally: call update() as often as you like (the GUI
//! does at display rate while a run goes on); each call reads only what is new. A bounded
//! update applies at most so many events and keeps the rest for the next call, so that a burst
//! of a big run (a million tasks created in one loop turn) spreads over several frames.
//! Not thread-safe itself: one builder per reading thread.
class TraceBuilder
{
public:
    explicit TraceBuilder(const TraceRecorder *recorder = nullptr);

    //! Reads new events from the recorder given at construction, at most about maxEvents of them
    //! (what is left waits in the recorder for the next call). Returns true if anything changed;
    //! false: the builder has caught up with the recorder.
    bool update(std::size_t maxEvents = std::numeric_limits<std::size_t>::max());
    //! Applies events directly (from a recorder's readNew, or a test). The one decoder of what
    //! TraceWriter encodes; it keeps TraceData::lastEventNs as it goes.
    void apply(const std::vector<TraceEvent> &events, const TraceRecorder &strings)
    {
        apply(events.data(), events.data() + events.size(), strings);
    }
    void apply(const TraceEvent *begin, const TraceEvent *end, const TraceRecorder &strings);

    const TraceData &data() const { return m_data; }
    TraceData &data() { return m_data; }
    TraceData take() { return std::move(m_data); }

private:
    UnitRecord &unit(quint32 id);
    void setState(UnitRecord &u, qint64 t, UnitState state, quint16 lane, quint32 at);
    //! Resource name's holder changes from t on to unit (0: free).
    void setHolder(quint32 name, qint64 t, quint32 unit, const TraceRecorder &strings);
    //! The text of a recorder string id, from m_strings (filled a batch at a time).
    const QString &text(const TraceRecorder &strings, quint32 id);
    //! The TraceData::places index for a recorder string id (0 for 0).
    quint32 place(quint32 stringId, const TraceRecorder &strings);

    const TraceRecorder *m_recorder;
    TraceRecorder::Cursor m_cursor;
    std::vector<TraceEvent> m_buffer;
    TraceData m_data;
    QHash<quint32, int> m_counterIndex;
    QHash<quint32, int> m_holderIndex;
    QHash<quint32, quint32> m_placeIndex;
    //! The strings of m_stringSource read so far (index = id): one lock for a batch of labels.
    std::deque<QString> m_strings;
    const TraceRecorder *m_stringSource = nullptr;
};

} // namespace Loopscope
