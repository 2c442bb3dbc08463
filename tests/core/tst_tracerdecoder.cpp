// The tracer's protocol as TracerDecoder reads it: the lines a traced program's tracer writes
// become the same TraceData a scenario run leaves (places, cancel causes, loops).
#include <catch2/catch.hpp>

#include "tracebuilder.h"
#include "programs/tracerdecoder.h"
#include "tracerecorder.h"

#include <string>

using namespace Loopscope;

namespace {

constexpr qint64 Ms = 1'000'000;

TraceData decode(const std::string &lines)
{
    TraceRecorder recorder;
    TracerDecoder decoder(&recorder);
    decoder.feed(lines.data(), lines.size());
    decoder.finish();
    INFO(decoder.firstError().toStdString());
    REQUIRE(decoder.firstError().isEmpty());
    TraceBuilder builder(&recorder);
    builder.update();
    return builder.take();
}

const UnitRecord &unit(const TraceData &data, quint32 id)
{
    REQUIRE(data.unit(id));
    return *data.unit(id);
}

} // namespace

TEST_CASE("TracerDecoder: a waiting or queued S names its place by an A", "[programs][decoder]")
{
    const TraceData data = decode("H\t1\t3.11.2\t1\n"
                                  "C\t1000000\t1\tmain\t0\tmain()\n"
                                  "S\t1000000\t1\trunning\t0\n"
                                  "A\t1\tprog.py:12\n"
                                  "S\t2000000\t1\twaiting\t0\t1\n"
                                  "A\t2\tprog.py:14\n"
                                  "S\t3000000\t1\trunning\t0\n"
                                  "S\t4000000\t1\tqueued\t0\t2\n"
                                  "S\t5000000\t1\twaiting\t0\t1\n"
                                  "S\t6000000\t1\trunning\t0\n");
    const auto &iv = unit(data, 1).intervals;
    REQUIRE(iv.size() == 6); // the zero-length pending gives way to running
    CHECK(data.placeOf(iv[0]).isEmpty()); // running: no place
    CHECK(data.placeOf(iv[1]) == QStringLiteral("prog.py:12"));
    CHECK(iv[1].startNs == 1 * Ms); // run time: since main was created
    CHECK(data.placeOf(iv[2]).isEmpty());
    CHECK(data.placeOf(iv[3]) == QStringLiteral("prog.py:14"));
    CHECK(iv[3].state == UnitState::Queued);
    CHECK(data.placeOf(iv[4]) == QStringLiteral("prog.py:12"));
    CHECK(data.placeOf(iv[5]).isEmpty());
    CHECK(data.places.size() == 2); // each place once
}

TEST_CASE("TracerDecoder: K says what cancelled a unit", "[programs][decoder]")
{
    const TraceData data = decode("C\t0\t1\tmain\t0\tmain()\n"
                                  "C\t0\t2\ttask\t1\titem 1\n"
                                  "C\t0\t3\ttask\t1\titem 2\n"
                                  "C\t0\t4\ttask\t1\tslow()\n"
                                  "F\t1000\t3\tfailed\tValueError: boom\n"
                                  "K\t1000\t2\ttaskgroup\t3\n"
                                  "F\t1000\t2\tcancelled\t\n"
                                  "K\t2000\t4\ttimeout\t0\n"
                                  "F\t2000\t4\ttimed_out\t\n");
    const UnitRecord &sibling = unit(data, 2);
    CHECK(sibling.outcome == Outcome::Cancelled);
    CHECK(sibling.cancelCause == CancelCause::TaskGroup);
    CHECK(sibling.cancelledBy == 3);
    CHECK(unit(data, 3).cancelCause == CancelCause::None);
    CHECK(unit(data, 4).cancelCause == CancelCause::Timeout);
    CHECK(unit(data, 4).cancelledBy == 0);
}

TEST_CASE("TracerDecoder: a unit's loop is its C's, else its parent's", "[programs][decoder]")
{
    const TraceData data = decode("X\t0\t1\n"
                                  "C\t0\t1\tmain\t0\tmain(1)\n"
                                  "C\t0\t2\ttask\t1\tfirst loop's task\n"
                                  "X\t0\t2\n"
                                  "C\t0\t3\tmain\t0\tmain(2)\t2\n"
                                  "C\t0\t4\ttask\t3\tsecond loop's task\t2\n"
                                  "C\t0\t5\tcoroutine\t4\tinline()\n"
                                  "C\t0\t6\ttask\t1\tfirst loop's, said\t1\n"
                                  "G\t9000000\t7000000\n"
                                  "G\t9000000\t8000000\t2\n");
    CHECK(unit(data, 1).loop == 0);
    CHECK(unit(data, 2).loop == 0);
    CHECK(unit(data, 3).loop == 1);
    CHECK(unit(data, 4).loop == 1);
    CHECK(unit(data, 5).loop == 1); // inherited from its parent
    CHECK(unit(data, 6).loop == 0);
    REQUIRE(data.loopLag.size() == 2);
    CHECK(data.loopLag[0].loop == 0);
    CHECK(data.loopLag[1].loop == 1);
    CHECK(data.loopLag[1].lagNs == 8 * Ms);
}

TEST_CASE("TracerDecoder: I and J are an inline unit's C, S, S and F, S", "[programs][decoder]")
{
    const std::string head = "C\t0\t1\tmain\t0\tmain()\n"
                             "S\t0\t1\trunning\t0\n"
                             "A\t1\tprog.py:7\n";
    const TraceData longForm = decode(head
                                      + "C\t1000\t2\tcoroutine\t1\tvalue_of(1)\n"
                                        "S\t1000\t1\twaiting\t0\t1\n"
                                        "S\t1000\t2\trunning\t0\n"
                                        "F\t3000\t2\tcompleted\t\n"
                                        "S\t3000\t1\trunning\t0\n"
                                        "F\t4000\t1\tcompleted\t\n");
    const TraceData shortForm = decode(head
                                       + "I\t1000\t2\tcoroutine\t1\tvalue_of(1)\t1\n"
                                         "J\t3000\t2\t1\n"
                                         "F\t4000\t1\tcompleted\t\n");
    for (quint32 id : {1u, 2u}) {
        const UnitRecord &a = unit(longForm, id);
        const UnitRecord &b = unit(shortForm, id);
        CHECK(b.kind == a.kind);
        CHECK(b.parent == a.parent);
        CHECK(b.label == a.label);
        CHECK(b.outcome == a.outcome);
        REQUIRE(b.intervals.size() == a.intervals.size());
        for (std::size_t i = 0; i < a.intervals.size(); ++i) {
            CHECK(b.intervals[i].state == a.intervals[i].state);
            CHECK(b.intervals[i].startNs == a.intervals[i].startNs);
            CHECK(b.intervals[i].endNs == a.intervals[i].endNs);
            CHECK(shortForm.placeOf(b.intervals[i]) == longForm.placeOf(a.intervals[i]));
        }
    }
    CHECK(unit(shortForm, 2).outcome == Outcome::Completed);
    CHECK(unit(shortForm, 1).intervals.size() == 3); // running, waiting at prog.py:7, running
    CHECK(shortForm.placeOf(unit(shortForm, 1).intervals[1]) == QStringLiteral("prog.py:7"));
}
