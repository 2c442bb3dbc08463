#include "statedensity.h"

#include "tracedata.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

StateDensity StateDensity::compute(const TraceData &data, qint64 nowNs, int buckets)
{
    StateDensity d;
    d.m_buckets = std::max(1, buckets);
    d.m_endNs = std::max<qint64>({data.endNs(), nowNs, 1});
    const std::size_t n = std::size_t(d.m_buckets);
    const double bucketNs = double(d.m_endNs) / double(d.m_buckets);
    // Per state: the partial buckets at an interval's ends directly, the whole buckets between
    // as +1 / -1 steps summed afterwards, so a long interval costs two steps, not its buckets.
    std::vector<double> partial(n * StateCount, 0.0), steps((n + 1) * StateCount, 0.0);
    for (const UnitRecord &u : data.units) {
        if (u.id == 0 || u.label.isEmpty() || u.kind == UnitKind::Main)
            continue;
        for (const StateInterval &iv : u.intervals) {
            const qint64 end = iv.endNs < 0 ? d.m_endNs : std::min(iv.endNs, d.m_endNs);
            if (end <= iv.startNs)
                continue;
            const std::size_t s = std::size_t(iv.state);
            const double u0 = std::max(0.0, double(iv.startNs) / bucketNs);
            const double u1 = std::min(double(n), double(end) / bucketNs);
            const std::size_t b0 = std::min(n - 1, std::size_t(u0));
            const std::size_t b1 = std::min(n - 1, std::size_t(u1));
            if (b0 == b1) {
                partial[b0 * StateCount + s] += u1 - u0;
                continue;
            }
            partial[b0 * StateCount + s] += double(b0 + 1) - u0;
            partial[b1 * StateCount + s] += u1 - double(b1);
            steps[(b0 + 1) * StateCount + s] += 1;
            steps[b1 * StateCount + s] -= 1;
        }
    }
    d.m_counts.assign(n * StateCount, 0.0f);
    std::array<double, StateCount> whole{};
    for (std::size_t b = 0; b < n; ++b) {
        for (std::size_t s = 0; s < StateCount; ++s) {
            whole[s] += steps[b * StateCount + s];
            const double c = std::max(0.0, whole[s] + partial[b * StateCount + s]);
            d.m_counts[b * StateCount + s] = float(c);
            d.m_peak[s] = std::max(d.m_peak[s], c);
        }
    }
    return d;
}

int StateDensity::bucketAt(qint64 timeNs) const
{
    if (m_buckets == 0)
        return -1;
    const double b = std::floor(double(timeNs) * m_buckets / double(m_endNs));
    return int(std::clamp(b, 0.0, double(m_buckets - 1)));
}

} // namespace Loopscope
