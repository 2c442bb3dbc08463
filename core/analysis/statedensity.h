#pragma once

#include "traceevent.h"

#include <array>
#include <vector>

namespace Loopscope {

struct TraceData;

//! How many units are in each state over a run: the run's time [0, endNs) cut into equal buckets,
//! and per bucket and state the number of units in that state, averaged over the bucket's time
//! (two units waiting for half a bucket each count 1). The driver (main) and holes are left out.
//! An open interval (a live run) lasts to the live edge: the data's latest event, or nowNs if
//! later.
//!
//! Computed once per data change (RunAnalysis owns the run's one), in O(intervals + buckets):
//! whoever draws or reports it reads the buckets, never the units, so an overview of a million
//! lanes costs the same as one of ten. A plain value; pure functions, any thread.
class StateDensity
{
public:
    static constexpr int StateCount = 5;
    static constexpr int DefaultBuckets = 1024;

    StateDensity() = default;
    static StateDensity compute(const TraceData &data, qint64 nowNs = -1,
                                int buckets = DefaultBuckets);

    int bucketCount() const { return m_buckets; }
    //! The end of the time the buckets cover (the start is 0); at least 1 once computed.
    qint64 endNs() const { return m_endNs; }
    //! The bucket a time falls in, clamped to [0, bucketCount() - 1]; -1 if there are none.
    int bucketAt(qint64 timeNs) const;
    //! The time-averaged number of units in state during bucket.
    double count(int bucket, UnitState state) const
    {
        return m_counts[std::size_t(bucket) * StateCount + std::size_t(state)];
    }
    //! The highest count of a state over all buckets (0: never in that state).
    double peak(UnitState state) const { return m_peak[std::size_t(state)]; }
    bool isEmpty() const { return m_buckets == 0; }

private:
    std::vector<float> m_counts; //!< bucket * StateCount + state
    std::array<double, StateCount> m_peak{};
    qint64 m_endNs = 0;
    int m_buckets = 0;
};

} // namespace Loopscope
