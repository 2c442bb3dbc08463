#pragma once

#include "jsoninput.h"
#include "jsontree.h"
#include "traceeventcapture.h"

#include <QString>

namespace Loopscope {

//! Streams a Chrome trace document (object form `{"traceEvents": [...], "otherData": {...}}` or
//! array form `[...]`) through RapidJSON's SAX reader and hands each event to a Sink as a
//! JsonTree, one at a time, so that memory follows one event, not the file. otherData comes as a
//! tree too; every other top-level member is skipped unbuilt (only its key is noted). An event
//! object the sink wants captured (captureEvents()) comes as a TraceEventCapture instead, without
//! a tree, as long as the capture takes all of it; else, or if the sink declines it, as a tree.
//!
//! The parse goes on to the end of the document even after the sink has seen enough, so that a
//! document that is not JSON is always reported as such (and that error wins over the sink's).
//! Nesting deeper than MaxDepth is an error, as in QJsonDocument. The parse recurses once per
//! level of nesting, so MaxDepth bounds its stack: about 160 KB in a release build, under 400 KB
//! in the dev build (a thread's default stack is 8 MB), whatever the input. Not thread-safe; any
//! thread.
class TraceJsonParser
{
public:
    static constexpr int MaxDepth = 1024;

    class Sink
    {
    public:
        virtual ~Sink() = default;
        //! The events array opened (traceEvents, or the top level in array form).
        virtual void eventsBegin() { }
        //! Element `index` of the events array, of any type.
        virtual void event(const JsonTree::Node &event, qsizetype index) = 0;
        //! The top-level otherData member, of any type.
        virtual void otherData(const JsonTree::Node &other) = 0;
        //! Asked as each object element of the events array opens: whether to try capturing it.
        virtual bool captureEvents() { return false; }
        //! Element `index`, captured whole. false: not read; it comes again, as a tree, to event().
        virtual bool capturedEvent(const TraceEventCapture &, qsizetype) { return false; }
    };

    struct Result
    {
        //! "" if the document is JSON, else one line: `not JSON: ... at offset N` (or the
        //! input's own error: a device, gzip or cancel problem; then inputFailed).
        QString error;
        bool inputFailed = false;
        JsonTree::Type rootType = JsonTree::Type::Undefined;
        //! The type of the top-level traceEvents member (Undefined: none).
        JsonTree::Type eventsType = JsonTree::Type::Undefined;
        //! Which other members the top-level object has (to recognise a summary).
        bool hasTasks = false;
        bool hasScenario = false;
    };

    static Result parse(JsonInput &input, Sink &sink);
};

} // namespace Loopscope
