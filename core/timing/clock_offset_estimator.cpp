#include "timing/clock_offset_estimator.h"

#include "timing/timing_log.h"

#include <algorithm>

namespace tandem {

ClockOffsetEstimator::ClockOffsetEstimator(int window) : m_window(std::max(1, window)) {}

void ClockOffsetEstimator::addSample(qint64 t1, qint64 t2, qint64 t3, qint64 t4)
{
    if (t4 < t1 || t3 < t2) {
        ++m_rejected;
        qCWarning(lcTiming) << "ignoring an impossible clock sample: t1" << t1 << "t2" << t2 << "t3" << t3 << "t4"
                            << t4;
        return;
    }
    // Differences first: the two clocks' origins are unrelated and may be far apart.
    const qint64 outbound = t2 - t1;
    const qint64 inbound = t3 - t4;
    Sample sample;
    sample.offsetNs = outbound / 2 + inbound / 2 + (outbound % 2 + inbound % 2) / 2;
    // A slightly faster agent clock can make a very short exchange look negative.
    sample.delayNs = std::max<qint64>(0, (t4 - t1) - (t3 - t2));

    m_samples.push_back(sample);
    while (int(m_samples.size()) > m_window)
        m_samples.pop_front();
    qCDebug(lcTiming) << "clock sample: offset" << sample.offsetNs << "ns, delay" << sample.delayNs << "ns; estimate"
                      << offsetNs() << "±" << uncertaintyNs() << "ns";
}

void ClockOffsetEstimator::reset()
{
    m_samples.clear();
    m_rejected = 0;
}

const ClockOffsetEstimator::Sample *ClockOffsetEstimator::best() const
{
    const Sample *best = nullptr;
    // Ties go to the newest sample: the clocks drift, so fresher is better.
    for (const Sample &sample : m_samples) {
        if (!best || sample.delayNs <= best->delayNs)
            best = &sample;
    }
    return best;
}

qint64 ClockOffsetEstimator::offsetNs() const
{
    const Sample *sample = best();
    return sample ? sample->offsetNs : 0;
}

qint64 ClockOffsetEstimator::uncertaintyNs() const
{
    const Sample *sample = best();
    return sample ? (sample->delayNs + 1) / 2 : 0; // rounded up: the bound must hold
}

qint64 ClockOffsetEstimator::roundTripNs() const
{
    const Sample *sample = best();
    return sample ? sample->delayNs : 0;
}

} // namespace tandem
